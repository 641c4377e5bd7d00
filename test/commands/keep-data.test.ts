// `wabox db backup`, `db purge`, `contact export`, `contact forget` as a user runs them (the built CLI in a
// pipe, or main() on a pretend terminal), on real SQLite files and PostgreSQL schemas; and a forgotten
// contact's old POST redelivered to the real receiver stores nothing.
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { Prompter } from '../../src/cli/prompt.js';
import { openSqliteStore } from '../../src/store/sqlite.js';
import { expectError } from '../helpers/assert.js';
import { run, spawnCli, tempDir } from '../helpers/cli.js';
import { ASHA, ASHA_PERSONAL, ashaPayload, everything, ingest } from '../helpers/keep.js';
import { describePg, dropTestSchemas, PG_TEST_URL, testSchema } from '../helpers/pg.js';
import { type Receiver, startReceiver } from '../helpers/receiver.js';
import { describeStores, POSTGRES, SQLITE, type StoreBackend } from '../helpers/stores.js';

const DAY = 86_400_000;
const OLD = new Date(Date.now() - 400 * DAY);

/** A store (its WABOX_DB) holding Asha's old POST and one recent message of Ravi's. */
async function seeded(backend: StoreBackend): Promise<string> {
  const store = await backend.open();
  try {
    await ingest(store, ashaPayload(OLD), OLD);
    await store.addNote(ASHA, { author: 'meera', text: 'Asha prefers calls' });
    await store.recordInbound({
      id: 'wamid.ravi',
      waId: '447700900123',
      type: 'text',
      text: 'fresh news',
      timestamp: new Date(Date.now() - DAY),
    });
    return backend.location(store);
  } finally {
    await store.close();
  }
}

const env = (db: string) => ({ WABOX_DB: db, WABOX_CONFIG_DIR: join(tempDir('wabox-config-'), 'c') });

async function contents(backend: StoreBackend, location: string): Promise<string> {
  const store = await backend.connect(location);
  try {
    return await everything(backend, store);
  } finally {
    await store.close();
  }
}

function prompter(answer: boolean, asked: string[]): Prompter {
  const never = async (): Promise<never> => {
    throw new Error('unexpected prompt');
  };
  return {
    input: never,
    select: never,
    password: never,
    confirm: async ({ message }) => {
      asked.push(message);
      return answer;
    },
  };
}

const receivers: Receiver[] = [];
afterEach(async () => {
  for (const r of receivers.splice(0)) await r.stop();
});

