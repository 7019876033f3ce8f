import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import WebSocket from 'ws';
import { onCleanup } from './cleanup';
import { summarize, type Summary } from './stats';

/*
 * The bare baseline for "server -> client" latencies: a loopback WebSocket round trip between
 * this process and a child process running nothing but a `ws` echo server. Whatever the sync
 * path adds on top (SQLite commits, validation) is measured against this.
 */

const ECHO_SERVER = `
const { WebSocketServer } = require('ws');
const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
wss.on('listening', () => console.log(wss.address().port));
wss.on('connection', (ws) => ws.on('message', (data) => ws.send(data, { binary: false })));
`;

/** Round trips of `count` messages of `bytes` each, one in flight, after a warm-up. */
export async function measureWsRoundTrip(count: number, bytes: number): Promise<Summary> {
  const child = spawn(process.execPath, ['-e', ECHO_SERVER], {
    cwd: process.cwd(),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const removeCleanup = onCleanup(() => {
    child.kill('SIGKILL');
  });
  try {
    const lines = createInterface({ input: child.stdout });
    const [portLine] = (await once(lines, 'line')) as [string];
    const socket = new WebSocket(`ws://127.0.0.1:${portLine.trim()}`);
    await once(socket, 'open');
    const payload = JSON.stringify({ type: 'echo', pad: 'x'.repeat(Math.max(0, bytes - 30)) });
    const roundTrip = async () => {
      const start = performance.now();
      const reply = once(socket, 'message');
      socket.send(payload);
      await reply;
      return performance.now() - start;
    };
    for (let i = 0; i < 200; i++) await roundTrip();
    const samples: number[] = [];
    for (let i = 0; i < count; i++) samples.push(await roundTrip());
    socket.close();
    return summarize(samples);
  } finally {
    child.kill('SIGKILL');
    removeCleanup();
  }
}
