// Contacts as people on PostgreSQL: ./sqlite-contacts.ts with the caller's query handle, and locks. Several
// receivers may resolve one person at once: every identifier (and contact key) a transaction looks up is
// locked first (pg_advisory_xact_lock, held to its end), so two of them never create, merge or move one
// contact side by side. A key is itself one of its contact's identifiers, so a contact's writers share a lock.

import { type ContactIdentity, parseContactRef } from '../core/contact-id.js';
import { invalidInput, notFound } from '../core/errors.js';
import { CSAT_INGEST_SQL } from './csat.js';
import { refreshConversation } from './postgres-conversation-state.js';
import type { Sql } from './postgres-db.js';
import { CONTACT_COLUMNS, type ContactRow, type IdKind, idsOf, toContact } from './rows.js';
import type { ContactEventRecord, ContactRecord, MergeRecord } from './store.js';

const SQL = {
  // in array order (unnest's): the caller sorts, so every transaction takes its locks in one order
  lock: `SELECT pg_advisory_xact_lock(hashtext('wabox.contact:' || v)) FROM unnest(@values::text[]) AS v`,
  lookup: 'SELECT wa_id FROM contact_ids WHERE kind = @kind AND value = @value',
  // with the contact's identifier columns, so that a known person writing as before needs no write here
  lookupAll: `SELECT i.wa_id, c.phone, c.user_id, c.parent_user_id, c.username
    FROM unnest(@kinds::text[], @values::text[]) WITH ORDINALITY AS t (kind, value, n)
    JOIN contact_ids i ON i.kind = t.kind AND i.value = t.value LEFT JOIN contacts c ON c.wa_id = i.wa_id
    ORDER BY t.n`,
  byAnyId: `SELECT wa_id FROM contact_ids WHERE kind IN ('phone', 'user_id', 'parent_user_id') AND value = @id
    ORDER BY CASE kind WHEN 'phone' THEN 0 WHEN 'user_id' THEN 1 ELSE 2 END LIMIT 1`,
  contactRow: 'SELECT wa_id, created_at FROM contacts WHERE wa_id = @key',
  createContact: `INSERT INTO contacts (wa_id, created_at, updated_at) VALUES (@key, @now, @now)
    ON CONFLICT (wa_id) DO NOTHING`,
  addIds: `INSERT INTO contact_ids (kind, value, wa_id, created_at)
    SELECT kind, value, @key::text, @now::bigint FROM unnest(@kinds::text[], @values::text[]) AS t (kind, value)
    ON CONFLICT (kind, value) DO NOTHING`,
  setIds: `UPDATE contacts SET phone = coalesce(@phone, phone), user_id = coalesce(@userId, user_id),
      parent_user_id = coalesce(@parentUserId, parent_user_id), username = coalesce(@username, username),
      updated_at = @now
    WHERE wa_id = @key AND (phone IS DISTINCT FROM coalesce(@phone, phone)
      OR user_id IS DISTINCT FROM coalesce(@userId, user_id)
      OR parent_user_id IS DISTINCT FROM coalesce(@parentUserId, parent_user_id)
      OR username IS DISTINCT FROM coalesce(@username, username))`,
  // a username belongs to one user at a time: whoever had it before has changed theirs
  dropUsername: `UPDATE contacts SET username = NULL, updated_at = @now
    WHERE lower(username) = lower(@username::text) AND wa_id <> @key`,
  optOut: `UPDATE contacts SET opted_out_at = CASE WHEN @out::boolean THEN @at::bigint END, opt_out_source = @source,
      opt_out_changed_at = @at::bigint, updated_at = @now
    WHERE wa_id = @key AND (opt_out_changed_at IS NULL OR opt_out_changed_at < @at::bigint
      OR (opt_out_changed_at = @at::bigint AND (opted_out_at IS NULL) = @out::boolean))`,
  event: `INSERT INTO contact_events (wa_id, kind, detail, at, dedupe, created_at)
    VALUES (@key, @kind, @detail, @at, @dedupe, @now) ON CONFLICT (dedupe) DO NOTHING`,
  contact: `SELECT ${CONTACT_COLUMNS} FROM contacts WHERE wa_id = @key`,
  idsOf: `SELECT wa_id, kind, value FROM contact_ids WHERE wa_id = ANY(@keys::text[])
    ORDER BY created_at, kind COLLATE "C", value COLLATE "C"`,
  byUsername: 'SELECT wa_id FROM contacts WHERE lower(username) = lower(@username::text) LIMIT 2',
  events: 'SELECT kind, detail, at FROM contact_events WHERE wa_id = @key ORDER BY at, id',
} as const;

