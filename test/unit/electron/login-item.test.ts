import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import {
  linuxAutostartEntry,
  linuxAutostartFile,
  StartAtLogin,
} from '../../../src/main/shell/login-item';

function fakeApp(isPackaged = true) {
  return { isPackaged, setLoginItemSettings: vi.fn<(s: { openAtLogin: boolean }) => void>() };
}

let config: string;
let log: ReturnType<typeof vi.fn<(line: string) => void>>;
beforeEach(() => {
  config = mkdtempSync(join(tmpdir(), 'pounce-autostart-'));
  log = vi.fn<(line: string) => void>();
});

describe('StartAtLogin', () => {
  it.each(['darwin', 'win32'] as const)('uses Electron’s login item on %s', (platform) => {
    const app = fakeApp();
    const login = new StartAtLogin(app, { platform, execPath: '/x', env: {}, log });
    login.apply(true);
    login.apply(false);
    expect(app.setLoginItemSettings.mock.calls).toEqual([
      [{ openAtLogin: true }],
      [{ openAtLogin: false }],
    ]);
  });

  it('does not re-apply a value already applied', () => {
    const app = fakeApp();
    const login = new StartAtLogin(app, { platform: 'darwin', execPath: '/x', env: {}, log });
    login.apply(false);
    login.apply(false);
    login.apply(false);
    expect(app.setLoginItemSettings).toHaveBeenCalledTimes(1);
  });

  it('never registers a development build', () => {
    const app = fakeApp(false);
    const env = { XDG_CONFIG_HOME: config };
    new StartAtLogin(app, { platform: 'linux', execPath: '/x', env, log }).apply(true);
    new StartAtLogin(app, { platform: 'darwin', execPath: '/x', env, log }).apply(true);
    expect(app.setLoginItemSettings).not.toHaveBeenCalled();
    expect(existsSync(linuxAutostartFile(env))).toBe(false);
    expect(log).toHaveBeenCalledWith(expect.stringContaining('development build'));
  });

  it('on Linux writes and removes an XDG autostart entry for the AppImage', () => {
    const app = fakeApp();
    const env = { XDG_CONFIG_HOME: config, APPIMAGE: '/home/ana/Apps/Pounce 1.0.AppImage' };
    const login = new StartAtLogin(app, {
      platform: 'linux',
      execPath: '/tmp/.mount/pounce',
      env,
      log,
    });
    login.apply(true);
    const file = join(config, 'autostart', 'pounce.desktop');
    expect(readFileSync(file, 'utf8')).toContain('Exec="/home/ana/Apps/Pounce 1.0.AppImage"');
    login.apply(false);
    expect(existsSync(file)).toBe(false);
    expect(app.setLoginItemSettings).not.toHaveBeenCalled();
  });

  it('on Linux without an AppImage starts the installed binary', () => {
    const env = { XDG_CONFIG_HOME: config };
    new StartAtLogin(fakeApp(), {
      platform: 'linux',
      execPath: '/opt/Pounce/pounce',
      env,
      log,
    }).apply(true);
    expect(readFileSync(linuxAutostartFile(env), 'utf8')).toContain('Exec="/opt/Pounce/pounce"');
  });

  it('reports a failure and tries again on the next change', () => {
    const app = fakeApp();
    app.setLoginItemSettings.mockImplementationOnce(() => {
      throw new Error('registry locked');
    });
    const login = new StartAtLogin(app, { platform: 'win32', execPath: '/x', env: {}, log });
    expect(() => login.apply(true)).not.toThrow();
    expect(log).toHaveBeenCalledWith(expect.stringContaining('registry locked'));
    login.apply(true);
    expect(app.setLoginItemSettings).toHaveBeenCalledTimes(2);
  });
});

describe('linuxAutostartEntry', () => {
  it('quotes the program as the Desktop Entry spec asks', () => {
    expect(linuxAutostartEntry('/a "b" $HOME/`x`\\y')).toContain(
      'Exec="/a \\"b\\" \\$HOME/\\`x\\`\\\\y"',
    );
  });

  it('falls back to ~/.config without XDG_CONFIG_HOME', () => {
    expect(linuxAutostartFile({ HOME: '/home/ana' })).toBe(
      '/home/ana/.config/autostart/pounce.desktop',
    );
  });
});
