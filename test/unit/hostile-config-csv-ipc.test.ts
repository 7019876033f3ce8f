import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkAppRequest } from '../../src/main/shell/ipc';
import type { AppErrorCode } from '../../src/shared/app-api';
import { leadInputSchema } from '../../src/shared/lead';
import { fieldIssues } from '../../src/shared/validation';
import { planImport } from '../../sync-server/src/cli/csv-import';
import { UsageError } from '../../sync-server/src/cli/errors';
import { ConfigError, loadConfig } from '../../sync-server/src/config/load';
import { parseCsv } from '../../sync-server/src/formats/csv';

/*
 * The hostile-input tables for the surfaces with no HTTP of their own (issue 12, "Also"): the
 * server's config file and environment, CSV rows on their way to POST /api/v1/leads, and the
 * desktop app's IPC gate (main checks every request from the page before the app sees it).
 * Each row says what must be refused and which field the refusal names.
 */

const LEAD = '0190aaaa-0000-7000-8000-000000000000';
const long = (n: number) => 'x'.repeat(n);

// ---------------------------------------------------------------------------------------------
// Config: a bad file or variable stops start-up with a ConfigError naming the key.

/** [what, config file text (null: none), environment, text the error must hold] */
const CONFIG: readonly [string, string | null, Record<string, string>, string][] = [
  ['an empty file', '', {}, 'is not valid JSON'],
  ['a top-level array', '[]', {}, 'the top level must be an object'],
  ['top-level null', 'null', {}, 'the top level must be an object'],
  ['a top-level string', '"pounce"', {}, 'the top level must be an object'],
  ['a top-level number', '8787', {}, 'the top level must be an object'],
  ['JSON with comments', '{ // port\n "server": {} }', {}, 'is not valid JSON'],
  ['a misspelt section', '{"serverr":{}}', {}, 'serverr: unknown field'],
  ['__proto__ at the top', '{"__proto__":{"server":{"port":1}}}', {}, '__proto__: unknown field'],
  [
    '__proto__ in a section',
    '{"server":{"__proto__":{"host":"0.0.0.0"}}}',
    {},
    'server.__proto__: unknown field',
  ],
  [
    'constructor in a section',
    '{"auth":{"constructor":{"prototype":{"x":1}}}}',
    {},
    'auth.constructor: unknown field',
  ],
  ['port -1', '{"server":{"port":-1}}', {}, 'server.port'],
  ['port 65536', '{"server":{"port":65536}}', {}, 'server.port'],
  ['port 1.5', '{"server":{"port":1.5}}', {}, 'server.port'],
  ['port as a string', '{"server":{"port":"8080"}}', {}, 'server.port'],
  ['port 1e309', '{"server":{"port":1e309}}', {}, 'server.port'],
  ['an empty host', '{"server":{"host":""}}', {}, 'server.host'],
  ['an empty data folder', '{"server":{"dataDir":""}}', {}, 'server.dataDir'],
  ['trustProxy "yes"', '{"server":{"trustProxy":"yes"}}', {}, 'server.trustProxy'],
  ['POUNCE_PORT 0x50', null, { POUNCE_PORT: '0x50' }, 'server.port'],
  ['POUNCE_PORT -1', null, { POUNCE_PORT: '-1' }, 'server.port'],
  ['POUNCE_PORT 80abc', null, { POUNCE_PORT: '80abc' }, 'server.port'],
  ['POUNCE_PORT with a space', null, { POUNCE_PORT: ' 80' }, 'server.port'],
  ['POUNCE_PORT of 20 digits', null, { POUNCE_PORT: '99999999999999999999' }, 'server.port'],
  ['sessions that last 0 hours', '{"auth":{"sessionTtlHours":0}}', {}, 'auth.sessionTtlHours'],
  [
    'sessions that last 1e309 hours',
    '{"auth":{"sessionTtlHours":1e309}}',
    {},
    'auth.sessionTtlHours',
  ],
  ['scrypt N not a power of two', '{"auth":{"scrypt":{"N":3000}}}', {}, 'auth.scrypt.N'],
  ['scrypt r 0', '{"auth":{"scrypt":{"r":0}}}', {}, 'auth.scrypt.r'],
  [
    'a login limit of 0',
    '{"auth":{"loginLimit":{"perAccount":{"max":0,"windowSeconds":60}}}}',
    {},
    'auth.loginLimit.perAccount.max',
  ],
  ['default country XX', '{"intake":{"defaultCountry":"XX"}}', {}, 'intake.defaultCountry'],
  [
    'default country in lower case',
    '{"intake":{"defaultCountry":"us"}}',
    {},
    'intake.defaultCountry',
  ],
  [
    'a signal key with a space',
    '{"scoring":{"signals":{"Demo Request":{"label":"D","points":1}}}}',
    {},
    'scoring.signals.Demo Request',
  ],
  [
    'a signal worth 101 points',
    '{"scoring":{"signals":{"demo":{"label":"D","points":101}}}}',
    {},
    'scoring.signals.demo.points',
  ],
  [
    'a title pattern that is not a regex',
    '{"scoring":{"titles":[{"pattern":"(","label":"x","points":1}]}}',
    {},
    'scoring.titles.0.pattern',
  ],
  ['hot not above warm', '{"scoring":{"tiers":{"hot":40,"warm":40}}}', {}, 'scoring.tiers'],
  ['a tier as "high"', '{"scoring":{"tiers":{"hot":"high"}}}', {}, 'scoring.tiers.hot'],
  [
    'a rule matching anything',
    '{"routing":{"rules":[{"name":"x","match":{},"team":"A"}]}}',
    {},
    'routing.rules.0.match',
  ],
  [
    'a rule for country XX',
    '{"routing":{"rules":[{"name":"x","match":{"countries":["XX"]},"team":"A"}]}}',
    {},
    'routing.rules.0.match.countries.0',
  ],
  [
    'a claim fallback of 0 s',
    '{"routing":{"claim":{"fallbackAfterSeconds":0}}}',
    {},
    'routing.claim.fallbackAfterSeconds',
  ],
  ['time zone Mars/Base', '{"metrics":{"timeZone":"Mars/Base"}}', {}, 'metrics.timeZone'],
  [
    'time zone ../../etc/localtime',
    '{"metrics":{"timeZone":"../../etc/localtime"}}',
    {},
    'metrics.timeZone',
  ],
  [
    'a team time zone of garbage',
    '{"metrics":{"teamTimeZones":{"A":"UTC+25"}}}',
    {},
    'metrics.teamTimeZones.A',
  ],
  ['heartbeat 0 s', '{"live":{"heartbeatSeconds":0}}', {}, 'live.heartbeatSeconds'],
  [
    'publicUrl javascript:',
    '{"sources":{"publicUrl":"javascript:alert(1)"}}',
    {},
    'sources.publicUrl',
  ],
  ['publicUrl file:', '{"sources":{"publicUrl":"file:///etc/passwd"}}', {}, 'sources.publicUrl'],
  ['publicUrl not a URL', '{"sources":{"publicUrl":"leads.acme.com"}}', {}, 'sources.publicUrl'],
  [
    '0 failed deliveries an hour',
    '{"sources":{"maxFailedRecordsPerHour":0}}',
    {},
    'sources.maxFailedRecordsPerHour',
  ],
  [
    'calling hours from 25:00',
    '{"lifecycle":{"callingHours":{"start":"25:00"}}}',
    {},
    'lifecycle.callingHours.start',
  ],
  [
    'calling hours from 8am',
    '{"lifecycle":{"callingHours":{"start":"8am"}}}',
    {},
    'lifecycle.callingHours.start',
  ],
  [
    'calling hours for "us-ca"',
    '{"lifecycle":{"callingHours":{"byPlace":{"us-ca":{}}}}}',
    {},
    'lifecycle.callingHours.byPlace.us-ca',
  ],
  [
    'a retry ladder of 31 steps',
    JSON.stringify({
      lifecycle: {
        cadence: { retryLadder: Array.from({ length: 31 }, () => ({ afterMinutes: 10 })) },
      },
    }),
    {},
    'lifecycle.cadence.retryLadder',
  ],
  [
    'a retry after 0 minutes',
    '{"lifecycle":{"cadence":{"retryLadder":[{"afterMinutes":0}]}}}',
    {},
    'lifecycle.cadence.retryLadder.0',
  ],
  [
    'a reason code in capitals',
    '{"lifecycle":{"cadence":{"dispositions":{"not_interested":{"reasons":[{"code":"NO BUDGET","label":"x"}]}}}}}',
    {},
    'lifecycle.cadence.dispositions.not_interested.reasons.0.code',
  ],
  [
    'an unknown disposition',
    '{"lifecycle":{"cadence":{"dispositions":{"maybe":{}}}}}',
    {},
    'lifecycle.cadence.dispositions.maybe',
  ],
  [
    'remind after the team lead is told',
    '{"lifecycle":{"sla":{"remindAtShare":1.5}}}',
    {},
    'lifecycle.sla.alertLeadAtShare',
  ],
  [
    'an SLA target of NaN',
    '{"lifecycle":{"sla":{"targetsMinutes":{"hot":"NaN"}}}}',
    {},
    'lifecycle.sla.targetsMinutes.hot',
  ],
  [
    'a repeat window of 3651 days',
    '{"lifecycle":{"repeatInquiry":{"windowDays":3651}}}',
    {},
    'lifecycle.repeatInquiry.windowDays',
  ],
];