/** The statements of a merge of @from into @into, in order (see PgContacts.#merge). */
const MERGE = {
  contact: `UPDATE contacts AS s SET
      name = coalesce(s.name, o.name),
      first_seen_at = CASE WHEN s.first_seen_at IS NULL THEN o.first_seen_at
        WHEN o.first_seen_at IS NULL THEN s.first_seen_at ELSE LEAST(s.first_seen_at, o.first_seen_at) END,
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
        ELSE GREATEST(s.opt_out_changed_at, o.opt_out_changed_at) END,
      updated_at = @now
    FROM contacts AS o WHERE s.wa_id = @into AND o.wa_id = @from`,
  messages: 'UPDATE messages SET wa_id = @into WHERE wa_id = @from',
  autoReplies: 'UPDATE auto_replies SET wa_id = @into WHERE wa_id = @from',
  labels: `INSERT INTO contact_labels (wa_id, label, created_at)
    SELECT @into::text, label, created_at FROM contact_labels WHERE wa_id = @from ON CONFLICT DO NOTHING`,
  dropLabels: 'DELETE FROM contact_labels WHERE wa_id = @from',
  ids: 'UPDATE contact_ids SET wa_id = @into WHERE wa_id = @from',
  events: 'UPDATE contact_events SET wa_id = @into WHERE wa_id = @from',
  notes: 'UPDATE notes SET wa_id = @into WHERE wa_id = @from',
  conversation: `UPDATE conversations AS s SET
      status = CASE WHEN s.status = 'open' OR o.status = 'open' THEN 'open' ELSE 'resolved' END,
      assignee = coalesce(s.assignee, o.assignee), campaign = coalesce(s.campaign, o.campaign),
      referral = coalesce(s.referral, o.referral),
      handoff_at = coalesce(s.handoff_at, o.handoff_at),
      created_at = LEAST(s.created_at, o.created_at), updated_at = @now
    FROM conversations AS o WHERE s.wa_id = @into AND o.wa_id = @from`,
  dropConversation:
    'DELETE FROM conversations WHERE wa_id = @from AND EXISTS (SELECT 1 FROM conversations WHERE wa_id = @into)',
  moveConversation: 'UPDATE conversations SET wa_id = @into WHERE wa_id = @from',
} as const;

/** An identifier's contact, with the contact's identifier columns (null when the row is missing). */
interface KnownId {
  wa_id: string;
  phone: string | null;
  user_id: string | null;
  parent_user_id: string | null;
  username: string | null;
}

/** True when SQL.setIds would change nothing on the contact (and no username is to be taken from others). */
function unchanged(identity: ContactIdentity, contact: KnownId): boolean {
  const same = (value: string | null | undefined, column: string | null) => value == null || value === column;
  return (
    identity.username == null &&
    same(identity.phone, contact.phone) &&
    same(identity.userId, contact.user_id) &&
    same(identity.parentUserId, contact.parent_user_id)
  );
}

export class PgContacts {
  /**
   * Locks these identifiers (or contact keys) to the end of the transaction, in one order across
   * processes; deadlocks between transactions that lock more later are retried by PgDb.tx.
   */
  async lock(sql: Sql, values: Iterable<string>): Promise<void> {
    const sorted = [...new Set(values)].sort();
    if (sorted.length > 0) await sql.run(SQL.lock, { values: sorted });
  }

