import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { StoredSession } from '../../../src/main/host/host-protocol';
import { type SafeStorageLike, SafeSecretStore } from '../../../src/main/shell/secret-store';

/**
 * A stand-in for safeStorage: a real (if toy) cipher, so the bytes on disk are not the JSON, and
 * a wrong key or damaged bytes fail to decrypt as they would with the OS keychain.
 */
class FakeSafeStorage implements SafeStorageLike {
  available = true;
  backend = 'gnome_libsecret';
  reEncrypt = false;
  encrypted = 0;
  constructor(private readonly key = 0x5a) {}
  isAsyncEncryptionAvailable() {
    return Promise.resolve(this.available);
  }
  getSelectedStorageBackend() {
    return this.backend;
  }
  encryptStringAsync(plainText: string) {
    this.encrypted += 1;
    const body = Buffer.from(plainText, 'utf8').map((b) => b ^ this.key);
    return Promise.resolve(Buffer.concat([Buffer.from('v11'), body]));
  }
  decryptStringAsync(encrypted: Buffer) {
    if (encrypted.subarray(0, 3).toString() !== 'v11') {
      return Promise.reject(
        new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.'),
      );
    }
    const text = Buffer.from(encrypted.subarray(3).map((b) => b ^ this.key)).toString('utf8');
    return Promise.resolve({ result: text, shouldReEncrypt: this.reEncrypt });
  }
}

const TOKEN = 'tok_4f1c9b7e2d8a6f3c5b0e9d7a1c3f5e7b9d2a4c6e8f0';
const session: StoredSession = {
  serverUrl: 'https://pounce.example.com',
  token: TOKEN,
  user: { id: 'u-1', email: 'ana@example.com', name: 'Ana' },
};

let dir: string;
let file: string;
let lines: string[];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'pounce-secrets-'));
  file = join(dir, 'session.bin');
  lines = [];
  vi.spyOn(console, 'error').mockImplementation(() => undefined);
});
afterEach(() => {
  vi.restoreAllMocks();
});

function store(cipher: SafeStorageLike, platform: NodeJS.Platform = 'linux') {
  return new SafeSecretStore(file, cipher, { platform, log: (line) => lines.push(line) });
}

describe('SafeSecretStore', () => {
  it('writes the session encrypted: the token is nowhere in the file', async () => {
    const cipher = new FakeSafeStorage();
    await store(cipher).save(session);
    const bytes = readFileSync(file);
    expect(bytes.includes(Buffer.from(TOKEN))).toBe(false);
    expect(bytes.includes(Buffer.from('ana@example.com'))).toBe(false);
    expect(bytes.subarray(0, 3).toString()).toBe('v11');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    // Written through a temp file that is gone afterwards.
    expect(readdirSync(dir)).toEqual(['session.bin']);
  });

  it('reads it back in a new run', async () => {
    const cipher = new FakeSafeStorage();
    await store(cipher).save(session);
    await expect(store(cipher).load()).resolves.toEqual(session);
  });

  it('has nothing to load before the first save, and nothing after clear', async () => {
    const s = store(new FakeSafeStorage());
    await expect(s.load()).resolves.toBeNull();
    await s.save(session);
    await s.clear();
    expect(existsSync(file)).toBe(false);
    await expect(s.load()).resolves.toBeNull();
  });

  it.each([
    ['garbage', Buffer.from('not encrypted at all')],
    ['a truncated file', Buffer.from('v1')],
    ['plain JSON', Buffer.from(JSON.stringify(session))],
  ])('treats %s as no session and removes it', async (_name, bytes) => {
    writeFileSync(file, bytes);
    await expect(store(new FakeSafeStorage()).load()).resolves.toBeNull();
    expect(existsSync(file)).toBe(false);
  });

  it('treats a file from another key as no session', async () => {
    await store(new FakeSafeStorage(0x11)).save(session);
    await expect(store(new FakeSafeStorage(0x22)).load()).resolves.toBeNull();
    expect(existsSync(file)).toBe(false);
  });

  it('treats a decrypted file that is not a session as none', async () => {
    const cipher = new FakeSafeStorage();
    writeFileSync(file, await cipher.encryptStringAsync(JSON.stringify({ token: TOKEN })));
    await expect(store(cipher).load()).resolves.toBeNull();
    expect(existsSync(file)).toBe(false);
  });

  it('re-encrypts when safeStorage asks for it (a rotated key)', async () => {
    const cipher = new FakeSafeStorage();
    await store(cipher).save(session);
    cipher.reEncrypt = true;
    const before = cipher.encrypted;
    await expect(store(cipher).load()).resolves.toEqual(session);
    expect(cipher.encrypted).toBe(before + 1);
  });

  it('with the Linux basic_text backend writes nothing, keeps the session for this run, says so once', async () => {
    const cipher = new FakeSafeStorage();
    cipher.backend = 'basic_text';
    const s = store(cipher);
    await s.save(session);
    expect(existsSync(file)).toBe(false);
    expect(readdirSync(dir)).toEqual([]);
    await expect(s.load()).resolves.toEqual(session);
    await s.save({ ...session, token: `${TOKEN}-2` });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('basic_text');
    // Next run: signed out.
    await expect(store(cipher).load()).resolves.toBeNull();
  });

  it('ignores basic_text outside Linux (the backend only exists there)', async () => {
    const cipher = new FakeSafeStorage();
    cipher.backend = 'basic_text';
    await store(cipher, 'darwin').save(session);
    expect(existsSync(file)).toBe(true);
  });

  it('without encryption writes nothing, and removes an older encrypted session', async () => {
    const cipher = new FakeSafeStorage();
    await store(cipher).save(session);
    cipher.available = false;
    const s = store(cipher);
    await s.save({ ...session, token: 'newer' });
    expect(existsSync(file)).toBe(false);
    await expect(s.load()).resolves.toMatchObject({ token: 'newer' });
    expect(lines[0]).toContain('not available');
  });

  it('keeps the file when the keychain is only unavailable right now', async () => {
    const cipher = new FakeSafeStorage();
    await store(cipher).save(session);
    cipher.available = false;
    await expect(store(cipher).load()).resolves.toBeNull();
    expect(existsSync(file)).toBe(true);
    cipher.available = true;
    await expect(store(cipher).load()).resolves.toEqual(session);
  });

  it('keeps the last of several saves made at once', async () => {
    const cipher = new FakeSafeStorage();
    const s = store(cipher);
    await Promise.all([1, 2, 3].map((n) => s.save({ ...session, token: `token-${n}` })));
    await expect(store(cipher).load()).resolves.toMatchObject({ token: 'token-3' });
  });
});
