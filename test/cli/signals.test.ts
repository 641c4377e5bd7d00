import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { listenForInterrupt } from '../../src/cli/signals.js';

// process.emit runs every listener: the test runner's own are set aside meanwhile
const saved: Array<[NodeJS.Signals, NodeJS.SignalsListener[]]> = [];
beforeEach(() => {
  for (const name of ['SIGINT', 'SIGTERM'] as const) {
    saved.push([name, process.listeners(name)]);
    process.removeAllListeners(name);
  }
});
afterEach(() => {
  vi.restoreAllMocks();
  for (const [name, listeners] of saved.splice(0)) {
    process.removeAllListeners(name);
    for (const l of listeners) process.on(name, l);
  }
});

function exits(): number[] {
  const codes: number[] = [];
  vi.spyOn(process, 'exit').mockImplementation(((code: number) => {
    codes.push(code);
  }) as typeof process.exit);
  return codes;
}

describe('listenForInterrupt', () => {
  it('the first signal aborts with its name; the process goes on', () => {
    const codes = exits();
    const stop = listenForInterrupt(() => 0);
    process.emit('SIGTERM', 'SIGTERM');
    expect(stop.signal.aborted).toBe(true);
    expect(stop.signal.reason).toBe('SIGTERM');
    expect(codes).toEqual([]);
    stop.dispose();
  });

  it('the same signal re-raised by an exit hook within a second changes nothing', () => {
    const codes = exits();
    let now = 5000;
    const stop = listenForInterrupt(() => now);
    process.emit('SIGINT', 'SIGINT');
    now += 1000;
    process.emit('SIGINT', 'SIGINT');
    expect(codes).toEqual([]);
    expect(stop.signal.reason).toBe('SIGINT');
    stop.dispose();
  });

  it('a second signal later exits at once: 130 for SIGINT, 143 for SIGTERM', () => {
    const codes = exits();
    let now = 5000;
    const stop = listenForInterrupt(() => now);
    process.emit('SIGINT', 'SIGINT');
    now += 1001;
    process.emit('SIGINT', 'SIGINT');
    process.emit('SIGTERM', 'SIGTERM');
    expect(codes).toEqual([130, 143]);
    stop.dispose();
  });

  it('a second signal calls onSecond when given, instead of exiting', () => {
    const codes = exits();
    let now = 5000;
    const seconds: string[] = [];
    const stop = listenForInterrupt(
      () => now,
      (name) => seconds.push(name),
    );
    process.emit('SIGTERM', 'SIGTERM');
    now += 1001;
    process.emit('SIGINT', 'SIGINT');
    expect(seconds).toEqual(['SIGINT']);
    expect(codes).toEqual([]);
    stop.dispose();
  });

  it('dispose() stops listening', () => {
    const stop = listenForInterrupt();
    expect(process.listenerCount('SIGINT')).toBe(1);
    expect(process.listenerCount('SIGTERM')).toBe(1);
    stop.dispose();
    expect(process.listenerCount('SIGINT')).toBe(0);
    expect(process.listenerCount('SIGTERM')).toBe(0);
  });
});
