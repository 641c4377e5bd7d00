// The PostgreSQL schema as numbered migrations, numbered as the SQLite ones (./schema.ts): no PostgreSQL
// store predates version 7, so it starts there with the tables SQLite has after 1–7; each later number
// changes both. Never edit a released migration: add the next number.
//
// Conventions as SQLite's: times are BIGINT milliseconds since the epoch (UTC); JSON is TEXT (kept as
// received, byte for byte); wa_id is the contact's key. Ids are identities BY DEFAULT so `wabox db copy`
// keeps them.

/** A channel's schema part (postgres-follow.ts channelName): names are at most 63 bytes. */
const CHANNEL_SUFFIX =
  'CASE WHEN octet_length(TG_TABLE_SCHEMA) <= 55 THEN TG_TABLE_SCHEMA ELSE md5(TG_TABLE_SCHEMA) END';

// The function ingest_inbound in pieces: migration 12 made it of them (its text as released), migration 13
// replaced it with one that tries the whole batch at once before going message by message.
const INGEST_DECLARE = `DECLARE
  m record;
  v_found integer;
  v_keys integer;
  v_key text;
  v_locked boolean;
  v_same boolean;
  v_late boolean;
  v_result text[] := '{}';
  -- the messages to insert (not forgotten), in order; p_at: their place in v_result
  p_at integer[] := '{}';
  p_id text[] := '{}';
  p_key text[] := '{}';
  p_type text[] := '{}';
  p_text text[] := '{}';
  p_payload text[] := '{}';
  p_ts bigint[] := '{}';
  p_reply text[] := '{}';
  p_pni text[] := '{}';
  p_campaign text[] := '{}';
  p_referral text[] := '{}';
  p_now bigint[] := '{}';
  v_seqs bigint[];
`;
const INGEST_STOP_CHECK = `  IF stop_key IS NOT NULL AND (SELECT s.value FROM settings s WHERE s.key = stop_key) IS DISTINCT FROM stop_value THEN
    RAISE EXCEPTION 'the stop keywords changed' USING ERRCODE = 'WB002';
  END IF;
`;
/** Each message in order: its contact resolved, created or completed, its fields collected in the arrays. */
const INGEST_EACH = `  FOR m IN SELECT * FROM json_to_recordset(batch) AS x (id text, digest text, kinds text[], vals text[],
      locks text[], phone text, user_id text, parent_user_id text, name text, msg_type text, msg_text text,
      payload text, ts bigint, reply_to text, phone_number_id text, campaign text, referral text, now bigint,
      csat_since bigint)
  LOOP
    IF EXISTS (SELECT 1 FROM forgotten_messages f WHERE f.digest = m.digest) THEN
      v_result := array_append(v_result, NULL::text);
      CONTINUE;
    END IF;
    PERFORM pg_advisory_xact_lock(hashtext('wabox.contact:' || v)) FROM unnest(m.locks) AS v;
    SELECT count(*), count(DISTINCT i.wa_id), min(i.wa_id), bool_and(i.wa_id = ANY (m.vals)),
        bool_and((m.phone IS NULL OR m.phone IS NOT DISTINCT FROM c.phone)
          AND (m.user_id IS NULL OR m.user_id IS NOT DISTINCT FROM c.user_id)
          AND (m.parent_user_id IS NULL OR m.parent_user_id IS NOT DISTINCT FROM c.parent_user_id))
      INTO v_found, v_keys, v_key, v_locked, v_same
      FROM unnest(m.kinds, m.vals) AS t (kind, value)
      JOIN contact_ids i ON i.kind = t.kind AND i.value = t.value LEFT JOIN contacts c ON c.wa_id = i.wa_id;
    IF v_keys > 1 OR (v_keys = 1 AND NOT v_locked) OR cardinality(m.vals) = 0 THEN
      RAISE EXCEPTION 'a contact to merge or look up again' USING ERRCODE = 'WB001';
    END IF;
    IF v_keys = 0 THEN
      v_key := m.vals[1];
      INSERT INTO contacts (wa_id, created_at, updated_at) VALUES (v_key, m.now, m.now)
        ON CONFLICT (wa_id) DO NOTHING;
    END IF;
    IF v_keys = 0 OR v_found <> cardinality(m.vals) OR NOT v_same THEN
      INSERT INTO contact_ids (kind, value, wa_id, created_at)
        SELECT t.kind, t.value, v_key, m.now FROM unnest(m.kinds, m.vals) AS t (kind, value)
        ON CONFLICT (kind, value) DO NOTHING;
      UPDATE contacts c SET phone = coalesce(m.phone, c.phone), user_id = coalesce(m.user_id, c.user_id),
          parent_user_id = coalesce(m.parent_user_id, c.parent_user_id), updated_at = m.now
        WHERE c.wa_id = v_key AND (c.phone IS DISTINCT FROM coalesce(m.phone, c.phone)
          OR c.user_id IS DISTINCT FROM coalesce(m.user_id, c.user_id)
          OR c.parent_user_id IS DISTINCT FROM coalesce(m.parent_user_id, c.parent_user_id));
    END IF;
    INSERT INTO contacts AS t (wa_id, name, first_seen_at, created_at, updated_at)
      VALUES (v_key, m.name, m.ts, m.now, m.now)
      ON CONFLICT (wa_id) DO UPDATE SET
        name = coalesce(EXCLUDED.name, t.name),
        first_seen_at = LEAST(coalesce(t.first_seen_at, EXCLUDED.first_seen_at), EXCLUDED.first_seen_at),
        updated_at = EXCLUDED.updated_at
      WHERE (EXCLUDED.name IS NOT NULL AND EXCLUDED.name IS DISTINCT FROM t.name)
        OR t.first_seen_at IS NULL OR EXCLUDED.first_seen_at < t.first_seen_at;
    IF m.csat_since IS NOT NULL AND EXISTS (SELECT 1 FROM csat c WHERE c.wa_id = v_key AND c.state = 'answered'
        AND c.comment IS NULL AND c.answered_at BETWEEN m.csat_since AND m.ts) THEN
      RAISE EXCEPTION 'maybe a comment on a satisfaction answer' USING ERRCODE = 'WB001';
    END IF;
    v_result := array_append(v_result, v_key);
    p_at := array_append(p_at, cardinality(v_result));
    p_id := array_append(p_id, m.id);
    p_key := array_append(p_key, v_key);
    p_type := array_append(p_type, m.msg_type);
    p_text := array_append(p_text, m.msg_text);
    p_payload := array_append(p_payload, m.payload);
    p_ts := array_append(p_ts, m.ts);
    p_reply := array_append(p_reply, m.reply_to);
    p_pni := array_append(p_pni, m.phone_number_id);
    p_campaign := array_append(p_campaign, m.campaign);
    p_referral := array_append(p_referral, m.referral);
    p_now := array_append(p_now, m.now);
  END LOOP;
`;
/** The collected messages inserted in one statement, their conversations in one per round. */
const INGEST_STORE = `  IF cardinality(p_id) = 0 THEN
    RETURN v_result;
  END IF;
  -- in order, so seq follows the batch; a wamid twice in it: the first is stored, the second is known
  WITH inserted AS (
    INSERT INTO messages (wamid, direction, wa_id, type, text, payload, timestamp, status, status_at,
        reply_to, phone_number_id, created_at)
      SELECT u.id, 'in', u.key, u.type, u.text, u.payload, u.ts, 'received', u.ts, u.reply, u.pni, u.now
      FROM unnest(p_id, p_key, p_type, p_text, p_payload, p_ts, p_reply, p_pni, p_now) WITH ORDINALITY
        AS u (id, key, type, text, payload, ts, reply, pni, now, n)
      ORDER BY u.n
      ON CONFLICT (wamid) DO NOTHING
      RETURNING wamid, seq)
  SELECT array_agg(i.seq ORDER BY u.n) INTO v_seqs
    FROM unnest(p_id) WITH ORDINALITY AS u (id, n) LEFT JOIN inserted i ON i.wamid = u.id;
  FOR k IN 1 .. cardinality(p_id) LOOP
    IF v_seqs[k] IS NOT NULL AND p_id[k] = ANY (p_id[1:k - 1]) THEN
      v_seqs[k] := NULL;
    END IF;
    IF v_seqs[k] IS NULL THEN
      v_result[p_at[k]] := NULL;
    END IF;
  END LOOP;
  -- the conversations of the stored messages, a statement per round: the r-th stored message of each
  -- contact (one statement cannot update a row twice); a batch of different contacts is one round
  v_late := false;
  FOR r IN 1 .. coalesce((SELECT max(c.n) FROM (SELECT count(*) AS n FROM unnest(p_key, v_seqs) AS u (key, seq)
      WHERE u.seq IS NOT NULL GROUP BY u.key) AS c), 0) LOOP
    WITH ranked AS (
      SELECT u.*, row_number() OVER (PARTITION BY u.key ORDER BY u.n) AS round
        FROM unnest(p_key, p_campaign, p_referral, p_ts, v_seqs, p_now) WITH ORDINALITY
          AS u (key, campaign, referral, ts, seq, now, n)
        WHERE u.seq IS NOT NULL),
    updated AS (
      INSERT INTO conversations AS t (wa_id, campaign, referral, last_inbound_at, last_message_at,
          last_seq, unread, awaiting_since, created_at, updated_at)
        SELECT u.key, u.campaign, u.referral, u.ts, u.ts, u.seq, 1, u.ts, u.now, u.now
        FROM ranked u
        WHERE u.round = r
        ORDER BY u.n
        ON CONFLICT (wa_id) DO UPDATE SET
          campaign = coalesce(EXCLUDED.campaign, t.campaign),
          referral = coalesce(EXCLUDED.referral, t.referral),
          last_inbound_at = GREATEST(coalesce(t.last_inbound_at, EXCLUDED.last_inbound_at), EXCLUDED.last_inbound_at),
          last_seq = CASE WHEN t.last_message_at IS NULL OR EXCLUDED.last_message_at >= t.last_message_at
            THEN EXCLUDED.last_seq ELSE t.last_seq END,
          last_message_at = GREATEST(coalesce(t.last_message_at, EXCLUDED.last_message_at), EXCLUDED.last_message_at),
          unread = t.unread + 1,
          awaiting_since = CASE WHEN EXCLUDED.awaiting_since > coalesce(t.last_answer_at, -1)
            THEN LEAST(coalesce(t.awaiting_since, EXCLUDED.awaiting_since), EXCLUDED.awaiting_since)
            ELSE t.awaiting_since END,
          status = 'open',
          updated_at = EXCLUDED.updated_at
        RETURNING t.wa_id, t.last_answer_at)
    SELECT v_late OR coalesce(bool_or(d.last_answer_at IS NOT NULL AND u.ts <= d.last_answer_at), false) INTO v_late
      FROM updated d JOIN ranked u ON u.key = d.wa_id AND u.round = r;
  END LOOP;
  IF v_late THEN
    RAISE EXCEPTION 'a message older than an answer' USING ERRCODE = 'WB001';
  END IF;
  RETURN v_result;
END $$;
`;

