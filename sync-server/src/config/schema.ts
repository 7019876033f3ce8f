import { z } from 'zod';
import { isCountryCode } from '../../../src/shared/countries';
import { isIanaTimeZone } from '../../../src/shared/timezones';
import { CadenceSchema, CallingHoursSchema } from './cadence-schema';
import { playbookFromConfig } from './playbook-config';
import { DEFAULT_SCRYPT } from '../auth/password';
import { isProxyAddress } from './proxy-address';

/*
 * The sync-server configuration: one schema, every key with a default and a one-line doc.
 * Sources, later wins: defaults < config file (JSON, `--config` or POUNCE_CONFIG) < environment
 * (POUNCE_PORT, POUNCE_HOST, POUNCE_DATA_DIR, POUNCE_TRUST_PROXY, POUNCE_SOURCES_KEY_FILE,
 * POUNCE_SYNC_HISTORY_DAYS). Unknown keys are errors, so a typo stops start-up with the key's
 * name instead of silently using a default.
 */

const regex = z.string().refine((pattern) => {
  try {
    new RegExp(pattern, 'i');
    return true;
  } catch {
    return false;
  }
}, 'is not a valid regular expression');

const rateRule = z.strictObject({
  /** Attempts allowed per window. */
  max: z.number().int().min(1),
  windowSeconds: z.number().int().min(1),
});

/** A proxy to trust: an IP address, a CIDR range, or loopback / linklocal / uniquelocal. */
const proxyAddress = z
  .string()
  .refine(
    isProxyAddress,
    'must be an IP address, a CIDR range or one of loopback, linklocal, uniquelocal',
  );

/**
 * HTTP timeouts, so a client that trickles its request (slow-loris) or goes silent cannot hold a
 * connection for minutes. A live WebSocket is exempt once upgraded (ws clears the socket's
 * timeout; its heartbeat watches it instead).
 */
const TimeoutsSchema = z
  .strictObject({
    /** The request line and headers must arrive within this many seconds. */
    headersSeconds: z.number().min(0.05).max(600).default(20),
    /** The whole request, body included (1 MiB at most), within this many seconds. */
    requestSeconds: z.number().min(0.05).max(3600).default(60),
    /** A connection with no bytes either way for this many seconds is closed. */
    idleSeconds: z.number().min(0.05).max(3600).default(60),
    /** An idle keep-alive connection waits this long for its next request (above a proxy's idle). */
    keepAliveSeconds: z.number().min(0.05).max(600).default(72),
    /** Requests one keep-alive connection may carry before it is closed; 0: any number. */
    maxRequestsPerSocket: z.number().int().min(0).max(1_000_000).default(1000),
    /** How often the header and request deadlines are checked, ms (Node's default is 30 s). */
    checkIntervalMs: z.number().int().min(10).max(30_000).default(1000),
  })
  .prefault({})
  .refine((t) => t.headersSeconds <= t.requestSeconds, {
    message: 'headersSeconds must not be above requestSeconds',
    path: ['headersSeconds'],
  });

const ServerSchema = z
  .strictObject({
    /** Address to listen on; 0.0.0.0 to accept reps on other machines. */
    host: z.string().min(1).default('127.0.0.1'),
    /** TCP port; 0 picks a free one (tests). */
    port: z.number().int().min(0).max(65535).default(8787),
    /** Folder for the SQLite database. */
    dataDir: z.string().min(1).default('./data'),
    /**
     * Read the client's address from X-Forwarded-For (only behind a reverse proxy): true, or just
     * from these proxies (addresses, CIDR ranges). Env POUNCE_TRUST_PROXY: "true" or a comma list.
     */
    trustProxy: z.union([z.boolean(), z.array(proxyAddress).min(1)]).default(false),
    timeouts: TimeoutsSchema,
  })
  .prefault({});

