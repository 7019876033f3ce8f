/**
 * The names of the app's IPC methods, and nothing else: the sandboxed preload checks a call
 * against this list before it crosses to main, without bundling zod or the schemas.
 * src/shared/app-api.ts holds a schema for each (a name without one fails the typecheck there).
 */
export const APP_METHOD_NAMES = [
  'session.get',
  'session.signIn',
  'session.signOut',
  'queue.get',
  'lead.get',
  'lead.command',
  'lead.claim',
  'call.start',
  'call.cancel',
  'playbook.get',
  'status.get',
  'rejected.list',
  'rejected.dismiss',
  'sync.now',
  'leads.search',
  'settings.get',
  'settings.set',
  'link.open',
  'board.get',
  'board.charts',
  'board.reassign',
  'board.release',
  'board.repQueue',
  'board.pool',
] as const;
export type AppMethodName = (typeof APP_METHOD_NAMES)[number];

/** The one IPC channel requests go to main on (`ipcRenderer.invoke`). */
export const APP_CALL_CHANNEL = 'pounce:app.call';
/** The one channel main sends AppEvents to the window on. */
export const APP_EVENT_CHANNEL = 'pounce:app.event';
