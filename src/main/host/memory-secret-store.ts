import type { SecretStore, StoredSession } from './host-protocol';

/**
 * A SecretStore that keeps the session in memory only: for tests, benchmarks and the E2E bridge,
 * which run the app service without Electron's safeStorage.
 */
export class MemorySecretStore implements SecretStore {
  private value: StoredSession | null = null;
  load() {
    return Promise.resolve(this.value);
  }
  save(session: StoredSession) {
    this.value = session;
    return Promise.resolve();
  }
  clear() {
    this.value = null;
    return Promise.resolve();
  }
}
