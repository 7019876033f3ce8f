import { readFileSync } from 'node:fs';
import { describeIssues, fieldIssues } from '../../../src/shared/validation';
import { trustProxyFromEnv } from './proxy-address';
import { ConfigSchema, type Config } from './schema';

export class ConfigError extends Error {}

/**
 * Reads and validates the configuration. Throws a ConfigError whose message names the file and
 * every failing key (`scoring.tiers.hot: expected number`), which `main` prints before exiting.
 *
 *   const config = loadConfig({ file: process.env.POUNCE_CONFIG, env: process.env });
 */
export function loadConfig(options: {
  file?: string | undefined;
  env?: NodeJS.ProcessEnv;
  /** Merged over the file: tests pass settings here. */
  overrides?: Record<string, unknown>;
}): Config {
  const env = options.env ?? {};
  let fromFile: Record<string, unknown> = {};
  if (options.file) {
    let text: string;
    try {
      text = readFileSync(options.file, 'utf8');
    } catch (error) {
      throw new ConfigError(`cannot read config file ${options.file}: ${(error as Error).message}`);
    }
    try {
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
        throw new Error('the top level must be an object');
      }
      fromFile = parsed as Record<string, unknown>;
    } catch (error) {
      throw new ConfigError(
        `config file ${options.file} is not valid JSON: ${(error as Error).message}`,
      );
    }
  }
  const merged = deepMerge(fromFile, options.overrides ?? {});
  const server = { ...(merged.server as Record<string, unknown> | undefined) };
  const port = env.POUNCE_PORT;
  if (port !== undefined && port !== '') server.port = /^\d+$/.test(port) ? Number(port) : port;
  if (env.POUNCE_HOST) server.host = env.POUNCE_HOST;
  if (env.POUNCE_DATA_DIR) server.dataDir = env.POUNCE_DATA_DIR;
  if (env.POUNCE_TRUST_PROXY) server.trustProxy = trustProxyFromEnv(env.POUNCE_TRUST_PROXY);
  // The sealing key's file is often a mounted secret: its path comes from the environment.
  const sources = { ...(merged.sources as Record<string, unknown> | undefined) };
  if (env.POUNCE_SOURCES_KEY_FILE) sources.keyFile = env.POUNCE_SOURCES_KEY_FILE;
  const sync = { ...(merged.sync as Record<string, unknown> | undefined) };
  const historyDays = env.POUNCE_SYNC_HISTORY_DAYS;
  if (historyDays !== undefined && historyDays !== '') {
    sync.historyDays = /^\d+$/.test(historyDays) ? Number(historyDays) : historyDays;
  }
  const result = ConfigSchema.safeParse({ ...merged, server, sources, sync });
  if (!result.success) {
    const where = options.file ? `config file ${options.file}` : 'configuration';
    throw new ConfigError(`invalid ${where}: ${describeIssues(fieldIssues(result.error))}`);
  }
  return result.data;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function deepMerge(
  base: Record<string, unknown>,
  over: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const current = out[key];
    out[key] = isPlainObject(current) && isPlainObject(value) ? deepMerge(current, value) : value;
  }
  return out;
}
