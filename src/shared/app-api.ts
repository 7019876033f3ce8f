import { z } from 'zod';
import { APP_METHOD_NAMES, type AppMethodName } from './app-methods';
import { CHART_DAYS } from './board-charts';
import type { BoardCharts } from './board-charts';
import type { BoardLead, BoardState, RepQueueItem } from './board-view';
import {
  type ClientCommand,
  ClientCommandSchema,
  type ClientEvent,
  type LocalLead,
  type OpenCall,
  type RejectedChange,
  type SyncStatus,
} from './client-api';
import type { Lead } from './lead';
import type { Playbook } from './playbook';
import type { QueueRow } from './priority';
import { serverAddressPolicy } from './server-address';
import type { UserRole } from './user';

/*
 * The desktop app's one IPC contract: what the renderer may ask of the app, and what it is told.
 *
 * Defined once, here, for every side: the preload exposes `call` for these methods only, on one
 * fixed channel (never a raw ipcRenderer), main validates every request with these schemas before
 * anything runs, and the E2E test bridge carries the same requests over a WebSocket. A method not
 * listed here does not exist.
 *
 *   const result = await window.pounce.app.call('lead.command', { type: 'markSeen', leadId });
 *   if (!result.ok) show(result.error.message);
 */

const leadId = z.string().regex(/^[0-9a-f-]{36}$/, 'must be a lead id');
/** Team and user ids go into URL paths: a plain token, never a path or a query. */
const recordId = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, 'must be an id');
const empty = z.strictObject({});

/** The two lists of a team's leads nobody holds: waiting for a rep, and back with marketing. */
export const BOARD_POOLS = ['unassigned', 'nurture'] as const;
export type BoardPool = (typeof BOARD_POOLS)[number];

export const THEMES = ['system', 'light', 'dark'] as const;
export type Theme = (typeof THEMES)[number];

/** The rep's preferences, kept by the app in its data folder (not synced). */
export const AppSettingsSchema = z.strictObject({
  theme: z.enum(THEMES),
  /** No toasts at all while on (the queue still updates; the status bar says so). */
  doNotDisturb: z.boolean(),
  /** Toasts make the OS's notification sound. */
  sound: z.boolean(),
  /** The app starts with the OS session (Electron's login item). */
  startAtLogin: z.boolean(),
});
export type AppSettings = z.infer<typeof AppSettingsSchema>;
export const AppSettingsPatchSchema = AppSettingsSchema.partial();

export const DEFAULT_APP_SETTINGS: AppSettings = {
  theme: 'system',
  doNotDisturb: false,
  sound: true,
  startAtLogin: false,
};

