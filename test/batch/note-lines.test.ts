import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import { noteLines } from '../../src/batch/chunk.js';

const NOTES = [
  { line: 3, message: '"+4474" is too short for GB', warning: false },
  { line: 4, message: '+447700900123 is in no assigned range', warning: true },
  { line: 9, message: 'a\nb\u001b[2J', warning: false },
];

describe('noteLines: the stderr lines about rows', () => {
  it('without colour: `line N:` or `line N: warning:`, each message one safe line', () => {
    expect(noteLines(NOTES, { error: ['', ''], warning: ['', ''] })).toBe(
      'line 3: "+4474" is too short for GB\n' +
        'line 4: warning: +447700900123 is in no assigned range\n' +
        'line 9: a\\nb\\x1b[2J\n',
    );
  });

  it('with colour: the label as chalk paints it, red for errors and yellow for warnings', () => {
    const c = new Chalk({ level: 1 });
    const around = (text: string) => text.split('x') as [string, string];
    const lines = noteLines(NOTES.slice(0, 2), { error: around(c.red('x')), warning: around(c.yellow('x')) });
    expect(lines).toBe(
      `${c.red('line 3:')} "+4474" is too short for GB\n` +
        `${c.yellow('line 4: warning:')} +447700900123 is in no assigned range\n`,
    );
  });

  it('no notes, no lines', () => {
    expect(noteLines([], { error: ['', ''], warning: ['', ''] })).toBe('');
  });
});
