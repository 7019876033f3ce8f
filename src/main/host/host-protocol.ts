import { z } from 'zod';
import {
  APP_ERROR_CODES,
  type AppEvent,
  type AppMethod,
  type AppResult,
  type AppSession,
  AppRequestSchemas,
  AppSettingsSchema,
  type QueueCounts,
} from '../../shared/app-api';
import type { ClientEvent } from '../../shared/client-api';
import { USER_ROLES } from '../../shared/user';
import { describeIssues, fieldIssues } from '../../shared/validation';
import type { Toast } from '../client/notifier';

/*
 * The messages between Electron's main process (src/main/shell) and the app-service host
 * (src/main/host/host.ts, a utility process): one discriminated union each way, checked with zod
 * on arrival on BOTH sides. A message that fails the check is reported (naming the field) and
 * dropped; it never throws. Main and host come from one build, so the version only catches a
 * stale out/ folder.
 *
 *   main -> host   init, request, secret.reply, toast.reply, close
 *   host -> main   ready, fatal, response, event, secret.load|save|clear, toast, toast.withdraw, link.open,
 *                  protocol.error, closed
 *
 * Ids: main numbers its requests, the host numbers its secret and toast asks; each side answers
 * with the id it was given, so the two counters never meet.
 *
 * This file is imported by main, so it imports only types from the client core: the SQLite
 * client must not load in the UI process. It is also where the types the two sides share are
 * defined (the channel to a started host, the kept session and where it is kept): the shell
 * imports from src/main/host only this file and pending-replies.ts (a lint rule), and the host
 * nothing of the shell.
 */

export const HOST_PROTOCOL_VERSION = 1;

const id = z.number().int().positive();

/**
 * What is kept between runs to stay signed in. The token is a secret: see SecretStore. Checked
 * where it crosses between the processes, where the host reads it back, and where the shell's
 * store reads its file.
 */
export const StoredSessionSchema = z.strictObject({
  serverUrl: z.string().min(1),
  token: z.string().min(1),
  user: z.strictObject({ id: z.string(), email: z.string(), name: z.string() }),
});
export type StoredSession = z.infer<typeof StoredSessionSchema>;

/**
 * Where the session is kept. The app's store encrypts it with the OS keychain (Electron's
 * safeStorage, src/main/shell/secret-store.ts) before it touches the disk; tests keep it in
 * memory (src/main/host/memory-secret-store.ts). The host reaches the app's store through main
 * (`secret.*` messages).
 */
export interface SecretStore {
  load(): Promise<StoredSession | null>;
  save(session: StoredSession): Promise<void>;
  clear(): Promise<void>;
}

/**
 * One started host process, however it was started: Electron's utilityProcess in the app
 * (shell/utility-host.ts), child_process.fork in tests and the unpackaged demo
 * (shell/fork-host.ts).
 */
export interface HostChannel {
  postMessage(message: ToHost): void;
  onMessage(listener: (raw: unknown) => void): void;
  onExit(listener: (code: number | null) => void): void;
  kill(): void;
}

const SignInSchema = AppRequestSchemas['session.signIn'];
export type AutoSignIn = z.input<typeof SignInSchema>;

const AppSessionSchema: z.ZodType<AppSession> = z.strictObject({
  serverUrl: z.string(),
  user: z.strictObject({
    id: z.string(),
    email: z.string(),
    name: z.string(),
    role: z.enum(USER_ROLES).optional(),
  }),
});

const QueueCountsSchema: z.ZodType<QueueCounts> = z.strictObject({
  total: z.number().int().nonnegative(),
  untouched: z.number().int().nonnegative(),
});

const ToastSchema: z.ZodType<Toast> = z.strictObject({
  title: z.string().max(500),
  body: z.string().max(2000),
  leadId: z.string().max(64).optional(),
  silent: z.boolean().optional(),
});

const AppErrorSchema = z.strictObject({
  code: z.enum(APP_ERROR_CODES),
  message: z.string(),
  fields: z.array(z.strictObject({ field: z.string(), message: z.string() })).optional(),
});

const AppResultWireSchema = z.discriminatedUnion('ok', [
  z.strictObject({ ok: z.literal(true), value: z.unknown() }),
  z.strictObject({ ok: z.literal(false), error: AppErrorSchema }),
]);

/**
 * Every event type of the client core, so an event of a type main does not know is refused.
 * `satisfies` fails the typecheck when client-api.ts gains or loses one.
 */
const CLIENT_EVENT_TYPES = {
  online: true,
  offline: true,
  synced: true,
  'lead.assigned': true,
  'lead.revoked': true,
  'lead.alert': true,
  notified: true,
  'notify.failed': true,
  queued: true,
  'outcome.acked': true,
  rejected: true,
  'queue.changed': true,
  'playbook.changed': true,
  'call.changed': true,
  stopped: true,
  'invalid.message': true,
  'change.skipped': true,
  'board.message': true,
  'user.changed': true,
} as const satisfies Record<ClientEvent['type'], true>;

/**
 * Events. The four that main itself reads (tray, badge, start at login, window focus) are checked
 * field by field. The client core's events only pass through main to the page, which is built from
 * the same source as the host: they are checked for a known type, not re-validated lead by lead
 * (a burst of 200 leads would otherwise be parsed twice on the UI thread).
 */