function configFile(content: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'pounce-hostile-config-')), 'pounce.json');
  writeFileSync(path, content);
  return path;
}

describe('hostile config files and environment', () => {
  it(`has a table of at least 50 cases (${CONFIG.length})`, () => {
    expect(CONFIG.length).toBeGreaterThanOrEqual(50);
  });

  it.each(CONFIG)('%s', (_what, content, env, expected) => {
    const file = content === null ? undefined : configFile(content);
    let error: unknown;
    try {
      loadConfig({ file, env });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain(expected);
    // Nothing leaked into every object's prototype on the way.
    expect(({} as Record<string, unknown>).host).toBeUndefined();
    expect(({} as Record<string, unknown>).server).toBeUndefined();
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });
});

// ---------------------------------------------------------------------------------------------
// CSV rows: refused before sending (malformed CSV, the wrong number of cells), or sent and
// refused by the same schema POST /api/v1/leads uses, naming the field.

type CsvWant = { readonly plan: string } | { readonly field: string } | { readonly usage: string };
/** [what, CSV text (header + one row), what becomes of the row] */
const CSV: readonly [string, string, CsvWant][] = [
  ['a quote that is never closed', 'name,email\n"Ann,a@b.co\n', { plan: 'never closed' }],
  [
    'text after a closing quote',
    'name,email\n"Ann"x,a@b.co\n',
    { plan: 'text after its closing quote' },
  ],
  ['too few cells', 'name,email\nAnn\n', { plan: 'has 1 cells; the header has 2' }],
  ['too many cells', 'name,email\nAnn,a@b.co,extra\n', { plan: 'has 3 cells; the header has 2' }],
  [
    '51 unknown columns',
    `name,email,${Array.from({ length: 51 }, (_, i) => `c${i}`).join(',')}\nAnn,a@b.co${',v'.repeat(51)}\n`,
    { usage: 'at most 50' },
  ],
  [
    'a header that is malformed',
    '"name,email\nAnn,a@b.co\n',
    { usage: 'the header row is malformed' },
  ],
  ['no email and no phone', 'name,company\nAnn,Acme\n', { field: 'email' }],
  ['an email with a NUL', 'name,email\nAnn,ann\u0000@acme.io\n', { field: 'email' }],
  ['an email behind an RTL override', 'name,email\nAnn,\u202eann@acme.io\n', { field: 'email' }],
  ['an email as a formula', 'name,email\nAnn,=HYPERLINK("http://evil")\n', { field: 'email' }],
  ['an SQL injection as the email', "name,email\nAnn,' OR 1=1 --\n", { field: 'email' }],
  ['phone NaN', 'name,phone\nAnn,NaN\n', { field: 'phone' }],
  ['phone 1e309', 'name,phone\nAnn,1e309\n', { field: 'phone' }],
  ['phone of two digits', 'name,phone\nAnn,12\n', { field: 'phone' }],
  ['country ZZ', 'name,email,country\nAnn,a@b.co,ZZ\n', { field: 'country' }],
  ['time zone Mars/Base', 'name,email,timezone\nAnn,a@b.co,Mars/Base\n', { field: 'timezone' }],
  ['a name of 201 characters', `name,email\n${long(201)},a@b.co\n`, { field: 'name' }],
  [
    'a message of 5,001 characters',
    `name,email,message\nAnn,a@b.co,${long(5001)}\n`,
    { field: 'message' },
  ],
  [
    'a company of 201 characters',
    `name,email,company\nAnn,a@b.co,${long(201)}\n`,
    { field: 'company' },
  ],
  ['a source with odd characters', 'name,email\nAnn,a@b.co\n', { field: 'source' }],
];

describe('hostile CSV rows', () => {
  const schema = leadInputSchema({ defaultCountry: 'US', clock: () => Date.parse('2026-06-01') });
  const options = (source = 'csv_hostile') => ({
    source,
    map: new Map(),
    unmapped: 'fields' as const,
    signals: [],
  });

  it(`has a table of at least 20 cases (${CSV.length})`, () => {
    expect(CSV.length).toBeGreaterThanOrEqual(20);
  });

  it.each(CSV)('%s', (what, text, want) => {
    const source = what === 'a source with odd characters' ? '<csv>' : 'csv_hostile';
    if ('usage' in want) {
      expect(() => planImport(parseCsv(text), options(source))).toThrow(UsageError);
      expect(() => planImport(parseCsv(text), options(source))).toThrow(want.usage);
      return;
    }
    const plan = planImport(parseCsv(text), options(source));
    if ('plan' in want) {
      expect(plan.rows).toHaveLength(0);
      expect(plan.rejected[0]?.reason).toContain(want.plan);
      return;
    }
    expect(plan.rows).toHaveLength(1);
    const parsed = schema.safeParse(plan.rows[0]?.body);
    expect(parsed.success).toBe(false);
    if (!parsed.success) {
      expect(fieldIssues(parsed.error).map((i) => i.field)).toContain(want.field);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// The IPC gate: what the page may send main. A refusal never reaches the app service.

type IpcWant = { readonly code: AppErrorCode; readonly field?: string };
/** [what, the envelope the page sends, the refusal] */
const IPC: readonly [string, unknown, IpcWant][] = [
  ['no envelope', undefined, { code: 'invalid_request' }],
  ['null', null, { code: 'invalid_request' }],
  ['a string', 'session.get', { code: 'invalid_request' }],
  ['an array', ['session.get', {}], { code: 'invalid_request' }],
  ['a number', 1, { code: 'invalid_request' }],
  ['method is a number', { method: 1, params: {} }, { code: 'invalid_request', field: 'method' }],
  [
    'method of 65 characters',
    { method: long(65), params: {} },
    { code: 'invalid_request', field: 'method' },
  ],
  [
    'an extra envelope key',
    { method: 'session.get', params: {}, channel: 'x' },
    { code: 'invalid_request', field: 'channel' },
  ],
  [
    '__proto__ in the envelope',
    JSON.parse('{"method":"session.get","params":{},"__proto__":{"x":1}}'),
    { code: 'invalid_request', field: '__proto__' },
  ],
  ['method __proto__', { method: '__proto__', params: {} }, { code: 'unknown_method' }],
  ['method constructor', { method: 'constructor', params: {} }, { code: 'unknown_method' }],
  ['method toString', { method: 'toString', params: {} }, { code: 'unknown_method' }],
  ['method hasOwnProperty', { method: 'hasOwnProperty', params: {} }, { code: 'unknown_method' }],
  [
    'method with a trailing space',
    { method: 'session.get ', params: {} },
    { code: 'unknown_method' },
  ],
  ['method in capitals', { method: 'SESSION.GET', params: {} }, { code: 'unknown_method' }],
  ['an Electron channel name', { method: 'ipc:app-call', params: {} }, { code: 'unknown_method' }],
  [
    'params for a method that takes none',
    { method: 'session.get', params: { x: 1 } },
    { code: 'invalid_request', field: 'x' },
  ],
  ['params as an array', { method: 'status.get', params: [] }, { code: 'invalid_request' }],
  ['params as a string', { method: 'sync.now', params: 'now' }, { code: 'invalid_request' }],
  [
    'sign in to javascript:',
    {
      method: 'session.signIn',
      params: { serverUrl: 'javascript:alert(1)', email: 'a@b.co', password: 'p' },
    },
    { code: 'invalid_request', field: 'serverUrl' },
  ],
  [
    'sign in to file:',
    {
      method: 'session.signIn',
      params: { serverUrl: 'file:///etc/passwd', email: 'a@b.co', password: 'p' },
    },
    { code: 'invalid_request', field: 'serverUrl' },
  ],
  [
    'sign in to http:// with no host',
    { method: 'session.signIn', params: { serverUrl: 'http://', email: 'a@b.co', password: 'p' } },
    { code: 'invalid_request', field: 'serverUrl' },
  ],
  [
    'sign in to a 2,049-character URL',
    {
      method: 'session.signIn',
      params: { serverUrl: `https://a.co/${long(2040)}`, email: 'a@b.co', password: 'p' },
    },
    { code: 'invalid_request', field: 'serverUrl' },
  ],
  [
    'sign in with a URL as a number',
    { method: 'session.signIn', params: { serverUrl: 8787, email: 'a@b.co', password: 'p' } },
    { code: 'invalid_request', field: 'serverUrl' },
  ],
  [
    'sign in with no email',
    { method: 'session.signIn', params: { serverUrl: 'https://a.co', email: ' ', password: 'p' } },
    { code: 'invalid_request', field: 'email' },
  ],
  [
    'sign in with a 1,025-character password',
    {
      method: 'session.signIn',
      params: { serverUrl: 'https://a.co', email: 'a@b.co', password: long(1025) },
    },
    { code: 'invalid_request', field: 'password' },
  ],
  [
    'sign in with a token instead',
    {
      method: 'session.signIn',
      params: { serverUrl: 'https://a.co', email: 'a@b.co', password: 'p', token: 'pnc_s_x' },
    },
    { code: 'invalid_request', field: 'token' },
  ],
  [
    'queue from offset -1',
    { method: 'queue.get', params: { offset: -1 } },
    { code: 'invalid_request', field: 'offset' },
  ],
  [
    'queue from offset 1.5',
    { method: 'queue.get', params: { offset: 1.5 } },
    { code: 'invalid_request', field: 'offset' },
  ],
  [
    'queue from offset "5"',
    { method: 'queue.get', params: { offset: '5' } },
    { code: 'invalid_request', field: 'offset' },
  ],
  [
    'queue of limit 0',
    { method: 'queue.get', params: { limit: 0 } },
    { code: 'invalid_request', field: 'limit' },
  ],
  [
    'queue of limit Infinity',
    { method: 'queue.get', params: { limit: Infinity } },
    { code: 'invalid_request', field: 'limit' },
  ],
  [
    'queue of limit NaN',
    { method: 'queue.get', params: { limit: NaN } },
    { code: 'invalid_request', field: 'limit' },
  ],
  [
    'queue selecting ../x',
    { method: 'queue.get', params: { selectedId: '../x' } },
    { code: 'invalid_request', field: 'selectedId' },
  ],
  [
    'lead ../../etc/passwd',
    { method: 'lead.get', params: { id: '../../../../../../../../etc/passwd' } },
    { code: 'invalid_request', field: 'id' },
  ],
  [
    'lead id in capitals',
    { method: 'lead.get', params: { id: LEAD.toUpperCase() } },
    { code: 'invalid_request', field: 'id' },
  ],
  [
    'lead id of 37 characters',
    { method: 'lead.get', params: { id: `${LEAD}0` } },
    { code: 'invalid_request', field: 'id' },
  ],
  [
    'lead id as an object',
    { method: 'lead.get', params: { id: { $ne: null } } },
    { code: 'invalid_request', field: 'id' },
  ],
  [
    'a command with no type',
    { method: 'lead.command', params: { leadId: LEAD } },
    { code: 'invalid_request', field: 'type' },
  ],
  [
    'a command deleteLead',
    { method: 'lead.command', params: { type: 'deleteLead', leadId: LEAD } },
    { code: 'invalid_request', field: 'type' },
  ],
  [
    'an outcome "maybe"',
    { method: 'lead.command', params: { type: 'logOutcome', leadId: LEAD, disposition: 'maybe' } },
    { code: 'invalid_request', field: 'disposition' },
  ],
  [
    'an outcome note of 2,001 characters',
    {
      method: 'lead.command',
      params: { type: 'logOutcome', leadId: LEAD, disposition: 'no_answer', note: long(2001) },
    },
    { code: 'invalid_request', field: 'note' },
  ],
  [
    'a callback "tomorrow"',
    {
      method: 'lead.command',
      params: {
        type: 'logOutcome',
        leadId: LEAD,
        disposition: 'no_answer',
        callbackAt: 'tomorrow',
      },
    },
    { code: 'invalid_request', field: 'callbackAt' },
  ],
  [
    'a callback in year 10000',
    {
      method: 'lead.command',
      params: { type: 'scheduleCallback', leadId: LEAD, at: '+010000-01-01T00:00:00Z' },
    },
    { code: 'invalid_request', field: 'at' },
  ],
  [
    'a callback at +99:00',
    {
      method: 'lead.command',
      params: { type: 'scheduleCallback', leadId: LEAD, at: '2030-01-01T10:00:00+99:00' },
    },
    { code: 'invalid_request', field: 'at' },
  ],
  [
    'a callback on 30 February',
    {
      method: 'lead.command',
      params: { type: 'scheduleCallback', leadId: LEAD, at: '2030-02-30T10:00:00Z' },
    },
    { code: 'invalid_request', field: 'at' },
  ],
  [
    'a reason code DROP TABLE',
    {
      method: 'lead.command',
      params: {
        type: 'logOutcome',
        leadId: LEAD,
        disposition: 'not_interested',
        reasonCode: 'DROP TABLE',
      },
    },
    { code: 'invalid_request', field: 'reasonCode' },
  ],
  [
    'an empty note',
    { method: 'lead.command', params: { type: 'addNote', leadId: LEAD, text: ' \t\n ' } },
    { code: 'invalid_request', field: 'text' },
  ],
  [
    'receiving "yes"',
    { method: 'lead.command', params: { type: 'setReceivingLeads', receiving: 'yes' } },
    { code: 'invalid_request', field: 'receiving' },
  ],
  [
    'a command with __proto__',
    {
      method: 'lead.command',
      params: JSON.parse(`{"type":"markSeen","leadId":"${LEAD}","__proto__":{"x":1}}`) as unknown,
    },
    { code: 'invalid_request', field: '__proto__' },
  ],
  [
    'claim a lead ../x',
    { method: 'lead.claim', params: { leadId: '../x' } },
    { code: 'invalid_request', field: 'leadId' },
  ],
  [
    'dismiss mutation 0',
    { method: 'rejected.dismiss', params: { mutationId: 0 } },
    { code: 'invalid_request', field: 'mutationId' },
  ],
  [
    'dismiss mutation 1.5',
    { method: 'rejected.dismiss', params: { mutationId: 1.5 } },
    { code: 'invalid_request', field: 'mutationId' },
  ],
  [
    'dismiss mutation "1"',
    { method: 'rejected.dismiss', params: { mutationId: '1' } },
    { code: 'invalid_request', field: 'mutationId' },
  ],
  [
    'search for nothing',
    { method: 'leads.search', params: { query: '   ' } },
    { code: 'invalid_request', field: 'query' },
  ],
  [
    'search of 201 characters',
    { method: 'leads.search', params: { query: long(201) } },
    { code: 'invalid_request', field: 'query' },
  ],
  [
    'search limit 201',
    { method: 'leads.search', params: { query: 'a', limit: 201 } },
    { code: 'invalid_request', field: 'limit' },
  ],
  [
    'theme neon',
    { method: 'settings.set', params: { theme: 'neon' } },
    { code: 'invalid_request', field: 'theme' },
  ],
  [
    'do not disturb "true"',
    { method: 'settings.set', params: { doNotDisturb: 'true' } },
    { code: 'invalid_request', field: 'doNotDisturb' },
  ],
  [
    'an unknown setting',
    { method: 'settings.set', params: { serverUrl: 'http://evil' } },
    { code: 'invalid_request', field: 'serverUrl' },
  ],
  [
    'open an empty link',
    { method: 'link.open', params: { url: '' } },
    { code: 'invalid_request', field: 'url' },
  ],
  [
    'open a 2,049-character link',
    { method: 'link.open', params: { url: `https://a.co/${long(2040)}` } },
    { code: 'invalid_request', field: 'url' },
  ],
  [
    'charts of team ../admin',
    { method: 'board.charts', params: { teamId: '../admin' } },
    { code: 'invalid_request', field: 'teamId' },
  ],
  [
    'charts of team a?b=c',
    { method: 'board.charts', params: { teamId: 'a?b=c' } },
    { code: 'invalid_request', field: 'teamId' },
  ],
  [
    'charts of 0 days',
    { method: 'board.charts', params: { teamId: 't1', days: 0 } },
    { code: 'invalid_request', field: 'days' },
  ],
  [
    'reassign to x/y',
    { method: 'board.reassign', params: { leadId: LEAD, toUserId: 'x/y' } },
    { code: 'invalid_request', field: 'toUserId' },
  ],
  [
    'the pool of open leads',
    { method: 'board.pool', params: { teamId: 't1', status: 'open' } },
    { code: 'invalid_request', field: 'status' },
  ],
  [
    'the queue of rep ""',
    { method: 'board.repQueue', params: { repId: '' } },
    { code: 'invalid_request', field: 'repId' },
  ],
  [
    'the queue of rep %2e%2e',
    { method: 'board.repQueue', params: { repId: '%2e%2e' } },
    { code: 'invalid_request', field: 'repId' },
  ],
];

describe('hostile IPC requests from the page', () => {
  it(`has a table of at least 60 cases (${IPC.length})`, () => {
    expect(IPC.length).toBeGreaterThanOrEqual(60);
  });

  it.each(IPC)('%s', (_what, envelope, want) => {
    const checked = checkAppRequest(envelope);
    expect(checked.ok).toBe(false);
    if (checked.ok) return;
    expect(checked.error.code).toBe(want.code);
    expect(checked.error.message).toEqual(expect.any(String));
    if (want.field !== undefined) {
      expect(checked.error.fields?.map((f) => f.field)).toContain(want.field);
    }
  });
});

describe('field issues', () => {
  it('names each of several unknown keys as its own field, not a dotted path', () => {
    const checked = checkAppRequest({ method: 'session.get', params: { a: 1, b: 2 } });
    expect(checked.ok).toBe(false);
    if (!checked.ok) {
      expect(checked.error.fields).toEqual([
        { field: 'a', message: 'unknown field: a' },
        { field: 'b', message: 'unknown field: b' },
      ]);
    }
  });
});
