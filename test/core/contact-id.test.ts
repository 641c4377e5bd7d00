import { describe, expect, it } from 'vitest';
import {
  bsuidCountry,
  isBsuid,
  isParentBsuid,
  isStopKeyword,
  parseContactRef,
} from '../../src/core/contact-id.js';

describe('contact identifiers', () => {
  it('tells BSUIDs, parent BSUIDs, phone digits and usernames apart', () => {
    expect(parseContactRef('US.13491208655302741918')).toEqual({
      kind: 'user_id',
      value: 'US.13491208655302741918',
    });
    expect(parseContactRef('US.ENT.11815799212886844830')).toEqual({
      kind: 'parent_user_id',
      value: 'US.ENT.11815799212886844830',
    });
    expect(parseContactRef('919876543210')).toEqual({ kind: 'phone', value: '919876543210' });
    expect(parseContactRef(' @asha.cakes ')).toEqual({ kind: 'username', value: 'asha.cakes' });
    for (const bad of ['', '@', '@a b', 'us.123', 'US.', `US.${'1'.repeat(129)}`, '+91 98765 43210', '12345'])
      expect(parseContactRef(bad), bad).toBeNull();
    expect(isBsuid(`BR.${'a1'.repeat(64)}`)).toBe(true);
    expect(isBsuid('US.ENT.1')).toBe(false);
    expect(isParentBsuid('US.ENT.1')).toBe(true);
    expect(bsuidCountry('IN.ENT.42')).toBe('IN');
    expect(bsuidCountry('919876543210')).toBeNull();
  });

  it('a STOP keyword is the whole message, any case, final punctuation and spaces aside', () => {
    for (const text of [
      'STOP',
      'stop',
      ' Stop! ',
      'unsubscribe.',
      'Stop  all',
      'बंद करो।',
      'روکیں۔',
      'બંધ કરો',
    ])
      expect(isStopKeyword(text), text).toBe(true);
    for (const text of ['stop it', 'please stop', 'stopped', '', '!!!', 'STOP'.repeat(20)])
      expect(isStopKeyword(text), text).toBe(false);
    expect(isStopKeyword('bas', ['BAS'])).toBe(true);
    expect(isStopKeyword('stop', ['BAS'])).toBe(false);
  });
});