const AuthSchema = z
  .strictObject({
    /** How long a sign-in stays valid. */
    sessionTtlHours: z
      .number()
      .min(1)
      .max(24 * 365)
      .default(24 * 30),
    /** scrypt cost; N must be a power of two. Lower only for tests. */
    scrypt: z
      .strictObject({
        N: z
          .number()
          .int()
          .min(1024)
          .refine((n) => (n & (n - 1)) === 0, 'must be a power of two')
          .default(DEFAULT_SCRYPT.N),
        r: z.number().int().min(1).max(32).default(DEFAULT_SCRYPT.r),
        p: z.number().int().min(1).max(16).default(DEFAULT_SCRYPT.p),
      })
      .prefault({}),
    /** Sign-in throttling (docs/api.md, "Sign-in throttling"). */
    loginLimit: z
      .strictObject({
        /** Failed sign-ins one address may make at one account per window. */
        perAccountAndAddress: rateRule.default({ max: 10, windowSeconds: 900 }),
        /** Failed sign-ins at one account from all addresses; past it each address gets one try. */
        perAccount: rateRule.default({ max: 100, windowSeconds: 900 }),
        /** Sign-in requests (successful ones too) from one address, to any account. */
        perAddress: rateRule.default({ max: 50, windowSeconds: 900 }),
      })
      .prefault({}),
  })
  .prefault({});

const IntakeSchema = z
  .strictObject({
    /** Country used to read national phone numbers when a lead names none. */
    defaultCountry: z
      .string()
      .refine(isCountryCode, 'must be an ISO 3166-1 alpha-2 code')
      .default('US'),
    /** Leads one API key may post per window (POST /api/v1/leads; 429 + Retry-After); null: off. */
    rateLimit: z
      .strictObject({
        max: z.number().int().min(1).max(1_000_000),
        windowSeconds: z.number().int().min(1).max(3600),
      })
      .nullable()
      .default({ max: 1000, windowSeconds: 10 }),
  })
  .prefault({});

const SignalRuleSchema = z.strictObject({
  /** Shown to reps as the reason, e.g. "Demo request". */
  label: z.string().min(1),
  points: z.number().min(-100).max(100),
});

const ScoringSchema = z
  .strictObject({
    /** Points per signal type; the first signal of a type counts in full. */
    signals: z.record(z.string().regex(/^[a-z][a-z0-9_]*$/), SignalRuleSchema).default({
      demo_request: { label: 'Demo request', points: 50 },
      free_trial: { label: 'Free trial', points: 35 },
      contact_form: { label: 'Contact form', points: 30 },
      pricing_page: { label: 'Pricing page', points: 20 },
      webinar: { label: 'Webinar', points: 12 },
      whitepaper_download: { label: 'White paper', points: 6 },
      newsletter: { label: 'Newsletter', points: 2 },
    }),
    /** Each further signal of a type adds this share of its points (at most 2 more). */
    repeatSignalShare: z.number().min(0).max(1).default(0.25),
    /** A signal's points halve every this many days. */
    signalHalfLifeDays: z.number().min(1).default(30),
    /** Title patterns (case-insensitive), first match wins. */
    titles: z
      .array(
        z.strictObject({
          pattern: regex,
          label: z.string().min(1),
          points: z.number().min(-100).max(100),
        }),
      )
      .default([
        {
          pattern: '\\b(ceo|cto|cfo|coo|cmo|cro|chief|founder|co-founder|owner|president)\\b',
          label: 'C-level title',
          points: 20,
        },
        { pattern: '\\b(vp|svp|evp|vice president|head of)\\b', label: 'VP title', points: 15 },
        { pattern: '\\bdirector\\b', label: 'Director title', points: 10 },
        { pattern: '\\b(manager|lead)\\b', label: 'Manager title', points: 5 },
        { pattern: '\\b(student|intern)\\b', label: 'Student or intern', points: -15 },
      ]),
    companyEmailPoints: z.number().min(-100).max(100).default(10),
    freeMailPoints: z.number().min(-100).max(100).default(-10),
    /** Consumer mail domains; anything else counts as a company address. */
    freeMailDomains: z
      .array(z.string().min(3))
      .default([
        'gmail.com',
        'googlemail.com',
        'yahoo.com',
        'hotmail.com',
        'outlook.com',
        'live.com',
        'aol.com',
        'icloud.com',
        'me.com',
        'gmx.de',
        'gmx.net',
        'web.de',
        'mail.com',
        'proton.me',
        'protonmail.com',
        'yandex.ru',
        'qq.com',
        '163.com',
      ]),
    phonePoints: z.number().min(-100).max(100).default(5),
    companyPoints: z.number().min(-100).max(100).default(5),
    /** Points for a written inquiry of at least 20 characters. */
    messagePoints: z.number().min(-100).max(100).default(5),
    /** Minimum scores of the tiers (0-100). */
    tiers: z
      .strictObject({
        hot: z.number().min(0).max(100).default(70),
        warm: z.number().min(0).max(100).default(40),
      })
      .prefault({})
      .refine((t) => t.hot > t.warm, 'hot must be above warm'),
    /** Below this score a lead goes to the nurture pool instead of a rep. */
    salesReadyThreshold: z.number().min(0).max(100).default(30),
  })
  .prefault({});