await describeStores('keeping and erasing data from the command line', (backend) => {
  it('contact export, then forget; the receiver given her old POST again stores nothing', async () => {
    const location = await seeded(backend);
    const receiver = await startReceiver({ env: { WABOX_DB: location } });
    receivers.push(receiver);
    // a POST the receiver takes in, so the later redelivery is one Meta really could make
    expect((await receiver.post(ashaPayload(new Date(OLD.getTime() + 1000)))).status).toBe(200);
    const e = env(location);

    const exported = await spawnCli(['contact', 'export', `+${ASHA}`, '--json'], { env: e });
    expect(exported.code, exported.stderr).toBe(0);
    const doc = JSON.parse(exported.stdout) as {
      contact: { phone: string; userId: string };
      messages: Array<{ text: string | null; payload: unknown }>;
      notes: Array<{ text: string }>;
      conversation: { phone: string; unread: number };
    };
    // the conversation as `inbox --json` shows it
    expect(doc.conversation).toMatchObject({ phone: `+${ASHA}`, unread: 2 });
    expect(doc.contact).toMatchObject({ phone: `+${ASHA}`, userId: 'IN.5512093388776655' });
    expect(doc.messages.map((m) => m.text)).toEqual(['my address is 4 Lake Rd', 'my passport']);
    expect(doc.notes.map((n) => n.text)).toEqual(['Asha prefers calls']);

    const refused = await spawnCli(['contact', 'forget', `+${ASHA}`], { env: e });
    expectError(
      refused,
      2,
      'refusing to forget a contact without --yes',
      'pass --yes (nobody can be asked: not a terminal or --no-input)',
    );
    expect(await contents(backend, location)).toContain('4 Lake Rd');

    const forgot = await spawnCli(['contact', 'forget', `+${ASHA}`, '--yes', '--json'], { env: e });
    expect(forgot.code, forgot.stderr).toBe(0);
    expect(JSON.parse(forgot.stdout)).toMatchObject({
      id: expect.any(String),
      // the raw part came twice, at two times: two raw events
      counts: { messages: 2, notes: 1, identifiers: 2, conversations: 1, rawEvents: 2 },
    });

    expect((await receiver.post(ashaPayload(OLD))).status).toBe(200);
    expect((await receiver.post(ashaPayload(new Date(OLD.getTime() + 1000)))).status).toBe(200);
    const after = await contents(backend, location);
    for (const p of ASHA_PERSONAL) expect(after, p).not.toContain(p);
    expect(after).toContain('fresh news');

    const again = await spawnCli(['contact', 'export', `+${ASHA}`], { env: e });
    expectError(
      again,
      6,
      `the store knows no contact +${ASHA}`,
      'list the known contacts with: wabox contact list',
    );
  });

  it('db purge: a dry run changes nothing; in a pipe it needs --yes; --yes erases old content only', async () => {
    const location = await seeded(backend);
    const e = env(location);
    const before = await contents(backend, location);
    const dry = await spawnCli(['db', 'purge', '--older-than', '365d', '--dry-run', '--json'], { env: e });
    expect(dry.code, dry.stderr).toBe(0);
    expect(JSON.parse(dry.stdout)).toMatchObject({
      dryRun: true,
      messages: 2,
      media: 1,
      rawEvents: 1,
      statusEvents: 1,
    });
    expect(await contents(backend, location)).toBe(before);

    expectError(
      await spawnCli(['db', 'purge', '--older-than', '365d'], { env: e }),
      2,
      'refusing to erase message content without --yes',
      'pass --yes (nobody can be asked: not a terminal or --no-input)',
    );
    expect(await contents(backend, location)).toBe(before);

    const done = await spawnCli(['db', 'purge', '--older-than', '365d', '--yes'], { env: e });
    expect(done.code, done.stderr).toBe(0);
    expect(done.stdout).toMatch(
      /^erased the content of 2 messages \(1 with media\), 1 status payloads and 1 raw webhook parts from before \d{4}-/,
    );
    const after = await contents(backend, location);
    for (const gone of ['4 Lake Rd', 'passport', 'beam me']) expect(after).not.toContain(gone);
    // the contact, the note and the recent message stay
    for (const kept of ['Asha Patel', 'Asha prefers calls', 'fresh news']) expect(after).toContain(kept);
  });
});

describe('bad input: one line, the usage or not-found exit code', () => {
  it.each([
    [['db', 'purge', '--older-than', '1y'], '--older-than: "1y" is not an age'],
    [['db', 'purge', '--older-than', '0d', '--yes'], '--older-than: "0d" is not an age'],
    [['db', 'purge', '--older-than', 'soon', '--dry-run'], '--older-than: "soon" is not an age'],
  ])('%j: exit 2', async (argv, message) => {
    expectError(
      await spawnCli(argv, { env: env(join(tempDir(), 'w.db')) }),
      2,
      message,
      'write it as 365d, 52w or 2160h',
    );
  });

  it('db purge without --older-than is a usage error', async () => {
    const r = await spawnCli(['db', 'purge', '--yes'], { env: env(join(tempDir(), 'w.db')) });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: required option '--older-than <age>' not specified\n/);
  });

  it.each([['export'], ['forget']])(
    'contact %s of a contact the store does not know: exit 6',
    async (verb) => {
      const db = await seeded(SQLITE);
      expectError(
        await spawnCli(['contact', verb, '+15550001111', '--yes'].slice(0, verb === 'export' ? 3 : 4), {
          env: env(db),
        }),
        6,
        'the store knows no contact +15550001111',
        'list the known contacts with: wabox contact list',
      );
    },
  );
});

describe('on a terminal, purge and forget ask first', () => {
  it('a "no" cancels (exit 130) and changes nothing; a "yes" erases', async () => {
    const db = await seeded(SQLITE);
    const before = await contents(SQLITE, db);
    const asked: string[] = [];
    const no = await run(['contact', 'forget', `+${ASHA}`], {
      env: env(db),
      tty: true,
      canPrompt: true,
      overrides: { prompt: async () => prompter(false, asked) },
    });
    expect(no.code).toBe(130);
    expect(asked).toEqual([`Erase everything stored about +${ASHA}? This cannot be undone.`]);
    expect(await contents(SQLITE, db)).toBe(before);

    const purge = await run(['db', 'purge', '--older-than', '365d'], {
      env: env(db),
      tty: true,
      canPrompt: true,
      overrides: { prompt: async () => prompter(true, asked) },
    });
    expect(purge.code, purge.stderr).toBe(0);
    expect(asked[1]).toMatch(/^Erase the content of 2 messages from before \d{4}-\d\d-\d\dT/);
    expect(await contents(SQLITE, db)).not.toContain('4 Lake Rd');
  });
});

