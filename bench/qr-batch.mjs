#!/usr/bin/env node
// Batch QR codes (Speed): 2,000 PNG files, one per row of a CSV of valid mobile numbers (12 countries),
// via `wabox link --batch in.csv --qr-dir DIR --qr-format png` (--jobs defaults to the number of cores),
// versus two baselines for the same 2,000 links, in the same run:
//   - a loop of the qrcode package's own `await QRCode.toFile(path, url, {type: 'png'})` (one thread),
//   - a shell loop running Debian's `qrencode -o <file>.png <url>` once per link (skipped, with the
//     reason, when qrencode is not on PATH: install it with `apt-get install qrencode`).
// Each command runs as a child process, interleaved round by round; the best wall time of each counts.
// Every command's file count is checked, and a sample of wabox's files is decoded (pngjs + jsQR) back to
// its link. Each tool draws with its own defaults (wabox: 8 px per module, ECC M; qrcode: 4 px, ECC M;
// qrencode: 3 px, ECC L), so wabox writes the largest images of the three.
//
//   node bench/qr-batch.mjs                      # 2,000 files, 2 rounds
//   node bench/qr-batch.mjs --count 500 --rounds 3
//   node bench/qr-batch.mjs --json               # the same figures as one JSON object on stdout
//   ... --tmp DIR      # where the files go (default /dev/shm, a RAM disk: this VM's disk is throttled)
//
// Targets: throughput >= 3 x the qrcode loop and >= 1.5 x the qrencode loop. Exit 1 when one is missed.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import * as lib from './lib.mjs';

const COUNT = lib.numberArg('--count', 2000);
const ROUNDS = lib.numberArg('--rounds', 2);
const SAMPLE = 20;
const TARGETS = { qrcode: 3, qrencode: 1.5 };
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

lib.ensureBuilt();
const tmp = lib.tempDir('wabox-bench-qr-', lib.scratchBase());
const numbers = lib.numberPool(Math.ceil(COUNT / lib.COUNTRIES.length)).slice(0, COUNT);
if (numbers.length !== COUNT) throw new Error(`made ${numbers.length} distinct numbers of ${COUNT}`);
const links = numbers.map((phone) => {
  const waId = phone.number.slice(1);
  return { waId, url: `https://wa.me/${waId}` };
});
const input = join(tmp, 'in.csv');
writeFileSync(input, `phone\n${numbers.map((phone) => phone.number).join('\n')}\n`);
const list = join(tmp, 'links.txt');
writeFileSync(list, links.map(({ waId, url }) => `${waId} ${url}\n`).join(''));

const qrcodeScript = join(tmp, 'qrcode-loop.mjs');
writeFileSync(qrcodeScript, qrcodeLoopSource());
const qrencodeScript = join(tmp, 'qrencode-loop.sh');
writeFileSync(
  qrencodeScript,
  '#!/bin/sh\nset -e\nwhile read -r id url; do qrencode -o "$1/$id.png" "$url"; done < "$2"\n',
);
const hasQrencode = lib.onPath('qrencode');

const commands = [
  {
    key: 'qrcode',
    name: "qrcode loop: await QRCode.toFile(path, url, {type: 'png'})",
    run: (dir) => lib.measure('node', [qrcodeScript, dir, list], { tmp }),
  },
  ...(hasQrencode
    ? [
        {
          key: 'qrencode',
          name: 'shell loop: qrencode -o <file>.png <url>',
          run: (dir) => lib.measure('sh', [qrencodeScript, dir, list], { tmp }),
        },
      ]
    : []),
  {
    key: 'wabox',
    name: 'wabox link --batch in.csv --qr-dir DIR --qr-format png',
    run: (dir) =>
      lib.measure('node', [lib.BIN, 'link', '--batch', input, '--qr-dir', dir, '--qr-format', 'png'], {
        tmp,
      }),
    check: checkWabox,
  },
];

