/**
 * Browser mode: serve the built renderer over HTTP on 127.0.0.1 and expose the same API the
 * Electron preload exposes, over a WebSocket. Access needs the random token printed in the
 * URL; connections from other origins or without the token are refused. The compute core
 * runs as a child process under the shared CoreSupervisor.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { EventMessage, RequestMessage, WireMessage } from '../../compute/protocol';
import { decodeFrame, encodeFrame } from '../../compute/wire/framing';
import { CoreSupervisor, type CoreLauncher } from './supervisor';
import { RequestRouter } from './router';
import { nodeCoreLauncher } from './nodeLauncher';
import { RecentStore, defaultConfigDir } from './recent';

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.ico': 'image/x-icon',
};

export interface BrowserHostOptions {
  /** Folder with the built renderer (index.html + assets). */
  staticDir: string;
  /** 0 picks a free port. */
  port?: number;
  token?: string;
  launcher?: CoreLauncher;
  /** Where recent files are remembered; null = memory only (tests). Default: the user config dir. */
  configDir?: string | null;
  log?: (line: string) => void;
}

export interface BrowserHost {
  url: string;
  port: number;
  token: string;
  supervisor: CoreSupervisor;
  router: RequestRouter;
  close(): Promise<void>;
}

function tokenMatches(given: string | null, expected: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Request path of a URL as the static handler sees it; null when it is not a well-formed path. */
export function staticPath(rawUrl: string | undefined): string | null {
  const raw = rawUrl ?? '/';
  // Origin-form only ("/path?query"); "//host", absolute URLs and "*" are not paths to files.
  if (!raw.startsWith('/') || raw.startsWith('//')) return null;
  const pathname = raw.split(/[?#]/, 1)[0]!;
  let rel: string;
  try {
    rel = decodeURIComponent(pathname);
  } catch {
    return null; // "%", "%zz", invalid UTF-8
  }
  if (rel.includes('\0') || rel.includes('\\')) return null;
  return rel === '/' || rel === '' ? '/index.html' : rel;
}

function plain(res: ServerResponse, status: number, text: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res
    .writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' })
    .end(text);
}

function serveStatic(root: string, req: IncomingMessage, res: ServerResponse): void {
  if (req.method !== 'GET' && req.method !== 'HEAD') return plain(res, 405, 'method not allowed');
  const rel = staticPath(req.url);
  if (rel === null) return plain(res, 400, 'bad request: malformed path');
  const base = resolve(root);
  const file = resolve(base, normalize(`.${rel}`));
  let isFile: boolean;
  try {
    isFile = file.startsWith(base + sep) && existsSync(file) && statSync(file).isFile();
  } catch {
    isFile = false;
  }
  if (!isFile) return plain(res, 404, 'not found');
  const stream = createReadStream(file);
  stream.on('error', () => plain(res, 500, 'could not read the file'));
  stream.once('open', () => {
    res.writeHead(200, {
      'content-type': MIME[extname(file)] ?? 'application/octet-stream',
      'cache-control': 'no-cache',
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
    });
    if (req.method === 'HEAD') {
      stream.destroy();
      res.end();
    } else stream.pipe(res);
  });
}

/** The query token of a WebSocket upgrade to /ws; null for any other or malformed URL. */
function upgradeToken(rawUrl: string | undefined): string | null {
  const raw = rawUrl ?? '';
  if (!raw.startsWith('/ws')) return null;
  try {
    const url = new URL(raw, 'http://127.0.0.1');
    return url.pathname === '/ws' ? url.searchParams.get('token') : null;
  } catch {
    return null;
  }
}

/** The token of a /token-check request; null for a malformed URL. */
function tokenCheckToken(raw: string): string | null {
  try {
    const url = new URL(raw, 'http://127.0.0.1');
    return url.pathname === '/token-check' ? url.searchParams.get('token') : null;
  } catch {
    return null;
  }
}

/** Time limits of the HTTP server (slow or stalled clients are dropped, not kept forever). */
export const HTTP_LIMITS = { headersTimeoutMs: 10_000, requestTimeoutMs: 30_000, keepAliveTimeoutMs: 5_000 };
/** Largest WebSocket message accepted; a larger one is answered with close code 1009. */
export const MAX_WS_MESSAGE_BYTES = 64 * 1024 * 1024;

export async function startBrowserHost(opts: BrowserHostOptions): Promise<BrowserHost> {
  if (!existsSync(join(opts.staticDir, 'index.html'))) {
    throw new Error(
      `renderer build not found in ${opts.staticDir} (run \`npm run serve\`, which builds it first)`,
    );
  }
  const token = opts.token ?? randomBytes(24).toString('base64url');
  const log = opts.log ?? ((l: string) => console.log(l));
  const supervisor = new CoreSupervisor(opts.launcher ?? nodeCoreLauncher());
  const router = new RequestRouter(supervisor, {
    recent: new RecentStore(opts.configDir === undefined ? defaultConfigDir() : opts.configDir),
  });
  const clients = new Set<WebSocket>();

  // /token-check answers whether the page's token is this host's: a page left open across a
  // restart of `npm run serve` can then say that its link expired (the WebSocket API cannot
  // see the 401 of a refused upgrade). It reveals no more than the upgrade itself does.
  const server: Server = createServer(
    {
      headersTimeout: HTTP_LIMITS.headersTimeoutMs,
      requestTimeout: HTTP_LIMITS.requestTimeoutMs,
      keepAliveTimeout: HTTP_LIMITS.keepAliveTimeoutMs,
    },
    (req, res) => {
      try {
        const raw = req.url ?? '/';
        if (raw.startsWith('/token-check')) {
          const t = tokenCheckToken(raw);
          res
            .writeHead(t !== null && tokenMatches(t, token) ? 204 : 401, { 'cache-control': 'no-store' })
            .end();
          return;
        }
        serveStatic(opts.staticDir, req, res);
      } catch (e) {
        log(
          `browser host: request ${JSON.stringify(String(req.url).slice(0, 200))} failed: ${e instanceof Error ? e.message : String(e)}`,
        );
        plain(res, 500, 'internal error');
      }
    },
  );
  // Malformed HTTP (bad request lines, oversized headers, timeouts) answers 400 and drops the socket.
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    if (socket.writable && err.code !== 'ECONNRESET')
      socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n');
    else socket.destroy();
  });
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_WS_MESSAGE_BYTES });
  wss.on('error', (e) => log(`browser host: WebSocket server error: ${e.message}`));

  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(opts.port ?? 0, '127.0.0.1', () => ok());
  });
  const port = (server.address() as { port: number }).port;
  const allowedOrigins = new Set([`http://127.0.0.1:${port}`, `http://localhost:${port}`]);

  server.on('upgrade', (req, socket, head) => {
    socket.on('error', (e) => log(`browser host: socket error during upgrade: ${e.message}`));
    const origin = req.headers.origin;
    if (!tokenMatches(upgradeToken(req.url), token)) {
      log(`browser host: refused WebSocket (missing or wrong token) from ${req.socket.remoteAddress}`);
      socket.end('HTTP/1.1 401 Unauthorized\r\n\r\n');
      return;
    }
    if (!origin || !allowedOrigins.has(origin)) {
      log(`browser host: refused WebSocket from origin ${origin ?? '(none)'}`);
      socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  const send = (ws: WebSocket, msg: WireMessage): void => {
    if (ws.readyState !== ws.OPEN) return;
    try {
      ws.send(encodeFrame(msg), (err) => err && log(`browser host: send failed: ${err.message}`));
    } catch (e) {
      log(`browser host: could not encode a message: ${e instanceof Error ? e.message : String(e)}`);
    }
  };
  const broadcast = (msg: EventMessage): void => {
    for (const ws of clients) send(ws, msg);
  };

  wss.on('connection', (ws) => {
    clients.add(ws);
    // Protocol errors (a message over maxPayload, reserved opcodes, bad UTF-8) close this socket
    // with the matching close code (ws sends 1009, 1002, 1007); they must never reach the process.
    ws.on('error', (e) => {
      log(`browser host: closed a WebSocket after a protocol error: ${e.message}`);
      clients.delete(ws);
    });
    send(ws, { type: 'event', event: 'core.status', payload: supervisor.getStatus() });
    ws.on('message', (data, isBinary) => void onMessage(ws, data, isBinary));
    ws.on('close', () => clients.delete(ws));
  });

  const onMessage = async (ws: WebSocket, data: RawData, isBinary: boolean): Promise<void> => {
    let req: RequestMessage;
    try {
      if (!isBinary) throw new Error('text frames are not accepted');
      const buf = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
      req = decodeFrame(new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength)) as RequestMessage;
      if (req === null || typeof req !== 'object' || req.type !== 'request' || !Number.isSafeInteger(req.id))
        throw new Error('not a request message');
    } catch (e) {
      log(`browser host: dropped malformed message: ${e instanceof Error ? e.message : String(e)}`);
      return;
    }
    try {
      const r = await router.route(req.method, req.params);
      send(
        ws,
        r.ok
          ? { type: 'response', id: req.id, ok: true, result: r.result }
          : { type: 'response', id: req.id, ok: false, error: r.error },
      );
    } catch (e) {
      log(`browser host: could not answer request ${req.id}: ${e instanceof Error ? e.message : String(e)}`);
      send(ws, {
        type: 'response',
        id: req.id,
        ok: false,
        error: {
          code: 'failed',
          message: `the host could not send its answer (${e instanceof Error ? e.message : String(e)})`,
        },
      });
    }
  };

  supervisor.on('status', (s) => broadcast({ type: 'event', event: 'core.status', payload: s }));
  supervisor.on('event', (e) => broadcast(e));
  supervisor.start();

  const url = `http://127.0.0.1:${port}/?token=${token}`;
  return {
    url,
    port,
    token,
    supervisor,
    router,
    async close() {
      supervisor.stop();
      for (const ws of clients) ws.terminate();
      await new Promise<void>((ok) => wss.close(() => ok()));
      await new Promise<void>((ok) => server.close(() => ok()));
    },
  };
}
