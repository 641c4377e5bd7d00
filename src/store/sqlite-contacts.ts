// Contacts as people (DESIGN.md §6): every identifier a payload gives (phone, BSUID, parent BSUID) maps
// to one contact key in contact_ids; when a payload shows two keys to be one person they merge, inside
// the caller's transaction. Opt-outs are set and cleared here too. Used by the webhook writer
// (./sqlite-webhook.ts) and the store's reads (./sqlite.ts).

import type Database from 'better-sqlite3';
import { type ContactIdentity, parseContactRef } from '../core/contact-id.js';
import { invalidInput, notFound } from '../core/errors.js';
import { CSAT_INGEST_SQL } from './csat.js';
import { CONTACT_COLUMNS, type ContactRow, type IdKind, idsOf, toContact } from './rows.js';
import { refreshConversation } from './sqlite-conversation-state.js';
import type { ContactEventRecord, ContactRecord, MergeRecord } from './store.js';

const SQL = {
  lookup: 'SELECT wa_id FROM contact_ids WHERE kind = ? AND value = ?',
  byAnyId: `SELECT wa_id FROM contact_ids WHERE kind IN ('phone', 'user_id', 'parent_user_id') AND value = ?
    ORDER BY CASE kind WHEN 'phone' THEN 0 WHEN 'user_id' THEN 1 ELSE 2 END LIMIT 1`,
  contactRow: 'SELECT wa_id, created_at FROM contacts WHERE wa_id = ?',
  createContact: `INSERT INTO contacts (wa_id, created_at, updated_at) VALUES (?, ?, ?) ON CONFLICT (wa_id) DO NOTHING`,
  addId: `INSERT INTO contact_ids (kind, value, wa_id, created_at) VALUES (?, ?, ?, ?)
    ON CONFLICT (kind, value) DO NOTHING`,
  setIds: `UPDATE contacts SET phone = coalesce(@phone, phone), user_id = coalesce(@userId, user_id),
      parent_user_id = coalesce(@parentUserId, parent_user_id), username = coalesce(@username, username),
      updated_at = @now
    WHERE wa_id = @key AND (phone IS NOT coalesce(@phone, phone) OR user_id IS NOT coalesce(@userId, user_id)
      OR parent_user_id IS NOT coalesce(@parentUserId, parent_user_id)
      OR username IS NOT coalesce(@username, username))`,
  // a username belongs to one user at a time: whoever had it before has changed theirs
  dropUsername: `UPDATE contacts SET username = NULL, updated_at = @now
    WHERE username = @username COLLATE NOCASE AND wa_id <> @key`,
  optOut: `UPDATE contacts SET opted_out_at = CASE WHEN @out THEN @at END, opt_out_source = @source,
      opt_out_changed_at = @at, updated_at = @now
    WHERE wa_id = @key AND (opt_out_changed_at IS NULL OR opt_out_changed_at < @at
      OR (opt_out_changed_at = @at AND (opted_out_at IS NULL) = (@out = 1)))`,
  event: `INSERT INTO contact_events (wa_id, kind, detail, at, dedupe, created_at)
    VALUES (@key, @kind, @detail, @at, @dedupe, @now) ON CONFLICT (dedupe) DO NOTHING`,
  contact: `SELECT ${CONTACT_COLUMNS} FROM contacts WHERE wa_id = ?`,
  idsOf: 'SELECT kind, value FROM contact_ids WHERE wa_id = ? ORDER BY created_at, kind, value',
  byUsername: 'SELECT wa_id FROM contacts WHERE username = ? COLLATE NOCASE LIMIT 2',
  events: 'SELECT kind, detail, at FROM contact_events WHERE wa_id = ? ORDER BY at, id',
} as const;

type Statements = { [K in keyof typeof SQL]: Database.Statement };

export class SqliteContacts {
  readonly #db: Database.Database;
  #statements: Statements | undefined;

  constructor(db: Database.Database) {
    this.#db = db;
  }

  get #s(): Statements {
    this.#statements ??= Object.fromEntries(
      Object.entries(SQL).map(([name, sql]) => [name, this.#db.prepare(sql)]),
    ) as Statements;
    return this.#statements;
  }

