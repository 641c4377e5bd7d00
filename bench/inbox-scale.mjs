#!/usr/bin/env node
// The inbox at a year's traffic (issue 19, "Speed"): stores of 10k, 100k and 1M messages (1k, 10k, 100k
// conversations of 10 messages each, spread over a year) filled through the real receiver — `wabox
// webhook serve` on 127.0.0.1, signed POSTs of 50 messages from several customers, 8 in flight, echoes of
// the business's replies (smb_message_echoes) and their delivered/read statuses on a share — then
// labels, assignments, resolved conversations and reading through the library API (dist/index.js:
// openStore, addLabel, setAssignee, setConversationStatus, markConversationRead), as agents would.
// Each view is timed as a whole `wabox` process (node bin/wabox.js, output to a pipe), median of --runs,
// interleaved across views and stores, against the page `messages list --limit 50` on the same store.
//
//   node bench/inbox-scale.mjs                                   # 10k, 100k, 1M in a temp dir, 7 runs
//   node bench/inbox-scale.mjs --sizes 10k,100k --runs 9
//   node bench/inbox-scale.mjs --keep /work/inbox-scale-stores  # build once, reuse on the next runs
//   node bench/inbox-scale.mjs --json                           # the figures as one JSON object on stdout
//
// --keep DIR reuses a store built by the same BENCH_VERSION of this script (DIR/<size>/meta.json);
// a store kept across wabox versions is migrated by the first command that opens it — delete DIR to
// build it again through the receiver. --tmp DIR: where the ingest-rate stores go (default: the OS
// temp dir, on disk as in production).
//
// Also measured: peak RSS of `inbox --limit 1000` and of `messages list --ndjson` (every message) on
// the largest store (getrusage maxRSS of the whole process, written at exit by a --require'd hook:
// lib.measure); the ingest rate of 20k messages (same
// shape) into an empty store and into a copy of the largest one (3 rounds, alternating); the store's
// size on disk after a checkpoint, table and index bytes (SQLite's dbstat), per million messages and
// extrapolated to 10M by a least-squares line through the measured sizes.
//
// Targets (on the largest store, growth from the smallest): each view <= 1.25x the page, growth <= 1.15x,
// peak RSS <= 100 MB, ingest into the full store >= 0.9x into an empty one. Exit 1 when one is missed.
import { execFileSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import {
  closeSync,
  copyFileSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import * as lib from './lib.mjs';

const BENCH_VERSION = 2;

/**
 * The views, one line each: `args(store)` gets the store's fixtures ({contact, label, agent}). The first is
 * the baseline (a page of messages); every other view is compared with it.
 */
const VIEWS = [
  { name: 'messages list --limit 50', args: () => ['messages', 'list', '--limit', '50'] },
  { name: 'inbox', args: () => ['inbox'] },
  { name: 'inbox --unanswered', args: () => ['inbox', '--unanswered'] },
  { name: 'inbox --unread', args: () => ['inbox', '--unread'] },
  { name: 'inbox --status open --unassigned', args: () => ['inbox', '--status', 'open', '--unassigned'] },
  { name: 'inbox --label <label>', args: (s) => ['inbox', '--label', s.label] },
  { name: 'inbox --assigned <agent>', args: (s) => ['inbox', '--assigned', s.agent] },
  { name: 'inbox show <contact>', args: (s) => ['inbox', 'show', s.contact] },
  { name: 'messages list --to <contact>', args: (s) => ['messages', 'list', '--to', s.contact] },
  { name: 'messages list --from <contact>', args: (s) => ['messages', 'list', '--from', s.contact] },
  { name: 'messages list --status read', args: () => ['messages', 'list', '--status', 'read'] },
  { name: 'inbox --before <cursor>', args: (s) => ['inbox', '--before', s.inboxCursor] },
  { name: 'messages list --before <cursor>', args: (s) => ['messages', 'list', '--before', s.messageCursor] },
];

lib.helpAndExit(import.meta.url);

const RUNS = lib.numberArg('--runs', 7);
const KEEP = stringArg('--keep');
const PER_CONVERSATION = 10;
const PER_POST = 50;
const IN_FLIGHT = 8;
/** Conversations generated (and posted) together: their messages in time order, their statuses after. */
const BLOCK = 50;
const INGEST_SAMPLE = 20_000;
const INGEST_ROUNDS = 3;
const SECRET = 'bench-app-secret-0123456789';
const DAY = 86_400_000;
const TARGETS = { ratio: 1.25, growth: 1.15, rssMb: 100, ingest: 0.9 };
const NDJSON_HEAP_MB = 40;
const LABEL = 'vip';
const AGENT = 'ravi';
const SIZES = sizesArg();
/** Messages the customers send and the business answers, in turn. */
const TEXTS = [
  'Hi, is the paneer tikka available today?',
  'Can you deliver to Koramangala before 7 pm?',
  'Thanks! I will pick it up at the store.',
  'What is the price of the large chocolate cake?',
  'Order #48213 has not arrived yet, can you check?',
  'Sure, here is the address: 12 MG Road, 2nd floor',
  'Do you take UPI?',
  'Yes please, the same as last time.',
  'Can I change the size to medium?',
  'Great, see you tomorrow.',
];
const METADATA = { display_phone_number: '15550783881', phone_number_id: '106540352242922' };

lib.ensureBuilt();
const base = KEEP ?? lib.tempDir('wabox-inbox-scale-', lib.scratchBase({ ram: false }));
mkdirSync(base, { recursive: true });
lib.say(
  `inbox scale: stores of ${SIZES.map(sizeLabel).join(', ')} messages, ${RUNS} runs per view; ${lib.machine()}`,
);

const stores = [];
for (const messages of SIZES) stores.push(await ensureStore(messages));
// a page well inside each list (the first command also migrates a store kept from an older wabox)
for (const store of stores) {
  store.inboxCursor = lastCursor(store, ['inbox', '--limit', '200', '--json']);
  store.messageCursor = lastCursor(store, ['messages', 'list', '--limit', '2000', '--json']);
}

function lastCursor(store, args) {
  const out = execFileSync('node', [lib.BIN, ...args], {
    env: { ...process.env, ...store.env },
    maxBuffer: 1 << 28,
  });
  return JSON.parse(out.toString()).at(-1).cursor;
}

// -- the views ---------------------------------------------------------------------------------------

const times = new Map(stores.map((s) => [s, VIEWS.map(() => [])]));
const rows = new Map(stores.map((s) => [s, VIEWS.map(() => null)]));
const viewRss = new Map(stores.map((s) => [s, VIEWS.map(() => 0)]));
// every (store, view) pair once a run, each run starting further along the list: no view always
// follows the same one (a view that reads a large store slows the next process a little)
const pairs = stores.flatMap((store) => VIEWS.map((view, v) => ({ store, view, v })));
for (let run = 0; run < RUNS; run++)
  for (let k = 0; k < pairs.length; k++) {
    const { store, view, v } = pairs[(k + Math.round((run * pairs.length) / RUNS)) % pairs.length];
    const result = lib.expectOk(
      await lib.measure('node', [lib.BIN, ...view.args(store)], { env: store.env }),
      `${view.name} on ${store.size}`,
    );
    times.get(store)[v].push(result.ms);
    rows.get(store)[v] ??= result.stdout.split('\n').filter(Boolean).length;
    viewRss.get(store)[v] = Math.max(viewRss.get(store)[v], result.rssMb);
  }

const medians = new Map(stores.map((s) => [s, times.get(s).map(lib.median)]));
const smallest = stores[0];
const largest = stores.at(-1);
lib.say('');
lib.table([
  [
    'view (median ms, x the page on the same store, lines printed)',
    ...stores.flatMap((s) => [`${s.size} ms`, 'x page', 'lines']),
    ...(stores.length > 1 ? [`growth ${smallest.size}->${largest.size}`] : []),
  ],
  ...VIEWS.map((view, v) => [
    view.name,
    ...stores.flatMap((s) => {
      const m = medians.get(s);
      return [m[v].toFixed(0), `${(m[v] / m[0]).toFixed(2)}x`, rows.get(s)[v]];
    }),
    ...(stores.length > 1 ? [`${(medians.get(largest)[v] / medians.get(smallest)[v]).toFixed(2)}x`] : []),
  ]),
]);
for (const [v, view] of VIEWS.entries()) {
  if (v === 0) continue;
  for (const s of stores)
    lib.target(`${view.name} on ${s.size}, x the page`, medians.get(s)[v] / medians.get(s)[0], {
      atMost: TARGETS.ratio,
      unit: 'x',
    });
}
if (stores.length > 1)
  for (const [v, view] of VIEWS.entries())
    lib.target(
      `${view.name}, growth ${smallest.size}->${largest.size}`,
      medians.get(largest)[v] / medians.get(smallest)[v],
      { atMost: TARGETS.growth, unit: 'x' },
    );

// -- peak memory -------------------------------------------------------------------------------------

const rss = [];
for (let run = 0; run < 3; run++) {
  const result = lib.expectOk(
    await lib.measure('node', [lib.BIN, 'inbox', '--limit', '1000'], { env: largest.env }),
    'inbox --limit 1000',
  );
  rss.push(result.rssMb);
}
const peakRss = Math.max(...rss);
lib.say('');
lib.say(
  `peak RSS of inbox --limit 1000 on ${largest.size}: ${peakRss.toFixed(1)} MB (max of 3 runs; ${VIEWS[0].name}: ${viewRss.get(largest)[0].toFixed(1)} MB)`,
);
lib.target(`inbox --limit 1000 peak RSS on ${largest.size}`, peakRss, {
  atMost: TARGETS.rssMb,
  unit: ' MB',
  digits: 1,
});

// every message as NDJSON, with V8's old space capped at NDJSON_HEAP_MB: the stream reads a page at a
// time, so it finishes; one that kept what it wrote would run out of heap (its RSS is mostly GC slack)
const ndjsonFile = join(largest.dir, 'all.ndjson');
const ndjsonFd = openSync(ndjsonFile, 'w');
const streamed = lib.expectOk(
  await lib.measure('node', [lib.BIN, 'messages', 'list', '--ndjson'], {
    env: { ...largest.env, NODE_OPTIONS: `--max-old-space-size=${NDJSON_HEAP_MB}` },
    stdout: ndjsonFd,
  }),
  `messages list --ndjson (old space ${NDJSON_HEAP_MB} MB)`,
);
closeSync(ndjsonFd);
const streamedLines = countLines(ndjsonFile);
rmSync(ndjsonFile, { force: true });
if (streamedLines !== largest.messages)
  throw new Error(
    `messages list --ndjson wrote ${streamedLines} lines, the store has ${largest.messages} messages`,
  );
lib.say(
  `messages list --ndjson on ${largest.size}: all ${fmt(streamedLines)} messages in ${(streamed.ms / 1000).toFixed(1)} s within a ${NDJSON_HEAP_MB} MB old space (peak RSS ${streamed.rssMb.toFixed(1)} MB)`,
);

function countLines(file) {
  const fd = openSync(file, 'r');
  const chunk = Buffer.alloc(1 << 20);
  let lines = 0;
  for (;;) {
    const n = readSync(fd, chunk, 0, chunk.length, null);
    if (n === 0) break;
    for (let i = 0; i < n; i++) if (chunk[i] === 10) lines++;
  }
  closeSync(fd);
  return lines;
}

// -- ingest rate -------------------------------------------------------------------------------------

const ingest = await measureIngest(largest);
lib.say('');
lib.table([
  [
    `ingest of ${INGEST_SAMPLE.toLocaleString('en')} messages and their echoes' statuses (median of ${INGEST_ROUNDS})`,
    'messages/s',
  ],
  ['into an empty store', fmt(ingest.empty)],
  [`into a copy of the ${largest.size} store`, fmt(ingest.full)],
]);
lib.target(`ingest rate into ${largest.size} / into empty`, ingest.full / ingest.empty, {
  atLeast: TARGETS.ingest,
  unit: 'x',
});

// -- disk --------------------------------------------------------------------------------------------

const disk = stores.map(diskUse);
lib.say('');
lib.table([
  ['store on disk (after checkpoint)', 'file MB', 'tables MB', 'indexes MB', 'MB per 1M messages'],
  ...stores.map((s, i) => [
    s.size,
    mb(disk[i].file),
    mb(disk[i].tables),
    mb(disk[i].indexes),
    mb((disk[i].file / s.messages) * 1e6),
  ]),
]);
const tenMillion = extrapolate(
  stores.map((s) => s.messages),
  disk.map((d) => d.file),
  10_000_000,
);
lib.say(`10M messages: ~${(tenMillion / 1e9).toFixed(1)} GB (least-squares line through the sizes measured)`);

lib.figures({
  benchVersion: BENCH_VERSION,
  runs: RUNS,
  stores: stores.map((s, i) => ({
    size: s.size,
    messages: s.messages,
    conversations: s.messages / PER_CONVERSATION,
    views: Object.fromEntries(
      VIEWS.map((view, v) => [
        view.name,
        {
          medianMs: lib.round(medians.get(s)[v], 1),
          ratio: lib.round(medians.get(s)[v] / medians.get(s)[0]),
          lines: rows.get(s)[v],
          peakRssMb: lib.round(viewRss.get(s)[v], 1),
        },
      ]),
    ),
    disk: disk[i],
  })),
  peakRssMb: lib.round(peakRss, 1),
  ndjson: { messages: streamedLines, ms: Math.round(streamed.ms), peakRssMb: lib.round(streamed.rssMb, 1) },
  ingest,
  diskExtrapolated10MBytes: Math.round(tenMillion),
});
lib.finish('inbox-scale');

// -- the stores --------------------------------------------------------------------------------------

/** A store of `messages` messages: reused from --keep when built by this BENCH_VERSION, else built. */
async function ensureStore(messages) {
  const size = sizeLabel(messages);
  const dir = join(base, size);
  const store = {
    size,
    messages,
    dir,
    db: join(dir, 'wabox.db'),
    env: { WABOX_DB: join(dir, 'wabox.db'), WABOX_CONFIG_DIR: join(dir, 'config') },
    ...fixtures(messages / PER_CONVERSATION),
  };
  const metaFile = join(dir, 'meta.json');
  if (existsSync(metaFile)) {
    const meta = JSON.parse(readFileSync(metaFile, 'utf8'));
    if (meta.version === BENCH_VERSION && meta.messages === messages) {
      lib.say(`${size}: reusing ${dir} (built ${meta.builtAt})`);
      return store;
    }
  }
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const started = performance.now();
  const conversations = messages / PER_CONVERSATION;
  const end = Date.now() - DAY;
  const ingested = await postAll(store.db, dir, bodies(0, conversations, end - 365 * DAY, end, 'in'), {
    progress: `${size}: ingest`,
    total: conversations,
  });
  await agentsWork(store.db, conversations);
  checkpoint(store.db);
  const counted = count(store.db);
  if (counted.messages !== messages || counted.conversations !== conversations)
    throw new Error(`${size}: stored ${JSON.stringify(counted)}, expected ${messages} messages`);
  const meta = {
    version: BENCH_VERSION,
    messages,
    builtAt: new Date().toISOString(),
    seconds: Math.round((performance.now() - started) / 1000),
    ingestMessagesPerSecond: Math.round(messages / ingested.seconds),
    posts: ingested.posts,
    ...counted,
  };
  writeFileSync(metaFile, `${JSON.stringify(meta, null, 2)}\n`);
  lib.say(`${size}: built in ${meta.seconds} s (ingest ${fmt(meta.ingestMessagesPerSecond)} messages/s)`);
  return store;
}

/** The contact `inbox show` opens (a 10-message thread), a label and an agent set on a share. */
function fixtures(conversations) {
  return { contact: `+${customerId(Math.floor(conversations / 2), 'in')}`, label: LABEL, agent: AGENT };
}

/**
 * What agents do through the library: about 10% labelled vip (5% order), 1/7 assigned (1/21 each to
 * ravi, asha, li), the older 80% mostly resolved, the older 90% read.
 */
async function agentsWork(db, conversations) {
  const { openStore } = await import(pathToFileURL(join(lib.ROOT, 'dist/index.js')).href);
  const store = await openStore(db, { sqlite: { synchronous: 'NORMAL' } });
  try {
    for (let i = 0; i < conversations; i++) {
      const waId = customerId(i, 'in');
      if (i % 10 === 3) await store.addLabel(waId, LABEL);
      if (i % 20 === 7) await store.addLabel(waId, 'order');
      if (i % 7 === 0) await store.setAssignee(waId, ['ravi', 'asha', 'li'][(i / 7) % 3]);
      if (i < conversations * 0.8 && i % 4 !== 0) await store.setConversationStatus(waId, 'resolved');
      if (i < conversations * 0.9) await store.markConversationRead(waId, new Date(Date.now() - DAY));
    }
  } finally {
    await store.close();
  }
}

/** The customer of conversation i: an Indian mobile number (98... for the stores, 97... for the samples). */
function customerId(i, kind) {
  return `91${kind === 'in' ? '98' : '97'}${String(10_000_000 + i)}`;
}

/**
 * Conversation i: 10 messages over a few hours from `start`. 40% never answered; 30% answered last; 30%
 * where the customer wrote again after the last answer. Every echo is delivered; read when the customer
 * wrote after it.
 */
function conversation(i, start, kind) {
  const random = prng(i * 7919 + (kind === 'in' ? 1 : 2));
  const r = random();
  const shape = r < 0.4 ? 'iiiiiiiiii' : r < 0.7 ? 'ioiioioiio' : 'iioiioioii';
  const waId = customerId(i, kind);
  let t = start;
  const messages = [];
  const statuses = [];
  for (let k = 0; k < PER_CONVERSATION; k++) {
    t += Math.floor(60 + random() * 1800) * 1000;
    const direction = shape[k] === 'i' ? 'in' : 'out';
    const hex = `${Math.floor(random() * 2 ** 32)
      .toString(16)
      .padStart(8, '0')}${(i * PER_CONVERSATION + k).toString(16).padStart(12, '0')}`;
    const wamid = lib.metaWamid(waId, hex);
    messages.push({
      waId,
      i,
      direction,
      wamid,
      seconds: Math.floor(t / 1000),
      text: TEXTS[(i + k) % TEXTS.length],
    });
    if (direction === 'out') {
      statuses.push({ wamid, waId, status: 'delivered', seconds: Math.floor(t / 1000) + 2 });
      if (shape.indexOf('i', k) !== -1)
        statuses.push({ wamid, waId, status: 'read', seconds: Math.floor(t / 1000) + 30 });
    }
  }
  return { messages, statuses };
}

/**
 * The signed POST bodies for conversations [first, first + count), spread evenly from `from` to `to`:
 * each block's messages in time order, PER_POST a POST (inbound in a `messages` change with their
 * contacts, echoes in a `smb_message_echoes` change), its statuses after the next block's messages.
 */
function* bodies(first, count, from, to, kind) {
  const step = (to - from) / count;
  let pendingStatuses = [];
  for (let b = first; b < first + count; b += BLOCK) {
    const block = [];
    for (let i = b; i < Math.min(b + BLOCK, first + count); i++)
      block.push(conversation(i, from + (i - first) * step, kind));
    const messages = block.flatMap((c) => c.messages).sort((x, y) => x.seconds - y.seconds || x.i - y.i);
    for (let p = 0; p < messages.length; p += PER_POST) yield messagesBody(messages.slice(p, p + PER_POST));
    for (let p = 0; p < pendingStatuses.length; p += PER_POST)
      yield statusesBody(pendingStatuses.slice(p, p + PER_POST));
    pendingStatuses = block.flatMap((c) => c.statuses);
  }
  for (let p = 0; p < pendingStatuses.length; p += PER_POST)
    yield statusesBody(pendingStatuses.slice(p, p + PER_POST));
}

function messagesBody(messages) {
  const inbound = messages.filter((m) => m.direction === 'in');
  const echoes = messages.filter((m) => m.direction === 'out');
  const changes = [];
  if (inbound.length > 0)
    changes.push({
      field: 'messages',
      value: {
        messaging_product: 'whatsapp',
        metadata: METADATA,
        contacts: [...new Set(inbound.map((m) => m.waId))].map((waId) => ({
          profile: { name: `Customer ${waId.slice(-5)}` },
          wa_id: waId,
        })),
        messages: inbound.map((m) => ({
          from: m.waId,
          id: m.wamid,
          timestamp: String(m.seconds),
          type: 'text',
          text: { body: m.text },
        })),
      },
    });
  if (echoes.length > 0)
    changes.push({
      field: 'smb_message_echoes',
      value: {
        messaging_product: 'whatsapp',
        metadata: METADATA,
        message_echoes: echoes.map((m) => ({
          from: METADATA.display_phone_number,
          to: m.waId,
          id: m.wamid,
          timestamp: String(m.seconds),
          type: 'text',
          text: { body: m.text },
        })),
      },
    });
  return signed(changes, messages.length);
}

function statusesBody(statuses) {
  return signed(
    [
      {
        field: 'messages',
        value: {
          messaging_product: 'whatsapp',
          metadata: METADATA,
          statuses: statuses.map((s) => ({
            id: s.wamid,
            status: s.status,
            timestamp: String(s.seconds),
            recipient_id: s.waId,
          })),
        },
      },
    ],
    0,
  );
}

function signed(changes, messages) {
  const body = Buffer.from(
    JSON.stringify({
      object: 'whatsapp_business_account',
      entry: [{ id: '419561257915477', changes }],
    }),
  );
  return { body, messages, signature: `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}` };
}

/**
 * Starts a receiver on `db`, posts every body (IN_FLIGHT at a time; any answer but 200 fails the
 * bench), stops it; returns the number of POSTs and the seconds from the first POST to the last answer.
 * With `progress`, a line every 10% of `total` conversations.
 */
async function postAll(db, dir, source, { progress, total } = {}) {
  const logFile = join(dir, 'serve.log');
  const child = lib.serve({ db, configDir: join(dir, 'config'), secret: SECRET, logFile });
  const agent = new Agent({ keepAlive: true, maxSockets: IN_FLIGHT });
  let posts = 0;
  let messages = 0;
  let first = 0;
  let reported = 0;
  try {
    const url = new URL(await lib.listeningUrl(logFile, child));
    const worker = async () => {
      for (let next = source.next(); !next.done; next = source.next()) {
        first ||= performance.now();
        const status = await post(url, next.value, agent);
        if (status !== 200) throw new Error(`the receiver answered ${status}`);
        posts++;
        messages += next.value.messages;
        if (progress && messages / PER_CONVERSATION >= reported + total / 10) {
          reported = messages / PER_CONVERSATION;
          lib.say(`${progress}: ${fmt(messages)} messages`);
        }
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
    const seconds = (performance.now() - first) / 1000;
    await lib.stop(child);
    if (child.exitCode !== 0)
      throw new Error(`wabox webhook serve exited ${child.exitCode ?? child.signalCode}`);
    return { posts, seconds };
  } finally {
    agent.destroy();
    await lib.stop(child);
  }
}

function post(url, { body, signature }, agent) {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      url,
      {
        method: 'POST',
        agent,
        timeout: 60_000,
        headers: {
          'content-type': 'application/json',
          'content-length': String(body.length),
          'x-hub-signature-256': signature,
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('no answer from the receiver in 60 s')));
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * The same 20k messages (2k new conversations of the last day) into an empty store and into a copy of
 * `store`, alternating, INGEST_ROUNDS times: the median rate of each, timed from the first POST to the
 * last answer.
 */
async function measureIngest(store) {
  const scratch = lib.tempDir('wabox-inbox-scale-ingest-', lib.scratchBase({ ram: false }));
  const from = Date.now() - DAY;
  const sample = [...bodies(0, INGEST_SAMPLE / PER_CONVERSATION, from, from + DAY / 2, 'sample')];
  const rates = { empty: [], full: [] };
  for (let round = 0; round < INGEST_ROUNDS; round++)
    for (const [name, copyOf] of [
      ['empty', null],
      ['full', store.db],
    ]) {
      const dir = join(scratch, name);
      mkdirSync(dir);
      const db = join(dir, 'wabox.db');
      if (copyOf) {
        copyFileSync(copyOf, db);
        // written back to disk now, not while the receiver writes (which would slow only this store)
        const fd = openSync(db, 'r+');
        fsyncSync(fd);
        closeSync(fd);
      }
      const { seconds } = await postAll(db, dir, sample.values());
      const counted = count(db);
      if (counted.messages !== (copyOf ? store.messages : 0) + INGEST_SAMPLE)
        throw new Error(`ingest into the ${name} store stored ${counted.messages} messages`);
      rates[name].push(INGEST_SAMPLE / seconds);
      rmSync(dir, { recursive: true, force: true });
    }
  return {
    rounds: INGEST_ROUNDS,
    empty: Math.round(lib.median(rates.empty)),
    full: Math.round(lib.median(rates.full)),
  };
}

// -- SQLite ------------------------------------------------------------------------------------------

function count(db) {
  const d = new Database(db, { readonly: true });
  try {
    const n = (table) => d.prepare(`SELECT count(*) AS n FROM ${table}`).get().n;
    return {
      messages: n('messages'),
      conversations: n('conversations'),
      contacts: n('contacts'),
      statusEvents: n('status_events'),
    };
  } finally {
    d.close();
  }
}

/** Copies the WAL into the file and truncates it, so that the file's size is the store's. */
function checkpoint(db) {
  const d = new Database(db);
  try {
    d.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    d.close();
  }
}

/** The file's size after a checkpoint; table and index bytes from the dbstat virtual table. */
function diskUse(store) {
  checkpoint(store.db);
  const d = new Database(store.db, { readonly: true });
  try {
    const parts = d
      .prepare(
        `SELECT coalesce(s.type, 'table') AS type, sum(t.pgsize) AS bytes
         FROM dbstat t LEFT JOIN sqlite_schema s ON s.name = t.name GROUP BY 1`,
      )
      .all();
    const bytes = (type) => parts.find((p) => p.type === type)?.bytes ?? 0;
    return { file: statSync(store.db).size, tables: bytes('table'), indexes: bytes('index') };
  } finally {
    d.close();
  }
}

// -- plumbing ----------------------------------------------------------------------------------------

/** y at x on the least-squares line through the points (proportional through one point). */
function extrapolate(xs, ys, x) {
  if (xs.length === 1) return (ys[0] / xs[0]) * x;
  const mx = xs.reduce((a, b) => a + b) / xs.length;
  const my = ys.reduce((a, b) => a + b) / ys.length;
  const slope =
    xs.reduce((a, xi, i) => a + (xi - mx) * (ys[i] - my), 0) / xs.reduce((a, xi) => a + (xi - mx) ** 2, 0);
  return my + slope * (x - mx);
}

/** A deterministic random number generator (mulberry32): the same stores on every build. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** --sizes 10k,100k,1M: message counts, multiples of 10 (messages per conversation), smallest first. */
function sizesArg() {
  const raw = stringArg('--sizes') ?? '10k,100k,1M';
  return raw
    .split(',')
    .map((token) => {
      const m = /^(\d+(?:\.\d+)?)([kKmM]?)$/.exec(token.trim());
      const n = m ? Math.round(Number(m[1]) * { '': 1, k: 1e3, m: 1e6 }[m[2].toLowerCase()]) : Number.NaN;
      if (!Number.isInteger(n) || n < 100 || n % PER_CONVERSATION !== 0)
        throw new Error(
          `--sizes takes message counts like 10k,100k,1M (multiples of 10, >= 100), not ${token}`,
        );
      return n;
    })
    .sort((a, b) => a - b);
}

function stringArg(name) {
  const i = process.argv.indexOf(name);
  if (i === -1) return undefined;
  const value = process.argv[i + 1];
  if (value === undefined || value.startsWith('--')) throw new Error(`${name} takes a value`);
  return value;
}

function sizeLabel(n) {
  return n >= 1e6 && n % 1e5 === 0 ? `${n / 1e6}M` : n >= 1e3 && n % 100 === 0 ? `${n / 1e3}k` : String(n);
}

function fmt(n) {
  return Math.round(n).toLocaleString('en-US');
}

function mb(bytes) {
  return (bytes / 1e6).toFixed(1);
}
