import type BetterSqlite3 from 'better-sqlite3';
import type { FastifyServerOptions } from 'fastify';
import { join, resolve } from 'node:path';
import type { Config } from './config/schema';
import { migrateToLatest } from './db/migrations';
import { DATABASE_FILE, openSqlite } from './db/sqlite';
import { WriteQueue } from './db/write-queue';
import { buildApp } from './http/app';
import { DEFAULT_BOARD_DIR } from './http/routes/wallboard-routes';
import { IntakeService } from './intake/intake-service';
import { LIVE_CLOSE, LiveHub } from './live/hub';
import { attachLiveServer } from './live/live-server';
import { Dispatcher } from './routing/dispatcher';
import { LeadActions } from './services/lead-actions';
import { SyncService } from './sync/sync-service';
import { Escalations } from './lifecycle/escalations';
import { playbookFromConfig } from './config/playbook-config';
import { BoardFeed } from './metrics/board-feed';
import { teamZone } from './metrics/history';
import { listTeams } from './repos/teams';
import { slaLadder } from './lifecycle/sla-config';
import { Router } from './routing/router';
import { Claims } from './routing/claims';
import { AwayService } from './lifecycle/away';
import { createScorer } from './scoring/score';
import { Accounts } from './services/accounts';
import { keyFilePath, openSecretBox } from './sources/secret-box';
import { SourceAdmin } from './sources/source-admin';
import { WebhookIntake } from './sources/webhook-intake';

/** How soon an away period set from the admin CLI (another process) takes its effect here. */
const AWAY_RESCAN_MS = 60_000;

export interface StartOptions {
  readonly clock?: () => number;
  readonly logger?: FastifyServerOptions['logger'];
  /** Creates this admin when the database has none (POUNCE_ADMIN_EMAIL / _PASSWORD). */
  readonly bootstrapAdmin?: { readonly email: string; readonly password: string };
  /** SQLite extensions to load into the server's connections (see SqliteOptions). */
  readonly sqliteExtensions?: readonly string[];
}

export interface ServerHandle {
  readonly url: string;
  readonly port: number;
  readonly accounts: Accounts;
  readonly hub: LiveHub;
  readonly writes: WriteQueue;
  /** The SLA ladder; `runDue(now)` runs what is due (tests drive it with their clock). */
  readonly escalations: Escalations;
  /** The live board (docs/metrics.md); `settled()` waits until every commit is on it. */
  readonly board: BoardFeed;
  /** The two SQLite connections, for diagnostics and tests that count the database's work. */
  readonly sqlite: {
    readonly writer: BetterSqlite3.Database;
    readonly reader: BetterSqlite3.Database;
  };
  /** Stops taking connections, lets in-flight requests finish, closes sockets and the database. */
  close(): Promise<void>;
}

/**
 * Wires the sync-server together and starts listening.
 *
 *   const server = await startServer(loadConfig({ env: process.env }));
 *   console.log(server.url); // http://127.0.0.1:8787
 */
