import { z } from 'zod';
import { uuidv7 } from '../../../src/shared/ids';
import { LeadInputShape } from '../../../src/shared/lead';
import { fieldIssues } from '../../../src/shared/validation';
import type { LeadSourceRow, SourceDeliveryRow } from '../db/schema';
import type { WriteQueue } from '../db/write-queue';
import { ApiError } from '../domain/api-error';
import type { Db } from '../repos/db-types';
import { listDeliveries, type DeliveryStatus } from '../repos/source-deliveries';
import {
  findSourceById,
  findSourceByName,
  insertSource,
  listSources,
  updateSource,
} from '../repos/sources';
import {
  GoogleAdsMappingSchema,
  mappingSchemaFor,
  TypeformMappingSchema,
  WebhookMappingSchema,
  type SourceKind,
  type SourceMapping,
} from './mapping';
import type { SecretBox } from './secret-box';
import { standardWebhookSecret } from './standard-webhooks';
import { newSourceSecret, sha256Hex } from './verify';

/** A source's name is the `source` of its leads, so it follows the same rule. */
const SourceName = LeadInputShape.shape.source;

export const CreateSourceSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('google_ads'),
    name: SourceName,
    mapping: GoogleAdsMappingSchema.optional(),
  }),
  z.strictObject({
    kind: z.literal('typeform'),
    name: SourceName,
    mapping: TypeformMappingSchema.optional(),
  }),
  z.strictObject({
    kind: z.literal('webhook'),
    name: SourceName,
    mapping: WebhookMappingSchema.optional(),
  }),
]);
export type CreateSourceInput = z.output<typeof CreateSourceSchema>;

/** The mapping is checked against the source's kind once the source is known. */
export const UpdateSourceSchema = z
  .strictObject({ mapping: z.unknown().optional(), disabled: z.boolean().optional() })
  .refine((u) => u.mapping !== undefined || u.disabled !== undefined, {
    message: 'give mapping or disabled',
  });
export type UpdateSourceInput = z.output<typeof UpdateSourceSchema>;

export interface SourceView {
  readonly id: string;
  readonly kind: SourceKind;
  readonly name: string;
  /** As the admin gave it; the kind's defaults fill the rest. */
  readonly mapping: SourceMapping;
  /** Where the sender posts (no bearer token: each kind proves itself its own way). */
  readonly webhookPath: string;
  /** The full URL when `sources.publicUrl` is configured. */
  readonly webhookUrl: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly secretRotatedAt: string;
  readonly disabledAt: string | null;
}

export interface DeliveryView {
  readonly id: string;
  readonly sourceId: string;
  readonly status: DeliveryStatus;
  readonly reason: string | null;
  readonly deliveryId: string | null;
  readonly leadId: string | null;
  readonly detail: unknown;
  readonly remoteAddress: string | null;
  readonly receivedAt: string;
}

export function webhookPath(sourceId: string): string {
  return `/api/v1/sources/${sourceId}/webhook`;
}

/** The additional data a source's sealed secret is bound to. */
export function sealContext(sourceId: string): string {
  return `lead_sources:${sourceId}`;
}

export interface SourceAdminDeps {
  readonly db: Db;
  readonly writes: WriteQueue;
  readonly box: SecretBox;
  readonly clock: () => number;
  readonly publicUrl: string | null;
}

const iso = (ms: number) => new Date(Number(ms)).toISOString();

/**
 * A source with its secret, shown once. A generic webhook's also comes as `signingSecret`, the
 * same key in the `whsec_` form Standard Webhooks senders take (standard-webhooks.ts).
 */
export interface SourceWithSecret {
  readonly source: SourceView;
  readonly secret: string;
  readonly signingSecret?: string;
}

function withSecret(source: SourceView, secret: string): SourceWithSecret {
  return source.kind === 'webhook'
    ? { source, secret, signingSecret: standardWebhookSecret(secret) }
    : { source, secret };
}

/**
 * Creating and changing lead sources: shared by the HTTP API and the admin CLI. A secret leaves
 * here once, in the answer to create or rotate; what is stored cannot give it back (a hash) or
 * only with the server key (sealed).
 *
 *   const { source, secret } = await sources.create({ kind: 'typeform', name: 'Demo form' }, userId);
 */
export class SourceAdmin {
  constructor(private readonly deps: SourceAdminDeps) {}

