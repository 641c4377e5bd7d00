// PostgreSQL for the tests: the server of WABOX_TEST_PG (default the development machines' 127.0.0.1:5432,
// database test), each test in a schema of its own that is dropped afterwards. Without a reachable server
// the PostgreSQL suites are skipped with the reason printed at the end of the run, unless
// WABOX_REQUIRE_PG=1 (CI sets it): then they fail.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { describe, it } from 'vitest';

export const PG_TEST_URL = process.env.WABOX_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/test';
const REQUIRED = process.env.WABOX_REQUIRE_PG === '1';

let reachable: Promise<string | null> | undefined;

/** Null when the test server answers; else why not. */
export function pgUnavailable(): Promise<string | null> {
  reachable ??= (async () => {
    const client = new pg.Client({ connectionString: PG_TEST_URL, connectionTimeoutMillis: 3000 });
    try {
      await client.connect();
      await client.query('SELECT 1');
      return null;
    } catch (error) {
      return `no PostgreSQL at ${PG_TEST_URL} (${(error as Error).message}); set WABOX_TEST_PG to run these`;
    } finally {
      await client.end().catch(() => {});
    }
  })();
  return reachable;
}

/**
 * A describe() that runs only with a reachable PostgreSQL; otherwise one skipped test says why (or, with
 * WABOX_REQUIRE_PG=1, one failing test).
 */
export async function describePg(name: string, body: () => void): Promise<void> {
  const why = await pgUnavailable();
  if (why === null) {
    describe(name, body);
    return;
  }
  describe(name, () => {
    it('needs PostgreSQL', (ctx) => {
      if (REQUIRED) throw new Error(`WABOX_REQUIRE_PG=1 but ${why}`);
      ctx.skip(why);
    });
  });
}

const created: string[] = [];

/** A new empty schema's name (dropped by dropTestSchemas). */
export function testSchema(): string {
  const name = `wabox_t_${randomBytes(6).toString('hex')}`;
  created.push(name);
  return name;
}

/** Drops every schema testSchema gave in this file. */
export async function dropTestSchemas(): Promise<void> {
  if (created.length === 0) return;
  const client = new pg.Client({ connectionString: PG_TEST_URL });
  try {
    await client.connect();
    for (const name of created.splice(0)) await client.query(`DROP SCHEMA IF EXISTS ${name} CASCADE`);
  } finally {
    await client.end().catch(() => {});
  }
}
