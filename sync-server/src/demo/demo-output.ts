import type { Lead } from '../../../src/shared/lead';
import { box, columns } from './banner';
import { DEMO_ADMIN, DEMO_TEAM, DEMO_TEAM_LEAD, DEMO_CAPACITY, type DemoSeed } from './demo-seed';
import { clockTime, type Paint } from './terminal';

/** What `npm run demo` prints, kept apart from the process plumbing in scripts/demo.ts. */

export function welcomeBox(url: string, dataDir: string, seed: DemoSeed, paint: Paint): string {
  const people = columns([
    ['Admin', DEMO_ADMIN.email, DEMO_ADMIN.password, ''],
    ['Team lead', DEMO_TEAM_LEAD.email, DEMO_TEAM_LEAD.password, ''],
    ...seed.reps.map((rep, i) => [
      i === 0 ? 'Reps' : '',
      rep.email,
      rep.password,
      `weight ${rep.weight}`,
    ]),
  ]);
  return box([
    paint('bold', 'Pounce demo is running'),
    '',
    `Server     ${url}`,
    `Data       ${dataDir}  (delete it to start over)`,
    `Team       "${DEMO_TEAM}": ${seed.reps.length} reps, capacity ${DEMO_CAPACITY} untouched leads each`,
    '',
    ...people,
    '',
    `API key    ${seed.apiKey.key}`,
    `           ${seed.apiKey.reused ? 'same key as last run' : 'new key (only its hash is stored on the server)'}`,
  ]);
}

export function afterBox(url: string, seed: DemoSeed, ratePerMinute: number, paint: Paint): string {
  const example = JSON.stringify({
    source: 'web_form',
    name: 'Test Lead',
    email: 'test.lead@example.com',
    title: 'VP Sales',
    signals: [{ type: 'demo_request' }],
  });
  return [
    paint('dim', 'Send a lead yourself:'),
    paint(
      'dim',
      `  curl -s -X POST ${url}/api/v1/leads -H 'Authorization: Bearer ${seed.apiKey.key}' \\`,
    ),
    paint('dim', `       -H 'Content-Type: application/json' -d '${example}'`),
    paint(
      'dim',
      `Or run another lead source:  npm run simulate -- --server ${url} --api-key ${seed.apiKey.key}`,
    ),
    '',
    `The desktop app signs in as ${seed.reps[0]?.name ?? 'the first rep'} where Electron can run; the other reps are`,
    `connected below by stand-ins for their desktop apps. Simulating ~${ratePerMinute} leads/min.`,
    paint('bold', 'Ctrl-C stops everything.'),
    '',
  ].join('\n');
}

/** A lead as the simulator sent it, prefixed with the time. */
export function intakeLine(text: string, paint: Paint): string {
  return `${paint('dim', clockTime())}  ${paint('dim', 'in ')}  ${text}`;
}

/**
 * A lead as the rep's stand-in received it, with how long after intake it arrived: the number
 * that matters most in this product.
 */
export function assignedLine(repName: string, lead: Lead, reason: string, paint: Paint): string {
  const tierColour = lead.tier === 'hot' ? 'red' : lead.tier === 'warm' ? 'yellow' : 'cyan';
  const waited = Date.now() - Date.parse(lead.createdAt);
  const timing =
    waited < 10_000
      ? `${Math.max(0, waited)} ms after intake`
      : `waited ${formatWait(waited)} for a rep`;
  const who = [lead.name, lead.company, lead.country].filter(Boolean).join(' · ');
  return [
    `${paint('dim', clockTime())}  ${paint('green', '-> ')} ${paint('bold', repName)} got ${paint(tierColour, `${lead.tier} ${lead.score}`)} ${who} ${paint('dim', `(${timing})`)}`,
    `${' '.repeat(14)}${paint('dim', reason)}`,
  ].join('\n');
}

export function noticeLine(text: string, paint: Paint): string {
  return `${paint('dim', clockTime())}  ${paint('magenta', '!! ')} ${text}`;
}

/**
 * The server's own log lines (pino JSON) are shown only from warnings up, to keep the lead
 * stream readable; anything that is not JSON is shown as it is.
 */
export function serverLogLine(line: string, paint: Paint): string | null {
  let entry: unknown;
  try {
    entry = JSON.parse(line);
  } catch {
    return line.trim() ? `${paint('dim', '[server]')} ${line}` : null;
  }
  if (typeof entry !== 'object' || entry === null) return null;
  if ('event' in entry) return null; // listening / stopped: the demo says these in its own words
  const level = 'level' in entry && typeof entry.level === 'number' ? entry.level : 30;
  if (level < 40) return null;
  const msg = 'msg' in entry && typeof entry.msg === 'string' ? entry.msg : line;
  return `${paint('dim', '[server]')} ${paint(level >= 50 ? 'red' : 'yellow', level >= 50 ? 'error' : 'warn')} ${msg}`;
}

function formatWait(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes < 1) return `${Math.round(ms / 1000)} s`;
  if (minutes < 120) return `${minutes} min`;
  return `${Math.round(minutes / 60)} h`;
}
