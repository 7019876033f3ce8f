/**
 * The `startAtLogin` setting, applied to the OS: Electron's login item on macOS and Windows, an
 * XDG autostart entry on Linux (where `app.setLoginItemSettings` does nothing). Applied at start
 * and on every `settings.changed`; a call with the value already applied does nothing, so the OS
 * registry is not rewritten on every unrelated settings change.
 *
 *   const login = new StartAtLogin(app, { execPath: process.execPath, env: process.env });
 *   login.apply(settings.startAtLogin);
 *
 * A development build is never registered: it would start node_modules' Electron at every login.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

export interface LoginItemApp {
  readonly isPackaged: boolean;
  setLoginItemSettings(settings: { openAtLogin: boolean }): void;
}

export interface StartAtLoginOptions {
  readonly platform?: NodeJS.Platform;
  /** The program to start: the AppImage ($APPIMAGE) when there is one, else this. */
  readonly execPath: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly log?: (line: string) => void;
}

export class StartAtLogin {
  private applied: boolean | null = null;
  private readonly platform: NodeJS.Platform;
  private readonly log: (line: string) => void;

  constructor(
    private readonly app: LoginItemApp,
    private readonly options: StartAtLoginOptions,
  ) {
    this.platform = options.platform ?? process.platform;
    this.log = options.log ?? ((line) => console.warn(line));
  }

  apply(enabled: boolean): void {
    if (enabled === this.applied) return;
    this.applied = enabled;
    if (!this.app.isPackaged) {
      if (enabled)
        this.log('[login-item] start at login is not registered for a development build');
      return;
    }
    try {
      if (this.platform === 'linux') this.linux(enabled);
      else this.app.setLoginItemSettings({ openAtLogin: enabled });
    } catch (error) {
      // A setting that could not be applied must not stop the app; the next change retries.
      this.applied = null;
      this.log(
        `[login-item] could not ${enabled ? 'register' : 'remove'} the login item: ${String(error)}`,
      );
    }
  }

  private linux(enabled: boolean): void {
    const file = linuxAutostartFile(this.options.env);
    if (!enabled) {
      rmSync(file, { force: true });
      return;
    }
    const program = this.options.env['APPIMAGE'] || this.options.execPath;
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, linuxAutostartEntry(program));
  }
}

/** $XDG_CONFIG_HOME/autostart/pounce.desktop (XDG Autostart Specification). */
export function linuxAutostartFile(env: Readonly<Record<string, string | undefined>>): string {
  const config = env['XDG_CONFIG_HOME'] || join(env['HOME'] || homedir(), '.config');
  return join(config, 'autostart', 'pounce.desktop');
}

export function linuxAutostartEntry(program: string): string {
  // Desktop Entry Exec quoting: inside double quotes, " ` $ and \ are escaped with a backslash.
  const quoted = `"${program.replace(/["`$\\]/g, (c) => `\\${c}`)}"`;
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Name=Pounce',
    'Comment=Lead inbox for inside-sales teams',
    `Exec=${quoted}`,
    'Terminal=false',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n');
}
