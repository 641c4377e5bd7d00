// What the contact verbs share: the JSON shape of a contact, and the known contact an argument names.
import type { Deps } from '../../cli/deps.js';
import { contactLabel } from '../../core/contact-id.js';
import { notFound } from '../../core/errors.js';
import type { ContactEventRecord, ContactRecord, OptOutRecord } from '../../store/store.js';
import { identifiersJson, resolveContactArg } from '../shared/contact-arg.js';

/** A contact in `contact show --json` and `contact list --json`: keep it stable. */
export interface ContactJson {
  /** The phone in digits; null when not known. */
  waId: string | null;
  /** E.164; null when not known. */
  phone: string | null;
  /** The business-scoped user id (BSUID), parent BSUID and username (without @), null when not known. */
  userId: string | null;
  parentUserId: string | null;
  username: string | null;
  /** The store's key for the contact: the phone digits or the BSUID it was first seen with. */
  key: string;
  name: string | null;
  /** Identifiers seen before (an old number, an old BSUID). */
  formerIds: ContactRecord['formerIds'];
  optOut: OptOutRecord;
  firstSeenAt: string | null;
  createdAt: string;
}

export function toContactJson(c: ContactRecord): ContactJson {
  return {
    ...identifiersJson(c),
    key: c.waId,
    name: c.name,
    formerIds: c.formerIds,
    optOut: c.optOut,
    firstSeenAt: c.firstSeenAt,
    createdAt: c.createdAt,
  };
}

/** One event in words: "2025-06-10T12:00:00Z merge from US.1349... (contacts)". */
export function eventText(e: ContactEventRecord): string {
  const d = e.detail;
  const what =
    e.kind === 'merge'
      ? `merged ${String(d.from ?? '?')} into this contact (${String(d.why ?? '?')})`
      : `${e.kind === 'opt_out' ? 'stopped' : 'resumed'} marketing messages (${String(d.source ?? '?')})`;
  return `${e.at}  ${what}`;
}

/** The stored contact an argument names; not-found (exit 6) when the store does not know them. */
export async function knownContact(
  deps: Deps,
  input: string,
  country: string | undefined,
): Promise<ContactRecord> {
  const target = await resolveContactArg(deps, input, { country, known: true });
  const contact = await (await deps.store()).getContact(target.waId);
  if (contact === null)
    throw notFound(`the store knows no contact ${contactLabel(target)}`, {
      code: 'contact.not_found',
      hint: 'list the known contacts with: wabox contact list',
    });
  return contact;
}