/** Parameters of each method, validated in main. */
export const AppRequestSchemas = {
  /** Who is signed in, to which server (null: show the sign-in screen). */
  'session.get': empty,
  /**
   * https:// anywhere; http:// only to this computer or a private network, and only with
   * `allowInsecureHttp: true`, the user's yes in the sign-in form (src/shared/server-address.ts).
   */
  'session.signIn': z
    .strictObject({
      serverUrl: z.string().trim().max(2048),
      email: z.string().trim().min(1, 'is required').max(254),
      password: z.string().min(1, 'is required').max(1024),
      allowInsecureHttp: z.boolean().optional(),
    })
    .superRefine((p, ctx) => {
      const verdict = serverAddressPolicy(p.serverUrl);
      if (!verdict.ok) {
        ctx.addIssue({ code: 'custom', path: ['serverUrl'], message: verdict.reason });
      } else if (verdict.insecure && p.allowInsecureHttp !== true) {
        ctx.addIssue({
          code: 'custom',
          path: ['allowInsecureHttp'],
          message: 'must be true to sign in over http:// (unencrypted): confirm it in the form',
        });
      }
    }),
  'session.signOut': empty,
  /**
   * A window of the queue in priority order, as of the app's clock now: `limit` rows from
   * `offset` (default: all). With `selectedId`, the answer also says where that lead is now and
   * carries its row, so the page can follow it wherever it moved.
   */
  'queue.get': z.strictObject({
    offset: z.number().int().min(0).max(1_000_000).optional(),
    limit: z.number().int().min(1).max(50_000).optional(),
    selectedId: leadId.optional(),
  }),
  'lead.get': z.strictObject({ id: leadId }),
  /** A change the rep makes: an outcome, a note, a callback, seen, availability. */
  'lead.command': ClientCommandSchema,
  /** Claim mode: take a lead offered to the team (online only; first to claim wins). */
  'lead.claim': z.strictObject({ leadId }),
  /** The rep is calling this lead: the app keeps them on it until its outcome is logged. */
  'call.start': z.strictObject({ leadId }),
  /** The open call did not happen: nothing to log. */
  'call.cancel': empty,
  /** The team's outcomes (labels, keys, reason codes), retry ladder and calling hours. */
  'playbook.get': empty,
  'status.get': empty,
  'rejected.list': empty,
  'rejected.dismiss': z.strictObject({ mutationId: z.number().int().positive() }),
  'sync.now': empty,
  /**
   * Leads this app holds (open, and closed within the server's history window) whose name,
   * company, email or phone matches, newest first (docs/sync-protocol.md, "History").
   */
  'leads.search': z.strictObject({
    query: z.string().trim().min(1, 'is required').max(200),
    limit: z.number().int().min(1).max(200).optional(),
  }),
  'settings.get': empty,
  /** Changes only the settings named; the answer is all of them. */
  'settings.set': AppSettingsPatchSchema,
  /** tel:, callto:, mailto: and https: only (see src/shared/external-links.ts). */
  'link.open': z.strictObject({ url: z.string().min(1).max(2048) }),
  /**
   * Team leads and admins: the live boards of the teams they may see (docs/metrics.md), who is
   * who on them, and the signed-in user's role (a rep gets an empty board and no board key).
   */
  'board.get': empty,
  /** A team's charts: today's speed-to-lead samples, breaches by hour, the last `days` days. */
  'board.charts': z.strictObject({
    teamId: recordId,
    days: z.number().int().min(CHART_DAYS.min).max(CHART_DAYS.max).optional(),
  }),
  /** Gives an open lead to another rep of its team (online only); both reps' apps are told. */
  'board.reassign': z.strictObject({ leadId, toUserId: recordId }),
  /** Takes a lead from its rep (or out of nurture) back to the team's queue (online only). */
  'board.release': z.strictObject({ leadId }),
  /** One rep's queue as the server orders it, read-only. */
  'board.repQueue': z.strictObject({ repId: recordId }),
  /** A team's unassigned queue or nurture pool, newest first. */
  'board.pool': z.strictObject({ teamId: recordId, status: z.enum(BOARD_POOLS) }),
} as const satisfies Record<AppMethodName, z.ZodType>;

export type AppMethod = keyof typeof AppRequestSchemas;
export const APP_METHODS: readonly AppMethod[] = APP_METHOD_NAMES;

export type AppParams<M extends AppMethod> = z.input<(typeof AppRequestSchemas)[M]>;

export interface AppSession {
  readonly serverUrl: string;
  readonly user: {
    readonly id: string;
    readonly email: string;
    readonly name: string;
    /**
     * `lead` and `admin` get the board. Known from the sign-in, and from the server at every
     * connect; absent for a kept session until it connects.
     */
    readonly role?: UserRole;
  };
}

/**
 * The part of a lead a queue row shows. The whole lead (message, fields, timeline) comes with
 * `lead.get` when it is opened: a queue of 5,000 leads stays a small message.
 */
export type QueueLead = Pick<
  Lead,
  | 'id'
  | 'name'
  | 'company'
  | 'title'
  | 'email'
  | 'phone'
  | 'country'
  | 'timezone'
  | 'source'
  | 'tier'
  | 'score'
  | 'status'
  | 'receivedAt'
  | 'firstTouchAt'
  | 'seenAt'
  | 'attempts'
  | 'lastDisposition'
  | 'callbackAt'
>;

/** A queue row as plain data (it crosses a process boundary). */
export interface AppQueueItem {
  readonly lead: QueueLead;
  readonly row: QueueRow;
  /** Local changes to this lead the server has not acknowledged yet. */
  readonly pending: number;
}

