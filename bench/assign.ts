import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import type { Outcome } from './intake';
import { onCleanup } from './lib/cleanup';
import { Api, mapLimit } from './lib/http';
import { LeadGenerator } from './lib/leads';
import type { AssignedMessage } from './lib/live';
import type { BenchOptions } from './lib/options';
import { environmentLines, markdownTable, writeDocsSection } from './lib/report';
import { benchAdmin, benchServerConfig, connectReps, seed } from './lib/seed';
import { startServerProcess } from './lib/server';
import { int, ms, summarize, type Summary } from './lib/stats';
import { makeWorkDir, subDir } from './lib/workdir';

const WARM_UP_LEADS = 100;
const GOAL = { p50: 5, p99: 25 } as const;

interface Posted {
  readonly id: string;
  readonly assignedTo: string | null;
  /** performance.now() when the request was handed to node:http. */
  readonly sentAt: number;
  /** performance.now() when the response body had been read. */
  readonly doneAt: number;
}

interface Variant {
  readonly name: string;
  readonly inFlight: number;
  readonly seconds: number;
  readonly posted: readonly Posted[];
}

interface Analysis {
  readonly toMessage: Summary;
  readonly postToMessage: Summary;
  readonly postTo2xx: Summary;
  readonly messageFirst: number;
  readonly missing: number;
  readonly wrongRep: number;
  readonly unassigned: number;
}

/**
 * Assignment latency: how long after intake answers 2xx does the chosen rep's socket get
 * `lead.assigned`. All times are taken in the bench process with one clock (performance.now):
 * t_sent when the request is handed to node:http, t_2xx when the response body is fully read,
 * t_message when the frame reaches the rep socket's message handler.
 */
export async function runAssign(options: BenchOptions): Promise<Outcome> {
  const failures: string[] = [];
  const loadAtStart = os.loadavg();
  const dir = makeWorkDir('assign', options.keepData);
  const generator = new LeadGenerator(randomBytes(4).toString('hex'));

  console.log(`assign: starting the server, seeding ${options.assignReps} reps ...`);
  const admin = benchAdmin();
  const server = await startServerProcess({
    dataDir: subDir(dir, 'server'),
    config: benchServerConfig(),
    admin,
    cpuProfDir: options.cpuProfDir,
  });
  const api = new Api(server.url);
  onCleanup(() => api.close());
  const seedStart = performance.now();
  const seeded = await seed(api, admin, { reps: options.assignReps, capacity: 10_000 });
  const messages = new Map<string, AssignedMessage>();
  let duplicates = 0;
  const sockets = await connectReps(api, server.url, seeded, (m) => {
    if (messages.has(m.leadId)) duplicates += 1;
    else messages.set(m.leadId, m);
  });
  const seedSeconds = (performance.now() - seedStart) / 1000;
  const closeSockets = () => Promise.all(sockets.map((s) => s.close())).then(() => undefined);
  const removeSocketCleanup = onCleanup(closeSockets);

  console.log(`assign: warm-up, ${WARM_UP_LEADS} leads ...`);
  await postMany(api, seeded.apiKey, generator, 'warm', WARM_UP_LEADS, 1);

  console.log(`assign: ${options.leads} leads, one at a time ...`);
  const sequential = await measure('sequential', api, seeded.apiKey, generator, options.leads, 1);
  await waitForMessages(sequential.posted, messages);
  console.log(`assign: ${options.leads} leads, ${options.concurrency} in flight ...`);
  const concurrent = await measure(
    'concurrent',
    api,
    seeded.apiKey,
    generator,
    options.leads,
    options.concurrency,
  );
  await waitForMessages(concurrent.posted, messages);

  const dropped = sockets.filter((s) => s.unexpectedClose !== null).length;
  removeSocketCleanup();
  await closeSockets();
  console.log('assign: stopping the server ...');
  await server.stop();

  const variants = [sequential, concurrent].map((v) => ({
    variant: v,
    analysis: analyse(v, messages),
  }));
  for (const { variant, analysis } of variants) {
    if (analysis.unassigned > 0)
      failures.push(`${variant.name}: ${analysis.unassigned} leads were not assigned`);
    if (analysis.missing > 0)
      failures.push(`${variant.name}: ${analysis.missing} lead.assigned messages never arrived`);
    if (analysis.wrongRep > 0)
      failures.push(
        `${variant.name}: ${analysis.wrongRep} lead.assigned went to another rep than assignedTo`,
      );
  }
  if (duplicates > 0) failures.push(`${duplicates} leads were pushed more than once`);
  if (dropped > 0) failures.push(`${dropped} rep sockets closed during the run`);

  const rows: string[][] = [];
  for (const { variant, analysis } of variants) {
    const label = `${variant.name} (${variant.inFlight} in flight, ${int(variant.posted.length / variant.seconds)} leads/s)`;
    const line = (measureName: string, s: Summary) => [
      label,
      measureName,
      ms(s.p50),
      ms(s.p90),
      ms(s.p99),
      ms(s.max),
    ];
    rows.push(line('2xx -> lead.assigned (signed)', analysis.toMessage));
    rows.push(line('post -> lead.assigned', analysis.postToMessage));
    rows.push(line('post -> 2xx', analysis.postTo2xx));
  }
  const table = markdownTable(['variant', 'measure', 'p50', 'p90', 'p99', 'max'], rows);
  const notes = variants.map(
    ({ variant, analysis }) =>
      `- ${variant.name}: ${int(variant.posted.length)} leads; lead.assigned arrived before the 2xx for ` +
      `${((100 * analysis.messageFirst) / Math.max(1, variant.posted.length)).toFixed(1)}% of them; ` +
      `${analysis.missing} missing, ${analysis.wrongRep} to the wrong rep`,
  );
  const seq = variants[0]?.analysis.toMessage;
  const goalMet = seq !== undefined && seq.p50 <= GOAL.p50 && seq.p99 <= GOAL.p99;
  const verdict =
    `Goal (2xx -> lead.assigned p50 <= ${GOAL.p50} ms, p99 <= ${GOAL.p99} ms, ${seeded.reps.length} reps connected): ` +
    `**${goalMet ? 'met' : 'not met'}** (sequential p50 ${ms(seq?.p50 ?? Number.NaN)}, p99 ${ms(seq?.p99 ?? Number.NaN)}).`;

  const post = variants[0]?.analysis.postToMessage;
  const stricter =
    `Read strictly from the post instead (post -> lead.assigned, sequential): p50 ${ms(post?.p50 ?? Number.NaN)}, ` +
    `p99 ${ms(post?.p99 ?? Number.NaN)}, which ${post !== undefined && post.p50 <= GOAL.p50 && post.p99 <= GOAL.p99 ? 'also meets' : 'would not meet'} the same thresholds.`;
  notes.push(
    '- Negative 2xx -> lead.assigned means the frame arrived first: the server writes it to the ' +
      "rep's socket right after the commit, before it writes the HTTP response.",
  );
  if (api.staleSocketRetries > 0) {
    notes.push(`- Requests resent after a stale keep-alive socket: ${api.staleSocketRetries}`);
  }

  console.log(`\n${table}\n\n${notes.join('\n')}\n\n${verdict}\n${stricter}\n`);
  if (failures.length > 0) console.error(`assign: FAILED checks:\n- ${failures.join('\n- ')}`);

  if (options.writeDocs) {
    writeDocsSection(
      'assign',
      [
        '## Assignment latency',
        '',
        ...environmentLines(options.command, loadAtStart),
        `- Setup: ${seeded.reps.length} reps (capacity 10000) in one team, all on the live channel from the bench process over loopback; ` +
          `seeding and connecting took ${seedSeconds.toFixed(1)} s with scrypt N=1024 (login cost only)`,
        `- ${WARM_UP_LEADS} sequential warm-up leads first, not counted`,
        '',
        table,
        '',
        ...notes,
        '',
        verdict,
        '',
        stricter,
        ...(failures.length > 0
          ? ['', '**Failed checks:**', '', ...failures.map((f) => `- ${f}`)]
          : []),
      ].join('\n'),
    );
  }
  return { failures };
}