  /** The key of the contact an identifier (phone digits, BSUID, parent BSUID) names; the id itself when none. */
  keyOf(id: string): string {
    return (this.#s.byAnyId.get(id) as { wa_id: string } | undefined)?.wa_id ?? id;
  }

  /**
   * The contact these identities of one person name, merging the contacts they name when there are
   * several, and recording the identifiers on it (the last identity's win: a changed number becomes the
   * phone). With `create`, a contact unknown under all of them is created (its key: the first phone,
   * else BSUID); without, null. Must run inside a transaction.
   */
  resolve(
    identities: ContactIdentity | readonly ContactIdentity[],
    now: number,
    options: { create: boolean; why: string; merges: MergeRecord[] },
  ): string | null {
    const all = Array.isArray(identities) ? identities : [identities as ContactIdentity];
    const ids = all.flatMap(idsOf);
    const keys: string[] = [];
    for (const [kind, value] of ids) {
      const row = this.#s.lookup.get(kind, value) as { wa_id: string } | undefined;
      if (row !== undefined && !keys.includes(row.wa_id)) keys.push(row.wa_id);
    }
    let key: string;
    if (keys.length === 0) {
      if (!options.create || ids.length === 0) return null;
      key = ids[0]![1];
      this.#s.createContact.run(key, now, now);
    } else key = keys.length === 1 ? keys[0]! : this.#merge(keys, now, options.why, options.merges);
    for (const [kind, value] of ids) this.#s.addId.run(kind, value, key, now);
    for (const identity of all) {
      const username = identity.username ?? null;
      if (username !== null) this.#s.dropUsername.run({ username, key, now });
      this.#s.setIds.run({
        key,
        phone: identity.phone ?? null,
        userId: identity.userId ?? null,
        parentUserId: identity.parentUserId ?? null,
        username,
        now,
      });
    }
    return key;
  }

  /**
   * Merges the contacts into the oldest one: messages, automatic replies, labels, identifiers, events,
   * the conversation (open if either is, the first assignee found, its kept values recomputed) and
   * the opt-out (an opted-out side always wins). Logs a `merge` event on the contact that remains.
   */
  #merge(keys: string[], now: number, why: string, merges: MergeRecord[]): string {
    const rows = keys
      .map((k) => this.#s.contactRow.get(k) as { wa_id: string; created_at: number })
      .sort((a, b) => a.created_at - b.created_at || (a.wa_id < b.wa_id ? -1 : 1));
    const into = rows[0]!.wa_id;
    for (const { wa_id: from } of rows.slice(1)) {
      const gone = this.#s.contact.get(from) as ContactRow;
      const p = { into, from, now };
      const run = (sql: string) => this.#db.prepare(sql).run(p);
      run(`UPDATE contacts AS s SET
          name = coalesce(s.name, o.name),
          first_seen_at = CASE WHEN s.first_seen_at IS NULL THEN o.first_seen_at
            WHEN o.first_seen_at IS NULL THEN s.first_seen_at ELSE min(s.first_seen_at, o.first_seen_at) END,
          phone = coalesce(s.phone, o.phone), user_id = coalesce(s.user_id, o.user_id),
          parent_user_id = coalesce(s.parent_user_id, o.parent_user_id), username = coalesce(s.username, o.username),
          opted_out_at = CASE WHEN o.opted_out_at IS NOT NULL AND (s.opted_out_at IS NULL OR o.opted_out_at > s.opted_out_at)
            THEN o.opted_out_at ELSE s.opted_out_at END,
          opt_out_source = CASE WHEN o.opted_out_at IS NOT NULL AND (s.opted_out_at IS NULL OR o.opted_out_at > s.opted_out_at)
              THEN o.opt_out_source
            WHEN s.opted_out_at IS NULL AND o.opt_out_changed_at > coalesce(s.opt_out_changed_at, 0) THEN o.opt_out_source
            ELSE s.opt_out_source END,
          opt_out_changed_at = CASE WHEN s.opt_out_changed_at IS NULL THEN o.opt_out_changed_at
            WHEN o.opt_out_changed_at IS NULL THEN s.opt_out_changed_at
            ELSE max(s.opt_out_changed_at, o.opt_out_changed_at) END,
          updated_at = @now
        FROM contacts AS o WHERE s.wa_id = @into AND o.wa_id = @from`);
      run('UPDATE messages SET wa_id = @into WHERE wa_id = @from');
      run('UPDATE auto_replies SET wa_id = @into WHERE wa_id = @from');
      run(CSAT_INGEST_SQL.merge);
      run(`INSERT INTO contact_labels (wa_id, label, created_at)
        SELECT @into, label, created_at FROM contact_labels WHERE wa_id = @from ON CONFLICT DO NOTHING`);
      run('DELETE FROM contact_labels WHERE wa_id = @from');
      run('UPDATE contact_ids SET wa_id = @into WHERE wa_id = @from');
      run('UPDATE contact_events SET wa_id = @into WHERE wa_id = @from');
      run('UPDATE notes SET wa_id = @into WHERE wa_id = @from');
      run(`UPDATE conversations AS s SET
          status = CASE WHEN s.status = 'open' OR o.status = 'open' THEN 'open' ELSE 'resolved' END,
          assignee = coalesce(s.assignee, o.assignee), campaign = coalesce(s.campaign, o.campaign),
          referral = coalesce(s.referral, o.referral),
          handoff_at = coalesce(s.handoff_at, o.handoff_at),
          created_at = min(s.created_at, o.created_at), updated_at = @now
        FROM conversations AS o WHERE s.wa_id = @into AND o.wa_id = @from`);
      run(
        'DELETE FROM conversations WHERE wa_id = @from AND EXISTS (SELECT 1 FROM conversations WHERE wa_id = @into)',
      );
      run('UPDATE conversations SET wa_id = @into WHERE wa_id = @from');
      refreshConversation(this.#db, into);
      run('DELETE FROM contacts WHERE wa_id = @from');
      this.#s.event.run({
        key: into,
        kind: 'merge',
        detail: JSON.stringify({
          from,
          why,
          identifiers: {
            phone: gone.phone,
            userId: gone.user_id,
            parentUserId: gone.parent_user_id,
            username: gone.username,
          },
          name: gone.name,
        }),
        at: now,
        dedupe: null,
        now,
      });
      merges.push({ into, from, why });
    }
    return into;
  }

  /**
   * Sets (optedOut) or clears the contact's marketing opt-out unless a later change is recorded, and logs
   * it once per `dedupe`. `logged` false: a redelivery (nothing written); `changed`: the opt-out changed.
   */
  setOptOut(
    key: string,
    change: {
      optedOut: boolean;
      source: string;
      at: number;
      dedupe: string;
      detail?: Record<string, unknown>;
    },
    now: number,
  ): { logged: boolean; changed: boolean } {
    const logged = this.#s.event.run({
      key,
      kind: change.optedOut ? 'opt_out' : 'opt_in',
      detail: JSON.stringify({ source: change.source, ...change.detail }),
      at: change.at,
      dedupe: change.dedupe,
      now,
    }).changes;
    if (logged === 0) return { logged: false, changed: false };
    const out = change.optedOut ? 1 : 0;
    const changed = this.#s.optOut.run({ key, out, source: change.source, at: change.at, now }).changes > 0;
    return { logged: true, changed };
  }

  get(key: string): ContactRecord | null {
    const row = this.#s.contact.get(key) as ContactRow | undefined;
    return row === undefined ? null : this.#record(row);
  }

  /** See Store.resolveContact. */
  resolveRef(ref: string): ContactRecord {
    const parsed = parseContactRef(ref);
    if (parsed === null)
      throw invalidInput(`"${ref}" is not a phone number, a business-scoped user id or an @username`, {
        code: 'contact.bad_ref',
        hint: 'give +919876543210, US.13491208655302741918 or @username',
      });
    let key: string | undefined;
    if (parsed.kind === 'username') {
      const rows = this.#s.byUsername.all(parsed.value) as Array<{ wa_id: string }>;
      if (rows.length > 1)
        throw invalidInput(`@${parsed.value} names more than one contact`, {
          code: 'contact.ambiguous',
          hint: 'give the phone number or the business-scoped user id instead',
        });
      key = rows[0]?.wa_id;
    } else key = (this.#s.lookup.get(parsed.kind, parsed.value) as { wa_id: string } | undefined)?.wa_id;
    const contact = key === undefined ? null : this.get(key);
    if (contact === null)
      throw notFound(
        `the store knows no contact ${parsed.kind === 'username' ? '@' : parsed.kind === 'phone' ? '+' : ''}${parsed.value}`,
        { code: 'contact.not_found' },
      );
    return contact;
  }

  list(filter: { optedOut?: boolean; limit: number }): ContactRecord[] {
    const rows = this.#db
      .prepare(
        `SELECT ${CONTACT_COLUMNS} FROM contacts
         ${filter.optedOut === undefined ? '' : `WHERE opted_out_at IS ${filter.optedOut ? 'NOT ' : ''}NULL`}
         ORDER BY created_at DESC, wa_id LIMIT ?`,
      )
      .all(filter.limit) as ContactRow[];
    return rows.map((r) => this.#record(r));
  }

  events(key: string): ContactEventRecord[] {
    return (
      this.#s.events.all(key) as Array<{ kind: ContactEventRecord['kind']; detail: string; at: number }>
    ).map((e) => ({ kind: e.kind, at: new Date(e.at).toISOString(), detail: JSON.parse(e.detail) }));
  }

  #record(row: ContactRow): ContactRecord {
    return toContact(row, this.#s.idsOf.all(row.wa_id) as Array<{ kind: IdKind; value: string }>);
  }
}
