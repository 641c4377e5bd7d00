// A strict fake Graph API on 127.0.0.1 (ephemeral port) for what Prism cannot give: scripted error
// bodies in Meta's documented format, 429s, 5xx, slow, trickling and oversized answers, malformed JSON.
// Every request is recorded. Like gh's httpmock, each scripted reply is used exactly once (or `times`
// times): close() fails the test when a reply was left over or a request came that nothing scripted.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeReply {
  status?: number;
  /** A JSON body. */
  json?: unknown;
  /** A raw body (wins over json). */
  body?: string | Buffer;
  headers?: Record<string, string>;
  /** Wait this long before answering (the client's timeout should fire first). */
  delayMs?: number;
  /** Never answer; the socket is closed when the server stops. */
  hang?: boolean;
  /** Headers at once, then one byte of `{"data":[...` every `everyMs`, at most `bytes` bytes. */
  trickle?: { everyMs: number; bytes: number };
  /** A 200 JSON body of this many bytes, written as fast as the client reads it. */
  bigBody?: number;
  /** How many requests this reply answers (default 1). */
  times?: number;
}

export interface RecordedRequest {
  method: string;
  path: string;
  url: URL;
  headers: IncomingMessage['headers'];
  body: Buffer;
  /** The body parsed as JSON, when it is JSON. */
  json: unknown;
  /** Bytes of the answer's body written to the socket (trickle and bigBody). */
  bytesWritten: number;
}

export interface FakeGraph {
  url: string;
  requests: RecordedRequest[];
  /** Scripts a route: each request takes the next reply, and every reply must be taken. */
  on(method: string, path: string, replies: FakeReply | FakeReply[]): void;
  /**
   * Answers every request to a route with what `handler` returns: a server with rules rather than a
   * script (platform-graph.ts). Scripted replies for the same route are used first.
   */
  serve(method: string, path: string | RegExp, handler: (request: RecordedRequest) => FakeReply): void;
  /** Requests to one route. */
  calls(method: string, path: string): RecordedRequest[];
  /** Throws when a scripted reply was not used or a request came that nothing scripted. */
  verify(): void;
  /** Stops the server, then verifies (unless `verify: false`, for a test that stops it on purpose). */
  close(options?: { verify?: boolean }): Promise<void>;
}

/** Meta's documented error body: {error: {message, type, code, error_subcode, error_data: {details}, fbtrace_id}}. */
export function graphError(
  code: number,
  options: {
    status?: number;
    message?: string;
    subcode?: number;
    details?: string;
    type?: string;
    times?: number;
  } = {},
): FakeReply {
  return {
    ...(options.times === undefined ? {} : { times: options.times }),
    status: options.status ?? 400,
    json: {
      error: {
        message: options.message ?? `(#${code}) Error ${code}`,
        type: options.type ?? 'OAuthException',
        code,
        ...(options.subcode === undefined ? {} : { error_subcode: options.subcode }),
        error_data: { messaging_product: 'whatsapp', details: options.details ?? `details of ${code}` },
        fbtrace_id: `Trace${code}`,
      },
    },
  };
}

export const SEND_OK: FakeReply = {
  json: {
    messaging_product: 'whatsapp',
    contacts: [{ input: '+919876543210', wa_id: '919876543210' }],
    messages: [{ id: 'wamid.FAKE1', message_status: 'accepted' }],
  },
};

export async function startFakeGraph(): Promise<FakeGraph> {
  const routes = new Map<string, Array<{ reply: FakeReply; left: number }>>();
  const handlers: Array<{
    method: string;
    path: string | RegExp;
    handler: (r: RecordedRequest) => FakeReply;
  }> = [];
  const requests: RecordedRequest[] = [];
  const unexpected: string[] = [];
  const open = new Set<ServerResponse>();
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    let json: unknown;
    try {
      json = JSON.parse(body.toString('utf8'));
    } catch {
      json = undefined;
    }
    const recorded: RecordedRequest = {
      method: req.method ?? '',
      path: url.pathname,
      url,
      headers: req.headers,
      body,
      json,
      bytesWritten: 0,
    };
    requests.push(recorded);
    const key = `${req.method} ${url.pathname}`;
    const script = routes.get(key);
    let next = script?.[0];
    if (!next) {
      const served = handlers.find(
        (h) =>
          h.method === req.method &&
          (typeof h.path === 'string' ? h.path === url.pathname : h.path.test(url.pathname)),
      );
      if (served) next = { reply: served.handler(recorded), left: Number.POSITIVE_INFINITY };
    }
    if (!next) {
      unexpected.push(key);
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: `no fake route for ${key}`, type: 'Test', code: 803 } }));
      return;
    }
    if (--next.left === 0) script?.shift();
    const { reply } = next;
    open.add(res);
    res.on('close', () => open.delete(res));
    if (reply.hang) return;
    if (reply.delayMs) await new Promise((r) => setTimeout(r, reply.delayMs));
    if (reply.trickle) return trickle(res, reply.trickle, recorded);
    if (reply.bigBody !== undefined) return bigBody(res, reply.bigBody, recorded);
    const raw = reply.body ?? (reply.json === undefined ? '' : JSON.stringify(reply.json));
    res.writeHead(reply.status ?? 200, {
      'content-type': reply.body === undefined ? 'application/json' : 'text/plain',
      ...reply.headers,
    });
    res.end(raw);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const graph: FakeGraph = {
    url: `http://127.0.0.1:${port}`,
    requests,
    on(method, path, replies) {
      const key = `${method} ${path}`;
      const list = routes.get(key) ?? [];
      for (const reply of Array.isArray(replies) ? replies : [replies])
        list.push({ reply, left: reply.times ?? 1 });
      routes.set(key, list);
    },
    serve(method, path, handler) {
      handlers.push({ method, path, handler });
    },
    calls(method, path) {
      return requests.filter((r) => r.method === method && r.path === path);
    },
    verify() {
      const problems: string[] = [];
      for (const [key, list] of routes)
        for (const { left } of list) problems.push(`${key}: a scripted reply was not used (${left} left)`);
      for (const key of unexpected) problems.push(`${key}: a request nothing scripted`);
      if (problems.length > 0) throw new Error(`fake Graph API:\n  ${problems.join('\n  ')}`);
    },
    async close(options = {}) {
      for (const res of open) res.socket?.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (options.verify !== false) graph.verify();
    },
  };
  return graph;
}

function trickle(
  res: ServerResponse,
  { everyMs, bytes }: { everyMs: number; bytes: number },
  recorded: RecordedRequest,
): void {
  res.writeHead(200, { 'content-type': 'application/json' });
  const text = `{"data":[${'1,'.repeat(bytes)}`;
  const timer = setInterval(() => {
    if (recorded.bytesWritten >= bytes || res.destroyed) {
      clearInterval(timer);
      res.end();
      return;
    }
    res.write(text[recorded.bytesWritten++]!);
  }, everyMs);
  res.on('close', () => clearInterval(timer));
}

function bigBody(res: ServerResponse, size: number, recorded: RecordedRequest): void {
  res.writeHead(200, { 'content-type': 'application/json' });
  const chunk = Buffer.alloc(64 * 1024, 0x20);
  const head = Buffer.from('{"data":"');
  const write = (): void => {
    while (!res.destroyed) {
      const left = size - recorded.bytesWritten;
      if (left <= 0) {
        res.end();
        return;
      }
      const piece = recorded.bytesWritten === 0 ? head : chunk.subarray(0, Math.min(chunk.length, left));
      recorded.bytesWritten += piece.length;
      if (!res.write(piece)) {
        res.once('drain', write);
        return;
      }
    }
  };
  write();
}
