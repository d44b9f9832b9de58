/** What `GET /api/routing/analytics` answers (built by `routing-from-rollups.ts`). */
export interface RoutingReport {
  /** Routed requests served (status below 400). */
  routedRequests: number;
  /** Share of routed requests per served model@provider. */
  share: Array<{ target: string; requests: number; sharePercent: number; costUsd: string }>;
  fallbacksFired: number;
  costUsd: string;
  /** What the same requests would have cost on the reference (strong) model. */
  alwaysStrong: { target: string; costUsd: string; savedUsd: string; savedPercent: number } | undefined;
  /**
   * What the learned router decided (routes with `strategy: learned`): its requests served, their
   * share of all routed requests, and where it sent them (strong or weak target). Present when asked for.
   */
  learned?: LearnedShare;
}

export interface LearnedShare {
  requests: number;
  sharePercent: number;
  targets: Array<{ target: string; requests: number; sharePercent: number }>;
}
