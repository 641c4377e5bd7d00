// A team on one PostgreSQL store, as the team tests run it: a schema of its own, and the environment of
// each of its processes (a receiver, an agent's wabox) — the same store and fake Graph API, a config dir
// of its own.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openPostgresStore, type PostgresStore } from '../../src/store/postgres.js';
import { tempDir } from './cli.js';
import { PHONE_ID, TOKEN } from './cloud.js';
import type { FakeGraph } from './graph-server.js';
import { PG_TEST_URL, testSchema } from './pg.js';

export interface Team {
  /** Where the store is, as WABOX_DB names it. */
  location: string;
  /** The test's own connection to it. */
  store: PostgresStore;
  /** The environment of the team's n-th process; `config` files are written into its config dir. */
  env(n: number, config?: Record<string, unknown>): Record<string, string>;
}

export async function startTeam(graph: FakeGraph, secret: string): Promise<Team> {
  const location = `${PG_TEST_URL}?schema=${testSchema()}`;
  const store = await openPostgresStore(location);
  const env = (n: number, config: Record<string, unknown> = {}) => {
    const dir = join(tempDir(`wabox-team-${n}-`), 'config');
    mkdirSync(dir, { recursive: true });
    for (const [file, content] of Object.entries(config))
      writeFileSync(join(dir, file), JSON.stringify(content));
    return {
      WABOX_DB: location,
      WABOX_CONFIG_DIR: dir,
      WABOX_APP_SECRET: secret,
      WABOX_TOKEN: TOKEN,
      WABOX_PHONE_NUMBER_ID: PHONE_ID,
      WABOX_GRAPH_URL: graph.url,
    };
  };
  return { location, store, env };
}
