import { z } from 'zod';
import { CreateApiKeySchema } from '../../../src/shared/user';
import { listApiKeys } from '../repos/api-keys';
import { FLAG_OF_FIELD, type Command } from './command';
import { validateFlags } from './flags';
import { shortDate, table } from './output';

const iso = (ms: number | null) => (ms === null ? null : new Date(Number(ms)).toISOString());

const apiKeysCreate: Command = {
  name: 'api-keys create',
  summary: 'create an intake API key for a lead source (the key is shown once)',
  flags: {
    name: {
      type: 'string',
      value: 'NAME',
      description: 'what sends with it, e.g. "Website forms"',
      required: true,
    },
  },
  examples: ['api-keys create --name "Website forms"'],
  async run({ flags, out, admin }) {
    const { name } = validateFlags(
      CreateApiKeySchema,
      { name: flags.string('name') },
      FLAG_OF_FIELD,
    );
    // No user made it: the CLI acts as the operator of the machine, not as an account.
    const created = await (await admin()).accounts.createApiKey(name, null);
    out.result(created, () =>
      [
        `Created API key "${created.apiKey.name}" (id ${created.apiKey.id}).`,
        '',
        `  ${created.key}`,
        '',
        'Store it now: only its hash is kept, so it cannot be shown again.',
        'Send leads with:  Authorization: Bearer <key>  to  POST /api/v1/leads',
      ].join('\n'),
    );
  },
};

const apiKeysList: Command = {
  name: 'api-keys list',
  summary: 'list API keys (names and ids; keys themselves are never stored)',
  flags: {},
  async run({ out, admin }) {
    const rows = await listApiKeys((await admin()).db);
    const apiKeys = rows.map((k) => ({
      id: k.id,
      name: k.name,
      createdAt: iso(k.created_at) ?? '',
      revokedAt: iso(k.revoked_at),
    }));
    out.result({ apiKeys }, () =>
      table(
        ['NAME', 'STATUS', 'CREATED', 'ID'],
        apiKeys.map((k) => [
          k.name,
          k.revokedAt ? `revoked ${shortDate(k.revokedAt)}` : 'active',
          shortDate(k.createdAt),
          k.id,
        ]),
        '(no API keys yet: api-keys create --name NAME)',
      ),
    );
  },
};

const apiKeysRevoke: Command = {
  name: 'api-keys revoke',
  summary: 'revoke an API key; its source gets 401 from then on',
  flags: {
    id: {
      type: 'string',
      value: 'ID',
      description: 'the key id (see api-keys list)',
      required: true,
    },
  },
  async run({ flags, out, admin }) {
    const { id } = validateFlags(
      z.strictObject({ id: z.string().trim().min(1).max(64) }),
      { id: flags.string('id') },
      { id: '--id' },
    );
    await (await admin()).accounts.revokeApiKey(id);
    out.result({ revoked: { id } }, () => `Revoked API key ${id}.`);
  },
};

export const API_KEY_COMMANDS: readonly Command[] = [apiKeysCreate, apiKeysList, apiKeysRevoke];
