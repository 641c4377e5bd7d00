// The SQLite schema as numbered migrations (DESIGN.md §6). Each runs once, in order, inside one
// IMMEDIATE transaction with its row in schema_migrations; PRAGMA user_version holds the latest applied.
// Never edit a released migration: add the next number.
//
// Conventions: times are INTEGER milliseconds since the epoch (UTC); JSON is TEXT; wa_id is digits only;
// booleans are INTEGER 0/1.
import { labelOrderSql, recomputeSql } from './sqlite-conversation-state.js';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'initial schema: contacts, conversations, messages, status events, auto replies, raw events',
    sql: `
CREATE TABLE contacts (
  wa_id          TEXT PRIMARY KEY,
  name           TEXT,                      -- the WhatsApp profile name, or one set by an agent
  first_seen_at  INTEGER,                   -- their first inbound message (null: never wrote to us)
  last_seen_at   INTEGER,                   -- their latest inbound message
  opted_out_at   INTEGER,                   -- null, or when they asked not to be contacted
  created_at     INTEGER NOT NULL,
  updated_at     INTEGER NOT NULL
) STRICT;

CREATE TABLE contact_labels (
  wa_id       TEXT NOT NULL REFERENCES contacts(wa_id) ON DELETE CASCADE,
  label       TEXT NOT NULL,
  created_at  INTEGER NOT NULL,
  PRIMARY KEY (wa_id, label)
) STRICT, WITHOUT ROWID;
CREATE INDEX contact_labels_label ON contact_labels(label);

-- One conversation (thread) per contact: the inbox lists these.
CREATE TABLE conversations (
  id                INTEGER PRIMARY KEY,
  wa_id             TEXT NOT NULL UNIQUE REFERENCES contacts(wa_id) ON DELETE CASCADE,
  status            TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved')),
  assignee          TEXT,
  campaign          TEXT,                   -- a wabox link --ref code from an inbound message
  referral          TEXT,                   -- JSON: a click-to-WhatsApp ad referral
  last_inbound_at   INTEGER,                -- the 24-hour window derives from it
  last_outbound_at  INTEGER,
  last_message_at   INTEGER,
  unread            INTEGER NOT NULL DEFAULT 0 CHECK (unread >= 0),
  handoff_at        INTEGER,                -- a hand-off keyword stopped automatic replies
  created_at        INTEGER NOT NULL,
  updated_at        INTEGER NOT NULL
) STRICT;
CREATE INDEX conversations_last_message ON conversations(last_message_at DESC);

CREATE TABLE messages (
  seq              INTEGER PRIMARY KEY,     -- insertion order (--follow resumes from it)
  wamid            TEXT NOT NULL UNIQUE,    -- or local.<uuid> for a send the API refused
  direction        TEXT NOT NULL CHECK (direction IN ('in', 'out')),
  wa_id            TEXT NOT NULL REFERENCES contacts(wa_id),
  type             TEXT NOT NULL,
  text             TEXT,                    -- text, caption or a one-line summary
  payload          TEXT,                    -- JSON: the request body sent, or the message received
  timestamp        INTEGER NOT NULL,        -- sent (out) or WhatsApp's timestamp (in)
  status           TEXT NOT NULL CHECK (status IN
                     ('accepted', 'failed', 'sent', 'delivered', 'read', 'played', 'received')),
  status_at        INTEGER,
  error            TEXT,                    -- JSON {code, title, details}
  reply_to         TEXT,                    -- context.message_id
  reason           TEXT,                    -- greeting | away | keyword:<rule>; null for a person
  phone_number_id  TEXT,                    -- the business number
  created_at       INTEGER NOT NULL
) STRICT;
CREATE INDEX messages_contact_time ON messages(wa_id, timestamp);
CREATE INDEX messages_time ON messages(timestamp);
CREATE INDEX messages_status ON messages(status);

-- Every status the webhook delivered, once: redeliveries hit the UNIQUE constraint.
CREATE TABLE status_events (
  id               INTEGER PRIMARY KEY,
  wamid            TEXT NOT NULL,           -- no foreign key: statuses of messages sent elsewhere arrive too
  status           TEXT NOT NULL,
  timestamp        INTEGER NOT NULL,
  recipient_wa_id  TEXT,
  error            TEXT,                    -- JSON {code, title, details}
  payload          TEXT,
  received_at      INTEGER NOT NULL,
  UNIQUE (wamid, status)
) STRICT;

-- What wabox sent by itself and why. UNIQUE (inbound_wamid, reason): a reply is claimed here before it
-- is sent, so a redelivered webhook or a restart never sends it twice.
CREATE TABLE auto_replies (
  id              INTEGER PRIMARY KEY,
  inbound_wamid   TEXT NOT NULL,            -- the message that triggered it
  wa_id           TEXT NOT NULL REFERENCES contacts(wa_id),
  kind            TEXT NOT NULL CHECK (kind IN ('greeting', 'away', 'keyword')),
  reason          TEXT NOT NULL,            -- greeting | away | keyword:<rule>
  rule            TEXT,                     -- the template or keyword rule used
  state           TEXT NOT NULL CHECK (state IN ('pending', 'sent', 'failed', 'skipped', 'dry-run')),
  outbound_wamid  TEXT,                     -- the message sent, once it is
  error           TEXT,                     -- JSON
  created_at      INTEGER NOT NULL,
  updated_at      INTEGER NOT NULL,
  UNIQUE (inbound_wamid, reason)
) STRICT;
CREATE INDEX auto_replies_contact ON auto_replies(wa_id, kind, created_at);

-- Webhook parts wabox does not understand, kept as they came. digest = sha256 of field + payload, so a
-- redelivery is stored once.
CREATE TABLE raw_events (
  id           INTEGER PRIMARY KEY,
  field        TEXT NOT NULL,
  reason       TEXT NOT NULL,
  payload      TEXT NOT NULL,
  digest       TEXT NOT NULL UNIQUE,
  received_at  INTEGER NOT NULL
) STRICT;

-- Store-wide settings shared by everyone using this store (e.g. automatic reply rules): key -> JSON.
CREATE TABLE settings (
  key         TEXT PRIMARY KEY,
  value       TEXT NOT NULL,
  updated_at  INTEGER NOT NULL
) STRICT;
`,
  },
  {
    version: 2,
    name: 'less written per inbound message: no index on conversations.last_message_at, no contacts.last_seen_at',
    // Every inbound message rewrote both and nothing used them: the inbox sorts on
    // coalesce(last_message_at, created_at), which that index cannot serve, and
    // conversations.last_inbound_at holds when a customer last wrote.
    sql: `
DROP INDEX conversations_last_message;
ALTER TABLE contacts DROP COLUMN last_seen_at;
`,
  },
  {
    version: 3,
    name: 'a contact is a person: identifiers (phone, BSUID, parent BSUID, username), opt-out source, pricing, contact events',
    // contacts.wa_id stays the contact's key (phone digits for the contacts of earlier releases, else the
    // identifier it was first seen with); contact_ids maps every identifier ever seen to it, so a message
    // carrying any of them finds its contact, and two contacts of one person merge into one key.
    sql: `
ALTER TABLE contacts ADD COLUMN phone TEXT;            -- digits; the latest one known
ALTER TABLE contacts ADD COLUMN user_id TEXT;          -- the business-scoped user id (BSUID), latest
ALTER TABLE contacts ADD COLUMN parent_user_id TEXT;   -- the parent BSUID (contains ENT)
ALTER TABLE contacts ADD COLUMN username TEXT;         -- without the @, as WhatsApp last gave it
ALTER TABLE contacts ADD COLUMN opt_out_source TEXT;   -- user_preferences | error:131050 | keyword | ...
ALTER TABLE contacts ADD COLUMN opt_out_changed_at INTEGER; -- when the opt-out was last set or cleared
UPDATE contacts SET phone = wa_id WHERE wa_id NOT GLOB '*[^0-9]*' AND wa_id <> '';
UPDATE contacts SET user_id = wa_id WHERE wa_id GLOB '[A-Z][A-Z].*' AND wa_id NOT GLOB '*.ENT.*';
UPDATE contacts SET parent_user_id = wa_id WHERE wa_id GLOB '[A-Z][A-Z].ENT.*';
UPDATE contacts SET opt_out_source = 'unknown', opt_out_changed_at = opted_out_at WHERE opted_out_at IS NOT NULL;
CREATE INDEX contacts_username ON contacts(username COLLATE NOCASE) WHERE username IS NOT NULL;

CREATE TABLE contact_ids (
  kind        TEXT NOT NULL CHECK (kind IN ('phone', 'user_id', 'parent_user_id')),
  value       TEXT NOT NULL,
  wa_id       TEXT NOT NULL REFERENCES contacts(wa_id) ON DELETE CASCADE,
  created_at  INTEGER NOT NULL,
  PRIMARY KEY (kind, value)
) STRICT, WITHOUT ROWID;
CREATE INDEX contact_ids_contact ON contact_ids(wa_id);
INSERT INTO contact_ids (kind, value, wa_id, created_at)
  SELECT 'phone', phone, wa_id, created_at FROM contacts WHERE phone IS NOT NULL;
INSERT INTO contact_ids (kind, value, wa_id, created_at)
  SELECT 'user_id', user_id, wa_id, created_at FROM contacts WHERE user_id IS NOT NULL;
INSERT INTO contact_ids (kind, value, wa_id, created_at)
  SELECT 'parent_user_id', parent_user_id, wa_id, created_at FROM contacts WHERE parent_user_id IS NOT NULL;

-- What happened to a contact beyond its messages: merges, links, opt-out and resume. dedupe makes a
-- redelivered event a no-op (null: never a duplicate).
CREATE TABLE contact_events (
  id          INTEGER PRIMARY KEY,
  wa_id       TEXT NOT NULL REFERENCES contacts(wa_id) ON DELETE CASCADE,
  kind        TEXT NOT NULL CHECK (kind IN ('merge', 'opt_out', 'opt_in')),
  detail      TEXT NOT NULL,                -- JSON
  at          INTEGER NOT NULL,
  dedupe      TEXT UNIQUE,
  created_at  INTEGER NOT NULL
) STRICT;
CREATE INDEX contact_events_contact ON contact_events(wa_id, at);

-- Per-message pricing from the status webhooks (the latest status that carried it).
ALTER TABLE messages ADD COLUMN pricing_model TEXT;
ALTER TABLE messages ADD COLUMN pricing_type TEXT;      -- regular | free_customer_service | free_entry_point
ALTER TABLE messages ADD COLUMN pricing_category TEXT;  -- marketing | utility | authentication | service | ...
CREATE INDEX raw_events_field ON raw_events(field, received_at);
ALTER TABLE status_events ADD COLUMN pricing TEXT;       -- JSON {model, type, category}
`,
  },
  {
    version: 4,
    name: "every inbox view reads a page: kept last message, last answer and awaiting-since; indexes in the views' order",
    // The inbox computed awaiting-since by subqueries over the messages of every conversation before its
    // ORDER BY ... LIMIT, which no index served: its time grew with the history. Now the writes keep what
    // the views show (sqlite-conversation-state.ts defines each value; this recomputes them all once),
    // and each selective filter has an index in the inbox's order: every index entry a message moves
    // costs WAL pages on each write, so --status and --unassigned walk conversations_recent (open and
    // unassigned conversations are the recent ones). messages(status) gains the time for
    // `messages list --status`.
    sql: `
ALTER TABLE conversations ADD COLUMN last_seq INTEGER;       -- messages.seq of the latest message
ALTER TABLE conversations ADD COLUMN last_answer_at INTEGER; -- a person's latest send that did not fail
ALTER TABLE conversations ADD COLUMN awaiting_since INTEGER; -- the oldest inbound message after it
${recomputeSql('1', ['unread', 'last_inbound_at', 'last_outbound_at', 'last_message_at', 'last_seq', 'last_answer_at', 'awaiting_since'])};
DROP INDEX messages_status;
CREATE INDEX messages_status ON messages(status, timestamp);
CREATE INDEX conversations_recent ON conversations(coalesce(last_message_at, created_at), id);
CREATE INDEX conversations_unread ON conversations(coalesce(last_message_at, created_at), id) WHERE unread > 0;
CREATE INDEX conversations_awaiting ON conversations(coalesce(last_message_at, created_at), id)
  WHERE status = 'open' AND awaiting_since IS NOT NULL;
CREATE INDEX conversations_assignee ON conversations(assignee, coalesce(last_message_at, created_at), id)
  WHERE assignee IS NOT NULL;

-- a label's conversations in the inbox's order: each label row carries its conversation's place, kept
-- by triggers (a label added, a conversation created, moved by a message, or merged)
ALTER TABLE contact_labels ADD COLUMN sort_at INTEGER;
ALTER TABLE contact_labels ADD COLUMN conversation_id INTEGER;
${labelOrderSql('1')};
CREATE INDEX contact_labels_inbox ON contact_labels(label, sort_at, conversation_id);
CREATE TRIGGER contact_labels_added AFTER INSERT ON contact_labels BEGIN
  ${labelOrderSql('wa_id = NEW.wa_id AND label = NEW.label')};
END;
CREATE TRIGGER contact_labels_conversation_new AFTER INSERT ON conversations BEGIN
  ${labelOrderSql('wa_id = NEW.wa_id')};
END;
CREATE TRIGGER contact_labels_conversation_moved AFTER UPDATE OF last_message_at, created_at, wa_id ON conversations
BEGIN
  ${labelOrderSql('wa_id = NEW.wa_id')};
END;
`,
  },
  {
    version: 5,
    name: 'internal notes on a contact: never sent, shown in the thread',
    sql: `
CREATE TABLE notes (
  id          INTEGER PRIMARY KEY,
  wa_id       TEXT NOT NULL REFERENCES contacts(wa_id) ON DELETE CASCADE,
  author      TEXT,                       -- the agent who wrote it; null when unknown
  text        TEXT NOT NULL,
  created_at  INTEGER NOT NULL
) STRICT;
CREATE INDEX notes_contact_time ON notes(wa_id, created_at);
`,
  },
  {
    version: 6,
    name: 'agents: the people conversations are assigned to, their hours and availability',
    sql: `
CREATE TABLE agents (
  name        TEXT PRIMARY KEY,           -- as core/label.ts normalizeAgent returns it; conversations.assignee
  email       TEXT,
  hours       TEXT,                       -- JSON {mon: ["09:00-17:00"], ...}; null: always within hours
  time_zone   TEXT NOT NULL,              -- IANA zone of the hours
  available   INTEGER NOT NULL DEFAULT 1 CHECK (available IN (0, 1)),
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL
) STRICT;
`,
  },
  {
    version: 7,
    name: 'first response of the latest wait: when it started and when a person answered it',
    sql: `
ALTER TABLE conversations ADD COLUMN response_awaited_since INTEGER; -- the start of the latest wait answered
ALTER TABLE conversations ADD COLUMN response_at INTEGER;            -- the answer that ended it
${recomputeSql('c.last_answer_at IS NOT NULL', ['response_awaited_since', 'response_at'])};
`,
  },
  {
    version: 8,
    name: 'erasing a contact: an erasure record without personal data, and the digests of their wamids',
    // `wabox contact forget` (./keep.ts): a redelivered event of a forgotten wamid stores nothing.
    sql: `
CREATE TABLE erasures (
  id          TEXT PRIMARY KEY,           -- a random UUID: nothing that names the person
  at          INTEGER NOT NULL,
  counts      TEXT NOT NULL               -- JSON {messages, statusEvents, notes, ...}: what was erased
) STRICT;

CREATE TABLE forgotten_messages (
  digest      TEXT PRIMARY KEY,           -- hex SHA-256 of the wamid (./keep.ts forgottenDigest)
  erasure_id  TEXT NOT NULL REFERENCES erasures(id),
  created_at  INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
`,
  },
  {
    version: 9,
    name: 'live views: nothing on SQLite (it polls; PostgreSQL notifies), numbered to keep both schemas alike',
    sql: '',
  },
  {
    version: 10,
    name: 'campaigns: a template to many recipients, each recipient a row with its own state',
    sql: `
CREATE TABLE campaigns (
  id            INTEGER PRIMARY KEY,
  name          TEXT NOT NULL UNIQUE,
  template      TEXT NOT NULL,
  language      TEXT NOT NULL,
  category      TEXT,                     -- the template's: MARKETING, UTILITY, AUTHENTICATION
  definition    TEXT NOT NULL,            -- JSON: the template as Meta described it at creation
  mapping       TEXT NOT NULL,            -- JSON: how a recipient's values fill the template
  ref           TEXT,                     -- attribution code, as wabox link --ref
  rate          INTEGER NOT NULL CHECK (rate BETWEEN 1 AND 1000),
  start_at      INTEGER,                  -- not before
  within_hours  INTEGER NOT NULL DEFAULT 0 CHECK (within_hours IN (0, 1)),
  state         TEXT NOT NULL CHECK (state IN ('ready', 'running', 'paused', 'cancelled', 'done')),
  lease_owner   TEXT,                     -- the run that sends it (one at a time)
  lease_until   INTEGER,
  created_at    INTEGER NOT NULL,
  updated_at    INTEGER NOT NULL
) STRICT;

CREATE TABLE campaign_recipients (
  campaign_id   INTEGER NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
  row_no        INTEGER NOT NULL,         -- the input's row (1 = the first after the header)
  wa_id         TEXT NOT NULL,            -- who: digits, as messages.wa_id
  values_json   TEXT NOT NULL,            -- JSON: this recipient's values for the template
  state         TEXT NOT NULL CHECK (state IN ('pending', 'sending', 'accepted', 'failed', 'unknown', 'skipped')),
  reason        TEXT,                     -- why skipped, failed or delayed: one line
  error_code    INTEGER,
  wamid         TEXT,
  attempts      INTEGER NOT NULL DEFAULT 0,
  not_before    INTEGER,                  -- a delayed send (131056, a transient error)
  sent_at       INTEGER,                  -- when the API accepted it
  updated_at    INTEGER NOT NULL,
  PRIMARY KEY (campaign_id, row_no)
) STRICT;
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
  id             INTEGER PRIMARY KEY,
  wa_id          TEXT NOT NULL REFERENCES contacts(wa_id) ON DELETE CASCADE,  -- the customer asked
  period         INTEGER NOT NULL,        -- the customer's last message (ms) before the resolution, 0 if none: one question each
  agent          TEXT,                     -- the assignee when resolved
  resolved_at    INTEGER NOT NULL,
  due_at         INTEGER NOT NULL,        -- resolved_at + the delay
  state          TEXT NOT NULL CHECK (state IN ('pending', 'asked', 'answered', 'skipped')),
  taken_at       INTEGER,                  -- a sender took it (compare-and-set before the API call)
  asked_at       INTEGER,
  question_wamid TEXT,
  answered_at    INTEGER,
  score          INTEGER CHECK (score BETWEEN 1 AND 5),
  answer_wamid   TEXT,
  comment        TEXT,
  comment_at     INTEGER,
  comment_wamid  TEXT,
  reason         TEXT,                     -- why skipped: one line
  created_at     INTEGER NOT NULL,
  updated_at     INTEGER NOT NULL,
  UNIQUE (wa_id, period)
) STRICT;
CREATE INDEX csat_due ON csat (state, due_at);
CREATE INDEX csat_resolved ON csat (resolved_at);
`,
  },
  {
    version: 12,
    name: 'webhook ingest in one call: nothing on SQLite (PostgreSQL gets a function), numbered to keep both schemas alike',
    sql: '',
  },
  {
    version: 13,
    name: 'webhook ingest in one call, known customers at once: nothing on SQLite (PostgreSQL replaces its function)',
    sql: '',
  },
];

export const LATEST_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;
