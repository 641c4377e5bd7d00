#!/usr/bin/env node
import { once } from 'node:events';
// Batch links (issue 2, Speed): 1,000,000 CSV rows (phone + name; valid mobile numbers of 12 countries,
// written in several common forms) -> `wabox link --batch <file> --text 'Hi {{name}}' --output <out.csv>`,
// versus the dependency's own floor in the same run: a bare loop that reads the same file and only parses
// and validates each number with libphonenumber-js — the same `libphonenumber-js/max` metadata wabox
// uses (`max`, not `min`, because wabox needs number types and validation by assigned ranges).
// Both run as child processes; wall time and peak RSS (getrusage maxrss) of each.
//
//   node bench/link-batch.mjs                  # 1,000,000 rows
//   node bench/link-batch.mjs --rows 200000
//
// Targets: throughput >= 0.75 x the bare loop; peak RSS of wabox <= 150 MB. Exit 1 when one is missed.
import { createWriteStream, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import {
  BIN,
  ensureBuilt,
  expectOk,
  finish,
  machine,
  measure,
  ROOT,
  table,
  tempDir,
  verdict,
} from './lib.mjs';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i === -1 ? fallback : Number(process.argv[i + 1]);
};
const ROWS = arg('--rows', 1_000_000);
const THROUGHPUT_TARGET = 0.75;
/** Mobile numbers people message on WhatsApp, by country (examples from libphonenumber's metadata). */
const COUNTRIES = ['IN', 'BR', 'ID', 'NG', 'MX', 'GB', 'US', 'DE', 'PK', 'ZA', 'AE', 'ES'];
const RSS_TARGET_MB = 150;

ensureBuilt();
const tmp = tempDir('wabox-bench-batch-');
const input = join(tmp, 'contacts.csv');
const output = join(tmp, 'links.csv');

const require = createRequire(join(ROOT, 'package.json'));
const { parsePhoneNumberWithError, isValidPhoneNumber } = require('libphonenumber-js/max');
const examples = require('libphonenumber-js/examples.mobile.json');

console.log(`batch links: ${ROWS.toLocaleString('en')} rows; ${machine()}`);
const pool = numberPool();
await writeInput();
console.log(
  `input: ${input} (${(statSync(input).size / 1e6).toFixed(1)} MB, ${pool.length} distinct numbers in ${COUNTRIES.length} countries, 4 written forms)`,
);

const baselineScript = join(tmp, 'baseline.cjs');
writeFileSync(baselineScript, baselineSource());
// the floor first, then wabox, then the floor again: the better floor counts (a fair baseline)
const floors = [];
floors.push(expectOk(await measure('node', [baselineScript, input]), 'the bare loop'));
const wabox = expectOk(
  await measure('node', [BIN, 'link', '--batch', input, '--text', 'Hi {{name}}', '--output', output]),
  'wabox link --batch',
);
floors.push(expectOk(await measure('node', [baselineScript, input]), 'the bare loop'));
const floor = floors.reduce((a, b) => (a.ms <= b.ms ? a : b));
if (Number(floor.stdout.trim()) !== ROWS)
  throw new Error(`the bare loop validated ${floor.stdout.trim()} of ${ROWS} numbers`);
checkOutput();

const floorRate = ROWS / (floor.ms / 1000);
const waboxRate = ROWS / (wabox.ms / 1000);
const ratio = waboxRate / floorRate;
table([
  ['', 'wall s', 'rows/s', 'peak RSS MB', 'ratio', 'target'],
  [
    'bare parse + isValid loop (libphonenumber-js/max)',
    (floor.ms / 1000).toFixed(2),
    Math.round(floorRate),
    floor.rssMb.toFixed(0),
    '1.00x',
    '',
  ],
  [
    'wabox link --batch (CSV in, CSV out)',
    (wabox.ms / 1000).toFixed(2),
    Math.round(waboxRate),
    wabox.rssMb.toFixed(0),
    `${ratio.toFixed(2)}x`,
    `>= ${THROUGHPUT_TARGET}x ${verdict(`throughput ${ratio.toFixed(2)}x`, ratio >= THROUGHPUT_TARGET)}`,
  ],
  [
    'wabox peak RSS',
    '',
    '',
    '',
    '',
    `<= ${RSS_TARGET_MB} MB ${verdict(`peak RSS ${wabox.rssMb.toFixed(0)} MB`, wabox.rssMb <= RSS_TARGET_MB)}`,
  ],
]);
console.log(`wabox said: ${wabox.stderr.trim().split('\n').pop()}`);
finish();