  /** The key of the contact an identifier (phone digits, BSUID, parent BSUID) names; the id itself when none. */
  async keyOf(sql: Sql, id: string): Promise<string> {
    return (await sql.get<{ wa_id: string }>(SQL.byAnyId, { id }))?.wa_id ?? id;
  }

  /**
   * The contact these identities of one person name, merging the contacts they name when there are
   * several, and recording the identifiers on it (the last identity's win: a changed number becomes the
   * phone). With `create`, a contact unknown under all of them is created (its key: the first phone,
   * else BSUID); without, null. Must run inside a transaction: it holds the contacts' locks to its end.
   */
  async resolve(
    sql: Sql,
    identities: ContactIdentity | readonly ContactIdentity[],
    now: number,
    options: { create: boolean; why: string; merges: MergeRecord[] },
  ): Promise<string | null> {
    const all = Array.isArray(identities) ? identities : [identities as ContactIdentity];
    const ids = all.flatMap(idsOf);
    const kinds = ids.map(([kind]) => kind);
    const values = ids.map(([, value]) => value);
    const locked = new Set(values);
    await this.lock(sql, locked);
    let keys: string[];
    let found: KnownId[];
    for (;;) {
      found = await sql.all<KnownId>(SQL.lookupAll, { kinds, values });
      keys = [...new Set(found.map((r) => r.wa_id))];
      // a contact another transaction merged away while we waited: look again once its new key is locked too
      const more = keys.filter((k) => !locked.has(k));
      if (more.length === 0) break;
      for (const k of more) locked.add(k);
      await this.lock(sql, more);
    }
    let key: string;
    if (keys.length === 0) {
      if (!options.create || ids.length === 0) return null;
      key = ids[0]![1];
      await sql.run(SQL.createContact, { key, now });
    } else
      key = keys.length === 1 ? keys[0]! : await this.#merge(sql, keys, now, options.why, options.merges);
    // every identifier already this contact's and its columns already saying so: the writes below would
    // change nothing (two round trips less per message of a known customer)
    if (keys.length === 1 && found.length === ids.length && all.length === 1 && unchanged(all[0]!, found[0]!))
      return key;
    if (ids.length > 0) await sql.run(SQL.addIds, { key, kinds, values, now });
    for (const identity of all) {
      const username = identity.username ?? null;
      if (username !== null) await sql.run(SQL.dropUsername, { username, key, now });
      await sql.run(SQL.setIds, {
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
  async #merge(sql: Sql, keys: string[], now: number, why: string, merges: MergeRecord[]): Promise<string> {
    const rows: Array<{ wa_id: string; created_at: number }> = [];
    for (const key of keys)
      rows.push((await sql.get<{ wa_id: string; created_at: number }>(SQL.contactRow, { key }))!);
    rows.sort((a, b) => a.created_at - b.created_at || (a.wa_id < b.wa_id ? -1 : 1));
    const into = rows[0]!.wa_id;
    for (const { wa_id: from } of rows.slice(1)) {
      const gone = (await sql.get<ContactRow>(SQL.contact, { key: from }))!;
      const p = { into, from, now };
      await sql.run(MERGE.contact, p);
      for (const step of [
        MERGE.messages,
        MERGE.autoReplies,
        CSAT_INGEST_SQL.merge,
        MERGE.labels,
        MERGE.dropLabels,
        MERGE.ids,
        MERGE.events,
        MERGE.notes,
      ])
        await sql.run(step, { into, from });
      await sql.run(MERGE.conversation, p);
      await sql.run(MERGE.dropConversation, { into, from });
      await sql.run(MERGE.moveConversation, { into, from });
      await refreshConversation(sql, into);
      await sql.run('DELETE FROM contacts WHERE wa_id = @from', { from });
      await sql.run(SQL.event, {
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
  async setOptOut(
    sql: Sql,
    key: string,
    change: {
      optedOut: boolean;
      source: string;
      at: number;
      dedupe: string;
      detail?: Record<string, unknown>;
    },
    now: number,
  ): Promise<{ logged: boolean; changed: boolean }> {
    const logged = await sql.run(SQL.event, {
      key,
      kind: change.optedOut ? 'opt_out' : 'opt_in',
      detail: JSON.stringify({ source: change.source, ...change.detail }),
      at: change.at,
      dedupe: change.dedupe,
      now,
    });
    if (logged === 0) return { logged: false, changed: false };
    const changed =
      (await sql.run(SQL.optOut, { key, out: change.optedOut, source: change.source, at: change.at, now })) >
      0;
    return { logged: true, changed };
  }

  async get(sql: Sql, key: string): Promise<ContactRecord | null> {
    const row = await sql.get<ContactRow>(SQL.contact, { key });
    return row === undefined ? null : (await this.#records(sql, [row]))[0]!;
  }

  /** See Store.resolveContact. */
  async resolveRef(sql: Sql, ref: string): Promise<ContactRecord> {
    const parsed = parseContactRef(ref);
    if (parsed === null)
      throw invalidInput(`"${ref}" is not a phone number, a business-scoped user id or an @username`, {
        code: 'contact.bad_ref',
        hint: 'give +919876543210, US.13491208655302741918 or @username',
      });
    let key: string | undefined;
    if (parsed.kind === 'username') {
      const rows = await sql.all<{ wa_id: string }>(SQL.byUsername, { username: parsed.value });
      if (rows.length > 1)
        throw invalidInput(`@${parsed.value} names more than one contact`, {
          code: 'contact.ambiguous',
          hint: 'give the phone number or the business-scoped user id instead',
        });
      key = rows[0]?.wa_id;
    } else
      key = (await sql.get<{ wa_id: string }>(SQL.lookup, { kind: parsed.kind, value: parsed.value }))?.wa_id;
    const contact = key === undefined ? null : await this.get(sql, key);
    if (contact === null)
      throw notFound(
        `the store knows no contact ${parsed.kind === 'username' ? '@' : parsed.kind === 'phone' ? '+' : ''}${parsed.value}`,
        { code: 'contact.not_found' },
      );
    return contact;
  }

  async list(sql: Sql, filter: { optedOut?: boolean; limit: number }): Promise<ContactRecord[]> {
    const rows = await sql.all<ContactRow>(
      `SELECT ${CONTACT_COLUMNS} FROM contacts
       ${filter.optedOut === undefined ? '' : `WHERE opted_out_at IS ${filter.optedOut ? 'NOT ' : ''}NULL`}
       ORDER BY created_at DESC, wa_id COLLATE "C" LIMIT @limit`,
      { limit: filter.limit },
    );
    return this.#records(sql, rows);
  }

  async events(sql: Sql, key: string): Promise<ContactEventRecord[]> {
    const rows = await sql.all<{ kind: ContactEventRecord['kind']; detail: string; at: number }>(SQL.events, {
      key,
    });
    return rows.map((e) => ({
      kind: e.kind,
      at: new Date(e.at).toISOString(),
      detail: JSON.parse(e.detail),
    }));
  }

  /** The contacts of these rows with their identifiers, read in one query. */
  async #records(sql: Sql, rows: readonly ContactRow[]): Promise<ContactRecord[]> {
    if (rows.length === 0) return [];
    const ids = new Map<string, Array<{ kind: IdKind; value: string }>>();
    const keys = rows.map((r) => r.wa_id);
    for (const { wa_id, kind, value } of await sql.all<{ wa_id: string; kind: IdKind; value: string }>(
      SQL.idsOf,
      { keys },
    )) {
      const list = ids.get(wa_id) ?? [];
      list.push({ kind, value });
      ids.set(wa_id, list);
    }
    return rows.map((row) => toContact(row, ids.get(row.wa_id) ?? []));
  }
}