  async create(input: CreateSourceInput, createdBy: string | null): Promise<SourceWithSecret> {
    const now = this.deps.clock();
    const id = uuidv7();
    const secret = newSourceSecret();
    const row: LeadSourceRow = {
      id,
      kind: input.kind,
      name: input.name,
      mapping: JSON.stringify(input.mapping ?? {}),
      ...this.secretColumns(input.kind, id, secret),
      secret_rotated_at: now,
      created_by: createdBy,
      created_at: now,
      updated_at: now,
      disabled_at: null,
    };
    await this.deps.writes.run(async ({ trx }) => {
      const existing = await findSourceByName(trx, input.name);
      if (existing) throw ApiError.conflict(`a source named "${existing.name}" exists`);
      await insertSource(trx, row);
    });
    return withSecret(this.view(row), secret);
  }

  async list(): Promise<SourceView[]> {
    return (await listSources(this.deps.db)).map((row) => this.view(row));
  }

  async get(id: string): Promise<SourceView> {
    return this.view(await this.require(this.deps.db, id));
  }

  /** A source by id or, for people at a terminal, by name. */
  async resolve(nameOrId: string): Promise<SourceView> {
    const wanted = nameOrId.trim();
    const row =
      (await findSourceById(this.deps.db, wanted)) ??
      (await findSourceByName(this.deps.db, wanted));
    if (!row) throw ApiError.notFound(`source "${wanted}"`);
    return this.view(row);
  }

  async update(id: string, input: UpdateSourceInput): Promise<SourceView> {
    const row = await this.deps.writes.run(async ({ trx }) => {
      const current = await this.require(trx, id);
      const now = this.deps.clock();
      const patch: Parameters<typeof updateSource>[2] = { updated_at: now };
      if (input.mapping !== undefined) {
        const parsed = mappingSchemaFor(current.kind).safeParse(input.mapping);
        if (!parsed.success) {
          throw ApiError.validation(
            fieldIssues(parsed.error).map((issue) => ({
              field: issue.field ? `mapping.${issue.field}` : 'mapping',
              message: issue.message,
            })),
          );
        }
        patch.mapping = JSON.stringify(parsed.data);
      }
      if (input.disabled !== undefined)
        patch.disabled_at = input.disabled ? (current.disabled_at ?? now) : null;
      await updateSource(trx, id, patch);
      return { ...current, ...patch };
    });
    return this.view(row);
  }

  /** A new secret; the old one stops working at once. */
  async rotateSecret(id: string): Promise<SourceWithSecret> {
    const secret = newSourceSecret();
    const row = await this.deps.writes.run(async ({ trx }) => {
      const current = await this.require(trx, id);
      const now = this.deps.clock();
      const patch = {
        ...this.secretColumns(current.kind, id, secret),
        secret_rotated_at: now,
        updated_at: now,
      };
      await updateSource(trx, id, patch);
      return { ...current, ...patch };
    });
    return withSecret(this.view(row), secret);
  }

  async deliveries(
    id: string,
    options: {
      readonly statuses?: readonly DeliveryStatus[] | undefined;
      readonly beforeId?: string | undefined;
      readonly limit: number;
    },
  ): Promise<{ deliveries: DeliveryView[]; hasMore: boolean }> {
    await this.require(this.deps.db, id);
    const rows = await listDeliveries(this.deps.db, id, { ...options, limit: options.limit + 1 });
    return {
      deliveries: rows.slice(0, options.limit).map(toDeliveryView),
      hasMore: rows.length > options.limit,
    };
  }

  private secretColumns(kind: SourceKind, id: string, secret: string) {
    return {
      secret_hash: sha256Hex(secret),
      // A Google key only needs comparing; HMAC secrets must be read back to sign with.
      secret_sealed: kind === 'google_ads' ? null : this.deps.box.seal(secret, sealContext(id)),
    };
  }

  private async require(db: Db, id: string): Promise<LeadSourceRow> {
    const row = await findSourceById(db, id);
    if (!row) throw ApiError.notFound('source');
    return row;
  }

  private view(row: LeadSourceRow): SourceView {
    const path = webhookPath(row.id);
    return {
      id: row.id,
      kind: row.kind,
      name: row.name,
      mapping: JSON.parse(row.mapping) as SourceMapping,
      webhookPath: path,
      webhookUrl: this.deps.publicUrl ? `${this.deps.publicUrl.replace(/\/+$/, '')}${path}` : null,
      createdAt: iso(row.created_at),
      updatedAt: iso(row.updated_at),
      secretRotatedAt: iso(row.secret_rotated_at),
      disabledAt: row.disabled_at === null ? null : iso(row.disabled_at),
    };
  }
}

export function toDeliveryView(row: SourceDeliveryRow): DeliveryView {
  return {
    id: row.id,
    sourceId: row.source_id,
    status: row.status,
    reason: row.reason,
    deliveryId: row.delivery_id,
    leadId: row.lead_id,
    detail: row.detail === null ? null : (JSON.parse(row.detail) as unknown),
    remoteAddress: row.remote_address,
    receivedAt: iso(row.received_at),
  };
}
