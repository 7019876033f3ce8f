import { createHash, randomBytes } from 'node:crypto';

/**
 * Bearer secrets: 256 random bits, prefixed so a leaked secret is recognisable in logs and
 * secret scanners (`pnc_s_` user sessions, `pnc_k_` intake API keys). Only their SHA-256 is
 * stored; a slow KDF adds nothing for secrets with this much entropy.
 */
export type SecretKind = 'session' | 'apiKey';

const PREFIX: Record<SecretKind, string> = { session: 'pnc_s_', apiKey: 'pnc_k_' };

export function newSecret(kind: SecretKind): string {
  return PREFIX[kind] + randomBytes(32).toString('base64url');
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

export function secretKind(secret: string): SecretKind | null {
  if (secret.startsWith(PREFIX.session)) return 'session';
  if (secret.startsWith(PREFIX.apiKey)) return 'apiKey';
  return null;
}

/** `Authorization: Bearer <secret>` -> the secret, or null. */
export function bearerToken(header: string | undefined): string | null {
  if (!header) return null;
  const match = /^Bearer\s+([A-Za-z0-9_\-.~+/]+=*)\s*$/i.exec(header);
  return match?.[1] ?? null;
}
