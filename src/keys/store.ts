import type { KeyLimits } from '../domain/key-limits.ts';

/** A virtual API key: clients send the secret, the store keeps only its SHA-256. */
export interface VirtualKey {
  id: string;
  name: string;
  orgId: string;
  projectId: string;
  userId: string | null;
  tags: string[];
  /**
   * Whether x-tollgate-user/-tags headers and the body's `user`/`metadata` may refine attribution
   * (a user where the key binds none, extra tags). Never the project. Off for new keys unless asked.
   */
  allowAttributionHeaders: boolean;
  /** Rate limits, expiry, allowed models and caps; `{}` when the key has none (keys created before limits existed). */
  limits: KeyLimits;
  createdAtMs: number;
  revokedAtMs: number | null;
  /** First characters of the secret, for humans to recognise a key in lists. */
  prefix: string;
}

export interface CreateKeyInput {
  name: string;
  orgId: string;
  projectId: string;
  userId?: string | null;
  tags?: string[];
  /** Default false: the safer choice (attribution comes from the key alone). */
  allowAttributionHeaders?: boolean;
  limits?: KeyLimits;
  /**
   * Supply a secret (config-seeded keys); otherwise a random one is generated. Creating a key whose
   * secret is already stored updates that key's attribution rights and limits (config is the source
   * of truth for seeded keys) and returns it; its id, creation time and revocation stay.
   */
  secret?: string;
}

export interface KeyStore {
  /** Returns the key and, only this once, its secret. */
  create(input: CreateKeyInput): Promise<{ key: VirtualKey; secret: string }>;
  /** Looks a secret up by hash; revoked keys are returned with `revokedAtMs` set (so the caller can say "revoked"). */
  findBySecret(secret: string): Promise<VirtualKey | undefined>;
  list(): Promise<VirtualKey[]>;
  revoke(id: string, nowMs: number): Promise<boolean>;
  /** Which of these key ids are revoked now (one batched query: the key cache re-checks what it holds). */
  revokedAmong(ids: readonly string[]): Promise<string[]>;
}
