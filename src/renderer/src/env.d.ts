/// <reference types="vite/client" />
// vite/client: types for what Vite resolves at build time (CSS and asset imports, import.meta.env).
import type { PounceApi } from '../../shared/preload-api';

declare global {
  interface Window {
    /** Exposed by src/preload/index.ts; absent when the page runs outside Electron. */
    readonly pounce?: PounceApi;
  }
}
