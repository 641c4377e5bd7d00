#!/usr/bin/env node
// Which PostgreSQL driver the store uses, by measurement: `pg` (node-postgres, a Pool) against `postgres`
// (postgres.js) on the store's own pattern — a transaction per webhook event (insert the message, upsert the
// conversation) from concurrent callers, and the inbox's page read. Rounds alternate the drivers; the
// figures are the best round of each and the ratio postgres.js / pg.
//
//   node bench/pg-driver.mjs [--url postgres://postgres@127.0.0.1:5432/test] [--events 4000] [--rounds 3]
import { parseArgs } from 'node:util';
import pg from 'pg';
import postgres from 'postgres';

const { values } = parseArgs({
  options: {
    url: { type: 'string', default: process.env.WABOX_BENCH_PG ?? 'postgres://postgres@127.0.0.1:5432/test' },
    events: { type: 'string', default: '4000' },
    rounds: { type: 'string', default: '3' },
    concurrency: { type: 'string', default: '16' },
    pool: { type: 'string', default: '8' },
  },
});
const EVENTS = Number(values.events);
const ROUNDS = Number(values.rounds);
const CONCURRENCY = Number(values.concurrency);
const POOL = Number(values.pool);
const SCHEMA = `bench_driver_${process.pid}`;

const DDL = `
CREATE SCHEMA ${SCHEMA};
CREATE TABLE ${SCHEMA}.messages (seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, wamid text NOT NULL UNIQUE,
  wa_id text NOT NULL, text text, timestamp bigint NOT NULL, created_at bigint NOT NULL);
CREATE TABLE ${SCHEMA}.conversations (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, wa_id text NOT NULL UNIQUE,
  last_message_at bigint, last_seq bigint, unread integer NOT NULL DEFAULT 0, created_at bigint NOT NULL);
CREATE INDEX ON ${SCHEMA}.conversations (coalesce(last_message_at, created_at), id);`;
const INSERT_MESSAGE = `INSERT INTO ${SCHEMA}.messages (wamid, wa_id, text, timestamp, created_at)
  VALUES ($1, $2, $3, $4, $5) ON CONFLICT (wamid) DO NOTHING RETURNING seq`;
const UPSERT_CONVERSATION = `INSERT INTO ${SCHEMA}.conversations (wa_id, last_message_at, last_seq, unread, created_at)
  VALUES ($1, $2, $3, 1, $2) ON CONFLICT (wa_id) DO UPDATE SET
  last_message_at = GREATEST(conversations.last_message_at, excluded.last_message_at),
  last_seq = excluded.last_seq, unread = conversations.unread + 1`;
const PAGE = `SELECT id, wa_id, last_message_at, unread FROM ${SCHEMA}.conversations
  ORDER BY coalesce(last_message_at, created_at) DESC, id DESC LIMIT 50`;

const drivers = {
  pg: () => {
    const pool = new pg.Pool({ connectionString: values.url, max: POOL });
    return {
      async event(i, round) {
        const client = await pool.connect();
        try {
          await client.query('BEGIN');
          const now = Date.now();
          const { rows } = await client.query({
            name: 'm',
            text: INSERT_MESSAGE,
            values: [`wamid.${round}.${i}`, `${i % 500}`, 'hello', now, now],
          });
          if (rows.length > 0)
            await client.query({
              name: 'c',
              text: UPSERT_CONVERSATION,
              values: [`${i % 500}`, now, rows[0].seq],
            });
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK');
          throw error;
        } finally {
          client.release();
        }
      },
      page: () => pool.query({ name: 'p', text: PAGE }),
      end: () => pool.end(),
    };
  },
  postgres: () => {
    const sql = postgres(values.url, { max: POOL, onnotice: () => {} });
    return {
      event: (i, round) =>
        sql.begin(async (tx) => {
          const now = Date.now();
          const rows = await tx.unsafe(
            INSERT_MESSAGE,
            [`wamid.${round}.${i}`, `${i % 500}`, 'hello', now, now],
            { prepare: true },
          );
          if (rows.length > 0)
            await tx.unsafe(UPSERT_CONVERSATION, [`${i % 500}`, now, rows[0].seq], { prepare: true });
        }),
      page: () => sql.unsafe(PAGE, [], { prepare: true }),
      end: () => sql.end(),
    };
  },
};

async function measure(name, round) {
  const driver = drivers[name]();
  let next = 0;
  const cpu = process.cpuUsage();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < EVENTS) {
        const i = next++;
        await driver.event(i, `${name}${round}`);
        if (i % 10 === 0) await driver.page();
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  await driver.end();
  return { eventsPerSecond: EVENTS / seconds, cpuMsPerEvent: (used.user + used.system) / 1000 / EVENTS };
}

const admin = new pg.Client({ connectionString: values.url });
await admin.connect();
await admin.query(DDL);
try {
  const best = { pg: null, postgres: null };
  for (let round = 0; round < ROUNDS; round++)
    for (const name of round % 2 === 0 ? ['pg', 'postgres'] : ['postgres', 'pg']) {
      const r = await measure(name, round);
      if (!best[name] || r.eventsPerSecond > best[name].eventsPerSecond) best[name] = r;
    }
  for (const [name, r] of Object.entries(best))
    console.log(
      `${name.padEnd(9)} ${r.eventsPerSecond.toFixed(0).padStart(6)} events/s  ${r.cpuMsPerEvent.toFixed(3)} ms CPU/event (client)`,
    );
  console.log(
    `postgres.js / pg: ${(best.postgres.eventsPerSecond / best.pg.eventsPerSecond).toFixed(2)}× events/s, ` +
      `${(best.postgres.cpuMsPerEvent / best.pg.cpuMsPerEvent).toFixed(2)}× CPU per event`,
  );
} finally {
  await admin.query(`DROP SCHEMA ${SCHEMA} CASCADE`);
  await admin.end();
}
