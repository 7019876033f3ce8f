import { mkdtempSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize, resolve } from 'node:path';
import { build } from 'esbuild';
import { WebSocketServer, type WebSocket } from 'ws';
import { AppService, type AppServiceOptions } from '../../../src/main/host/app-service';
import type { SecretStore } from '../../../src/main/host/host-protocol';
import { MemorySecretStore } from '../../../src/main/host/memory-secret-store';
import { checkAppRequest } from '../../../src/main/shell/ipc';
import { RecordingNotifier } from '../../helpers/recording-notifier';

/*
 * The E2E tests' stand-in for Electron's transport, and nothing else: it serves the renderer
 * exactly as `electron-vite build` wrote it (out/renderer), adds one script that defines
 * `window.pounce` over a WebSocket, and hands every envelope to a real AppService (real client
 * core, real local SQLite, real sync with a real server). The OS side effects are recorded:
 * toasts (`notifier.shown`) and links given to the shell (`opened`, e.g. tel:).
 *
 *   const bridge = await startBridge();
 *   await page.goto(bridge.url);
 */

const ROOT = resolve(__dirname, '../../..');
const RENDERER_DIR = join(ROOT, 'out/renderer');
const CLIENT_ENTRY = join(__dirname, 'page/bridge-client.ts');
const BRIDGE_SCRIPT = '/__pounce_bridge.js';
const BRIDGE_SOCKET = '/__pounce_bridge';

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
};

export interface Bridge {
  readonly url: string;
  readonly dataDir: string;
  readonly notifier: RecordingNotifier;
  /** URLs the app handed to the OS (the stubbed shell.openExternal). */
  readonly opened: string[];
  readonly service: AppService;
  close(): Promise<void>;
}

export interface BridgeOptions {
  readonly dataDir?: string;
  /** Kept across bridges to test "remembered across restarts". */
  readonly secrets?: SecretStore;
  readonly engine?: AppServiceOptions['engine'];
}

let clientScript: Promise<string> | null = null;

function bundleClient(): Promise<string> {
  clientScript ??= build({
    entryPoints: [CLIENT_ENTRY],
    bundle: true,
    write: false,
    format: 'iife',
    target: 'es2022',
    logLevel: 'silent',
  }).then((out) => out.outputFiles[0]?.text ?? '');
  return clientScript;
}

/** index.html with the bridge script first (the CSP meta tag allows 'self' scripts). */
function pageHtml(): string {
  const html = readFileSync(join(RENDERER_DIR, 'index.html'), 'utf8');
  const marker = '<meta name="viewport"';
  if (!html.includes(marker)) throw new Error('out/renderer/index.html has changed shape');
  return html.replace(marker, `<script src="${BRIDGE_SCRIPT}"></script>\n    ${marker}`);
}

export async function startBridge(options: BridgeOptions = {}): Promise<Bridge> {
  const script = await bundleClient();
  const html = pageHtml();
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'pounce-e2e-app-'));
  const notifier = new RecordingNotifier();
  const opened: string[] = [];
  const service = await AppService.start({
    dataDir,
    secrets: options.secrets ?? new MemorySecretStore(),
    notifier,
    openExternal: (url) => {
      opened.push(url);
    },
    engine: options.engine ?? { backoff: { baseMs: 100, capMs: 1000 }, toastWindowMs: 500 },
  });

  const server: Server = createServer((req, res) => {
    serve(req, res, html, script).catch(() => {
      res.statusCode = 500;
      res.end();
    });
  });
  const sockets = new WebSocketServer({ server, path: BRIDGE_SOCKET });
  const open = new Set<WebSocket>();
  const stopEvents = service.onEvent((event) => {
    const frame = JSON.stringify({ event });
    for (const socket of open) socket.send(frame);
  });
  sockets.on('connection', (socket) => {
    open.add(socket);
    socket.on('close', () => open.delete(socket));
    socket.on('message', (data: Buffer) => {
      let frame: { id?: unknown; envelope?: unknown };
      try {
        frame = JSON.parse(data.toString('utf8')) as typeof frame;
      } catch {
        return;
      }
      const id = frame.id;
      const reply = (result: unknown): void => {
        if (socket.readyState === socket.OPEN) socket.send(JSON.stringify({ id, result }));
      };
      // The same gate as Electron's main process (src/main/shell/ipc.ts), then the service.
      const checked = checkAppRequest(frame.envelope);
      if (!checked.ok) {
        reply(checked);
        return;
      }
      void service.handle(checked.request).then(reply);
    });
  });

  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    dataDir,
    notifier,
    opened,
    service,
    async close() {
      stopEvents();
      for (const socket of open) socket.terminate();
      await new Promise<void>((done) => sockets.close(() => done()));
      await new Promise<void>((done) => server.close(() => done()));
      await service.close();
    },
  };
}

async function serve(
  req: IncomingMessage,
  res: ServerResponse,
  html: string,
  script: string,
): Promise<void> {
  const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
  if (path === '/' || path === '/index.html') return send(res, 200, TYPES['.html'], html);
  if (path === BRIDGE_SCRIPT) return send(res, 200, TYPES['.js'], script);
  const file = normalize(join(RENDERER_DIR, path));
  if (!file.startsWith(RENDERER_DIR + '/')) return send(res, 404, 'text/plain', 'not found');
  try {
    const body = await readFile(file);
    send(res, 200, TYPES[extname(file)] ?? 'application/octet-stream', body);
  } catch {
    send(res, 404, 'text/plain', 'not found');
  }
}

function send(
  res: ServerResponse,
  status: number,
  type: string | undefined,
  body: string | Buffer,
): void {
  res.writeHead(status, { 'content-type': type ?? 'application/octet-stream' });
  res.end(body);
}