const RoutingRuleSchema = z.strictObject({
  /** Recorded on each lead the rule routes. */
  name: z.string().min(1),
  /** Every given criterion must match (case-insensitive); an absent one matches anything. */
  match: z
    .strictObject({
      countries: z
        .array(z.string().refine(isCountryCode, 'must be an ISO 3166-1 alpha-2 code'))
        .optional(),
      regions: z.array(z.string().min(1)).optional(),
      sources: z.array(z.string().min(1)).optional(),
    })
    .refine((m) => Object.keys(m).length > 0, 'needs at least one criterion'),
  /** Team name the lead goes to. */
  team: z.string().min(1),
  /** Restrict to these reps (emails) within the team. */
  reps: z.array(z.string().min(3)).optional(),
});

const RoutingSchema = z
  .strictObject({
    /** Only reps connected on the live channel receive leads. */
    requireOnline: z.boolean().default(true),
    /** Team for leads no rule matches; null means the oldest team. */
    defaultTeam: z.string().min(1).nullable().default(null),
    rules: z.array(RoutingRuleSchema).default([]),
    /** Teams in claim mode ("first to claim", set per team): how their offers work. */
    claim: z
      .strictObject({
        /** An offer nobody claimed within this many seconds goes to fair routing; null: never. */
        fallbackAfterSeconds: z.number().int().min(1).max(86_400).nullable().default(120),
      })
      .prefault({}),
  })
  .prefault({});

/** The team-lead live board (docs/metrics.md). */
const MetricsSchema = z
  .strictObject({
    /** The zone whose calendar day is "today" for the daily figures. */
    timeZone: z
      .string()
      .refine(isIanaTimeZone, 'must be an IANA time zone, e.g. Europe/Berlin')
      .default('UTC'),
    /** Per team (by name), when a team's day is another zone's. */
    teamTimeZones: z
      .record(z.string(), z.string().refine(isIanaTimeZone, 'must be an IANA time zone'))
      .default({}),
    /** How many leads the at-risk list holds. */
    atRiskSize: z.number().int().min(1).max(100).default(10),
  })
  .prefault({});

/** The wallboard page served at /board (docs/metrics.md, "Wallboard"). */
const BoardSchema = z
  .strictObject({
    /**
     * Folder of the built page (`board.html` and `assets/`, as `npm run build` writes them);
     * null means `<repo>/out/renderer`. A relative path is read from the working directory.
     */
    staticDir: z.string().min(1).nullable().default(null),
  })
  .prefault({});

/** The sync protocol (docs/sync-protocol.md). */
const SyncSchema = z
  .strictObject({
    /**
     * Closed leads (won, closed, nurture) changed within this many days go to a first sync and
     * stay in the apps; older ones are on the server only (env POUNCE_SYNC_HISTORY_DAYS).
     */
    historyDays: z.number().int().min(1).max(3650).default(30),
  })
  .prefault({});