/** How many leads wait untouched (the tray and the dock badge show it). */
export interface QueueCounts {
  readonly total: number;
  readonly untouched: number;
}

/** What each method answers when it succeeds. */
export interface AppResults {
  'session.get': AppSession | null;
  'session.signIn': AppSession;
  'session.signOut': null;
  'queue.get': {
    /** Rows `offset` .. `offset + items.length - 1` of the whole queue. */
    readonly items: readonly AppQueueItem[];
    readonly offset: number;
    /** Rows in the whole queue. */
    readonly total: number;
    /** Where `selectedId` is now (null: not in the queue), and its row. */
    readonly selected: { readonly index: number; readonly item: AppQueueItem } | null;
    /** The app's clock when the queue was ordered, epoch ms. */
    readonly at: number;
    readonly counts: QueueCounts;
  };
  'lead.get': LocalLead | null;
  'lead.command': {
    readonly mutationId: number;
    /** For an outcome: what it scheduled, in words ("Next try (2 of 6) in 10 min ..."). */
    readonly scheduled?: string;
  };
  'lead.claim': null;
  'call.start': OpenCall;
  'call.cancel': null;
  'playbook.get': Playbook;
  'status.get': SyncStatus;
  'rejected.list': readonly RejectedChange[];
  'rejected.dismiss': null;
  'sync.now': null;
  'leads.search': readonly QueueLead[];
  'settings.get': AppSettings;
  'settings.set': AppSettings;
  'link.open': { readonly opened: boolean };
  'board.get': BoardState;
  'board.charts': BoardCharts;
  'board.reassign': BoardLead;
  /** The lead as it is now (back in the team's queue, or straight with a rep if one was free). */
  'board.release': BoardLead;
  'board.repQueue': { readonly repId: string; readonly items: readonly RepQueueItem[] };
  'board.pool': {
    readonly teamId: string;
    readonly status: BoardPool;
    readonly leads: readonly BoardLead[];
  };
}

export const APP_ERROR_CODES = [
  /** The request does not match its schema (`fields` says where). */
  'invalid_request',
  'unknown_method',
  'not_signed_in',
  'wrong_credentials',
  'unreachable',
  'incompatible',
  'refused',
  'link_refused',
  'internal',
] as const;
export type AppErrorCode = (typeof APP_ERROR_CODES)[number];

export interface AppError {
  readonly code: AppErrorCode;
  readonly message: string;
  readonly fields?: readonly { readonly field: string; readonly message: string }[];
}

export type AppResult<M extends AppMethod> =
  | { readonly ok: true; readonly value: AppResults[M] }
  | { readonly ok: false; readonly error: AppError };

/** What the app tells the renderer, unasked. */
export type AppEvent =
  | ClientEvent
  | { readonly type: 'session.changed'; readonly session: AppSession | null }
  /** The rep clicked a toast: bring this lead up. */
  | { readonly type: 'lead.focus'; readonly leadId: string }
  | { readonly type: 'settings.changed'; readonly settings: AppSettings }
  /** After the queue changed (debounced): for the tray, the badge and the window title. */
  | { readonly type: 'queue.counts'; readonly counts: QueueCounts }
  /**
   * A board moved (a live delta, a snapshot, names read, the connection came or went), with the
   * whole state: at most one per ~100 ms, and the page needs no request to follow (a request
   * would wait behind whatever the app is doing).
   */
  | { readonly type: 'board.changed'; readonly board: BoardState };

/** The request envelope on the wire (IPC, the test bridge). */
export const AppRequestEnvelopeSchema = z.strictObject({
  method: z.string().max(64),
  params: z.unknown(),
});

/** The renderer's view of the app: `window.pounce.app`. */
export interface AppApi {
  call<M extends AppMethod>(method: M, params: AppParams<M>): Promise<AppResult<M>>;
  /** Returns the function that stops listening. */
  onEvent(listener: (event: AppEvent) => void): () => void;
}

export type { ClientCommand };
