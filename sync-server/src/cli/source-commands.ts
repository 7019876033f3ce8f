import { readFileSync } from 'node:fs';
import type { z } from 'zod';
import { fieldIssues } from '../../../src/shared/validation';
import { WriteQueue } from '../db/write-queue';
import { DELIVERY_STATUSES, type DeliveryStatus } from '../repos/source-deliveries';
import type { SourceKind } from '../sources/mapping';
import { ApiError } from '../domain/api-error';
import { keyFilePath, openSecretBox, SecretBoxError, type SecretBox } from '../sources/secret-box';
import {
  CreateSourceSchema,
  SourceAdmin,
  UpdateSourceSchema,
  type SourceView,
  type SourceWithSecret,
} from '../sources/source-admin';
import type { AdminContext } from './admin-context';
import type { Command } from './command';
import { CommandFailure, UsageError } from './errors';
import { shortDate, table } from './output';

const FLAG_OF: Readonly<Record<string, string>> = {
  kind: '--kind',
  name: '--name',
  mapping: '--mapping',
  disabled: '--disabled',
};

const SOURCE = {
  type: 'string',
  value: 'NAME_OR_ID',
  description: 'the source, by name or id (see sources list)',
  required: true,
} as const;

const MAPPING = {
  type: 'string',
  value: 'FILE',
  description: 'JSON file with the mapping (docs/api.md, "Lead sources")',
} as const;

const KIND_LABEL: Readonly<Record<SourceKind, string>> = {
  google_ads: 'Google Ads',
  typeform: 'Typeform',
  webhook: 'webhook',
};

/**
 * Runs `fn` with the sources service over the CLI's database. Its own write queue (closed
 * before the database) and the same server key the server uses, so secrets sealed here open
 * there.
 */
async function withSources<T>(
  admin: () => Promise<AdminContext>,
  fn: (sources: SourceAdmin) => Promise<T>,
): Promise<T> {
  const ctx = await admin();
  const box = openBox(ctx);
  const writes = new WriteQueue(ctx.db);
  try {
    return await fn(
      new SourceAdmin({
        db: ctx.db,
        writes,
        box,
        clock: Date.now,
        publicUrl: ctx.config.sources.publicUrl,
      }),
    );
  } finally {
    await writes.close();
  }
}

function openBox(ctx: AdminContext): SecretBox {
  const file = keyFilePath(ctx.config.sources, ctx.config.server.dataDir);
  try {
    return openSecretBox(file);
  } catch (error) {
    // A malformed or unreadable key file is the operator's to fix, not a bug.
    if (error instanceof SecretBoxError || (error instanceof Error && 'code' in error))
      throw new CommandFailure(`cannot use the source key file ${file}: ${error.message}`);
    throw error;
  }
}

function readMapping(file: string | undefined): unknown {
  if (file === undefined) return undefined;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`--mapping: cannot read ${file}: ${(error as Error).message}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new UsageError(`--mapping: ${file} is not valid JSON: ${(error as Error).message}`);
  }
}

/** Like validateFlags, but keeps the path inside the mapping: `--mapping columns.EMAIL: ...`. */
function validate<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new UsageError(
    fieldIssues(result.error)
      .map(({ field, message }) => {
        const [top = '', ...rest] = field.split('.');
        const flag = FLAG_OF[top];
        if (!flag) return field ? `${field}: ${message}` : message;
        return `${flag}${rest.length > 0 ? ` ${rest.join('.')}` : ''}: ${message}`;
      })
      .join('; '),
  );
}

function whereToPost(source: SourceView): string {
  return source.webhookUrl ?? `<this server's public URL>${source.webhookPath}`;
}

function setUpHint(kind: SourceKind): string {
  switch (kind) {
    case 'google_ads':
      return 'In Google Ads, open the lead form, "Export leads from Google Ads" > Webhook: the URL is\nthe webhook URL, the key is the secret. "Send test data" arrives as a test delivery.';
    case 'typeform':
      return 'In Typeform: Connect > Webhooks > Add a webhook with the URL; then Edit > Secret: paste\nthe secret, and switch the webhook on. Map answers by field ref with --mapping.';
    case 'webhook':
      return 'Sign each delivery the Standard Webhooks way (webhook-id, webhook-timestamp, webhook-signature)\nwith the signing secret; older senders: Pounce-Signature: sha256=<hex of HMAC-SHA256(secret, raw\nbody)>, or Authorization: Bearer <secret>. The body is that of POST /api/v1/leads (or mapped by paths).';
  }
}

function secretText(
  verb: string,
  { source, secret, signingSecret }: SourceWithSecret,
  hint: boolean,
): string {
  return [
    `${verb} ${KIND_LABEL[source.kind]} source "${source.name}" (id ${source.id}).`,
    '',
    `  Webhook URL:     ${whereToPost(source)}`,
    `  Secret:          ${secret}`,
    ...(signingSecret === undefined ? [] : [`  Signing secret:  ${signingSecret} (the same key)`]),
    '',
    'Store the secret now: it cannot be shown again (sources rotate-secret makes a new one).',
    ...(hint ? [setUpHint(source.kind)] : []),
  ].join('\n');
}