export async function startServer(
  config: Config,
  options: StartOptions = {},
): Promise<ServerHandle> {
  const clock = options.clock ?? Date.now;
  // Before the database: a bad key file stops start-up with nothing to clean up.
  const box = openSecretBox(keyFilePath(config.sources, config.server.dataDir));
  const sqlite = openSqlite(join(config.server.dataDir, DATABASE_FILE), {
    ...(options.sqliteExtensions && { extensions: options.sqliteExtensions }),
  });
  try {
    await migrateToLatest(sqlite.db);
  } catch (error) {
    await sqlite.close();
    throw error;
  }
  // Reads go to the reader connection; writes only ever through the queue on the writer.
  const db = sqlite.readDb;
  const hub = new LiveHub();
  const writes = new WriteQueue(sqlite.db);
  // The SLA ladder's deadlines are stored with every assignment the router makes (its one
  // assignment path, routing/assign.ts), and offers' expiries wake its timer.
  const escalations: Escalations = new Escalations({
    writes,
    readDb: db,
    router: () => router,
    live: hub,
    clock,
    ladder: slaLadder(config.lifecycle),
    onError: (error) => app.log.error({ err: error }, 'an SLA step failed'),
  });
  const router = new Router(config.routing, hub, escalations, { clock });
  const dispatcher = new Dispatcher(writes, router, hub, clock);
  // Claim-mode fallbacks and away periods run on the SLA ladder's durable scheduler.
  const claims = new Claims({ writes, readDb: db, router, notifier: hub, clock, escalations });
  const away = new AwayService({
    writes,
    readDb: db,
    router,
    dispatcher,
    notifier: hub,
    clock,
    escalations,
    moveCallbacks: config.lifecycle.away.moveCallbacks,
    runTransitions: true,
  });
  escalations.addWork(claims);
  escalations.addWork(away);
  // The admin CLI stores away periods straight into the database, where this server's timer
  // does not look until it wakes for something else: look for them now and then.
  const awayScan = setInterval(() => {
    away
      .nextDueAt()
      .then((at) => {
        if (at !== null) escalations.wake(at);
      })
      .catch((error: unknown) => app.log.error({ err: error }, 'looking for away periods failed'));
  }, AWAY_RESCAN_MS);
  awayScan.unref();
  const accounts = new Accounts({
    db,
    writes,
    dispatcher,
    clock,
    auth: config.auth,
    onSessionsEnded: (match) => hub.disconnect(match, LIVE_CLOSE.signedOut, 'signed out'),
    // Made through this server: at once. Made by the admin CLI (another process): at the
    // socket's next heartbeat, which re-reads the user (live-server.ts).
    onScopeChanged: (userId) =>
      hub.disconnect({ userId }, LIVE_CLOSE.rescoped, 'role or team changed'),
  });
  const intake = new IntakeService({
    writes,
    router,
    repeatWindowMs: config.lifecycle.repeatInquiry.windowDays * 24 * 3600_000,
    alerts: hub,
    scoreLead: createScorer(config.scoring),
    notifier: hub,
    clock,
  });

  const sync = new SyncService({
    writes,
    readDb: db,
    dispatcher,
    poke: (userId) => hub.poke(userId),
    clock,
    wake: (at) => escalations.wake(at),
    playbook: playbookFromConfig(config.lifecycle),
    historyDays: config.sync.historyDays,
  });
  const leadActions = new LeadActions({ writes, notifier: hub, clock, escalations, router });
  const sources = new SourceAdmin({
    db,
    writes,
    box,
    clock,
    publicUrl: config.sources.publicUrl,
  });
  const webhooks = new WebhookIntake({
    db,
    writes,
    intake,
    box,
    defaultCountry: config.intake.defaultCountry,
    clock,
    maxFailedRecordsPerHour: config.sources.maxFailedRecordsPerHour,
  });

  const app = buildApp({
    db,
    accounts,
    intake,
    sync,
    leadActions,
    sources,
    webhooks,
    claims,
    away,
    metrics: config.metrics,
    playbook: sync.playbook,
    boardStaticDir:
      config.board.staticDir === null ? DEFAULT_BOARD_DIR : resolve(config.board.staticDir),
    defaultCountry: config.intake.defaultCountry,
    intakeRateLimit: config.intake.rateLimit,
    clock,
    trustProxy: config.server.trustProxy,
    loginPerAddress: config.auth.loginLimit.perAddress,
    timeouts: config.server.timeouts,
    logger: options.logger,
    health: () => ({
      online: hub.onlineCount(),
      commits: writes.stats.batches,
      writes: writes.stats.writes,
      board: board.stats,
    }),
  });

  // The live board: rebuilt from the database now, then kept current by every commit.
  const teamZones: Record<string, string> = {};
  for (const team of await listTeams(db)) {
    // The same lookup history and charts use (an own property: a team named "constructor").
    const zone = teamZone(config.metrics, team.name);
    if (zone !== config.metrics.timeZone) teamZones[team.id] = zone;
  }
  const board = await BoardFeed.start({
    db,
    hub,
    clock,
    config: {
      zone: config.metrics.timeZone,
      teamZones,
      atRiskSize: config.metrics.atRiskSize,
    },
    log: (message, error) => app.log.error({ err: error }, message),
  });
  writes.onCommitted(() => board.wake());
  hub.onConnection((conn) => {
    board
      .connected(conn)
      .catch((error: unknown) => app.log.error({ err: error }, 'board snapshot failed'));
  });
  hub.onPresenceChange((user) => {
    if (user.role === 'rep') board.presenceChanged();
  });

  // A rep coming online may be the one a waiting lead needs.
  hub.onPresenceChange((user, online) => {
    if (!online || user.role !== 'rep' || user.team_id === null) return;
    dispatcher
      .drain(user.team_id)
      .catch((error: unknown) => app.log.error({ err: error }, 'drain after connect failed'));
  });

  try {
    if (options.bootstrapAdmin) {
      const created = await accounts.ensureAdmin(
        options.bootstrapAdmin.email,
        options.bootstrapAdmin.password,
      );
      if (created) app.log.info({ email: options.bootstrapAdmin.email }, 'created the first admin');
    }
    const live = attachLiveServer(app.server, {
      hub,
      authenticate: (token) => accounts.authenticate(token),
      heartbeatSeconds: config.live.heartbeatSeconds,
      log: app.log,
    });
    // Before the HTTP server waits for its connections to end: live sockets never end on their
    // own, so closing them any later would hold shutdown until the clients hang up.
    app.addHook('preClose', () => {
      live.close();
      hub.closeAll(1001, 'server shutting down');
    });
    await app.listen({ host: config.server.host, port: config.server.port });
    // Deadlines that fell due while the server was down run now, once.
    await escalations.start();
  } catch (error) {
    clearInterval(awayScan);
    await app.close();
    await writes.close();
    await sqlite.close();
    throw error;
  }

  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.server.port;
  const host = config.server.host.includes(':') ? `[${config.server.host}]` : config.server.host;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`,
    port,
    accounts,
    hub,
    writes,
    escalations,
    board,
    sqlite: { writer: sqlite.raw, reader: sqlite.rawReader },
    close() {
      closing ??= (async () => {
        clearInterval(awayScan);
        board.close();
        escalations.stop();
        // fastify closes the connections that are idle when close starts; a keep-alive
        // connection whose request finishes later would hold shutdown for its keep-alive
        // timeout (72 s). Sweep idle ones until the server is closed.
        const sweep = setInterval(() => app.server.closeIdleConnections(), 25);
        try {
          await app.close();
        } finally {
          clearInterval(sweep);
        }
        await writes.close();
        await sqlite.close();
      })();
      return closing;
    },
  };
}
