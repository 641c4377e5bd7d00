import { describe, expect, it } from 'vitest';
import { customerServiceWindow, WINDOW_MS } from '../../src/core/window.js';

const last = new Date('2025-06-01T10:00:00.000Z');
const later = (ms: number) => new Date(last.getTime() + ms);

describe('customerServiceWindow', () => {
  it('is unknown without a last inbound message', () => {
    expect(customerServiceWindow(null, last)).toEqual({
      known: false,
      open: false,
      closesAt: null,
      remainingMs: null,
    });
  });

  it('is open right after a message, with the time left', () => {
    expect(customerServiceWindow(last, later(60 * 60_000))).toEqual({
      known: true,
      open: true,
      closesAt: new Date('2025-06-02T10:00:00.000Z'),
      remainingMs: 23 * 60 * 60_000,
    });
  });

  it('is still open at exactly 24 hours and closed one millisecond later', () => {
    expect(WINDOW_MS).toBe(86_400_000);
    expect(customerServiceWindow(last, later(WINDOW_MS))).toMatchObject({ open: true, remainingMs: 0 });
    expect(customerServiceWindow(last, later(WINDOW_MS + 1))).toEqual({
      known: true,
      open: false,
      closesAt: new Date('2025-06-02T10:00:00.000Z'),
      remainingMs: 0,
    });
  });

  it('a last message in the future (clock skew) counts as open', () => {
    expect(customerServiceWindow(later(5_000), last)).toMatchObject({
      open: true,
      remainingMs: WINDOW_MS + 5_000,
    });
  });
});
