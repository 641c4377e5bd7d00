// `wabox db copy`: every row of one store into another, SQLite and PostgreSQL alike (their tables have the
// same columns). Rows keep their ids (cursors and the conversations' last_seq stay valid); each page is
// one transaction in key order, so an interrupted copy resumes after the target's last key; the result is
// verified by counts and an order-independent checksum per table.
import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';
import { invalidInput } from '../core/errors.js';
import type { PgDb } from './postgres-db.js';

export type Row = Record<string, unknown>;

export interface CopiedTable {
  name: string;
  /** The primary key: the copy's order and the position it resumes from. */
  key: readonly string[];
  /** Text key columns, compared byte by byte on both databases (SQLite's BINARY, PostgreSQL's "C"). */
  textKey: boolean;
}

/** In the order of their foreign keys. schema_migrations is each store's own. */
export const COPIED_TABLES: readonly CopiedTable[] = [
  { name: 'contacts', key: ['wa_id'], textKey: true },
  { name: 'contact_ids', key: ['kind', 'value'], textKey: true },
  { name: 'contact_events', key: ['id'], textKey: false },
  { name: 'conversations', key: ['id'], textKey: false },
  { name: 'contact_labels', key: ['wa_id', 'label'], textKey: true },
  { name: 'messages', key: ['seq'], textKey: false },
  { name: 'status_events', key: ['id'], textKey: false },
  { name: 'auto_replies', key: ['id'], textKey: false },
  { name: 'raw_events', key: ['id'], textKey: false },
  { name: 'settings', key: ['key'], textKey: true },
  { name: 'notes', key: ['id'], textKey: false },
  { name: 'agents', key: ['name'], textKey: true },
  { name: 'erasures', key: ['id'], textKey: true },
  { name: 'forgotten_messages', key: ['digest'], textKey: true },
  { name: 'campaigns', key: ['id'], textKey: false },
  { name: 'campaign_recipients', key: ['campaign_id', 'row_no'], textKey: false },
  { name: 'csat', key: ['id'], textKey: false },
];

/** The target's record of a copy in progress (a settings row, never copied itself). */
export const COPY_MARKER = 'db.copy';

/** A store's tables as rows, for copying. */
export interface TableRows {
  /** Rows after the key `after` (null: from the first), in key order, at most `limit`. */
  page(table: CopiedTable, after: readonly unknown[] | null, limit: number): Promise<Row[]>;
  /** The key of the table's last row, null when it is empty. */
  lastKey(table: CopiedTable): Promise<unknown[] | null>;
  /** Inserts the rows, in one transaction, skipping any whose key (or another unique value) exists; how many were new. */
  insert(table: CopiedTable, rows: readonly Row[]): Promise<number>;
  count(table: CopiedTable): Promise<number>;
  /** The copy marker's value (a settings row), null when there is none. */
  marker(): Promise<string | null>;
  setMarker(value: string, now: number): Promise<void>;
  /** After rows came with their ids: new rows get ids after them (PostgreSQL's identity sequences). */
  settle(): Promise<void>;
}

export interface TableCopy {
  table: string;
  /** Rows inserted by this run. */
  copied: number;
  source: { rows: number; checksum: string };
  target: { rows: number; checksum: string };
}

export interface CopyResult {
  /** True when an earlier, interrupted copy from the same source was resumed. */
  resumed: boolean;
  tables: TableCopy[];
  /** Every table has the source's rows and checksum (with append: at least the source's row count). */
  verified: boolean;
}

export interface CopyOptions {
  /** Copy into a store that has rows already (rows whose key exists there are kept as they are). */
  append: boolean;
  /** Names the source in the resume marker (without a password). */
  sourceName: string;
  /** Rows per transaction (default 2000). */
  pageSize?: number;
  /** The time the marker records. */
  now: number;
  onProgress?: (table: string, copied: number) => void;
}

export async function copyStore(
  source: TableRows,
  target: TableRows,
  options: CopyOptions,
): Promise<CopyResult> {
  const marker = await readMarker(target);
  const resumed = marker !== null && marker.source === options.sourceName && !marker.finished;
  if (!options.append && !resumed) {
    const filled = [];
    for (const table of COPIED_TABLES) if ((await countRows(target, table)) > 0) filled.push(table.name);
    if (filled.length > 0)
      throw invalidInput(`the target store is not empty (${filled.join(', ')})`, {
        code: 'db.copy_target_not_empty',
        hint: 'copy into a new store, or add --append to add the rows it does not have',
      });
  }
  await target.setMarker(JSON.stringify({ source: options.sourceName, finished: false }), options.now);
  const size = options.pageSize ?? 2000;
  const copied = new Map<string, number>();
  for (const table of COPIED_TABLES) {
    let after = options.append ? null : await target.lastKey(table);
    let n = 0;
    for (;;) {
      const page = await source.page(table, after, size);
      if (page.length === 0) break;
      const rows = page.filter((r) => !isMarker(table, r));
      if (rows.length > 0) n += await target.insert(table, rows);
      after = table.key.map((k) => page.at(-1)![k]);
      options.onProgress?.(table.name, n);
    }
    copied.set(table.name, n);
  }
  await target.settle();
  const tables: TableCopy[] = [];
  for (const table of COPIED_TABLES)
    tables.push({
      table: table.name,
      copied: copied.get(table.name)!,
      source: await summary(source, table, size),
      target: await summary(target, table, size),
    });
  const verified = tables.every((t) =>
    options.append
      ? t.target.rows >= t.source.rows
      : t.target.rows === t.source.rows && t.target.checksum === t.source.checksum,
  );
  if (verified)
    await target.setMarker(JSON.stringify({ source: options.sourceName, finished: true }), options.now);
  return { resumed, tables, verified };
}

