import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/*
 * Sealing of the source secrets the server must read back (HMAC keys: a signature can only be
 * checked by computing it). AES-256-GCM with a random 96-bit IV per seal and the source id as
 * additional data, so a sealed secret copied onto another source's row does not open. The key
 * lives in a file outside the database: a copy of the database alone reveals no secret.
 *
 * Sealed form: `v1.<key id>.<base64(iv | tag | ciphertext)>`; the key id (8 hex digits of the
 * key's SHA-256) names which key sealed it, so a wrong or replaced key file is reported as such.
 */

export const DEFAULT_KEY_FILE = 'source-secrets.key';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

export class SecretBoxError extends Error {}

export class SecretBox {
  readonly keyId: string;

  constructor(private readonly key: Buffer) {
    if (key.length !== KEY_BYTES) throw new SecretBoxError(`the key must be ${KEY_BYTES} bytes`);
    this.keyId = createHash('sha256').update(key).digest('hex').slice(0, 8);
  }

  /** Seals `secret` for the row `context` (the source id). */
  seal(secret: string, context: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
    const sealed = Buffer.concat([iv, cipher.getAuthTag(), ciphertext]).toString('base64');
    return `v1.${this.keyId}.${sealed}`;
  }

  /** Opens what `seal` made for the same context; throws SecretBoxError saying why it cannot. */
  open(sealed: string, context: string): string {
    const [version, keyId, payload, ...rest] = sealed.split('.');
    if (version !== 'v1' || keyId === undefined || payload === undefined || rest.length > 0)
      throw new SecretBoxError('the stored secret is not in a known format');
    if (keyId !== this.keyId)
      throw new SecretBoxError(
        `the secret was sealed with another server key (${keyId}, this server has ${this.keyId}); rotate the secret`,
      );
    const bytes = Buffer.from(payload, 'base64');
    if (bytes.length < IV_BYTES + TAG_BYTES)
      throw new SecretBoxError('the stored secret is truncated');
    const decipher = createDecipheriv('aes-256-gcm', this.key, bytes.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    try {
      return Buffer.concat([
        decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)),
        decipher.final(),
      ]).toString('utf8');
    } catch {
      throw new SecretBoxError('the stored secret does not open with this server key');
    }
  }
}

/** Where the key file is: the configured path, else `<dataDir>/source-secrets.key`. */
export function keyFilePath(sources: { keyFile: string | null }, dataDir: string): string {
  return sources.keyFile ?? join(dataDir, DEFAULT_KEY_FILE);
}

/**
 * Reads the server key, creating it (random, mode 0600) when the file does not exist. Two
 * processes starting at once (server and admin CLI) agree: the file is created exclusively and
 * the loser reads the winner's key.
 *
 *   const box = openSecretBox(keyFilePath(config.sources, config.server.dataDir));
 */
export function openSecretBox(file: string): SecretBox {
  try {
    return new SecretBox(readKey(file));
  } catch (error) {
    if (!isMissing(error)) throw error;
  }
  mkdirSync(dirname(file), { recursive: true });
  try {
    writeFileSync(file, `${randomBytes(KEY_BYTES).toString('base64')}\n`, {
      mode: 0o600,
      flag: 'wx',
    });
  } catch (error) {
    if (!(error instanceof Error && 'code' in error && error.code === 'EEXIST')) throw error;
  }
  return new SecretBox(readKey(file));
}

function readKey(file: string): Buffer {
  const text = readFileSync(file, 'utf8').trim();
  const key = Buffer.from(text, 'base64');
  if (key.length !== KEY_BYTES || key.toString('base64') !== text)
    throw new SecretBoxError(
      `the source key file ${file} must hold ${KEY_BYTES} bytes in base64 (one line)`,
    );
  return key;
}

function isMissing(error: unknown): boolean {
  return error instanceof Error && 'code' in error && error.code === 'ENOENT';
}
