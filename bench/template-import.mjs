#!/usr/bin/env node
// `wabox template import` of a large library: N quick replies into an empty library, then the same file
// again with --on-conflict skip (every entry clashes), against a tenth of N in the same run. A linear
// import takes about 10x as long for 10x the templates; a quadratic one about 100x.
//
//   node bench/template-import.mjs              # 50,000 templates
//   node bench/template-import.mjs --count 20000
//   node bench/template-import.mjs --json
//
// Target: time(N) / time(N/10) <= 20 for both imports; the first import of N under 120 s.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as lib from './lib.mjs';

const COUNT = lib.numberArg('--count', 50_000, { min: 100 });

lib.ensureBuilt();
const tmp = lib.tempDir('wabox-bench-tplimport-');

function templateFile(n) {
  const templates = [];
  for (let i = 0; i < n; i++)
    templates.push({
      name: `reply-${i}`,
      kind: 'quick-reply',
      shortcut: `/r${i}`,
      language: 'en',
      body: `Reply number ${i}: {{item|tea}} costs {{price|40}}.`,
    });
  const path = join(tmp, `templates-${n}.json`);
  writeFileSync(path, JSON.stringify({ version: 1, templates }));
  return path;
}

async function importTwice(n) {
  const file = templateFile(n);
  const env = { WABOX_CONFIG_DIR: join(tmp, `config-${n}`) };
  const first = await lib.measure('node', [lib.BIN, 'template', 'import', file], { env, tmp });
  lib.expectOk(first, `import of ${n}`);
  const again = await lib.measure('node', [lib.BIN, 'template', 'import', file, '--on-conflict', 'skip'], {
    env,
    tmp,
  });
  lib.expectOk(again, `second import of ${n}`);
  return { first: first.ms, again: again.ms };
}

const small = await importTwice(Math.round(COUNT / 10));
const large = await importTwice(COUNT);
const firstRatio = large.first / small.first;
const againRatio = large.again / small.again;
lib.figures({ count: COUNT, small, large, firstRatio, againRatio });
lib.table([
  ['import', `${COUNT / 10} templates`, `${COUNT} templates`, 'ratio', 'target'],
  [
    'into an empty library',
    `${lib.round(small.first / 1000)} s`,
    `${lib.round(large.first / 1000)} s`,
    `${lib.round(firstRatio)}x`,
    lib.target('empty library: time(N) / time(N/10)', firstRatio, { atMost: 20, unit: 'x' }),
  ],
  [
    'again, every one skipped',
    `${lib.round(small.again / 1000)} s`,
    `${lib.round(large.again / 1000)} s`,
    `${lib.round(againRatio)}x`,
    lib.target('all skipped: time(N) / time(N/10)', againRatio, { atMost: 20, unit: 'x' }),
  ],
]);
lib.target(`first import of ${COUNT} templates`, large.first / 1000, { atMost: 120, unit: ' s' });
lib.finish('template-import');
