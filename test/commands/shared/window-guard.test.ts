import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exitCodeOf } from '../../../src/cli/errors.js';
import { assertWindowOpen } from '../../../src/commands/shared/window-guard.js';
import { WaboxError } from '../../../src/core/errors.js';
import { WINDOW_MS } from '../../../src/core/window.js';
import { openSqliteStore, type SqliteStore } from '../../../src/store/sqlite.js';
import { tempDir } from '../../helpers/cli.js';

const LAST = new Date('2025-06-01T10:00:00.000Z');
const WA = '919876543210';
let store: SqliteStore;

beforeEach(async () => {
  store = openSqliteStore(join(tempDir(), 'wabox.db'));
  await store.recordInbound({ id: 'wamid.in', waId: WA, type: 'text', text: 'Hi', timestamp: LAST });
});
afterEach(async () => {
  await store.close();
});

describe('assertWindowOpen', () => {
  it('allows a send within 24 hours, and at exactly 24 hours', async () => {
    expect(await assertWindowOpen(store, WA, new Date(LAST.getTime() + 60_000))).toMatchObject({
      known: true,
      open: true,
    });
    expect(await assertWindowOpen(store, WA, new Date(LAST.getTime() + WINDOW_MS))).toMatchObject({
      open: true,
    });
  });

  it('refuses one millisecond after 24 hours: exit 4 with a hint to use a template', async () => {
    let error: unknown;
    try {
      await assertWindowOpen(store, WA, new Date(LAST.getTime() + WINDOW_MS + 1));
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(WaboxError);
    const err = error as WaboxError;
    expect(exitCodeOf(err)).toBe(4);
    expect(err.kind).toBe('refused');
    expect(err.code).toBe('window.closed');
    expect(err.message).toBe(
      'the 24-hour customer-service window with +919876543210 is closed: their last message was 24 hours ago',
    );
    expect(err.hint).toBe(
      'outside the window only an approved template can be sent: --template <name> --lang <code> (or --force to try anyway)',
    );
    expect(err.details).toEqual({
      waId: WA,
      lastInboundAt: '2025-06-01T10:00:00.000Z',
      closedAt: '2025-06-02T10:00:00.000Z',
    });
  });

  it('says days for a long-closed window', async () => {
    await expect(assertWindowOpen(store, WA, new Date('2025-06-09T10:00:00.000Z'))).rejects.toThrow(
      'their last message was 8 days ago',
    );
  });

  it('--force sends anyway and returns the closed window', async () => {
    expect(
      await assertWindowOpen(store, WA, new Date(LAST.getTime() + 2 * WINDOW_MS), { force: true }),
    ).toEqual({
      known: true,
      open: false,
      closesAt: new Date('2025-06-02T10:00:00.000Z'),
      remainingMs: 0,
    });
  });

  it('a contact the store knows nothing about is allowed', async () => {
    expect(await assertWindowOpen(store, '447700900123', new Date(LAST.getTime() + 10 * WINDOW_MS))).toEqual({
      known: false,
      open: false,
      closesAt: null,
      remainingMs: null,
    });
  });

  it('only outbound messages to a contact: still unknown, allowed', async () => {
    await store.recordOutbound({
      id: 'wamid.out',
      waId: '447700900123',
      type: 'text',
      text: 'Hello',
      timestamp: LAST,
      status: 'accepted',
    });
    expect(
      (await assertWindowOpen(store, '447700900123', new Date(LAST.getTime() + 3 * WINDOW_MS))).known,
    ).toBe(false);
  });
});