describe('db backup', () => {
  it('SQLite: a 0600 copy that opens with every message; an existing file needs --force', async () => {
    const db = await seeded(SQLITE);
    const dir = tempDir('wabox-backup-');
    const file = join(dir, 'backup.db');
    const e = env(db);
    const made = await spawnCli(['db', 'backup', file, '--json'], { env: e });
    expect(made.code, made.stderr).toBe(0);
    expect(JSON.parse(made.stdout)).toEqual({ file, bytes: statSync(file).size });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const copy = openSqliteStore(file);
    try {
      expect((await copy.listMessages()).map((m) => m.text).sort()).toEqual([
        'fresh news',
        'my address is 4 Lake Rd',
        'my passport',
      ]);
    } finally {
      await copy.close();
    }

    writeFileSync(join(dir, 'other.db'), 'mine');
    expectError(
      await spawnCli(['db', 'backup', join(dir, 'other.db')], { env: e }),
      2,
      `${join(dir, 'other.db')} exists`,
      'pick another file, or add --force to replace it',
    );
    expect(statSync(join(dir, 'other.db')).size).toBe(4);
    const forced = await spawnCli(['db', 'backup', join(dir, 'other.db'), '--force'], { env: e });
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.stdout).toBe(`${join(dir, 'other.db')}\n`);
    expect(statSync(join(dir, 'other.db')).size).toBeGreaterThan(4);
    // no temp file left behind
    expect(readdirSync(dir).sort()).toEqual(['backup.db', 'other.db']);
  });

  it('SQLite: a backup that fails leaves no file', async () => {
    const db = await seeded(SQLITE);
    const file = join(tempDir(), 'no-such-dir', 'backup.db');
    const r = await spawnCli(['db', 'backup', file], { env: env(db) });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: .*backup\.db/);
    expect(existsSync(join(file, '..'))).toBe(false);
  });

  it('PostgreSQL: prints the pg_dump command without the password, runs nothing', async () => {
    const url = 'postgres://wabox:pw-secret-9@db.internal:5433/wabox?schema=team_a';
    const r = await spawnCli(['db', 'backup', 'team a.dump'], { env: env(url) });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(
      "pg_dump --format=custom --file='team a.dump' --schema=team_a postgres://wabox@db.internal:5433/wabox\n",
    );
    expect(r.stderr).toBe('the password is left out of the command: pg_dump reads PGPASSWORD or ~/.pgpass\n');
    const json = await spawnCli(['db', 'backup', 'w.dump', '--json'], {
      env: env('postgres://wabox@db.internal/wabox'),
    });
    expect(JSON.parse(json.stdout)).toEqual({
      command: 'pg_dump --format=custom --file=w.dump postgres://wabox@db.internal/wabox',
    });
    expect(existsSync('w.dump') || existsSync('team a.dump')).toBe(false);
  });
});

await describePg('a forgotten contact moves with db copy', () => {
  afterAll(dropTestSchemas);

  it('SQLite → PostgreSQL: the erasure record and the forgotten wamids come along', async () => {
    const db = await seeded(SQLITE);
    const source = await SQLITE.connect(db);
    const erasure = await source.forgetContact(ASHA).finally(() => source.close());
    const pg = `${PG_TEST_URL}?schema=${testSchema()}`;
    const copied = await run(['db', 'copy', db, pg, '--json'], { env: env(db) });
    expect(copied.code, copied.stderr).toBe(0);
    const tables = (JSON.parse(copied.stdout) as { tables: Array<{ table: string; copied: number }> }).tables;
    expect(tables.filter((t) => t.table === 'erasures' || t.table === 'forgotten_messages')).toEqual([
      expect.objectContaining({ table: 'erasures', copied: 1 }),
      expect.objectContaining({ table: 'forgotten_messages', copied: erasure.counts.forgottenMessages }),
    ]);
    const target = await POSTGRES.connect(pg);
    try {
      await ingest(target, ashaPayload(OLD), new Date());
      const after = await everything(POSTGRES, target);
      for (const p of ASHA_PERSONAL) expect(after, p).not.toContain(p);
    } finally {
      await target.close();
    }
  });
});
