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
import { WebSocketServer, type WebSocket } from 'ws';
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

function serveStatic(root: string, req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  let rel = decodeURIComponent(url.pathname);
  if (rel === '/' || rel === '') rel = '/index.html';
  const file = resolve(root, normalize(`.${rel}`));
  if (!file.startsWith(resolve(root) + sep) || !existsSync(file) || !statSync(file).isFile()) {
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    return;
  }
  res.writeHead(200, {
    'content-type': MIME[extname(file)] ?? 'application/octet-stream',
    'cache-control': 'no-cache',
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
  });
  createReadStream(file).pipe(res);
}

export async function startBrowserHost(opts: BrowserHostOptions): Promise<BrowserHost> {
  if (!existsSync(join(opts.staticDir, 'index.html'))) {
    throw new Error(`renderer build not found in ${opts.staticDir} (run \`npm run serve\`, which builds it first)`);
  }
  const token = opts.token ?? randomBytes(24).toString('base64url');
  const log = opts.log ?? ((l: string) => console.log(l));
  const supervisor = new CoreSupervisor(opts.launcher ?? nodeCoreLauncher());
  const router = new RequestRouter(supervisor, { recent: new RecentStore(opts.configDir === undefined ? defaultConfigDir() : opts.configDir) });
  const clients = new Set<WebSocket>();

  // /token-check answers whether the page's token is this host's: a page left open across a
  // restart of `npm run serve` can then say that its link expired (the WebSocket API cannot
  // see the 401 of a refused upgrade). It reveals no more than the upgrade itself does.
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname === '/token-check') {
      res.writeHead(tokenMatches(url.searchParams.get('token'), token) ? 204 : 401, { 'cache-control': 'no-store' }).end();
      return;
    }
    serveStatic(opts.staticDir, req, res);
  });
  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 * 1024 });

  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(opts.port ?? 0, '127.0.0.1', () => ok());
  });
  const port = (server.address() as { port: number }).port;
  const allowedOrigins = new Set([`http://127.0.0.1:${port}`, `http://localhost:${port}`]);

  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const origin = req.headers.origin;
    if (url.pathname !== '/ws' || !tokenMatches(url.searchParams.get('token'), token)) {
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
    if (ws.readyState === ws.OPEN) ws.send(encodeFrame(msg));
  };
  const broadcast = (msg: EventMessage): void => {
    for (const ws of clients) send(ws, msg);
  };

  wss.on('connection', (ws) => {
    clients.add(ws);
    send(ws, { type: 'event', event: 'core.status', payload: supervisor.getStatus() });
    ws.on('message', async (data, isBinary) => {
      let req: RequestMessage;
      try {
        if (!isBinary) throw new Error('text frames are not accepted');
        const buf = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
        req = decodeFrame(new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength)) as RequestMessage;
        if (req?.type !== 'request' || typeof req.id !== 'number') throw new Error('not a request message');
      } catch (e) {
        log(`browser host: dropped malformed message: ${e instanceof Error ? e.message : String(e)}`);
        return;
      }
      const r = await router.route(req.method, req.params);
      send(ws, r.ok ? { type: 'response', id: req.id, ok: true, result: r.result } : { type: 'response', id: req.id, ok: false, error: r.error });
    });
    ws.on('close', () => clients.delete(ws));
  });

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
