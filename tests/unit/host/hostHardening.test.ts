/**
 * Issue #15, host: malformed request paths and WebSocket protocol errors against a live host
 * process; it must answer (400, a close code) and keep serving. Before the fix `GET /%` and
 * `GET //` threw in the static handler, and a frame over the size limit or with a reserved
 * opcode was an unhandled 'error' event: each one exited the process.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import { WebSocket } from 'ws';
import { decodeFrame, encodeFrame } from '../../../compute/wire/framing';
import { staticPath } from '../../../electron/host/browserHost';

let child: ChildProcess;
let port = 0;
let token = '';
let exited: number | string | null = null;

beforeAll(async () => {
  child = spawn(process.execPath, ['--import', 'tsx', 'tests/unit/host/hostProcess.ts'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.on('exit', (code, sig) => (exited = code ?? sig));
  child.stderr!.resume();
  const line = await new Promise<string>((ok, fail) => {
    createInterface({ input: child.stdout! }).once('line', ok);
    child.once('exit', () => fail(new Error('host exited before it started')));
  });
  ({ port, token } = JSON.parse(line) as { port: number; token: string });
}, 30_000);

afterAll(() => {
  child.kill('SIGTERM');
});

/** One raw HTTP/1.1 exchange; resolves with the status code (0 when the socket closed without one). */
function rawRequest(requestLine: string): Promise<number> {
  return new Promise((ok) => {
    const s = connect(port, '127.0.0.1');
    let buf = '';
    s.on('data', (d) => (buf += d.toString('latin1')));
    s.on('error', () => ok(0));
    s.on('close', () => ok(Number(/^HTTP\/1\.1 (\d{3})/.exec(buf)?.[1] ?? 0)));
    s.write(`${requestLine}\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`);
  });
}

/** A WebSocket handshake by hand, so that hostile frames can follow it. */
function rawWs(): Promise<{ socket: Socket; closeCode: Promise<number | null> }> {
  return new Promise((ok, fail) => {
    const s = connect(port, '127.0.0.1');
    let buf = Buffer.alloc(0);
    let upgraded = false;
    let resolveClose: (c: number | null) => void = () => undefined;
    const closeCode = new Promise<number | null>((r) => (resolveClose = r));
    s.on('error', () => resolveClose(null));
    s.on('close', () => (upgraded ? resolveClose(null) : fail(new Error('closed before the upgrade'))));
    s.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      if (!upgraded) {
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) return;
        if (!buf.subarray(0, 12).toString().includes('101')) return fail(new Error(buf.toString()));
        upgraded = true;
        buf = buf.subarray(end + 4);
        ok({ socket: s, closeCode });
      }
      // Skip data frames (the status event); report the first close frame's code.
      while (buf.length >= 2) {
        const op = buf[0]! & 0x0f;
        let len = buf[1]! & 0x7f;
        let off = 2;
        if (len === 126) {
          if (buf.length < 4) return;
          len = buf.readUInt16BE(2);
          off = 4;
        } else if (len === 127) {
          if (buf.length < 10) return;
          len = Number(buf.readBigUInt64BE(2));
          off = 10;
        }
        if (buf.length < off + len) return;
        if (op === 0x8) return resolveClose(len >= 2 ? buf.readUInt16BE(off) : 1005);
        buf = buf.subarray(off + len);
      }
    });
    s.write(
      `GET /ws?token=${token} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nOrigin: http://127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
    );
  });
}

function maskedHeader(b0: number, len: bigint): Buffer {
  const h = Buffer.alloc(14);
  h[0] = b0;
  h[1] = 0x80 | 127;
  h.writeBigUInt64BE(len, 2);
  randomBytes(4).copy(h, 10);
  return h;
}

async function ping(): Promise<unknown> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/ws?token=${token}`, {
    origin: `http://127.0.0.1:${port}`,
  });
  try {
    await new Promise((ok, fail) => {
      ws.once('open', ok);
      ws.once('error', fail);
    });
    return await new Promise((ok) => {
      ws.on('message', (d: Buffer) => {
        const m = decodeFrame(new Uint8Array(d.buffer, d.byteOffset, d.byteLength)) as {
          type: string;
          id?: number;
          result?: unknown;
        };
        if (m.type === 'response' && m.id === 7) ok(m.result);
      });
      ws.send(encodeFrame({ type: 'request', id: 7, method: 'core.ping', params: { echo: 'still here' } }));
    });
  } finally {
    ws.close();
  }
}