const sourcesCreate: Command = {
  name: 'sources create',
  summary: 'create a lead source with its webhook URL and secret (the secret is shown once)',
  flags: {
    kind: {
      type: 'string',
      value: 'google_ads|typeform|webhook',
      description: 'what sends the leads',
      required: true,
    },
    name: {
      type: 'string',
      value: 'NAME',
      description: 'unique; the `source` of its leads, e.g. "Google Ads Q4"',
      required: true,
    },
    mapping: MAPPING,
  },
  examples: [
    'sources create --kind google_ads --name "Google Ads Q4"',
    'sources create --kind typeform --name "Demo form" --mapping demo-form.json',
  ],
  async run({ flags, out, admin }) {
    const input = validate(CreateSourceSchema, {
      kind: flags.string('kind'),
      name: flags.string('name'),
      mapping: readMapping(flags.string('mapping')),
    });
    // The CLI acts as the operator of the machine, not as an account.
    const created = await withSources(admin, (sources) => sources.create(input, null));
    out.result(created, () => secretText('Created', created, true));
  },
};

const sourcesList: Command = {
  name: 'sources list',
  summary: 'list lead sources (never their secrets)',
  flags: {},
  async run({ out, admin }) {
    const list = await withSources(admin, (sources) => sources.list());
    out.result({ sources: list }, () =>
      table(
        ['NAME', 'KIND', 'STATUS', 'CREATED', 'WEBHOOK', 'ID'],
        list.map((s) => [
          s.name,
          s.kind,
          s.disabledAt ? `disabled ${shortDate(s.disabledAt)}` : 'active',
          shortDate(s.createdAt),
          s.webhookUrl ?? s.webhookPath,
          s.id,
        ]),
        '(no sources yet: sources create --kind KIND --name NAME)',
      ),
    );
  },
};

const sourcesUpdate: Command = {
  name: 'sources update',
  summary: "change a source's mapping, or disable it (its webhook then answers 404)",
  flags: {
    source: SOURCE,
    mapping: MAPPING,
    disabled: { type: 'string', value: 'true|false', description: 'stop or resume taking leads' },
  },
  examples: ['sources update --source "Demo form" --mapping demo-form.json'],
  async run({ flags, out, admin }) {
    const input = validate(UpdateSourceSchema, {
      mapping: readMapping(flags.string('mapping')),
      disabled: flags.booleanValue('disabled'),
    });
    const source = await withSources(admin, async (sources) => {
      const found = await sources.resolve(flags.requiredString('source'));
      try {
        return await sources.update(found.id, input);
      } catch (error) {
        // The mapping is checked against the source's kind only now: report it by flag too.
        if (error instanceof ApiError && error.status === 422)
          throw new UsageError(describeMappingIssues(error.details) ?? error.message);
        throw error;
      }
    });
    out.result(
      { source },
      () =>
        `Updated source "${source.name}": ${source.disabledAt ? 'disabled' : 'active'}, mapping ${JSON.stringify(source.mapping)}.`,
    );
  },
};

function describeMappingIssues(details: unknown): string | undefined {
  const fields = (details as { fields?: { field: string; message: string }[] } | undefined)?.fields;
  if (!fields || fields.length === 0) return undefined;
  return fields
    .map(({ field, message }) => {
      const inner = field.startsWith('mapping.') ? ` ${field.slice('mapping.'.length)}` : '';
      return `--mapping${inner}: ${message}`;
    })
    .join('; ');
}

const sourcesRotate: Command = {
  name: 'sources rotate-secret',
  summary: 'give a source a new secret (shown once); the old one stops working at once',
  flags: { source: SOURCE },
  async run({ flags, out, admin }) {
    const rotated = await withSources(admin, async (sources) =>
      sources.rotateSecret((await sources.resolve(flags.requiredString('source'))).id),
    );
    out.result(rotated, () => secretText('New secret for', rotated, false));
  },
};

const FAILED: readonly DeliveryStatus[] = ['rejected_verification', 'invalid'];

const sourcesDeliveries: Command = {
  name: 'sources deliveries',
  summary: "show a source's recent deliveries and what became of each",
  flags: {
    source: SOURCE,
    failed: { type: 'boolean', description: 'only those that failed verification or were invalid' },
    status: {
      type: 'string',
      value: 'S,S',
      description: `only these: ${DELIVERY_STATUSES.join(', ')}`,
    },
    limit: { type: 'string', value: 'N', description: 'how many, newest first (default 50)' },
  },
  examples: ['sources deliveries --source "Google Ads Q4" --failed'],
  async run({ flags, out, admin }) {
    const statuses = new Set<DeliveryStatus>(flags.boolean('failed') ? FAILED : []);
    for (const s of (flags.string('status') ?? '').split(',').map((x) => x.trim())) {
      if (s === '') continue;
      if (!(DELIVERY_STATUSES as readonly string[]).includes(s))
        throw new UsageError(
          `--status: unknown status "${s}"; one of ${DELIVERY_STATUSES.join(', ')}`,
        );
      statuses.add(s as DeliveryStatus);
    }
    const limit = flags.integer('limit') ?? 50;
    if (limit < 1 || limit > 200) throw new UsageError('--limit must be between 1 and 200');
    const { source, deliveries } = await withSources(admin, async (sources) => {
      const found = await sources.resolve(flags.requiredString('source'));
      const page = await sources.deliveries(found.id, { statuses: [...statuses], limit });
      return { source: found, deliveries: page.deliveries };
    });
    out.result({ deliveries }, () =>
      table(
        ['RECEIVED', 'STATUS', 'DELIVERY ID', 'LEAD', 'FROM', 'REASON'],
        deliveries.map((d) => [
          d.receivedAt.slice(0, 19).replace('T', ' '),
          d.status,
          d.deliveryId,
          d.leadId,
          d.remoteAddress,
          d.reason,
        ]),
        `(no ${statuses.size > 0 ? 'such ' : ''}deliveries to "${source.name}" yet)`,
      ),
    );
  },
};

export const SOURCE_COMMANDS: readonly Command[] = [
  sourcesCreate,
  sourcesList,
  sourcesUpdate,
  sourcesRotate,
  sourcesDeliveries,
];
