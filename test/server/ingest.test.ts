// Group commit on the receiver: the POSTs that arrive close together go to the store in one write, each
// answered with its own result (or its own error), and drain() waits for what was submitted.
import { describe, expect, it, vi } from 'vitest';
import { GroupCommitter } from '../../src/server/ingest.js';
import type { IngestResult, WebhookPost } from '../../src/store/store.js';

const T = new Date('2026-11-20T10:00:00Z');

function post(id: string): WebhookPost {
  return {
    receivedAt: T,
    inbound: [{ id, waId: '919876543210', name: null, type: 'text', text: id, timestamp: T }],
    echoes: [],
    statuses: [],
    raw: [],
  };
}

/** Lets the event loop go round `n` times (setImmediate callbacks and the promises they settle run). */
async function turns(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve));
}

const stored = (p: WebhookPost): IngestResult => ({
  newInbound: p.inbound.map((m) => m.id),
  duplicates: 0,
  claims: [],
  handoffs: [],
  merges: [],
  optOuts: [],
  accountEvents: [],
});

describe('GroupCommitter', () => {
  it('writes the POSTs of one turn in one batch and answers each with its own result', async () => {
    // only the deadline's clock is fake: the end of a turn (setImmediate) stays real
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const batches: string[][] = [];
      const committer = new GroupCommitter(
        async (posts) => {
          batches.push(posts.map((p) => p.inbound[0]!.id));
          return posts.map((p) => (p.inbound[0]!.id === 'B' ? { error: new Error('B failed') } : stored(p)));
        },
        256,
        40,
      );
      const answers = await Promise.allSettled(['A', 'B', 'C'].map((id) => committer.submit(post(id))));
      expect(batches).toEqual([['A', 'B', 'C']]);
      expect(answers.map((a) => (a.status === 'fulfilled' ? a.value.newInbound : String(a.reason)))).toEqual([
        ['A'],
        'Error: B failed',
        ['C'],
      ]);
      // the next batch waits for as many POSTs as the last one had, at most maxWaitMs: D alone, late
      const d = committer.submit(post('D'));
      await turns(3);
      await vi.advanceTimersByTimeAsync(39);
      expect(batches).toEqual([['A', 'B', 'C']]);
      await vi.advanceTimersByTimeAsync(1);
      expect((await d).newInbound).toEqual(['D']);
      expect(batches).toEqual([['A', 'B', 'C'], ['D']]);
      // after a batch of one, a lone POST waits for nothing: the end of its turn closes the batch
      expect((await committer.submit(post('E'))).newInbound).toEqual(['E']);
      expect(batches).toEqual([['A', 'B', 'C'], ['D'], ['E']]);
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it('a wave of POSTs over several turns shares one commit, up to the size of the last batch', async () => {
    const batches: string[][] = [];
    const committer = new GroupCommitter(
      async (posts) => {
        batches.push(posts.map((p) => p.inbound[0]!.id));
        return posts.map(stored);
      },
      256,
      1000, // a deadline that never comes: only the count closes these batches
    );
    const turn = () => new Promise((resolve) => setImmediate(resolve));
    await Promise.all(['A', 'B', 'C'].map((id) => committer.submit(post(id))));
    const wave: Promise<IngestResult>[] = [];
    for (const id of ['D', 'E', 'F']) {
      wave.push(committer.submit(post(id)));
      await turn();
      await turn();
    }
    await Promise.all(wave);
    expect(batches).toEqual([
      ['A', 'B', 'C'],
      ['D', 'E', 'F'],
    ]);
    // a lone POST now waits for two more; drain() (shutdown) writes it at once
    const last = committer.submit(post('G'));
    await turn();
    await turn();
    expect(batches).toHaveLength(2);
    await committer.drain();
    await expect(last).resolves.toMatchObject({ newInbound: ['G'] });
    expect(batches[2]).toEqual(['G']);
  });

  it('a write that fails as a whole fails every POST of its batch; a full batch goes at once', async () => {
    const failing = new GroupCommitter(async () => Promise.reject(new Error('disk full')));
    const answers = await Promise.allSettled([failing.submit(post('A')), failing.submit(post('B'))]);
    expect(answers.map((a) => a.status === 'rejected' && String(a.reason))).toEqual([
      'Error: disk full',
      'Error: disk full',
    ]);
    const sizes: number[] = [];
    const small = new GroupCommitter(async (posts) => {
      sizes.push(posts.length);
      return posts.map(stored);
    }, 2);
    await Promise.all(['A', 'B', 'C'].map((id) => small.submit(post(id))));
    expect(sizes).toEqual([2, 1]);
  });

  it('drain() resolves once everything submitted so far is written', async () => {
    let release = () => {};
    const written: string[] = [];
    const committer = new GroupCommitter(async (posts) => {
      await new Promise<void>((resolve) => {
        release = resolve;
      });
      written.push(...posts.map((p) => p.inbound[0]!.id));
      return posts.map(stored);
    });
    const answer = committer.submit(post('A'));
    let drained = false;
    const draining = committer.drain().then(() => {
      drained = true;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(drained).toBe(false);
    release();
    await draining;
    expect(written).toEqual(['A']);
    await expect(answer).resolves.toMatchObject({ newInbound: ['A'] });
  });

  it('serial: the POSTs that arrive while a batch is written make the next batch, at most maxBatch', async () => {
    const releases: Array<() => void> = [];
    const batches: string[][] = [];
    const committer = new GroupCommitter(
      async (posts) => {
        batches.push(posts.map((p) => p.inbound[0]!.id));
        await new Promise<void>((resolve) => releases.push(resolve));
        return posts.map(stored);
      },
      2,
      undefined,
      undefined,
      true,
    );
    const answers = [committer.submit(post('A'))];
    await turns(2);
    expect(batches).toEqual([['A']]);
    for (const id of ['B', 'C', 'D']) {
      answers.push(committer.submit(post(id)));
      await turns(2);
    }
    // B, C and D wait for A's write; then two of them go, then the last
    expect(batches).toEqual([['A']]);
    releases.shift()!();
    await turns(2);
    expect(batches).toEqual([['A'], ['B', 'C']]);
    const draining = committer.drain();
    releases.shift()!();
    await turns(2);
    expect(batches).toEqual([['A'], ['B', 'C'], ['D']]);
    releases.shift()!();
    await draining;
    expect((await Promise.all(answers)).map((r) => r.newInbound[0])).toEqual(['A', 'B', 'C', 'D']);
  });
});