async function measure(
  name: string,
  api: Api,
  apiKey: string,
  generator: LeadGenerator,
  count: number,
  inFlight: number,
): Promise<Variant> {
  const start = performance.now();
  const posted = await postMany(api, apiKey, generator, name.slice(0, 3), count, inFlight);
  return { name, inFlight, seconds: (performance.now() - start) / 1000, posted };
}

async function postMany(
  api: Api,
  apiKey: string,
  generator: LeadGenerator,
  tag: string,
  count: number,
  inFlight: number,
): Promise<Posted[]> {
  const bodies = Array.from({ length: count }, () => generator.next(tag));
  return mapLimit(bodies, inFlight, async (body) => {
    const res = await api.request('POST', '/api/v1/leads', { token: apiKey, body });
    if (res.status !== 201)
      throw new Error(`POST /api/v1/leads: HTTP ${res.status} ${res.text.slice(0, 300)}`);
    const parsed: unknown = JSON.parse(res.text);
    const lead =
      typeof parsed === 'object' && parsed !== null && 'lead' in parsed ? parsed.lead : null;
    if (
      typeof lead !== 'object' ||
      lead === null ||
      !('id' in lead) ||
      typeof lead.id !== 'string'
    ) {
      throw new Error(`POST /api/v1/leads: no lead id in ${res.text.slice(0, 300)}`);
    }
    const assignedTo =
      'assignedTo' in lead && typeof lead.assignedTo === 'string' ? lead.assignedTo : null;
    return { id: lead.id, assignedTo, sentAt: res.sentAt, doneAt: res.doneAt };
  });
}

async function waitForMessages(
  posted: readonly Posted[],
  messages: ReadonlyMap<string, AssignedMessage>,
): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (
    Date.now() < deadline &&
    posted.some((p) => p.assignedTo !== null && !messages.has(p.id))
  ) {
    await new Promise((r) => setTimeout(r, 20));
  }
}

function analyse(variant: Variant, messages: ReadonlyMap<string, AssignedMessage>): Analysis {
  const toMessage: number[] = [];
  const postToMessage: number[] = [];
  const postTo2xx: number[] = [];
  let messageFirst = 0;
  let missing = 0;
  let wrongRep = 0;
  let unassigned = 0;
  for (const p of variant.posted) {
    postTo2xx.push(p.doneAt - p.sentAt);
    if (p.assignedTo === null) {
      unassigned += 1;
      continue;
    }
    const m = messages.get(p.id);
    if (!m) {
      missing += 1;
      continue;
    }
    if (m.userId !== p.assignedTo) wrongRep += 1;
    toMessage.push(m.at - p.doneAt);
    postToMessage.push(m.at - p.sentAt);
    if (m.at < p.doneAt) messageFirst += 1;
  }
  return {
    toMessage: summarize(toMessage),
    postToMessage: summarize(postToMessage),
    postTo2xx: summarize(postTo2xx),
    messageFirst,
    missing,
    wrongRep,
    unassigned,
  };
}
