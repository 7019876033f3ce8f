import { isIP } from 'node:net';

/** The names fastify's trustProxy (proxy-addr) accepts for whole ranges. */
const RANGE_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/**
 * True for what fastify's `trustProxy` list accepts: an IP address, a CIDR range
 * (`10.0.0.0/8`, `fd00::/8`) or a range name. Checked here so that a typo stops start-up naming
 * `server.trustProxy` instead of failing inside fastify.
 */
export function isProxyAddress(value: string): boolean {
  if (RANGE_NAMES.has(value)) return true;
  const [address = '', prefix, ...rest] = value.split('/');
  const version = isIP(address);
  if (version === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  if (!/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (version === 4 ? 32 : 128);
}

/**
 * POUNCE_TRUST_PROXY as the config takes it: "true" / "false", or a comma-separated list of
 * proxies. Anything else is passed on as given, for the schema to name.
 */
export function trustProxyFromEnv(value: string): boolean | string[] {
  const trimmed = value.trim();
  if (trimmed === 'true') return true;
  if (trimmed === 'false') return false;
  return trimmed.split(',').map((part) => part.trim());
}
