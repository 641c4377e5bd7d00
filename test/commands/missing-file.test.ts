// A file the user named for reading that does not exist (or is a directory) is invalid input: exit 2,
// for every command that reads one, and nothing is sent.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Command, Option } from 'commander';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDeps } from '../../src/cli/deps.js';
import { buildProgram } from '../../src/cli/main.js';
import { createTestIO } from '../../src/cli/test-io.js';
import { tempDir } from '../helpers/cli.js';
import { runCloud } from '../helpers/cloud.js';
import { type FakeGraph, startFakeGraph } from '../helpers/graph-server.js';

const TO = '+919876543210';

/** Every input a command reads from a file, as `<command path> <option flags or argument name>`. */
const MEDIA = ['image', 'video', 'audio', 'document', 'sticker'];
const HEADERS = ['image', 'video', 'document'];
const READERS: Record<string, (path: string) => string[]> = {
  'link --batch <file>': (p) => ['link', '--batch', p],
  'template import <file>': (p) => ['template', 'import', p],
  'media upload <file>': (p) => ['media', 'upload', p],
  'costs --rates <file>': (p) => ['costs', '--rates', p],
  'report --rates <file>': (p) => ['report', '--rates', p],
  'campaign create --to <file.csv|->': (p) => [
    'campaign',
    'create',
    'diwali',
    '--template',
    'diwali_offer',
    '--lang',
    'en',
    '--to',
    p,
  ],
  'campaign status --rates <file>': (p) => ['campaign', 'status', 'diwali', '--rates', p],
  'widget build --agents <file>': (p) => [
    'widget',
    'build',
    '--agents',
    p,
    '-o',
    join(dir, 'wabox-widget.js'),
  ],
  'widget preview --agents <file>': (p) => ['widget', 'preview', '--agents', p],
};
for (const verb of ['send', 'reply']) {
  for (const kind of MEDIA) READERS[`${verb} --${kind} <file|url|id>`] = (p) => [verb, TO, `--${kind}`, p];
  READERS[`${verb} --list <file.json|->`] = (p) => [verb, TO, '--list', p, '--body', 'Pick one'];
  READERS[`${verb} --contacts <file.json|->`] = (p) => [verb, TO, '--contacts', p];
  for (const kind of HEADERS)
    READERS[`${verb} --header-${kind} <url|file|id>`] = (p) => [
      verb,
      TO,
      '--template',
      'hello_world',
      '--lang',
      'en_US',
      `--header-${kind}`,
      p,
    ];
}
/** Options that name a file or folder to write, not to read. */
const WRITERS = new Set([
  'link -o, --output <file>',
  'link --qr <file>',
  'link --qr-dir <dir>',
  'qr -o, --output <file>',
  'template export -o, --output <file>',
  'media download -o, --output <file>',
  'db backup <file>',
  'report --html <file>',
  'widget build -o, --output <file>',
]);

/** Every option or argument of every command whose value names a file or folder. */
function fileInputs(): string[] {
  const program = buildProgram(createDeps(createTestIO(), {}));
  const found: string[] = [];
  const walk = (cmd: Command, path: string[]) => {
    for (const c of cmd.commands) {
      const here = [...path, c.name()];
      for (const o of c.options as Option[])
        if (/<[^>]*file[^>]*>|-dir </.test(o.flags)) found.push(`${here.join(' ')} ${o.flags}`);
      for (const a of c.registeredArguments)
        if (/file|dir/.test(a.name())) found.push(`${here.join(' ')} <${a.name()}>`);
      walk(c, here);
    }
  };
  walk(program, []);
  return found;
}

let graph: FakeGraph;
let dir: string;
beforeEach(async () => {
  graph = await startFakeGraph();
  dir = tempDir();
});
afterEach(async () => {
  await graph.close();
});

describe('a file the user named that is not there', () => {
  it('every option and argument naming a file is covered here', () => {
    expect(
      fileInputs()
        .filter((f) => !WRITERS.has(f))
        .sort(),
    ).toEqual(Object.keys(READERS).sort());
  });

  it.each(Object.entries(READERS))('%s: a missing file is exit 2', async (_, argv) => {
    const missing = join(dir, 'nosuch.jpg');
    const r = await runCloud(graph.url, argv(missing));
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^error: .*no such file.*\n/);
    expect(r.stderr).toContain(missing);
    expect(r.code).toBe(2);
    expect(graph.requests).toEqual([]);
  });

  it.each(Object.entries(READERS))('%s: a directory is exit 2', async (_, argv) => {
    const folder = join(dir, 'folder.jpg');
    mkdirSync(folder);
    const r = await runCloud(graph.url, argv(folder));
    expect(r.stderr).toMatch(/^error: .*(directory|not a file)/);
    expect(r.stderr).toContain(folder);
    expect(r.code).toBe(2);
    expect(graph.requests).toEqual([]);
  });
});
