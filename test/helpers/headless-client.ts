import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';

const ROOT = resolve(__dirname, '../..');

export interface HeadlessLine {
  readonly event: string;
  readonly [key: string]: unknown;
}

/**
 * The headless client (`npm run client`) as its own OS process, for tests that kill it or watch
 * its real notifications. Collects its JSON lines; `send` writes a command on its stdin.
 */
export class HeadlessClient {
  readonly lines: HeadlessLine[] = [];
  readonly exited: Promise<number | string>;
  private waiters: { match: (l: HeadlessLine) => boolean; resolve: (l: HeadlessLine) => void }[] =
    [];

  private constructor(readonly child: ChildProcess) {
    this.exited = new Promise((res) =>
      child.once('exit', (code, signal) => res(code ?? signal ?? -1)),
    );
    if (!child.stdout) throw new Error('no stdout');
    createInterface({ input: child.stdout }).on('line', (text) => {
      let line: HeadlessLine;
      try {
        line = JSON.parse(text) as HeadlessLine;
      } catch {
        line = { event: 'non-json', text };
      }
      this.lines.push(line);
      this.waiters = this.waiters.filter((w) => {
        if (!w.match(line)) return true;
        w.resolve(line);
        return false;
      });
    });
  }

  static start(
    args: {
      server: string;
      email: string;
      password: string;
      dataDir: string;
      notifier?: string;
      /** The user's yes to http:// on this computer (default: given). */
      allowInsecureHttp?: boolean;
    },
    env: Record<string, string> = {},
  ): HeadlessClient {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'src/main/headless/cli.ts',
        '--server',
        args.server,
        '--email',
        args.email,
        '--password',
        args.password,
        '--data-dir',
        args.dataDir,
        '--notifier',
        args.notifier ?? 'none',
        ...(args.allowInsecureHttp === false ? [] : ['--allow-insecure-http']),
      ],
      { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'inherit'] },
    );
    return new HeadlessClient(child);
  }

  next(match: (l: HeadlessLine) => boolean, timeoutMs = 20_000): Promise<HeadlessLine> {
    const seen = this.lines.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(
          new Error(
            `headless client: no matching line; saw ${this.lines.map((l) => l.event).join(', ')}`,
          ),
        );
      }, timeoutMs);
      this.waiters.push({
        match,
        resolve: (l) => {
          clearTimeout(timer);
          resolve(l);
        },
      });
    });
  }

  send(command: Record<string, unknown>): void {
    this.child.stdin?.write(`${JSON.stringify(command)}\n`);
  }

  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    await this.exited;
  }
}
