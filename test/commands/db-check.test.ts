// `wabox db check [--repair]`: argv -> options through runF, then the command against a real temp store
// whose kept values were made to drift by hand.
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { createDeps } from '../../src/cli/deps.js';
import { main } from '../../src/cli/program.js';
import { createTestIO } from '../../src/cli/test-io.js';
import * as check from '../../src/commands/db/check.js';
import { openSqliteStore } from '../../src/store/sqlite.js';
import { run, spawnCli, tempDir } from '../helpers/cli.js';

const ASHA = '919876543210';
const T1 = new Date('2026-06-01T09:00:00.000Z');
const T2 = new Date('2026-06-01T09:05:00.000Z');
let env: Record<string, string>;

beforeEach(async () => {
  const dir = tempDir();
  env = { WABOX_DB: join(dir, 'wabox.db'), WABOX_CONFIG_DIR: join(dir, 'config') };
  const store = openSqliteStore(env.WABOX_DB!);
  await store.recordInbound({ id: 'wamid.in.1', waId: ASHA, type: 'text', text: 'cake?', timestamp: T1 });
  await store.recordInbound({ id: 'wamid.in.2', waId: ASHA, type: 'text', text: 'hello?', timestamp: T2 });
  await store.close();
});

function drift(): void {
  const store = openSqliteStore(env.WABOX_DB!);
  store.db.prepare('UPDATE conversations SET unread = 5, awaiting_since = NULL').run();
  store.db.close();
}

describe('argv -> options', () => {
  it.each([
    [[], {}],
    [['--repair'], { repair: true }],
    [['--json', '--repair'], { json: true, repair: true }],
  ])('%j', async (argv, options) => {
    const io = createTestIO();
    const deps = createDeps(io, { WABOX_CONFIG_DIR: tempDir('wabox-config-') });
    deps.store = () => expect.fail('argv -> options must not open the store');
    const seen: unknown[] = [];
    const code = await main(['db', 'check', ...argv], deps, (program, d) =>
      check.register(program.command('db'), d, async (o) => {
        seen.push(o);
      }),
    );
    expect({ code, stderr: io.stderr.text(), seen }).toEqual({ code: 0, stderr: '', seen: [options] });
  });
});

describe('wabox db check', () => {
  it('a store as wabox keeps it: exit 0, a note', async () => {
    const r = await run(['db', 'check'], { env });
    expect(r).toMatchObject({ code: 0, stdout: '', stderr: 'every kept value matches the messages\n' });
    expect(JSON.parse((await run(['db', 'check', '--json'], { env })).stdout)).toEqual({
      differences: [],
      repaired: false,
    });
  });

  it('a drifted value: exit 1 with each difference; --repair fixes them and exits 0', async () => {
    drift();
    const r = await run(['db', 'check'], { env });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe(
      [`+${ASHA}\tunread\t5\t2`, `+${ASHA}\tawaiting_since\t-\t${T1.toISOString()}`, ''].join('\n'),
    );
    expect(r.stderr).toBe('2 values differ from the messages (wabox db check --repair fixes them)\n');
    const json = await run(['db', 'check', '--json'], { env });
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toEqual({
      differences: [
        { waId: ASHA, field: 'unread', kept: 5, expected: 2 },
        { waId: ASHA, field: 'awaiting_since', kept: null, expected: T1.getTime() },
      ],
      repaired: false,
    });
    const repair = await run(['db', 'check', '--repair'], { env });
    expect(repair.code).toBe(0);
    expect(repair.stderr).toBe('repaired 2 values\n');
    expect((await run(['db', 'check'], { env })).code).toBe(0);
    const inbox = JSON.parse((await run(['inbox', '--unanswered', '--json'], { env })).stdout);
    expect(inbox).toMatchObject([{ waId: ASHA, unread: 2, awaitingReplySince: T1.toISOString() }]);
  });

  it('the built CLI checks a store', async () => {
    drift();
    const r = await spawnCli(['db', 'check', '--repair', '--json'], { env });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ repaired: true });
  });
});