function isMarker(table: CopiedTable, row: Row): boolean {
  return table.name === 'settings' && row.key === COPY_MARKER;
}

async function countRows(store: TableRows, table: CopiedTable): Promise<number> {
  const n = await store.count(table);
  return table.name === 'settings' && (await store.marker()) !== null ? n - 1 : n;
}

async function readMarker(store: TableRows): Promise<{ source: string; finished: boolean } | null> {
  const value = await store.marker();
  return value === null ? null : (JSON.parse(value) as { source: string; finished: boolean });
}

/** Rows and an order-independent checksum: the sum of each row's SHA-256 (its columns by name), mod 2^64. */
async function summary(
  store: TableRows,
  table: CopiedTable,
  size: number,
): Promise<{ rows: number; checksum: string }> {
  let sum = 0n;
  let rows = 0;
  let after: unknown[] | null = null;
  for (;;) {
    const page = await store.page(table, after, size);
    if (page.length === 0) break;
    for (const row of page) {
      if (isMarker(table, row)) continue;
      const canonical = JSON.stringify(
        Object.keys(row)
          .sort()
          .map((k) => [k, row[k] ?? null]),
      );
      sum =
        (sum + BigInt(`0x${createHash('sha256').update(canonical).digest('hex').slice(0, 16)}`)) % 2n ** 64n;
      rows++;
    }
    after = table.key.map((k) => page.at(-1)![k]);
  }
  return { rows, checksum: sum.toString(16).padStart(16, '0') };
}

// -- the two databases ------------------------------------------------------------------------

function keyOrder(table: CopiedTable, collate: string, direction = ''): string {
  return table.key.map((k) => `${k}${table.textKey ? collate : ''}${direction}`).join(', ');
}

export function sqliteTables(db: Database.Database): TableRows {
  return {
    async page(table, after, limit) {
      const order = keyOrder(table, '');
      const where = after === null ? '' : `WHERE (${order}) > (${after.map(() => '?').join(', ')})`;
      return db
        .prepare(`SELECT * FROM ${table.name} ${where} ORDER BY ${order} LIMIT ?`)
        .all(...(after ?? []), limit) as Row[];
    },
    async lastKey(table) {
      const row = db
        .prepare(
          `SELECT ${table.key.join(', ')} FROM ${table.name} ORDER BY ${keyOrder(table, '', ' DESC')} LIMIT 1`,
        )
        .get() as Row | undefined;
      return row === undefined ? null : table.key.map((k) => row[k]);
    },
    async insert(table, rows) {
      const columns = Object.keys(rows[0]!);
      const insert = db.prepare(
        `INSERT INTO ${table.name} (${columns.join(', ')}) VALUES (${columns.map((c) => `@${c}`).join(', ')})
         ON CONFLICT DO NOTHING`,
      );
      return db.transaction(() => rows.reduce((n, row) => n + insert.run(row).changes, 0)).immediate();
    },
    async count(table) {
      return (db.prepare(`SELECT count(*) AS n FROM ${table.name}`).get() as { n: number }).n;
    },
    async marker() {
      const row = db.prepare('SELECT value FROM settings WHERE key = ?').get(COPY_MARKER) as
        | { value: string }
        | undefined;
      return row?.value ?? null;
    },
    async setMarker(value, now) {
      db.prepare(
        `INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
      ).run(COPY_MARKER, value, now);
    },
    async settle() {},
  };
}

export function postgresTables(db: PgDb): TableRows {
  const collate = ' COLLATE "C"';
  return {
    async page(table, after, limit) {
      const order = keyOrder(table, collate);
      const params: Record<string, unknown> = { limit };
      after?.forEach((v, i) => {
        params[`k${i}`] = v;
      });
      const where =
        after === null
          ? ''
          : `WHERE (${order}) > (${after.map((_, i) => `@k${i}${table.textKey ? `::text${collate}` : '::bigint'}`).join(', ')})`;
      return db.all<Row>(`SELECT * FROM ${table.name} ${where} ORDER BY ${order} LIMIT @limit`, params);
    },
    async lastKey(table) {
      const row = await db.get<Row>(
        `SELECT ${table.key.join(', ')} FROM ${table.name} ORDER BY ${keyOrder(table, collate, ' DESC')} LIMIT 1`,
      );
      return row === undefined ? null : table.key.map((k) => row[k]);
    },
    async insert(table, rows) {
      const columns = Object.keys(rows[0]!);
      return db.tx(async (sql) => {
        let n = 0;
        for (const row of rows)
          n += await sql.run(
            `INSERT INTO ${table.name} (${columns.join(', ')}) VALUES (${columns.map((c) => `@${c}`).join(', ')})
             ON CONFLICT DO NOTHING`,
            Object.fromEntries(columns.map((c) => [c, row[c] ?? null])),
          );
        return n;
      });
    },
    async count(table) {
      return (await db.get<{ n: number }>(`SELECT count(*) AS n FROM ${table.name}`))!.n;
    },
    async marker() {
      return (
        (await db.get<{ value: string }>('SELECT value FROM settings WHERE key = @key', { key: COPY_MARKER }))
          ?.value ?? null
      );
    },
    async setMarker(value, now) {
      await db.run(
        `INSERT INTO settings (key, value, updated_at) VALUES (@key, @value, @now)
         ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = EXCLUDED.updated_at`,
        { key: COPY_MARKER, value, now },
      );
    },
    async settle() {
      for (const table of COPIED_TABLES) {
        // an identity column is a single integer key
        if (table.textKey || table.key.length > 1) continue;
        const [key] = table.key;
        await db.run(
          `SELECT setval(pg_get_serial_sequence('${table.name}', '${key}'),
             coalesce((SELECT max(${key}) FROM ${table.name}), 0) + 1, false)`,
        );
      }
    },
  };
}
