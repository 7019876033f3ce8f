import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { readFile, realpath, stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import { body } from '../errors';

/*
 * The wallboard: the team-lead board, read-only, for a TV on the sales floor (docs/metrics.md,
 * "Wallboard"). The page is built with the app (electron-vite writes `board.html` and its
 * `assets/` into out/renderer); the server only hands out those files:
 *
 *   GET /board                -> 308 to /board/ (the page's asset URLs are relative: ./assets/x)
 *   GET /board/               -> board.html
 *   GET /board/assets/<file>  -> that file, if it is one, inside assets/
 *   anything else under /board -> 404
 *
 * The page signs in through the API and watches the live socket like any board; nothing here
 * needs a session. No directory listing, no file outside assets/ (the app's index.html sits in
 * the same folder and is not the wallboard's to serve): every path segment must be a plain file
 * name after decoding, and the resolved real path (symlinks followed) must stay inside assets/.
 */

/**
 * `<repo>/out/renderer`, where `npm run build` puts the page. From this file's folder: the server
 * runs from source (tsx, CommonJS), so `__dirname` is sync-server/src/http/routes.
 */
export const DEFAULT_BOARD_DIR = resolve(__dirname, '../../../../out/renderer');

export const BOARD_PAGE = 'board.html';

/**
 * No inline script or style, nothing from elsewhere; the live socket (ws: wss:, since older
 * browsers do not count a same-host socket as 'self'); no framing, no forms posting anywhere, no
 * <base> rewriting where relative asset URLs go.
 */
export const WALLBOARD_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self' ws: wss:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': WALLBOARD_CSP,
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=()',
};

const TYPES: Readonly<Record<string, string>> = {
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
};

/** A path segment that names a file and nothing else: no `..`, no hidden files, no separators. */
const SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,199}$/;
const ASSETS_PREFIX = '/board/assets/';

export interface WallboardDeps {
  /** The folder holding board.html and assets/ (config `board.staticDir`). */
  readonly staticDir: string;
  readonly log?: (message: string) => void;
}

export function wallboardRoutes(app: FastifyInstance, deps: WallboardDeps): void {
  const root = resolve(deps.staticDir);
  const assets = join(root, 'assets');
  let toldMissing = false;

  const notBuilt = (reply: FastifyReply) => {
    if (!toldMissing) {
      toldMissing = true;
      deps.log?.(`wallboard: ${join(root, BOARD_PAGE)} is missing; run "npm run build"`);
    }
    // The folder is the operator's business, not the visitor's: it goes to the log only.
    return notFound(
      reply,
      'the wallboard is not built on this server: run "npm run build" (or set board.staticDir)',
    );
  };

  app.get('/board', (request, reply) => {
    const query = request.url.indexOf('?');
    secure(reply);
    return reply.redirect(`/board/${query >= 0 ? request.url.slice(query) : ''}`, 308);
  });

  app.get('/board/', async (_request, reply) => {
    const file = await readIfFile(join(root, BOARD_PAGE), root);
    if (!file) return notBuilt(reply);
    secure(reply);
    return reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(file);
  });

  app.get('/board/assets/*', async (request, reply) => {
    const path = assetPath(request, assets);
    const file = path === null ? null : await readIfFile(path, assets);
    if (!file || path === null) return notFound(reply, 'no such wallboard file');
    secure(reply);
    return (
      reply
        .type(TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream')
        // Built file names carry a content hash: a new build is new names.
        .header('cache-control', 'public, max-age=31536000, immutable')
        .send(file)
    );
  });

  app.get('/board/*', (_request, reply) => notFound(reply, 'no such wallboard page'));
}

function secure(reply: FastifyReply): void {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) void reply.header(name, value);
}

function notFound(reply: FastifyReply, message: string): FastifyReply {
  secure(reply);
  return reply.status(404).send(body('not_found', message));
}

/**
 * The file an assets URL names, or null when it is not a plain path inside `assets`. Read from
 * the raw URL, segment by segment, each decoded once: `..%2f` decodes to a segment holding a
 * slash, which no file name has.
 */
function assetPath(request: FastifyRequest, assets: string): string | null {
  const url = request.url.split('?')[0] ?? '';
  if (!url.startsWith(ASSETS_PREFIX)) return null;
  const segments: string[] = [];
  for (const raw of url.slice(ASSETS_PREFIX.length).split('/')) {
    let segment: string;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      return null;
    }
    if (!SEGMENT.test(segment)) return null;
    segments.push(segment);
  }
  if (segments.length === 0 || segments.length > 8) return null;
  const path = resolve(assets, ...segments);
  return path.startsWith(assets + sep) ? path : null;
}

/** The file's bytes if `path` is a regular file whose real path lies inside `within`. */
async function readIfFile(path: string, within: string): Promise<Buffer | null> {
  try {
    const [real, base] = await Promise.all([realpath(path), realpath(within)]);
    if (!real.startsWith(base + sep)) return null;
    if (!(await stat(real)).isFile()) return null;
    return await readFile(real);
  } catch {
    return null;
  }
}