const AppEventWireSchema = z
  .union([
    z.strictObject({ type: z.literal('queue.counts'), counts: QueueCountsSchema }),
    z.strictObject({ type: z.literal('settings.changed'), settings: AppSettingsSchema }),
    z.strictObject({ type: z.literal('session.changed'), session: AppSessionSchema.nullable() }),
    z.strictObject({ type: z.literal('lead.focus'), leadId: z.string() }),
    // For the page only (main reads nothing of it), like the client core's events below.
    z.strictObject({ type: z.literal('board.changed'), board: z.looseObject({}) }),
    z.looseObject({
      type: z
        .string()
        .refine((type) => Object.hasOwn(CLIENT_EVENT_TYPES, type), 'is not an app event type'),
    }),
  ])
  // The loose branch is typed { type: string }: the checks above are what makes it an AppEvent.
  .transform((event) => event as AppEvent);

const SecretOutcomeSchema = z.discriminatedUnion('ok', [
  z.strictObject({ ok: z.literal(true), session: StoredSessionSchema.nullable() }),
  z.strictObject({ ok: z.literal(false), message: z.string() }),
]);
export type SecretOutcome = z.infer<typeof SecretOutcomeSchema>;

const ToastOutcomeSchema = z.discriminatedUnion('ok', [
  z.strictObject({ ok: z.literal(true) }),
  z.strictObject({ ok: z.literal(false), message: z.string() }),
]);
export type ToastOutcome = z.infer<typeof ToastOutcomeSchema>;

/** Main -> host. */
export const ToHostSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('init'),
    version: z.literal(HOST_PROTOCOL_VERSION),
    dataDir: z.string().min(1),
    /** Demo only (POUNCE_DEMO_SIGN_IN): sign in with this when no session was kept. */
    autoSignIn: SignInSchema.optional(),
  }),
  z.strictObject({
    kind: z.literal('request'),
    id,
    method: z.string().max(64),
    params: z.unknown(),
  }),
  z.strictObject({ kind: z.literal('secret.reply'), id, outcome: SecretOutcomeSchema }),
  z.strictObject({ kind: z.literal('toast.reply'), id, outcome: ToastOutcomeSchema }),
  z.strictObject({ kind: z.literal('close') }),
]);
export type ToHost = z.input<typeof ToHostSchema>;
export type ToHostMessage = z.output<typeof ToHostSchema>;

/** Host -> main. */
export const FromHostSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('ready'),
    version: z.literal(HOST_PROTOCOL_VERSION),
    session: AppSessionSchema.nullable(),
    settings: AppSettingsSchema,
  }),
  z.strictObject({ kind: z.literal('fatal'), message: z.string() }),
  z.strictObject({ kind: z.literal('response'), id, result: AppResultWireSchema }),
  z.strictObject({ kind: z.literal('event'), event: AppEventWireSchema }),
  z.strictObject({ kind: z.literal('secret.load'), id }),
  z.strictObject({ kind: z.literal('secret.save'), id, session: StoredSessionSchema }),
  z.strictObject({ kind: z.literal('secret.clear'), id }),
  z.strictObject({ kind: z.literal('toast'), id, toast: ToastSchema }),
  /** Take a lead's toast down (a teammate claimed the offer); no answer. */
  z.strictObject({ kind: z.literal('toast.withdraw'), leadId: z.string().min(1).max(64) }),
  z.strictObject({ kind: z.literal('link.open'), url: z.string().max(4096) }),
  z.strictObject({ kind: z.literal('protocol.error'), message: z.string() }),
  z.strictObject({ kind: z.literal('closed') }),
]);
/** What the host sends (events as the AppService emits them, results as `handle` answers). */
export type FromHost =
  | Exclude<z.input<typeof FromHostSchema>, { kind: 'event' } | { kind: 'response' }>
  | { readonly kind: 'event'; readonly event: AppEvent }
  | { readonly kind: 'response'; readonly id: number; readonly result: AppResult<AppMethod> };
export type FromHostMessage = z.output<typeof FromHostSchema>;

export type Parsed<T> =
  { readonly ok: true; readonly message: T } | { readonly ok: false; readonly problem: string };

function parseWith<T>(schema: z.ZodType<T>, raw: unknown): Parsed<T> {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return { ok: true, message: parsed.data };
  const kind = kindOf(raw);
  const issues = describeIssues(fieldIssues(parsed.error)) || 'not a valid message';
  return { ok: false, problem: kind ? `${kind}: ${issues}` : issues };
}

/** The host's check of what main sends. */
export function parseToHost(raw: unknown): Parsed<ToHostMessage> {
  return parseWith(ToHostSchema, raw);
}

/** Main's check of what the host sends. */
export function parseFromHost(raw: unknown): Parsed<FromHostMessage> {
  return parseWith(FromHostSchema, raw);
}

/** The `kind` of a message that failed its check, for the report; only a short plain string. */
function kindOf(raw: unknown): string | null {
  if (typeof raw !== 'object' || raw === null || !('kind' in raw)) return null;
  const { kind } = raw;
  return typeof kind === 'string' && /^[a-z.]{1,32}$/.test(kind) ? kind : null;
}