lib.say(
  `batch QR codes: ${COUNT.toLocaleString('en')} PNG files, ${ROUNDS} rounds, files in ${tmp}; ${lib.machine()}`,
);
const runs = Object.fromEntries(commands.map((c) => [c.key, []]));
for (let r = 0; r < ROUNDS; r++) {
  for (const command of commands) {
    const dir = join(tmp, `${command.key}-${r}`);
    mkdirSync(dir);
    const result = lib.expectOk(await command.run(dir), command.name);
    const files = readdirSync(dir).filter((f) => f.endsWith('.png'));
    if (files.length !== COUNT)
      throw new Error(`${command.name} wrote ${files.length} PNG files of ${COUNT}`);
    command.check?.(dir, result);
    runs[command.key].push(result);
    rmSync(dir, { recursive: true, force: true });
  }
}

const best = (key) => runs[key].reduce((a, b) => (a.ms <= b.ms ? a : b));
const rate = (key) => COUNT / (best(key).ms / 1000);
const wabox = best('wabox');
const rows = [['command', 'best wall s', 'files/s', 'peak RSS MB', 'wabox ratio', 'target']];
const results = {};
for (const command of commands) {
  const { ms, rssMb } = best(command.key);
  const ratio = rate('wabox') / rate(command.key);
  results[command.key] = {
    bestMs: lib.round(ms, 0),
    filesPerS: lib.round(rate(command.key), 0),
    allMs: runs[command.key].map((r) => lib.round(r.ms, 0)),
    ...(rssMb === null ? {} : { rssMb: lib.round(rssMb, 0) }),
    ...(command.key === 'wabox' ? {} : { waboxRatio: lib.round(ratio) }),
  };
  rows.push([
    command.name,
    (ms / 1000).toFixed(2),
    Math.round(rate(command.key)),
    rssMb === null ? '' : rssMb.toFixed(0),
    command.key === 'wabox' ? '' : `${ratio.toFixed(2)}x`,
    command.key === 'wabox'
      ? ''
      : lib.target(`throughput, ratio to the ${command.key} loop`, ratio, {
          atLeast: TARGETS[command.key],
          unit: 'x',
        }),
  ]);
}
if (!hasQrencode)
  rows.push([
    'shell loop: qrencode -o <file>.png <url>',
    '',
    '',
    '',
    '',
    lib.skipTarget(
      'throughput, ratio to the qrencode loop',
      'qrencode is not on PATH: install it with `apt-get install qrencode`',
    ),
  ]);
lib.table(rows);
lib.say(`wabox said: ${wabox.stderr.trim().split('\n').pop()}`);
lib.figures({ files: COUNT, rounds: ROUNDS, jobs: availableParallelism(), filesIn: tmp, ...results });
lib.finish('qr-batch');

/** wabox's CSV names every link; a sample of its files are PNGs that decode to their link. */
function checkWabox(dir, result) {
  const lines = result.stdout.trim().split('\n');
  if (lines.length !== COUNT + 1) throw new Error(`wabox printed ${lines.length - 1} rows for ${COUNT}`);
  const { PNG } = lib.requireFromRoot('pngjs');
  const jsQR = lib.requireFromRoot('jsqr');
  for (let i = 0; i < COUNT; i += Math.max(1, Math.floor(COUNT / SAMPLE))) {
    const { waId, url } = links[i];
    if (!lines[i + 1].endsWith(`,${url},${waId},,`))
      throw new Error(`wabox row ${i + 1} is not the link of +${waId}: ${lines[i + 1]}`);
    const file = join(dir, `${waId}.png`);
    const bytes = readFileSync(file);
    if (!bytes.subarray(0, 8).equals(PNG_SIGNATURE)) throw new Error(`${file} is not a PNG file`);
    const png = PNG.sync.read(bytes);
    const code = jsQR(new Uint8ClampedArray(png.data), png.width, png.height);
    if (code?.data !== url) throw new Error(`${file} decodes to ${JSON.stringify(code?.data)}, not ${url}`);
  }
}

/** The qrcode baseline: its documented file API, one link after another. */
function qrcodeLoopSource() {
  return `
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import QRCode from ${JSON.stringify(lib.requireFromRoot.resolve('qrcode'))};
const [dir, list] = process.argv.slice(2);
for (const line of readFileSync(list, 'utf8').split('\\n')) {
  if (line === '') continue;
  const [id, url] = line.split(' ');
  await QRCode.toFile(join(dir, id + '.png'), url, { type: 'png' });
}
`;
}
