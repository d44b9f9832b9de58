import { createHash, randomBytes } from 'node:crypto';

/** Keys are stored as SHA-256 of the secret; the secret itself exists only in the client's hands. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export function randomToken(length: number): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const byte of bytes) out += ALPHABET[byte % ALPHABET.length];
  return out;
}

/** A new client secret: `tg-` and 40 random characters (about 238 bits). */
export function newSecret(): string {
  return `tg-${randomToken(40)}`;
}

export function newKeyId(): string {
  return `key_${randomToken(12)}`;
}

/** What lists show so humans can recognise a key: its first characters. */
export function secretPrefix(secret: string): string {
  return secret.slice(0, Math.min(10, secret.length));
}

/**
 * The id of a key whose secret is supplied (config seeding): derived from the secret, so every
 * instance seeding the same config names the key alike (ledger rows, per-key rate windows in
 * Redis) even with separate stores. One-way, like the stored hash.
 */
export function seededKeyId(secret: string): string {
  const digest = createHash('sha256').update(`tollgate-key-id:${secret}`).digest();
  let out = 'key_';
  for (let index = 0; index < 12; index += 1) out += ALPHABET[digest[index]! % ALPHABET.length];
  return out;
}