export interface PgMigration {
  version: number;
  name: string;
  sql: string;
}

export const PG_MIGRATIONS: readonly PgMigration[] = [
  {
    version: 7,
    name: 'baseline: contacts, conversations, messages, statuses, auto replies, notes, agents (SQLite 1-7)',
    sql: `
CREATE TABLE contacts (
  wa_id               TEXT PRIMARY KEY,
  name                TEXT,
  first_seen_at       BIGINT,
  opted_out_at        BIGINT,
  created_at          BIGINT NOT NULL,
  updated_at          BIGINT NOT NULL,
  phone               TEXT,
  user_id             TEXT,
  parent_user_id      TEXT,
  username            TEXT,
  opt_out_source      TEXT,
  opt_out_changed_at  BIGINT
);
CREATE INDEX contacts_username ON contacts (lower(username)) WHERE username IS NOT NULL;

CREATE TABLE contact_ids (
  kind        TEXT NOT NULL CHECK (kind IN ('phone', 'user_id', 'parent_user_id')),
  value       TEXT NOT NULL,
  wa_id       TEXT NOT NULL REFERENCES contacts (wa_id) ON DELETE CASCADE,
  created_at  BIGINT NOT NULL,
  PRIMARY KEY (kind, value)
);
CREATE INDEX contact_ids_contact ON contact_ids (wa_id);

CREATE TABLE contact_events (
  id          BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  wa_id       TEXT NOT NULL REFERENCES contacts (wa_id) ON DELETE CASCADE,
  kind        TEXT NOT NULL CHECK (kind IN ('merge', 'opt_out', 'opt_in')),
  detail      TEXT NOT NULL,
  at          BIGINT NOT NULL,
  dedupe      TEXT UNIQUE,
  created_at  BIGINT NOT NULL
);
CREATE INDEX contact_events_contact ON contact_events (wa_id, at);

CREATE TABLE conversations (
  id                      BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  wa_id                   TEXT NOT NULL UNIQUE REFERENCES contacts (wa_id) ON DELETE CASCADE,
  status                  TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved')),
  assignee                TEXT,
  campaign                TEXT,
  referral                TEXT,
  last_inbound_at         BIGINT,
  last_outbound_at        BIGINT,
  last_message_at         BIGINT,
  unread                  INTEGER NOT NULL DEFAULT 0 CHECK (unread >= 0),
  handoff_at              BIGINT,
  created_at              BIGINT NOT NULL,
  updated_at              BIGINT NOT NULL,
  last_seq                BIGINT,
  last_answer_at          BIGINT,
  awaiting_since          BIGINT,
  response_awaited_since  BIGINT,
  response_at             BIGINT
);
CREATE INDEX conversations_recent ON conversations ((coalesce(last_message_at, created_at)), id);
CREATE INDEX conversations_unread ON conversations ((coalesce(last_message_at, created_at)), id) WHERE unread > 0;
CREATE INDEX conversations_awaiting ON conversations ((coalesce(last_message_at, created_at)), id)
  WHERE status = 'open' AND awaiting_since IS NOT NULL;
CREATE INDEX conversations_assignee ON conversations (assignee, (coalesce(last_message_at, created_at)), id)
  WHERE assignee IS NOT NULL;

-- a label's conversations in the inbox's order: each label row carries its conversation's place
CREATE TABLE contact_labels (
  wa_id            TEXT NOT NULL REFERENCES contacts (wa_id) ON DELETE CASCADE,
  label            TEXT NOT NULL,
  created_at       BIGINT NOT NULL,
  sort_at          BIGINT,
  conversation_id  BIGINT,
  PRIMARY KEY (wa_id, label)
);
CREATE INDEX contact_labels_label ON contact_labels (label);
CREATE INDEX contact_labels_inbox ON contact_labels (label, sort_at, conversation_id);
CREATE FUNCTION contact_label_place() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  SELECT coalesce(c.last_message_at, c.created_at), c.id INTO NEW.sort_at, NEW.conversation_id FROM conversations c WHERE c.wa_id = NEW.wa_id;
  RETURN NEW;
END $$;
CREATE TRIGGER contact_labels_added BEFORE INSERT ON contact_labels
  FOR EACH ROW EXECUTE FUNCTION contact_label_place();
CREATE FUNCTION conversation_label_place() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE contact_labels SET sort_at = coalesce(NEW.last_message_at, NEW.created_at), conversation_id = NEW.id
    WHERE wa_id = NEW.wa_id;
  RETURN NULL;
END $$;
CREATE TRIGGER contact_labels_conversation_new AFTER INSERT ON conversations
  FOR EACH ROW EXECUTE FUNCTION conversation_label_place();
CREATE TRIGGER contact_labels_conversation_moved AFTER UPDATE OF last_message_at, created_at, wa_id ON conversations
  FOR EACH ROW WHEN (OLD.last_message_at IS DISTINCT FROM NEW.last_message_at
    OR OLD.created_at IS DISTINCT FROM NEW.created_at OR OLD.wa_id IS DISTINCT FROM NEW.wa_id)
  EXECUTE FUNCTION conversation_label_place();

CREATE TABLE messages (
  seq               BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  wamid             TEXT NOT NULL UNIQUE,
  direction         TEXT NOT NULL CHECK (direction IN ('in', 'out')),
  wa_id             TEXT NOT NULL REFERENCES contacts (wa_id),
  type              TEXT NOT NULL,
  text              TEXT,
  payload           TEXT,
  timestamp         BIGINT NOT NULL,
  status            TEXT NOT NULL CHECK (status IN
                      ('accepted', 'failed', 'sent', 'delivered', 'read', 'played', 'received')),
  status_at         BIGINT,
  error             TEXT,
  reply_to          TEXT,
  reason            TEXT,
  phone_number_id   TEXT,
  created_at        BIGINT NOT NULL,
  pricing_model     TEXT,
  pricing_type      TEXT,
  pricing_category  TEXT
);
CREATE INDEX messages_contact_time ON messages (wa_id, timestamp);
CREATE INDEX messages_time ON messages (timestamp);
CREATE INDEX messages_status ON messages (status, timestamp);

CREATE TABLE status_events (
  id               BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  wamid            TEXT NOT NULL,
  status           TEXT NOT NULL,
  timestamp        BIGINT NOT NULL,
  recipient_wa_id  TEXT,
  error            TEXT,
  payload          TEXT,
  received_at      BIGINT NOT NULL,
  pricing          TEXT,
  UNIQUE (wamid, status)
);

CREATE TABLE auto_replies (
  id              BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  inbound_wamid   TEXT NOT NULL,
  wa_id           TEXT NOT NULL REFERENCES contacts (wa_id),
  kind            TEXT NOT NULL CHECK (kind IN ('greeting', 'away', 'keyword')),
  reason          TEXT NOT NULL,
  rule            TEXT,
  state           TEXT NOT NULL CHECK (state IN ('pending', 'sent', 'failed', 'skipped', 'dry-run')),
  outbound_wamid  TEXT,
  error           TEXT,
  created_at      BIGINT NOT NULL,
  updated_at      BIGINT NOT NULL,
  UNIQUE (inbound_wamid, reason)
);
CREATE INDEX auto_replies_contact ON auto_replies (wa_id, kind, created_at);

CREATE TABLE raw_events (
  id           BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  field        TEXT NOT NULL,
  reason       TEXT NOT NULL,
  payload      TEXT NOT NULL,
  digest       TEXT NOT NULL UNIQUE,
  received_at  BIGINT NOT NULL
);
CREATE INDEX raw_events_field ON raw_events (field, received_at);

CREATE TABLE settings (
  key         TEXT PRIMARY KEY,
  value       TEXT NOT NULL,
  updated_at  BIGINT NOT NULL
);

CREATE TABLE notes (
  id          BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  wa_id       TEXT NOT NULL REFERENCES contacts (wa_id) ON DELETE CASCADE,
  author      TEXT,
  text        TEXT NOT NULL,
  created_at  BIGINT NOT NULL
);
CREATE INDEX notes_contact_time ON notes (wa_id, created_at);

CREATE TABLE agents (
  name        TEXT PRIMARY KEY,
  email       TEXT,
  hours       TEXT,
  time_zone   TEXT NOT NULL,
  available   INTEGER NOT NULL DEFAULT 1 CHECK (available IN (0, 1)),
  created_at  BIGINT NOT NULL,
  updated_at  BIGINT NOT NULL
);
`,
  },
  {
    version: 8,
    name: 'erasing a contact: an erasure record without personal data, and the digests of their wamids',
    sql: `
CREATE TABLE erasures (
  id          TEXT PRIMARY KEY,
  at          BIGINT NOT NULL,
  counts      TEXT NOT NULL
);

CREATE TABLE forgotten_messages (
  digest      TEXT PRIMARY KEY,
  erasure_id  TEXT NOT NULL REFERENCES erasures (id),
  created_at  BIGINT NOT NULL
);
`,
  },
  {
    version: 9,
    name: 'live views: NOTIFY at commit of new messages and changed conversations (SQLite polls)',
    // Statement-level triggers with transition tables: one notification per statement (identical ones in a
    // transaction are sent once), delivered at commit, so a follower learns of a transaction that commits
    // after a later seq's. Channels: see postgres-follow.ts channelName; a payload stays under the 8000
    // bytes NOTIFY allows (a bigger set of keys is sent as "*": re-read them all).
    sql: `
CREATE FUNCTION messages_notify() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE lo BIGINT; hi BIGINT;
BEGIN
  SELECT min(seq), max(seq) INTO lo, hi FROM new_rows;
  IF lo IS NOT NULL THEN
    PERFORM pg_notify('wabox_m_' || ${CHANNEL_SUFFIX}, json_build_object('min', lo, 'max', hi)::text);
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER messages_notify AFTER INSERT ON messages REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION messages_notify();
CREATE FUNCTION conversations_notify() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE keys TEXT;
BEGIN
  SELECT json_agg(DISTINCT wa_id ORDER BY wa_id)::text INTO keys FROM changed_rows;
  IF keys IS NOT NULL THEN
    PERFORM pg_notify('wabox_c_' || ${CHANNEL_SUFFIX}, CASE WHEN octet_length(keys) > 7900 THEN '*' ELSE keys END);
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER conversations_notify_insert AFTER INSERT ON conversations REFERENCING NEW TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION conversations_notify();
CREATE TRIGGER conversations_notify_update AFTER UPDATE ON conversations REFERENCING NEW TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION conversations_notify();
CREATE TRIGGER contacts_notify_update AFTER UPDATE ON contacts REFERENCING NEW TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION conversations_notify();
CREATE TRIGGER contact_labels_notify_insert AFTER INSERT ON contact_labels REFERENCING NEW TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION conversations_notify();
CREATE TRIGGER contact_labels_notify_delete AFTER DELETE ON contact_labels REFERENCING OLD TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION conversations_notify();
`,
  },
  {
    version: 10,
    name: 'campaigns: a template to many recipients, each recipient a row with its own state',
    sql: `
CREATE TABLE campaigns (
  id            BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  name          TEXT NOT NULL UNIQUE,
  template      TEXT NOT NULL,
  language      TEXT NOT NULL,
  category      TEXT,
  definition    TEXT NOT NULL,
  mapping       TEXT NOT NULL,
  ref           TEXT,
  rate          INTEGER NOT NULL CHECK (rate BETWEEN 1 AND 1000),
  start_at      BIGINT,
  within_hours  INTEGER NOT NULL DEFAULT 0 CHECK (within_hours IN (0, 1)),
  state         TEXT NOT NULL CHECK (state IN ('ready', 'running', 'paused', 'cancelled', 'done')),
  lease_owner   TEXT,
  lease_until   BIGINT,
  created_at    BIGINT NOT NULL,
  updated_at    BIGINT NOT NULL
);

CREATE TABLE campaign_recipients (
  campaign_id   BIGINT NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
  row_no        INTEGER NOT NULL,
  wa_id         TEXT NOT NULL,
  values_json   TEXT NOT NULL,
  state         TEXT NOT NULL CHECK (state IN ('pending', 'sending', 'accepted', 'failed', 'unknown', 'skipped')),
  reason        TEXT,
  error_code    INTEGER,
  wamid         TEXT,
  attempts      INTEGER NOT NULL DEFAULT 0,
  not_before    BIGINT,
  sent_at       BIGINT,
  updated_at    BIGINT NOT NULL,
  PRIMARY KEY (campaign_id, row_no)
);
CREATE UNIQUE INDEX campaign_recipients_once ON campaign_recipients (campaign_id, wa_id) WHERE state <> 'skipped';
CREATE INDEX campaign_recipients_due ON campaign_recipients (campaign_id, state, row_no);
CREATE INDEX campaign_recipients_wamid ON campaign_recipients (wamid) WHERE wamid IS NOT NULL;
`,
  },
  {
    version: 11,
    name: 'customer satisfaction: one question per resolution, its answer and comment',
    sql: `
CREATE TABLE csat (
  id             BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  wa_id          TEXT NOT NULL REFERENCES contacts(wa_id) ON DELETE CASCADE,
  period         BIGINT NOT NULL,
  agent          TEXT,
  resolved_at    BIGINT NOT NULL,
  due_at         BIGINT NOT NULL,
  state          TEXT NOT NULL CHECK (state IN ('pending', 'asked', 'answered', 'skipped')),
  taken_at       BIGINT,
  asked_at       BIGINT,
  question_wamid TEXT,
  answered_at    BIGINT,
  score          INTEGER CHECK (score BETWEEN 1 AND 5),
  answer_wamid   TEXT,
  comment        TEXT,
  comment_at     BIGINT,
  comment_wamid  TEXT,
  reason         TEXT,
  created_at     BIGINT NOT NULL,
  updated_at     BIGINT NOT NULL,
  UNIQUE (wa_id, period)
);
CREATE INDEX csat_due ON csat (state, due_at);
CREATE INDEX csat_resolved ON csat (resolved_at);
`,
  },
  {
    version: 12,
    name: 'webhook ingest in one call: the customer messages of a batch stored by a function, one round trip',
    sql: `
-- PgWebhookWriter.inbound's statements for the common case, run on the server: each message's round
-- trips cost more CPU (the socket writes, the protocol on both sides) than its statements. Each message's
-- contact is resolved in order as inbound() does; then the messages are inserted in one statement, in
-- order, and their conversations updated in one (one per message when a contact has several): the
-- statements and triggers run once per batch, and the rows end as inbound() leaves them. Whatever this
-- does not handle (merging contacts, a contact key not among the message's identifiers, a late message,
-- a text that may comment on a satisfaction answer, stop keywords changed since the caller read them) raises WB001/WB002: nothing is kept, and the caller
-- writes the batch the general way. The batch: one object per message, in order (see the caller); the
-- result: per message, its contact's key, or NULL when its wamid is known or forgotten.
CREATE FUNCTION ingest_inbound(batch json, stop_key text, stop_value text) RETURNS text[]
LANGUAGE plpgsql AS $$
${INGEST_DECLARE}BEGIN
${INGEST_STOP_CHECK}${INGEST_EACH}${INGEST_STORE}`,
  },
  {
    version: 13,
    name: 'webhook ingest in one call: known customers resolved for the whole batch, not message by message',
    sql: `
-- Migration 12's function with a way for the usual batch: when every message comes from a customer
-- already known by all of its identifiers, each customer once, their contacts are resolved, touched and
-- checked in a few statements for the whole batch (a statement per message cost more than the rest of the
-- batch); any other batch goes message by message as before. Every contact lock of the batch is taken
-- first, in order. Same arguments, result and rows as migration 12's.
CREATE OR REPLACE FUNCTION ingest_inbound(batch json, stop_key text, stop_value text) RETURNS text[]
LANGUAGE plpgsql AS $$
${INGEST_DECLARE}  v_known boolean;
  p_name text[];
  p_csat bigint[];
BEGIN
${INGEST_STOP_CHECK}  -- the usual batch: every customer known by all of the message's identifiers (nothing to add or merge),
  -- each once; resolved for the whole batch in a few statements instead of several per message
  PERFORM pg_advisory_xact_lock(hashtext('wabox.contact:' || l.v))
    FROM (SELECT DISTINCT v FROM json_to_recordset(batch) AS x (locks text[]), unnest(x.locks) AS v ORDER BY v) AS l;
  WITH batch_rows AS MATERIALIZED (
    SELECT * FROM ROWS FROM (json_to_recordset(batch) AS (id text, digest text, kinds text[], vals text[],
        phone text, user_id text, parent_user_id text, name text, msg_type text, msg_text text, payload text,
        ts bigint, reply_to text, phone_number_id text, campaign text, referral text, now bigint,
        csat_since bigint)) WITH ORDINALITY AS b (id, digest, kinds, vals, phone, user_id, parent_user_id,
        name, msg_type, msg_text, payload, ts, reply_to, phone_number_id, campaign, referral, now,
        csat_since, n))
  SELECT coalesce(bool_and(r.known OR r.gone) AND count(DISTINCT r.key) FILTER (WHERE NOT r.gone)
        = count(*) FILTER (WHERE NOT r.gone), false),
      array_agg(CASE WHEN r.gone THEN NULL ELSE r.key END ORDER BY r.n),
      coalesce(array_agg(r.n ORDER BY r.n) FILTER (WHERE NOT r.gone), '{}'),
      coalesce(array_agg(r.id ORDER BY r.n) FILTER (WHERE NOT r.gone), '{}'),
      coalesce(array_agg(r.key ORDER BY r.n) FILTER (WHERE NOT r.gone), '{}'),
      coalesce(array_agg(r.msg_type ORDER BY r.n) FILTER (WHERE NOT r.gone), '{}'),
      coalesce(array_agg(r.msg_text ORDER BY r.n) FILTER (WHERE NOT r.gone), '{}'),
      coalesce(array_agg(r.payload ORDER BY r.n) FILTER (WHERE NOT r.gone), '{}'),
      coalesce(array_agg(r.ts ORDER BY r.n) FILTER (WHERE NOT r.gone), '{}'),
      coalesce(array_agg(r.reply_to ORDER BY r.n) FILTER (WHERE NOT r.gone), '{}'),
      coalesce(array_agg(r.phone_number_id ORDER BY r.n) FILTER (WHERE NOT r.gone), '{}'),
      coalesce(array_agg(r.campaign ORDER BY r.n) FILTER (WHERE NOT r.gone), '{}'),
      coalesce(array_agg(r.referral ORDER BY r.n) FILTER (WHERE NOT r.gone), '{}'),
      coalesce(array_agg(r.now ORDER BY r.n) FILTER (WHERE NOT r.gone), '{}'),
      coalesce(array_agg(r.name ORDER BY r.n) FILTER (WHERE NOT r.gone), '{}'),
      coalesce(array_agg(r.csat_since ORDER BY r.n) FILTER (WHERE NOT r.gone), '{}')
    INTO v_known, v_result, p_at, p_id, p_key, p_type, p_text, p_payload, p_ts, p_reply, p_pni, p_campaign,
      p_referral, p_now, p_name, p_csat
    FROM (SELECT b.*, EXISTS (SELECT 1 FROM forgotten_messages f WHERE f.digest = b.digest) AS gone,
        coalesce(k.keys = 1 AND k.locked AND k.found = cardinality(b.vals) AND k.same, false) AS known, k.key
      FROM batch_rows AS b LEFT JOIN (
        SELECT x.n, count(*) AS found, count(DISTINCT i.wa_id) AS keys, min(i.wa_id) AS key,
            bool_and(i.wa_id = ANY (x.vals)) AS locked,
            bool_and((x.phone IS NULL OR x.phone IS NOT DISTINCT FROM c.phone)
              AND (x.user_id IS NULL OR x.user_id IS NOT DISTINCT FROM c.user_id)
              AND (x.parent_user_id IS NULL OR x.parent_user_id IS NOT DISTINCT FROM c.parent_user_id)) AS same
          FROM batch_rows AS x CROSS JOIN LATERAL unnest(x.kinds, x.vals) AS t (kind, value)
          JOIN contact_ids i ON i.kind = t.kind AND i.value = t.value LEFT JOIN contacts c ON c.wa_id = i.wa_id
          GROUP BY x.n
      ) AS k ON k.n = b.n) AS r;
  IF v_known THEN
    INSERT INTO contacts AS t (wa_id, name, first_seen_at, created_at, updated_at)
      SELECT u.key, u.name, u.ts, u.now, u.now FROM unnest(p_key, p_name, p_ts, p_now) AS u (key, name, ts, now)
      ON CONFLICT (wa_id) DO UPDATE SET
        name = coalesce(EXCLUDED.name, t.name),
        first_seen_at = LEAST(coalesce(t.first_seen_at, EXCLUDED.first_seen_at), EXCLUDED.first_seen_at),
        updated_at = EXCLUDED.updated_at
      WHERE (EXCLUDED.name IS NOT NULL AND EXCLUDED.name IS DISTINCT FROM t.name)
        OR t.first_seen_at IS NULL OR EXCLUDED.first_seen_at < t.first_seen_at;
    IF EXISTS (SELECT 1 FROM unnest(p_key, p_ts, p_csat) AS u (key, ts, since)
        JOIN csat c ON c.wa_id = u.key AND c.state = 'answered' AND c.comment IS NULL
          AND c.answered_at BETWEEN u.since AND u.ts) THEN
      RAISE EXCEPTION 'maybe a comment on a satisfaction answer' USING ERRCODE = 'WB001';
    END IF;
  ELSE
    -- a new customer, a new identifier, a customer twice: message by message, in order
    v_result := '{}'; p_at := '{}'; p_id := '{}'; p_key := '{}'; p_type := '{}'; p_text := '{}';
    p_payload := '{}'; p_ts := '{}'; p_reply := '{}'; p_pni := '{}'; p_campaign := '{}'; p_referral := '{}';
    p_now := '{}';
${INGEST_EACH}  END IF;
${INGEST_STORE}`,
  },
];

export const PG_LATEST_VERSION = PG_MIGRATIONS[PG_MIGRATIONS.length - 1]!.version;