const LiveSchema = z
  .strictObject({
    /** Ping interval; a socket that misses two pongs is closed and its rep goes offline. */
    heartbeatSeconds: z.number().min(0.05).max(300).default(15),
  })
  .prefault({});

const SourcesSchema = z
  .strictObject({
    /**
     * File holding the server key (32 bytes, base64) that seals sources' HMAC secrets. Created
     * with mode 0600 on first use when missing; null means `<server.dataDir>/source-secrets.key`.
     * Keep it out of database backups for the sealing to protect a leaked database.
     */
    keyFile: z.string().min(1).nullable().default(null),
    /** Failed deliveries (bad signature or key, unreadable body) recorded per source per hour. */
    maxFailedRecordsPerHour: z.number().int().min(1).max(1_000_000).default(1_000),
    /** Public base URL of this server, to print full webhook URLs (e.g. https://leads.acme.com). */
    publicUrl: z
      .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
      .nullable()
      .default(null),
  })
  .prefault({});

const share = z.number().min(0.05).max(20);

const LifecycleSchema = z
  .strictObject({
    /** The same person (email or phone) asking again within this many days joins their lead. */
    repeatInquiry: z
      .strictObject({ windowDays: z.number().min(0).max(3650).default(30) })
      .prefault({}),
    /** Away periods (docs/lifecycle.md, "Claim mode and away periods"). */
    away: z
      .strictObject({
        /** Also hand on the rep's callbacks and worked leads, not only their untouched ones. */
        moveCallbacks: z.boolean().default(false),
      })
      .prefault({}),
    cadence: CadenceSchema,
    callingHours: CallingHoursSchema,
    /** The SLA escalation ladder for untouched leads (sync-server/src/lifecycle). */
    sla: z
      .strictObject({
        /** First-touch target per tier, minutes. */
        targetsMinutes: z
          .strictObject({
            hot: z.number().min(0.5).max(10_080).default(5),
            warm: z.number().min(0.5).max(10_080).default(30),
            cold: z.number().min(0.5).max(10_080).default(240),
          })
          .prefault({}),
        /** The rep is reminded at this share of the target. */
        remindAtShare: share.default(0.6),
        /** The team lead is told at this share (1: at the target). */
        alertLeadAtShare: share.default(1),
        /** The lead moves to the next eligible rep at this share. */
        reassignAtShare: share.default(2),
      })
      .prefault({})
      .refine((s) => s.alertLeadAtShare > s.remindAtShare, {
        message: 'alertLeadAtShare must be above remindAtShare',
        path: ['alertLeadAtShare'],
      })
      .refine((s) => s.reassignAtShare > s.alertLeadAtShare, {
        message: 'reassignAtShare must be above alertLeadAtShare',
        path: ['reassignAtShare'],
      }),
  })
  .prefault({})
  .superRefine((lifecycle, ctx) => {
    // Checks what the shapes alone cannot: an end before a start, a required reason with none
    // listed, nothing offered.
    try {
      playbookFromConfig(lifecycle);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const path = message.startsWith('callingHours') ? ['callingHours'] : ['cadence'];
      ctx.addIssue({ code: 'custom', message, path });
    }
  });

export const ConfigSchema = z.strictObject({
  server: ServerSchema,
  auth: AuthSchema,
  intake: IntakeSchema,
  scoring: ScoringSchema,
  routing: RoutingSchema,
  live: LiveSchema,
  sync: SyncSchema,
  metrics: MetricsSchema,
  board: BoardSchema,
  sources: SourcesSchema,
  lifecycle: LifecycleSchema,
});

export type Config = z.output<typeof ConfigSchema>;
export type ConfigInput = z.input<typeof ConfigSchema>;
export type ScoringConfig = Config['scoring'];
export type RoutingConfig = Config['routing'];
export type RoutingRule = RoutingConfig['rules'][number];
export type LifecycleConfig = Config['lifecycle'];
