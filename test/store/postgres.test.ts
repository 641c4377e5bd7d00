// Opening the PostgreSQL store: migrations once (under an advisory lock, however many processes start
// together), the clock, a server that is not there, a schema from a newer wabox. The behaviour shared
// with SQLite is in the parametrised suites (test/helpers/stores.ts).
import pg from 'pg';
import { afterAll, expect, it } from 'vitest';
import { WaboxError } from '../../src/core/errors.js';
import { openPostgresStore } from '../../src/store/postgres.js';
import { PG_LATEST_VERSION, PG_MIGRATIONS } from '../../src/store/postgres-schema.js';
import { describePg, dropTestSchemas, PG_TEST_URL, testSchema } from '../helpers/pg.js';

const url = (schema: string) => `${PG_TEST_URL}?schema=${schema}`;

await describePg('the PostgreSQL store', () => {
  afterAll(dropTestSchemas);

  it('four stores opening one new schema at once: each migration applied once, all of them usable', async () => {
    const schema = testSchema();
    const stores = await Promise.all(
      [1, 2, 3, 4].map((n) => openPostgresStore(url(schema), { now: () => n })),
    );
    try {
      const applied = await stores[0]!.db.all<{ version: number }>('SELECT version FROM schema_migrations');
      expect(applied.map((r) => r.version)).toEqual(PG_MIGRATIONS.map((m) => m.version));
      await stores[1]!.recordInbound({
        id: 'wamid.1',
        waId: '919876543210',
        type: 'text',
        text: 'hi',
        timestamp: new Date(0),
      });
      expect((await stores[3]!.listMessages()).map((m) => m.id)).toEqual(['wamid.1']);
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });

  it('keeps its tables in the schema of the URL, stamps with its clock, and reopens without migrating', async () => {
    const schema = testSchema();
    const first = await openPostgresStore(url(schema), { now: () => 1000 });
    await first.recordOutbound({
      id: 'wamid.out',
      waId: '447700900123',
      type: 'text',
      text: 'hello',
      timestamp: new Date(5000),
      status: 'accepted',
    });
    await first.close();
    await first.close(); // idempotent
    const second = await openPostgresStore(url(schema), { now: () => 2000 });
    try {
      expect(await second.db.all('SELECT DISTINCT applied_at FROM schema_migrations')).toEqual([
        { applied_at: 1000 },
      ]);
      expect(await second.db.all('SELECT created_at FROM contacts')).toEqual([{ created_at: 1000 }]);
      const tables = await second.db.all<{ n: number }>(
        `SELECT count(*) AS n FROM information_schema.tables WHERE table_schema = '${schema}' AND table_name = 'messages'`,
      );
      expect(tables).toEqual([{ n: 1 }]);
      expect((await second.listMessages()).map((m) => m.id)).toEqual(['wamid.out']);
    } finally {
      await second.close();
    }
  });

  it('a schema from a newer wabox is refused (config error), and nothing is changed', async () => {
    const schema = testSchema();
    await (await openPostgresStore(url(schema))).close();
    const client = new pg.Client({ connectionString: PG_TEST_URL });
    await client.connect();
    try {
      await client.query(`INSERT INTO ${schema}.schema_migrations VALUES ($1, 'from the future', 0)`, [
        PG_LATEST_VERSION + 1,
      ]);
    } finally {
      await client.end();
    }
    const error = await openPostgresStore(url(schema)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WaboxError);
    expect(error).toMatchObject({ kind: 'config', code: 'store.too_new' });
  });

  it('a server that is not there: a transient error naming the URL without its password', async () => {
    const error = await openPostgresStore('postgres://wabox:s3cret-pw@127.0.0.1:1/wabox').catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ kind: 'transient', code: 'store.unreachable' });
    expect((error as Error).message).toMatch(
      /^cannot reach the PostgreSQL store at postgres:\/\/wabox:\*\*\*@127\.0\.0\.1:1\/wabox: /,
    );
    expect((error as Error).message).not.toContain('s3cret-pw');
  });

  it('a schema name that is not plain lower case is refused before any SQL', async () => {
    const error = await openPostgresStore(url('x;drop')).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'config', code: 'store.bad_schema' });
  });
});
