#!/usr/bin/env node
// Batch links: 1,000,000 CSV rows (columns phone, text: valid mobile numbers of 12
// countries written in several common forms, each row with its own message text) ->
// `wabox link --batch in.csv --output out.csv`, versus the dependency's own floor in the same run: a bare
// loop that reads the same file and only parses and validates each number with libphonenumber-js — the
// same `libphonenumber-js/max` metadata wabox uses (`max`, not `min`, because wabox needs number types and
// validation by assigned ranges). Both run as child processes, interleaved (floor, wabox, floor, wabox,
// ...); the best wall time of each counts, and the highest peak RSS (getrusage maxrss) of wabox.
//
//   node bench/link-batch.mjs                       # 1,000,000 rows, 2 rounds
//   node bench/link-batch.mjs --rows 200000 --rounds 3
//   node bench/link-batch.mjs --json                # the same figures as one JSON object on stdout
//   node bench/link-batch.mjs --corpus marketer     # one corpus only: plain or marketer (default both)
//   ... --tmp DIR      # where the files go (default /dev/shm, a RAM disk: this VM's disk is throttled)
//
// A second corpus, the marketer's file (see marketerCorpus), is measured the same way.
//
// Targets (each corpus): throughput >= 0.75 x the bare loop; peak RSS of wabox <= 150 MB. Exit 1 when one
// is missed.
import { once } from 'node:events';
import { createWriteStream, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as lib from './lib.mjs';

lib.helpAndExit(import.meta.url);
const ROWS = lib.numberArg('--rows', 1_000_000);
const CORPUS = lib.choiceArg('--corpus', ['both', 'plain', 'marketer']);
const ROUNDS = lib.numberArg('--rounds', 2);
const THROUGHPUT_TARGET = 0.75;
const RSS_TARGET_MB = 150;
/** What customers get sent: commas (quoted in the CSV), quotes, scripts other than Latin, emoji. */
const TEXTS = [
  'Hi! Your order is ready for pickup',
  '"Hello, Asha: your table for 4 is booked at 8pm"',
  'नमस्ते! आपका ऑर्डर भेज दिया गया है 🙏',
  '"Olá, Maria! Seu pedido #4521 saiu para entrega"',
  'Reminder: appointment tomorrow 10:30',
  '"Hola, ¿confirmas tu cita del ""martes""?"',
  'Thanks for shopping with us 😊',
  'Your OTP is not needed: just reply YES',
];

lib.ensureBuilt();
const tmp = lib.tempDir('wabox-bench-batch-', lib.scratchBase());
const input = join(tmp, 'contacts.csv');
const output = join(tmp, 'links.csv');

lib.say(`batch links: ${ROWS.toLocaleString('en')} rows, ${ROUNDS} rounds; ${lib.machine()}`);
const pool = lib.numberPool();
if (CORPUS !== 'marketer') await plainCorpus();
if (CORPUS !== 'plain') lib.figures({ marketer: await marketerCorpus() });
lib.finish('link-batch');

/** The plain file: `phone,text`, valid mobile numbers of 12 countries, each row with its own text. */
async function plainCorpus() {
  await writeInput();
  lib.say(
    `input: ${input} (${(statSync(input).size / 1e6).toFixed(1)} MB, ${pool.length} distinct numbers in ${lib.COUNTRIES.length} countries, 4 written forms)`,
  );

  const baselineScript = join(tmp, 'baseline.cjs');
  writeFileSync(baselineScript, baselineSource());
  const floors = [];
  const waboxRuns = [];
  for (let r = 0; r < ROUNDS; r++) {
    floors.push(lib.expectOk(await lib.measure('node', [baselineScript, input], { tmp }), 'the bare loop'));
    waboxRuns.push(
      lib.expectOk(
        await lib.measure('node', [lib.BIN, 'link', '--batch', input, '--output', output], { tmp }),
        'wabox link --batch',
      ),
    );
    checkOutput();
  }
  for (const floor of floors)
    if (Number(floor.stdout.trim()) !== ROWS)
      throw new Error(`the bare loop validated ${floor.stdout.trim()} of ${ROWS} numbers`);
  const floor = best(floors);
  const wabox = best(waboxRuns);
  const rssMb = Math.max(...waboxRuns.map((r) => r.rssMb));

  const floorRate = ROWS / (floor.ms / 1000);
  const waboxRate = ROWS / (wabox.ms / 1000);
  const ratio = waboxRate / floorRate;
  lib.table([
    ['', 'best wall s', 'rows/s', 'peak RSS MB', 'ratio', 'target'],
    [
      'bare parse + isValid loop (libphonenumber-js/max)',
      (floor.ms / 1000).toFixed(2),
      Math.round(floorRate),
      floor.rssMb.toFixed(0),
      '1.00x',
      '',
    ],
    [
      'wabox link --batch in.csv --output out.csv',
      (wabox.ms / 1000).toFixed(2),
      Math.round(waboxRate),
      rssMb.toFixed(0),
      `${ratio.toFixed(2)}x`,
      lib.target('throughput, ratio to the bare loop', ratio, { atLeast: THROUGHPUT_TARGET, unit: 'x' }),
    ],
    [
      'wabox peak RSS',
      '',
      '',
      '',
      '',
      lib.target('wabox peak RSS', rssMb, { atMost: RSS_TARGET_MB, unit: ' MB', digits: 0 }),
    ],
  ]);
  lib.say(`all wall times, s: bare ${wallTimes(floors)}; wabox ${wallTimes(waboxRuns)}`);
  lib.say(`wabox said: ${wabox.stderr.trim().split('\n').pop()}`);
  lib.figures({
    rows: ROWS,
    rounds: ROUNDS,
    filesIn: tmp,
    bare: {
      bestMs: lib.round(floor.ms, 0),
      rowsPerS: Math.round(floorRate),
      rssMb: lib.round(floor.rssMb, 0),
    },
    wabox: { bestMs: lib.round(wabox.ms, 0), rowsPerS: Math.round(waboxRate), rssMb: lib.round(rssMb, 0) },
    allMs: { bare: floors.map((r) => lib.round(r.ms, 0)), wabox: waboxRuns.map((r) => lib.round(r.ms, 0)) },
    ratio: lib.round(ratio),
  });
}

/**
 * The marketer's file: `phone,text,name`, the text `"Hi {{name}}, order N"` quoted (it holds a comma),
 * numbers of five countries written in E.164, international and national forms, 40% of them invalid
 * (cut short, too long, or another country's national form), linked with --country IN --strict (refused
 * unless valid, as isValid says); the bare loop
 * parses with the same default country.
 */
async function marketerCorpus() {
  const five = new Set(['IN', 'GB', 'US', 'BR', 'DE']);
  const numbers = pool.filter((phone) => five.has(phone.country));
  const path = join(tmp, 'marketer.csv');
  const out = createWriteStream(path);
  let chunk = 'phone,text,name\n';
  let invalid = 0;
  for (let i = 0; i < ROWS; i++) {
    const phone = numbers[(i * 7919) % numbers.length];
    const form = i % 5;
    let written;
    if (form === 0) written = phone.number;
    else if (form === 1) written = phone.formatInternational();
    else if (form === 2)
      written =
        phone.country === 'IN' ? phone.formatNational() : phone.formatInternational().replaceAll(' ', '-');
    else if (form === 3) written = phone.number.slice(0, -3);
    else written = phone.country === 'IN' ? `${phone.number}123` : phone.formatNational();
    if (form >= 3) invalid++;
    chunk += `${written},"Hi {{name}}, order ${i}",Name${i % 1000}\n`;
    if (chunk.length > 1 << 16) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(chunk);
  await once(out, 'finish');
  lib.say('');
  lib.say(
    `marketer corpus: ${path} (${(statSync(path).size / 1e6).toFixed(1)} MB, ${Math.round((100 * invalid) / ROWS)}% invalid, 5 countries)`,
  );
  const script = join(tmp, 'baseline-in.cjs');
  writeFileSync(
    script,
    baselineSource().replace('parsePhoneNumberWithError(phone)', "parsePhoneNumberWithError(phone, 'IN')"),
  );
  const bare = [];
  const runs = [];
  const outPath = join(tmp, 'marketer-links.csv');
  for (let r = 0; r < ROUNDS; r++) {
    bare.push(lib.expectOk(await lib.measure('node', [script, path], { tmp }), 'the bare loop (marketer)'));
    const run = await lib.measure(
      'node',
      [lib.BIN, 'link', '--batch', path, '--country', 'IN', '--strict', '--output', outPath],
      { tmp },
    );
    // rows with invalid numbers are failed rows: exit 1 is the expected end
    if (run.code !== 1) throw new Error(`wabox (marketer) exited ${run.code}: ${run.stderr.slice(-500)}`);
    const lines = readFileSync(outPath, 'utf8').trimEnd().split('\n');
    if (lines.length - 1 !== ROWS)
      throw new Error(`wabox wrote ${lines.length - 1} rows for ${ROWS} (marketer)`);
    runs.push(run);
  }
  const fb = best(bare);
  const wb = best(runs);
  const rss = Math.max(...runs.map((r) => r.rssMb));
  const ratio = fb.ms / wb.ms;
  lib.table([
    ['marketer corpus', 'best wall s', 'rows/s', 'peak RSS MB', 'ratio', 'target'],
    [
      "bare parse(phone, 'IN') + isValid loop",
      (fb.ms / 1000).toFixed(2),
      Math.round(ROWS / (fb.ms / 1000)),
      fb.rssMb.toFixed(0),
      '1.00x',
      '',
    ],
    [
      'wabox link --batch marketer.csv --country IN --strict --output out.csv',
      (wb.ms / 1000).toFixed(2),
      Math.round(ROWS / (wb.ms / 1000)),
      rss.toFixed(0),
      `${ratio.toFixed(2)}x`,
      lib.target('marketer corpus: throughput, ratio to the bare loop', ratio, {
        atLeast: THROUGHPUT_TARGET,
        unit: 'x',
      }),
    ],
    [
      'wabox peak RSS (marketer)',
      '',
      '',
      '',
      '',
      lib.target('marketer corpus: wabox peak RSS', rss, { atMost: RSS_TARGET_MB, unit: ' MB', digits: 0 }),
    ],
  ]);
  lib.say(`all wall times, s: bare ${wallTimes(bare)}; wabox ${wallTimes(runs)}`);
  return {
    bestMs: { bare: lib.round(fb.ms, 0), wabox: lib.round(wb.ms, 0) },
    rssMb: lib.round(rss, 0),
    ratio: lib.round(ratio),
  };
}

function best(runs) {
  return runs.reduce((a, b) => (a.ms <= b.ms ? a : b));
}

function wallTimes(runs) {
  return runs.map((r) => (r.ms / 1000).toFixed(2)).join(', ');
}

// --- input ---------------------------------------------------------------------------------------

/** The number of row i (0-based): the pool walked with a stride, so neighbours differ in country. */
function phoneOf(i) {
  return pool[(i * 7919) % pool.length];
}

/** Writes the CSV streamed, in the forms people type: E.164, international with spaces, dashes, tel:. */
async function writeInput() {
  const out = createWriteStream(input);
  let chunk = 'phone,text\n';
  for (let i = 0; i < ROWS; i++) {
    const phone = phoneOf(i);
    const form = i % 4;
    const written =
      form === 0
        ? phone.number
        : form === 1
          ? phone.formatInternational()
          : form === 2
            ? phone.formatInternational().replaceAll(' ', '-')
            : phone.getURI();
    chunk += `${written},${TEXTS[i % TEXTS.length]}\n`;
    if (chunk.length > 1 << 16) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(chunk);
  await once(out, 'finish');
}

/** Every row has its link: the row count, and a sample of rows has the link and waId of its number. */
function checkOutput() {
  const lines = readFileSync(output, 'utf8').split('\n');
  if (lines.at(-1) === '') lines.pop();
  if (lines[0] !== 'phone,text,url,waId,error,warning')
    throw new Error(`unexpected output header: ${lines[0]}`);
  if (lines.length - 1 !== ROWS) throw new Error(`wabox wrote ${lines.length - 1} rows for ${ROWS}`);
  for (let i = 1; i < lines.length; i += Math.max(1, Math.floor(ROWS / 1000))) {
    const m = /,https:\/\/wa\.me\/(\d+)\?text=[^,]+,(\d+),,$/.exec(lines[i]);
    const expected = phoneOf(i - 1).number.slice(1);
    if (!m || m[1] !== expected || m[2] !== expected)
      throw new Error(`output row ${i} is not the link of +${expected}: ${lines[i]}`);
  }
}

/** The floor: the same file, split into lines and fields, each number parsed and validated; no more. */
function baselineSource() {
  return `
const { readFileSync } = require('node:fs');
const { parsePhoneNumberWithError } = require(${JSON.stringify(lib.requireFromRoot.resolve('libphonenumber-js/max'))});
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
