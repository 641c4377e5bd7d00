// A fake Graph API on 127.0.0.1 (ephemeral port) for what Prism cannot give: scripted error bodies in
// Meta's documented format, 429s, 5xx, slow answers, malformed JSON. Every request is recorded.
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
}

export interface RecordedRequest {
  method: string;
  path: string;
  url: URL;
  headers: IncomingMessage['headers'];
  body: Buffer;
  /** The body parsed as JSON, when it is JSON. */
  json: unknown;
}

export interface FakeGraph {
  url: string;
  requests: RecordedRequest[];
  /** Scripts a route: each request takes the next reply; the last one repeats. */
  on(method: string, path: string, replies: FakeReply | FakeReply[]): void;
  /** Requests to one route. */
  calls(method: string, path: string): RecordedRequest[];
  close(): Promise<void>;
}

/** Meta's documented error body: {error: {message, type, code, error_subcode, error_data: {details}, fbtrace_id}}. */
export function graphError(
  code: number,
  options: { status?: number; message?: string; subcode?: number; details?: string; type?: string } = {},
): FakeReply {
  return {
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
  const routes = new Map<string, FakeReply[]>();
  const requests: RecordedRequest[] = [];
  const hanging = new Set<ServerResponse>();
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
    requests.push({ method: req.method ?? '', path: url.pathname, url, headers: req.headers, body, json });
    const key = `${req.method} ${url.pathname}`;
    const script = routes.get(key);
    if (!script || script.length === 0) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: `no fake route for ${key}`, type: 'Test', code: 803 } }));
      return;
    }
    const reply = script.length > 1 ? script.shift()! : script[0]!;
    if (reply.hang) {
      hanging.add(res);
      return;
    }
    if (reply.delayMs) await new Promise((r) => setTimeout(r, reply.delayMs));
    const raw = reply.body ?? (reply.json === undefined ? '' : JSON.stringify(reply.json));
    res.writeHead(reply.status ?? 200, {
      'content-type': reply.body === undefined ? 'application/json' : 'text/plain',
      ...reply.headers,
    });
    res.end(raw);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    on(method, path, replies) {
      routes.set(`${method} ${path}`, Array.isArray(replies) ? [...replies] : [replies]);
    },
    calls(method, path) {
      return requests.filter((r) => r.method === method && r.path === path);
    },
    async close() {
      for (const res of hanging) res.socket?.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
