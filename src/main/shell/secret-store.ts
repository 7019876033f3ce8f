/**
 * The kept session (server URL, token, user), encrypted with the OS keychain through Electron's
 * safeStorage before it touches the disk. Where the OS offers no real keychain (no keyring on
 * Linux: safeStorage's `basic_text` backend, which only obfuscates), the token is never written:
 * it lives in memory for this run and the rep signs in again next time.
 *
 * safeStorage is an argument, so the store is tested with a fake cipher, without Electron:
 *
 *   const secrets = new SafeSecretStore(join(app.getPath('userData'), 'session.bin'), safeStorage);
 *
 * It uses safeStorage's asynchronous API (Electron 45 deprecates the synchronous one, which can
 * block the UI thread on a keychain prompt).
 */
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { type SecretStore, type StoredSession, StoredSessionSchema } from '../host/host-protocol';

/** The part of Electron's safeStorage this store uses. */
export interface SafeStorageLike {
  isAsyncEncryptionAvailable(): Promise<boolean>;
  encryptStringAsync(plainText: string): Promise<Buffer>;
  decryptStringAsync(
    encrypted: Buffer,
  ): Promise<{ readonly result: string; readonly shouldReEncrypt: boolean }>;
  /** Linux only in Electron; absent (or any other value) elsewhere. */
  getSelectedStorageBackend?(): string;
}

export interface SafeSecretStoreOptions {
  /** process.platform; the `basic_text` check applies on Linux only. */
  readonly platform?: NodeJS.Platform;
  readonly log?: (line: string) => void;
}

export class SafeSecretStore implements SecretStore {
  /** The session of this run when it cannot be written (no keychain). */
  private memory: StoredSession | null = null;
  private warned = false;
  /** Loads and writes one after another, so the file always holds the last save. */
  private tail: Promise<unknown> = Promise.resolve();
  private readonly platform: NodeJS.Platform;
  private readonly log: (line: string) => void;

  constructor(
    private readonly file: string,
    private readonly safeStorage: SafeStorageLike,
    options: SafeSecretStoreOptions = {},
  ) {
    this.platform = options.platform ?? process.platform;
    this.log = options.log ?? ((line) => console.warn(line));
  }

  load(): Promise<StoredSession | null> {
    return this.serial(() => this.loadNow());
  }

  save(session: StoredSession): Promise<void> {
    return this.serial(() => this.saveNow(session));
  }

  clear(): Promise<void> {
    return this.serial(async () => {
      this.memory = null;
      await rm(this.file, { force: true });
    });
  }

  private serial<T>(run: () => Promise<T>): Promise<T> {
    const next = this.tail.then(run);
    this.tail = next.catch(() => undefined);
    return next;
  }

  /** Whether a real keychain protects what is written; says once why not. */
  private async canEncrypt(): Promise<boolean> {
    const available = await this.safeStorage.isAsyncEncryptionAvailable().catch(() => false);
    const backend =
      this.platform === 'linux' ? this.safeStorage.getSelectedStorageBackend?.() : undefined;
    if (available && backend !== 'basic_text') return true;
    if (!this.warned) {
      this.warned = true;
      this.log(
        available
          ? '[secret-store] no OS keyring (Linux password store "basic_text"): the session is kept in memory only; sign in again after a restart'
          : '[secret-store] OS encryption is not available: the session is kept in memory only; sign in again after a restart',
      );
    }
    return false;
  }

  private async loadNow(): Promise<StoredSession | null> {
    if (this.memory) return this.memory;
    let bytes: Buffer;
    try {
      bytes = await readFile(this.file);
    } catch {
      return null;
    }
    // Written while a keychain was there and it is not now (locked, or another desktop
    // session): keep the file for when it is back, and sign in for this run.
    if (!(await this.canEncrypt())) return null;
    let session: StoredSession;
    let shouldReEncrypt: boolean;
    try {
      const decrypted = await this.safeStorage.decryptStringAsync(bytes);
      session = StoredSessionSchema.parse(JSON.parse(decrypted.result));
      shouldReEncrypt = decrypted.shouldReEncrypt;
    } catch {
      // Damaged, truncated, from another machine or key: useless; remove it and sign in again.
      console.error(`[secret-store] ${this.file} could not be read; removing it`);
      await rm(this.file, { force: true });
      return null;
    }
    if (shouldReEncrypt) await this.saveNow(session).catch(() => undefined);
    return session;
  }

  private async saveNow(session: StoredSession): Promise<void> {
    if (!(await this.canEncrypt())) {
      this.memory = session;
      // An older encrypted session must not come back after this one.
      await rm(this.file, { force: true });
      return;
    }
    this.memory = null;
    const encrypted = await this.safeStorage.encryptStringAsync(JSON.stringify(session));
    await writeAtomically(this.file, encrypted);
  }
}

/** Temp file, fsync, rename: a crash leaves the old file or the new one, never half of one. */
async function writeAtomically(file: string, data: Buffer): Promise<void> {
  const temp = `${file}.tmp`;
  await mkdir(dirname(file), { recursive: true });
  await rm(temp, { force: true });
  // 'wx': a fresh file, created with 0600, never an existing one with wider permissions.
  const handle = await open(temp, 'wx', 0o600);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temp, file);
}
