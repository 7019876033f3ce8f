/**
 * Environment variables for development and the demo command, honoured only when the app is not
 * packaged: in a shipped app, whoever can set the environment must not be able to sign the app in
 * somewhere or move its data.
 *
 *   POUNCE_DEMO_SIGN_IN    JSON {serverUrl, email, password}: sign in with it when no session
 *                          was kept (the demo's rep).
 *   POUNCE_USER_DATA_DIR   userData folder instead of the OS default (a demo profile that leaves
 *                          the rep's own alone).
 *   POUNCE_HOST_NODE       a Node binary to run the app-service host on (child_process.fork)
 *                          instead of Electron's utility process. For development machines whose
 *                          better-sqlite3 is built for Node (as the tests need) and not for
 *                          Electron's ABI; a packaged app always uses the utility process.
 *
 *   const dev = devOverridesFromEnv(process.env, app.isPackaged); // throws naming the variable
 */
import { isAbsolute, resolve } from 'node:path';
import { AppRequestSchemas } from '../../shared/app-api';
import { describeIssues, fieldIssues } from '../../shared/validation';
import type { AutoSignIn } from '../host/host-protocol';

export const DEMO_SIGN_IN_ENV = 'POUNCE_DEMO_SIGN_IN';
export const USER_DATA_DIR_ENV = 'POUNCE_USER_DATA_DIR';
export const HOST_NODE_ENV = 'POUNCE_HOST_NODE';

export interface DevOverrides {
  readonly autoSignIn?: AutoSignIn;
  readonly userDataDir?: string;
  readonly hostNode?: string;
}

export function devOverridesFromEnv(
  env: Readonly<Record<string, string | undefined>>,
  isPackaged: boolean,
): DevOverrides {
  const signIn = env[DEMO_SIGN_IN_ENV]?.trim();
  const dataDir = env[USER_DATA_DIR_ENV]?.trim();
  const hostNode = env[HOST_NODE_ENV]?.trim();
  if (isPackaged) {
    if (signIn || dataDir || hostNode) {
      console.warn(
        `[dev-env] ${DEMO_SIGN_IN_ENV}, ${USER_DATA_DIR_ENV} and ${HOST_NODE_ENV} are ignored in a packaged app`,
      );
    }
    return {};
  }
  if (hostNode && !isAbsolute(hostNode)) {
    throw new Error(`${HOST_NODE_ENV}: must be an absolute path to a node binary`);
  }
  return {
    ...(signIn && { autoSignIn: parseSignIn(signIn) }),
    ...(dataDir && { userDataDir: isAbsolute(dataDir) ? dataDir : resolve(dataDir) }),
    ...(hostNode && { hostNode }),
  };
}

function parseSignIn(text: string): AutoSignIn {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new Error(`${DEMO_SIGN_IN_ENV}: is not JSON (expected {"serverUrl","email","password"})`);
  }
  const parsed = AppRequestSchemas['session.signIn'].safeParse(raw);
  if (!parsed.success) {
    throw new Error(`${DEMO_SIGN_IN_ENV}: ${describeIssues(fieldIssues(parsed.error))}`);
  }
  return parsed.data;
}
