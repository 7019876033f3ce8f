import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { devOverridesFromEnv } from '../../../src/main/shell/dev-env';

const signIn = {
  serverUrl: 'http://localhost:8787',
  allowInsecureHttp: true,
  email: 'rep@demo.test',
  password: 'demo-pass',
};

beforeEach(() => {
  vi.spyOn(console, 'warn').mockImplementation(() => undefined);
});
afterEach(() => {
  vi.restoreAllMocks();
});

describe('devOverridesFromEnv', () => {
  it('reads nothing when nothing is set', () => {
    expect(devOverridesFromEnv({}, false)).toEqual({});
  });

  it('reads the demo sign-in and the userData folder in development', () => {
    expect(
      devOverridesFromEnv(
        { POUNCE_DEMO_SIGN_IN: JSON.stringify(signIn), POUNCE_USER_DATA_DIR: '/tmp/pounce-demo' },
        false,
      ),
    ).toEqual({ autoSignIn: signIn, userDataDir: '/tmp/pounce-demo' });
  });

  it('makes a relative userData folder absolute', () => {
    const { userDataDir } = devOverridesFromEnv({ POUNCE_USER_DATA_DIR: 'data/demo' }, false);
    expect(userDataDir).toBe(`${process.cwd()}/data/demo`);
  });

  it('ignores both in a packaged app', () => {
    expect(
      devOverridesFromEnv(
        { POUNCE_DEMO_SIGN_IN: JSON.stringify(signIn), POUNCE_USER_DATA_DIR: '/tmp/x' },
        true,
      ),
    ).toEqual({});
    expect(console.warn).toHaveBeenCalledWith(expect.stringContaining('ignored in a packaged app'));
  });

  it('names the variable and the field when the sign-in is wrong', () => {
    expect(() => devOverridesFromEnv({ POUNCE_DEMO_SIGN_IN: '{nope' }, false)).toThrow(
      /^POUNCE_DEMO_SIGN_IN: is not JSON/,
    );
    expect(() =>
      devOverridesFromEnv(
        { POUNCE_DEMO_SIGN_IN: JSON.stringify({ ...signIn, serverUrl: 'localhost' }) },
        false,
      ),
    ).toThrow(/^POUNCE_DEMO_SIGN_IN: serverUrl: /);
    expect(() =>
      devOverridesFromEnv({ POUNCE_DEMO_SIGN_IN: JSON.stringify({ email: 'a@b.c' }) }, false),
    ).toThrow(/password/);
  });
});

describe('POUNCE_HOST_NODE', () => {
  it('takes an absolute node binary in development only', () => {
    expect(devOverridesFromEnv({ POUNCE_HOST_NODE: '/usr/bin/node' }, false)).toEqual({
      hostNode: '/usr/bin/node',
    });
    expect(devOverridesFromEnv({ POUNCE_HOST_NODE: '/usr/bin/node' }, true)).toEqual({});
    expect(() => devOverridesFromEnv({ POUNCE_HOST_NODE: 'node' }, false)).toThrow(
      /^POUNCE_HOST_NODE: must be an absolute path/,
    );
  });
});