describe('browser host survives malformed requests and frames (live process)', () => {
  it('maps request paths without throwing', () => {
    expect(staticPath('/%')).toBeNull();
    expect(staticPath('//')).toBeNull();
    expect(staticPath('/%zz')).toBeNull();
    expect(staticPath('/%c0%af')).toBeNull();
    expect(staticPath('/a%5c..%5cb')).toBeNull();
    expect(staticPath('/')).toBe('/index.html');
    expect(staticPath('/assets/x.js?v=1')).toBe('/assets/x.js');
  });

  it('answers malformed paths with 400 and keeps serving', async () => {
    for (const p of ['/%', '//', '/%zz', '/%E0%A4%A', '//x/../..', '/%c0%af'])
      expect(await rawRequest(`GET ${p} HTTP/1.1`), p).toBe(400);
    for (const p of ['/../../etc/passwd', '/..%2f..%2fetc%2fpasswd', '/assets/../../x'])
      expect(await rawRequest(`GET ${p} HTTP/1.1`), p).toBe(404);
    expect(await rawRequest('GET http://evil/ HTTP/1.1')).toBe(400);
    expect(await rawRequest('BREW / HTCPCP/1.0')).toBe(400);
    expect(exited).toBeNull();
    expect(await rawRequest('GET / HTTP/1.1')).toBe(200);
  });

  it('closes a socket whose message exceeds the size limit with 1009, and one with a reserved opcode with 1002', async () => {
    const big = await rawWs();
    big.socket.write(maskedHeader(0x82, 2n ** 33n));
    expect(await big.closeCode).toBe(1009);
    const reserved = await rawWs();
    reserved.socket.write(Buffer.concat([Buffer.from([0x83, 0x80]), randomBytes(4)]));
    expect(await reserved.closeCode).toBe(1002);
    const rsv = await rawWs();
    rsv.socket.write(Buffer.concat([Buffer.from([0xc2, 0x80]), randomBytes(4)]));
    expect(await rsv.closeCode).toBe(1002);
    const garbage = await rawWs();
    garbage.socket.write(
      Buffer.concat([Buffer.from([0x82, 0x84]), Buffer.alloc(4), Buffer.from([0xff, 0xff, 0xff, 0x7f])]),
    );
    garbage.socket.end();
    expect(exited).toBeNull();
    await expect(ping()).resolves.toMatchObject({ echo: 'still here' });
  });

  it('still refuses a wrong token and a foreign origin', async () => {
    expect(
      await rawRequest(
        `GET /ws?token=wrong HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: x\r\nSec-WebSocket-Version: 13`,
      ),
    ).toBe(401);
    expect(
      await rawRequest(
        `GET //ws?token=${token} HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: x\r\nSec-WebSocket-Version: 13`,
      ),
    ).toBe(401);
    expect(
      await rawRequest(
        `GET /ws?token=${token} HTTP/1.1\r\nOrigin: http://evil\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: x\r\nSec-WebSocket-Version: 13`,
      ),
    ).toBe(403);
    expect(exited).toBeNull();
  });

  it('still serves pipelined requests on one socket and 200 concurrent WebSockets', async () => {
    const statuses = await new Promise<number[]>((ok) => {
      const sock = connect(port, '127.0.0.1');
      let buf = '';
      sock.on('data', (d) => (buf += d.toString('latin1')));
      sock.on('close', () => ok([...buf.matchAll(/HTTP\/1\.1 (\d{3})/g)].map((m) => Number(m[1]))));
      sock.write(
        'GET / HTTP/1.1\r\nHost: x\r\n\r\nGET /% HTTP/1.1\r\nHost: x\r\n\r\nGET /nope HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
      );
    });
    expect(statuses).toEqual([200, 400, 404]);
    const answers = await Promise.all(Array.from({ length: 200 }, () => ping()));
    expect(answers.every((a) => (a as { echo: string }).echo === 'still here')).toBe(true);
    expect(exited).toBeNull();
  }, 60_000);
});
