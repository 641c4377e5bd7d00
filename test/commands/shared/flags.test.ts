import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { collect } from '../../../src/commands/shared/flags.js';

describe('collect', () => {
  const parse = (...argv: string[]) =>
    new Command()
      .exitOverride()
      .option('--var <key=value>', 'repeatable', collect)
      .parse(argv, { from: 'user' })
      .opts<{ var?: string[] }>().var;

  it.each([
    [[], undefined],
    [['--var', 'a=1'], ['a=1']],
    [
      ['--var', 'a=1', '--var', 'b=2'],
      ['a=1', 'b=2'],
    ],
    [
      ['--var', 'a=1', '--var', 'a=1'],
      ['a=1', 'a=1'],
    ],
    [
      ['--var=b=2', '--var', 'a=1'],
      ['b=2', 'a=1'],
    ],
    [['--var', ''], ['']],
  ])('%j -> %j', (argv, expected) => {
    expect(parse(...argv)).toEqual(expected);
  });

  it('leaves the previous list as it was', () => {
    const previous = ['a'];
    expect(collect('b', previous)).toEqual(['a', 'b']);
    expect(previous).toEqual(['a']);
  });
});
