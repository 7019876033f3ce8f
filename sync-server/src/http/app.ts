import rateLimit from '@fastify/rate-limit';
import Fastify, {
  type FastifyHttpOptions,
  type FastifyInstance,
  type FastifyServerOptions,
} from 'fastify';
import type { Server } from 'node:http';
import type { IntakeService } from '../intake/intake-service';
import type { Db } from '../repos/db-types';
import type { Accounts } from '../services/accounts';
import { RequestAuth } from './auth';
import { clientError, frameworkError, installErrorHandling } from './errors';
import { adminRoutes } from './routes/admin-routes';
import { boardRoutes } from './routes/board-routes';
import { claimAwayRoutes } from './routes/claim-away-routes';
import { authRoutes } from './routes/auth-routes';
import { leadRoutes } from './routes/lead-routes';
import { sourceRoutes } from './routes/source-routes';
import { syncRoutes } from './routes/sync-routes';
import { wallboardRoutes } from './routes/wallboard-routes';
import type { SyncService } from '../sync/sync-service';
import type { LeadActions } from '../services/lead-actions';
import type { SourceAdmin } from '../sources/source-admin';
import type { WebhookIntake } from '../sources/webhook-intake';
import type { AwayService } from '../lifecycle/away';
import type { Claims } from '../routing/claims';
import type { Config } from '../config/schema';
import type { Playbook } from '../../../src/shared/playbook';
import type { RateLimitRule } from '../auth/rate-limit';

export const BODY_LIMIT_BYTES = 1024 * 1024;

export interface AppDeps {
  readonly db: Db;
  readonly accounts: Accounts;
  readonly intake: IntakeService;
  readonly sync: SyncService;
  readonly leadActions: LeadActions;
  readonly sources: SourceAdmin;
  readonly webhooks: WebhookIntake;
  readonly claims: Claims;
  readonly away: AwayService;
  /** The team-lead board's zones (config `metrics`) and the playbook its rep queues use. */
  readonly metrics: Config['metrics'];
  readonly playbook: Playbook;
  /** Where the built wallboard page is (config `board.staticDir`, resolved). */
  readonly boardStaticDir: string;
  readonly defaultCountry: string;
  /** Leads one API key may post per window (config `intake.rateLimit`). */
  readonly intakeRateLimit: Config['intake']['rateLimit'];
  readonly clock: () => number;
  /** Config `server.trustProxy`: whose X-Forwarded-For names the client (`request.ip`). */
  readonly trustProxy: Config['server']['trustProxy'];
  /** Config `auth.loginLimit.perAddress`: sign-in requests per client address. */
  readonly loginPerAddress: RateLimitRule;
  /** Against slow or silent clients (config `server.timeouts`). */
  readonly timeouts: Config['server']['timeouts'];
  readonly logger: FastifyServerOptions['logger'];
  readonly health: () => Record<string, unknown>;
}

/** Builds the HTTP app without listening, so tests can drive it in-process too. */
export function buildApp(deps: AppDeps): FastifyInstance {
  const app = Fastify({
    logger: deps.logger ?? false,
    bodyLimit: BODY_LIMIT_BYTES,
    trustProxy: typeof deps.trustProxy === 'boolean' ? deps.trustProxy : [...deps.trustProxy],
    ...httpTimeouts(deps.timeouts),
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    // Reject `__proto__` / `constructor` keys outright instead of stripping them silently.
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    // Refusals before routing and from Node's HTTP parser, in our error shape too.
    frameworkErrors: frameworkError,
    clientErrorHandler: clientError,
  });
  // JSON everywhere: without this, a text/plain body would reach handlers as a string.
  app.removeContentTypeParser('text/plain');
  installErrorHandling(app);
  // Once, for the app: only routes that ask for it (`config.rateLimit`) are limited, the intake
  // per API key and sign-in per address. Registering it again in a scope would count twice.
  void app.register(rateLimit, { global: false });
  const auth = new RequestAuth(deps.accounts);

  app.get('/healthz', () => ({ status: 'ok', ...deps.health() }));
  authRoutes(app, { accounts: deps.accounts, auth, loginPerAddress: deps.loginPerAddress });
  adminRoutes(app, { db: deps.db, accounts: deps.accounts, auth });
  // In a plugin of its own, so its routes are declared after the limiter has loaded (a route
  // declared before would not see `config.rateLimit`).
  void app.register((scope, _options, done) => {
    leadRoutes(scope, {
      db: deps.db,
      auth,
      intake: deps.intake,
      defaultCountry: deps.defaultCountry,
      clock: deps.clock,
      rateLimit: deps.intakeRateLimit,
    });
    done();
  });
  syncRoutes(app, { auth, sync: deps.sync, leadActions: deps.leadActions });
  sourceRoutes(app, { auth, sources: deps.sources, webhooks: deps.webhooks });
  claimAwayRoutes(app, { auth, claims: deps.claims, away: deps.away });
  boardRoutes(app, {
    db: deps.db,
    auth,
    leadActions: deps.leadActions,
    metrics: deps.metrics,
    playbook: deps.playbook,
    clock: deps.clock,
  });
  wallboardRoutes(app, {
    staticDir: deps.boardStaticDir,
    log: (message) => app.log.warn(message),
  });
  return app;
}

/**
 * Fastify's timeouts and Node's header deadline and its check interval (which fastify passes on
 * through `http`). A request past its deadline is answered 408 and its connection closed.
 */
function httpTimeouts(t: Config['server']['timeouts']): FastifyServerOptions & {
  http: NonNullable<FastifyHttpOptions<Server>['http']>;
} {
  const ms = (seconds: number) => Math.round(seconds * 1000);
  return {
    connectionTimeout: ms(t.idleSeconds),
    keepAliveTimeout: ms(t.keepAliveSeconds),
    requestTimeout: ms(t.requestSeconds),
    maxRequestsPerSocket: t.maxRequestsPerSocket,
    http: {
      headersTimeout: ms(t.headersSeconds),
      requestTimeout: ms(t.requestSeconds),
      connectionsCheckingInterval: t.checkIntervalMs,
    },
  };
}