// --- input ---------------------------------------------------------------------------------------

/** Valid numbers made from each country's example mobile number with random last digits. */
function numberPool() {
  const numbers = [];
  let seed = 42;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  for (const country of COUNTRIES) {
    const example = examples[country];
    let made = 0;
    for (let tries = 0; made < 2000 && tries < 20000; tries++) {
      const tail = String(Math.floor(random() * 1e5)).padStart(5, '0');
      const national = example.slice(0, -5) + tail;
      const phone = parsePhoneNumberWithError(national, country);
      if (!isValidPhoneNumber(phone.number) || phone.getType() !== examplesType(country)) continue;
      numbers.push(phone);
      made++;
    }
  }
  return numbers;
}

function examplesType(country) {
  return parsePhoneNumberWithError(examples[country], country).getType();
}

/** Writes the CSV streamed, in the forms people type: E.164, international with spaces, 00 prefix, tel:. */
async function writeInput() {
  const out = createWriteStream(input);
  const names = [
    'Asha',
    'Ravi',
    'Maria',
    'John',
    'Chen Wei',
    'Fatima',
    'Oluwaseun',
    'Siti',
    '"Kumar, Dev"',
    'Ana María',
  ];
  let chunk = 'phone,name\n';
  for (let i = 0; i < ROWS; i++) {
    const phone = pool[(i * 7919) % pool.length];
    const form = i % 4;
    const written =
      form === 0
        ? phone.number
        : form === 1
          ? phone.formatInternational()
          : form === 2
            ? phone.formatInternational().replaceAll(' ', '-')
            : phone.getURI();
    chunk += `${written},${names[i % names.length]}\n`;
    if (chunk.length > 1 << 16) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(chunk);
  await once(out, 'finish');
}

/** Every row has its link: the row count, no errors, and a sample of urls match their numbers. */
function checkOutput() {
  const lines = readFileSync(output, 'utf8').split('\n');
  if (lines.at(-1) === '') lines.pop();
  if (lines[0] !== 'phone,name,url,waId,error') throw new Error(`unexpected output header: ${lines[0]}`);
  if (lines.length - 1 !== ROWS) throw new Error(`wabox wrote ${lines.length - 1} rows for ${ROWS}`);
  for (let i = 1; i < lines.length; i += Math.max(1, Math.floor(ROWS / 1000))) {
    const m = /,https:\/\/wa\.me\/(\d+)\?text=Hi%20[^,]+,(\d+),$/.exec(lines[i]);
    if (!m || m[1] !== m[2]) throw new Error(`output row ${i} is not a link with its waId: ${lines[i]}`);
  }
}

/** The floor: the same file, split into lines and fields, each number parsed and validated; no more. */
function baselineSource() {
  return `
const { readFileSync } = require('node:fs');
const { parsePhoneNumberWithError } = require(${JSON.stringify(require.resolve('libphonenumber-js/max'))});
const lines = readFileSync(process.argv[2], 'utf8').split('\\n');
let valid = 0;
for (let i = 1; i < lines.length; i++) {
  const line = lines[i];
  if (line === '') continue;
  const phone = line.slice(0, line.indexOf(','));
  try {
    if (parsePhoneNumberWithError(phone).isValid()) valid++;
  } catch {}
}
console.log(valid);
`;
}
