/**
 * The preload script: runs sandboxed, before the page, in its own JavaScript world. It hands the
 * page one frozen object of read-only facts, and nothing that can send a message or touch Node:
 * no ipcRenderer, no require, no callbacks into main. Later features add named, typed functions
 * to PounceApi (src/shared/preload-api.ts), never a generic channel.
 */
import { contextBridge } from 'electron';
import { PRELOAD_API_KEY, appVersionFromArguments, type PounceApi } from '../shared/preload-api';

const api = Object.freeze({
  version: appVersionFromArguments(process.argv),
  platform: process.platform,
} satisfies PounceApi);

contextBridge.exposeInMainWorld(PRELOAD_API_KEY, api);
