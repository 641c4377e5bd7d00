// Prism (@stoplight/prism-cli 5.14) serving Meta's OpenAPI description, started once per test file,
// behind a recording proxy on 127.0.0.1 so every exchange (method, path, status, body) can be checked:
// Prism answers a request that does not match the description with 422.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { join } from 'node:path';
import { ROOT } from './cli.js';

export const PRISM_BIN = join(ROOT, 'node_modules/.bin/prism');

export interface Exchange {
  method: string;
  path: string;
  status: number;
  requestBody: string;
  responseBody: string;
}

export interface Prism {
  /** The proxy's base URL: point WABOX_GRAPH_URL here. */
  url: string;
  exchanges: Exchange[];
  /** POSTs `body` as JSON, as the client would (token, user agent), bypassing its builders; the exchange. */
  post(path: string, body: unknown): Promise<Exchange>;
  /** Prism's own log (its VALIDATOR lines name each violation). */
  log(): string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Starts Prism on `spec` and waits (bounded) until it listens. */
export async function startPrism(spec: string, timeoutMs = 100_000): Promise<Prism> {
  if (!existsSync(PRISM_BIN)) throw new Error(`Prism is not installed at ${PRISM_BIN}`);
  const port = await freePort();
  let output = '';
  const child: ChildProcess = spawn(PRISM_BIN, ['mock', spec, '-p', String(port), '-h', '127.0.0.1'], {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (c: Buffer) => {
    output += c.toString('utf8');
  });
  child.stderr?.on('data', (c: Buffer) => {
    output += c.toString('utf8');
  });
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exited) throw new Error(`Prism exited before listening:\n${output.slice(-4000)}`);
    if (await canConnect(port)) break;
    if (Date.now() > deadline) {
      child.kill('SIGTERM');
      throw new Error(`Prism did not listen within ${timeoutMs / 1000} s:\n${output.slice(-4000)}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  const exchanges: Exchange[] = [];
  const proxy: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const upstream = request(
        { host: '127.0.0.1', port, method: req.method, path: req.url, headers: req.headers },
        (up) => {
          const out: Buffer[] = [];
          up.on('data', (c: Buffer) => out.push(c));
          up.on('end', () => {
            const responseBody = Buffer.concat(out);
            exchanges.push({
              method: req.method ?? '',
              path: (req.url ?? '').split('?')[0]!,
              status: up.statusCode ?? 0,
              requestBody: body.toString('utf8'),
              responseBody: responseBody.toString('utf8'),
            });
            res.writeHead(up.statusCode ?? 502, up.headers);
            res.end(responseBody);
          });
        },
      );
      upstream.on('error', (err) => {
        res.writeHead(502);
        res.end(String(err));
      });
      upstream.end(body);
    });
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const proxyPort = (proxy.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${proxyPort}`;
  return {
    url,
    exchanges,
    async post(path, body) {
      const from = exchanges.length;
      await fetch(`${url}${path}`, {
        method: 'POST',
        headers: {
          authorization: 'Bearer EAAexample',
          'content-type': 'application/json',
          'user-agent': 'wabox/0.1.0',
        },
        body: JSON.stringify(body),
      });
      return exchanges[from]!;
    },
    log: () => output,
    async stop() {
      proxy.closeAllConnections();
      await new Promise<void>((resolve) => proxy.close(() => resolve()));
      if (!exited) {
        const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        child.kill('SIGTERM');
        await Promise.race([gone, new Promise((r) => setTimeout(r, 5000))]);
        if (!exited) child.kill('SIGKILL');
      }
    },
  };
}

/** Prism's violations for a 422 it generated itself ({validation: [{message}]}), else []. */
export function violations(exchange: Exchange): string[] {
  try {
    const body = JSON.parse(exchange.responseBody) as { validation?: Array<{ message: string }> };
    return (body.validation ?? []).map((v) => v.message);
  } catch {
    return [];
  }
}
