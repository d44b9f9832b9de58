/** A virtual API key: clients send the secret, the store keeps only its SHA-256. */
export interface VirtualKey {
  id: string;
  name: string;
  orgId: string;
  projectId: string;
  userId: string | null;
  tags: string[];
  /** Whether x-tollgate-project/-user/-tags headers (and OpenAI `user`) may refine attribution. */
  allowAttributionHeaders: boolean;
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
  allowAttributionHeaders?: boolean;
  /** Supply a secret (config-seeded keys); otherwise a random one is generated. */
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
