// The send pacer: the one-second window and the 6-second pair gap hold for any sequence of sends
// (fast-check), 130429 halves the rate and it recovers, 131056 holds back one recipient only.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WaboxError } from '../../src/core/errors.js';
import { checkRate, PAIR_GAP_MS, SendPacer } from '../../src/core/pacing.js';

/** The most slots in any window [t, t + 1000), t being any slot (the window a server would count). */
function maxInWindow(slots: readonly number[]): number {
  const sorted = [...slots].sort((a, b) => a - b);
  let best = 0;
  let lo = 0;
  for (let hi = 0; hi < sorted.length; hi++) {
    while (sorted[hi]! - sorted[lo]! >= 1000) lo++;
    best = Math.max(best, hi - lo + 1);
  }
  return best;
}

describe('checkRate', () => {
  it('whole numbers 1-1000', () => {
    expect(checkRate(1)).toBe(1);
    expect(checkRate(1000)).toBe(1000);
    for (const bad of [0, -1, 1001, 1.5, Number.NaN]) {
      expect(() => checkRate(bad)).toThrow(WaboxError);
      expect(() => new SendPacer({ rate: bad })).toThrow(/1-1000; got/);
    }
  });
});

describe('SendPacer', () => {
  it('spreads sends evenly at the rate: 80/s means one every 12.5 ms', () => {
    const p = new SendPacer({ rate: 80 });
    const slots = Array.from({ length: 160 }, (_, i) => p.reserve(`r${i}`, 0));
    expect(slots[0]).toBe(0);
    expect(slots[1]).toBe(12.5);
    expect(slots[159]).toBe(159 * 12.5);
    expect(maxInWindow(slots)).toBe(80);
  });
  it('a caller that comes late is not made to wait, and gets no burst for it either', () => {
    const p = new SendPacer({ rate: 10 });
    expect(p.reserve('a', 0)).toBe(0);
    expect(p.reserve('b', 5000)).toBe(5000);
    expect(p.reserve('c', 5000)).toBe(5100);
  });
  it('never two to one recipient within 6 s; others are not held back', () => {
    const p = new SendPacer({ rate: 100 });
    expect(p.reserve('a', 0)).toBe(0);
    expect(p.readyAt('a', 10)).toBe(PAIR_GAP_MS);
    expect(p.readyAt('b', 10)).toBe(10);
    expect(p.reserve('b', 10)).toBe(10);
    expect(p.reserve('a', 20)).toBe(PAIR_GAP_MS);
  });
  it('130429 halves the rate, then it recovers a step every 5 s', () => {
    const p = new SendPacer({ rate: 80 });
    p.rateLimited(1000);
    expect(p.rateAt(1000)).toBe(40);
    p.rateLimited(1500);
    expect(p.rateAt(1500)).toBe(20);
    expect(p.rateAt(6499)).toBe(20);
    expect(p.rateAt(6500)).toBe(28); // a step is 10% of 80
    expect(p.rateAt(11_500)).toBe(36);
    expect(p.rateAt(60_000)).toBe(80);
    expect(p.state(60_000)).toMatchObject({ target: 80, current: 80, held: 0 });
  });
  it('after a 130429 the sends slow to the halved rate', () => {
    const p = new SendPacer({ rate: 80, recoverAfterMs: 60_000 });
    p.rateLimited(0);
    const slots = Array.from({ length: 200 }, (_, i) => p.reserve(`r${i}`, 0));
    expect(maxInWindow(slots)).toBe(40);
    expect(slots[199]).toBeCloseTo(199 * 25);
  });
  it('the rate never goes below 1', () => {
    const p = new SendPacer({ rate: 2 });
    for (let i = 0; i < 5; i++) p.rateLimited(0);
    expect(p.rateAt(0)).toBe(1);
  });
  it('131056 holds one recipient back 6 s, then 16 s, then 64 s', () => {
    const p = new SendPacer({ rate: 50 });
    p.reserve('a', 0);
    expect(p.pairLimited('a', 100)).toBe(6100);
    expect(p.readyAt('a', 200)).toBe(6100);
    expect(p.state(200).held).toBe(1);
    expect(p.reserve('b', 200)).toBe(200);
    expect(p.reserve('a', 6100)).toBe(6100);
    expect(p.pairLimited('a', 6200)).toBe(6200 + 16_000);
    expect(p.pairLimited('a', 7000)).toBe(7000 + 64_000);
    expect(p.state(7000 + 64_000).held).toBe(0);
  });
  it('a 131056 never shortens a hold already in force', () => {
    const p = new SendPacer({ rate: 50 });
    p.pairLimited('a', 0);
    p.pairLimited('a', 0);
    expect(p.readyAt('a', 0)).toBe(16_000);
  });

  it('property: any sequence keeps ≤ rate in every one-second window and 6 s between a pair', () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('send' as const), to: fc.integer({ min: 0, max: 30 }), dt: fc.nat(300) }),
      fc.record({ kind: fc.constant('429' as const), dt: fc.nat(300) }),
      fc.record({ kind: fc.constant('pair' as const), to: fc.integer({ min: 0, max: 30 }), dt: fc.nat(300) }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1000 }), fc.array(op, { maxLength: 400 }), (rate, ops) => {
        const p = new SendPacer({ rate });
        let now = 0;
        const slots: number[] = [];
        const last = new Map<number, number>();
        for (const o of ops) {
          now += o.dt;
          if (o.kind === '429') p.rateLimited(now);
          else if (o.kind === 'pair') p.pairLimited(String(o.to), now);
          else {
            const at = p.reserve(String(o.to), now);
            if (at < now) return false;
            const before = last.get(o.to);
            if (before !== undefined && at - before < PAIR_GAP_MS) return false;
            if (slots.length > 0 && at < slots.at(-1)!) return false;
            last.set(o.to, at);
            slots.push(at);
          }
        }
        return maxInWindow(slots) <= rate;
      }),
      { numRuns: 300, seed: 16 },
    );
  });
  it('property: with no errors, a long run achieves the rate', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1000 }), (rate) => {
        const p = new SendPacer({ rate });
        const n = rate * 3;
        let at = 0;
        for (let i = 0; i < n; i++) at = p.reserve(`r${i}`, 0);
        // n sends at the rate take (n - 1) / rate seconds
        return Math.abs(at - ((n - 1) * 1000) / rate) < 1e-6;
      }),
      { numRuns: 50, seed: 80 },
    );
  });
  it('memory: recipients whose gap is over are forgotten', () => {
    const p = new SendPacer({ rate: 1000 });
    for (let i = 0; i < 20_000; i++) p.reserve(`r${i}`, 0);
    // 20 s of sends: only the last 6 s of recipients (6,000 at 1,000/s) are remembered
    expect(p.state(20_000).tracked).toBe(6000);
    expect(p.readyAt('r19999', 20_000)).toBe(19_999 + PAIR_GAP_MS);
  });
});
