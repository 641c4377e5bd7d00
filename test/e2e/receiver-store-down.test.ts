// A receiver whose PostgreSQL server goes away: it must answer 503 (to Meta's POSTs and to the load
// balancer's /healthz) so Meta redelivers and traffic moves, never 200 for an event it did not store, and
// it must recover by itself when the server is back. The "server" is a TCP proxy to the real one that the
// test cuts and restores.
import { createServer, type Server, Socket } from 'node:net';
import { afterAll, afterEach, expect, it } from 'vitest';
import { serializeLikeMeta, simulatedTextMessage } from '../../src/cloud/webhook-simulate.js';
import { openPostgresStore } from '../../src/store/postgres.js';
import { describePg, dropTestSchemas, PG_TEST_URL, testSchema } from '../helpers/pg.js';
import { http, postSigned } from '../helpers/receiver.js';
import { killSpawned, serve } from '../helpers/spawned-receiver.js';

const SECRET = 'store-down-app-secret';
const PASSWORD = 'pw-store-down-7';

afterEach(killSpawned);

/** A TCP proxy to PostgreSQL that can drop every connection and refuse new ones, then come back on its port. */
class CuttableProxy {
  readonly #target: URL;
  readonly #sockets = new Set<Socket>();
  #server: Server | undefined;
  port = 0;

  constructor(target: string) {
    this.#target = new URL(target);
  }

  async open(): Promise<void> {
    const server = createServer((client) => {
      const upstream = new Socket();
      for (const s of [client, upstream]) {
        this.#sockets.add(s);
        s.on('close', () => this.#sockets.delete(s));
        s.on('error', () => {});
      }
      upstream.connect(Number(this.#target.port || 5432), this.#target.hostname, () => {
        client.pipe(upstream).pipe(client);
      });
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.port = (server.address() as { port: number }).port;
    this.#server = server;
  }

  async cut(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    for (const s of this.#sockets) s.destroy();
    await new Promise<void>((resolve) => server?.close(() => resolve()) ?? resolve());
  }
}

await describePg('a receiver whose PostgreSQL goes away', () => {
  afterAll(dropTestSchemas);

  it('answers 503 while the store is unreachable, then stores the redelivery once', async () => {
    const proxy = new CuttableProxy(PG_TEST_URL);
    await proxy.open();
    const real = new URL(PG_TEST_URL);
    const schema = testSchema();
    const location = `postgres://${real.username}:${PASSWORD}@127.0.0.1:${proxy.port}${real.pathname}?schema=${schema}`;
    const receiver = await serve({ WABOX_DB: location, WABOX_APP_SECRET: SECRET });
    const healthz = receiver.url.replace('/webhook', '/healthz');
    const raw = (text: string) =>
      serializeLikeMeta(simulatedTextMessage({ from: '919812345678', text, now: new Date() }).body);
    const before = raw('before the outage');
    const during = raw('during the outage');
    try {
      expect(await postSigned(receiver.url, before, SECRET)).toBe(200);
      expect((await http(healthz)).status).toBe(200);

      await proxy.cut();
      expect(await postSigned(receiver.url, during, SECRET)).toBe(503);
      expect(await http(healthz)).toMatchObject({
        status: 503,
        body: '{"ok":false,"store":"unreachable"}\n',
      });

      await proxy.open();
      // Meta redelivers what was not acknowledged; the pool reconnects on its own
      let status = 0;
      for (let i = 0; i < 50 && status !== 200; i++) {
        status = await postSigned(receiver.url, during, SECRET);
        if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(status).toBe(200);
      expect(await postSigned(receiver.url, during, SECRET)).toBe(200);
      expect((await http(healthz)).status).toBe(200);
    } finally {
      await proxy.cut();
    }
    expect(receiver.stderr()).toContain('cannot reach the PostgreSQL store');
    expect(receiver.stderr()).not.toContain(PASSWORD);

    const store = await openPostgresStore(`${PG_TEST_URL}?schema=${schema}`);
    try {
      const texts = (await store.listMessages({ limit: 10 })).map((m) => m.text).sort();
      expect(texts).toEqual(['before the outage', 'during the outage']);
    } finally {
      await store.close();
    }
  });
});
