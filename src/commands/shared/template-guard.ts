// What a template send checks about its recipient first: an authentication template needs a phone
// number, and a marketing template is not sent to a customer who stopped marketing messages (--force).
// The category is asked of the API (as `wabox meta-template show`) only when one of these could apply.
import type { CloudClient } from '../../cloud/client.js';
import { invalidInput } from '../../core/errors.js';
import type { ContactRecord } from '../../store/store.js';
import type { ContactTarget } from './contact-arg.js';

/** The template's category in lower case, or null when it cannot be known (no WABA id, not found, ...). */
export async function templateCategory(
  client: CloudClient,
  name: string,
  language: string,
): Promise<string | null> {
  try {
    const rows = await client.listTemplates({ name, language });
    const row = rows.find((t) => t.name === name && t.language === language) ?? rows[0];
    return row?.category?.toLowerCase() ?? null;
  } catch {
    return null;
  }
}

/**
 * Refuses (exit 2) what the category forbids and returns the warnings to print: an opted-out contact is
 * always worth a warning for a template.
 */
export async function checkTemplateRecipient(
  client: CloudClient,
  template: { name: string; language: string },
  target: ContactTarget,
  contact: ContactRecord | null,
  options: { force?: boolean | undefined },
): Promise<string[]> {
  const optedOut = contact?.optOut.optedOut === true;
  if (target.phone !== null && !optedOut) return [];
  const category = await templateCategory(client, template.name, template.language);
  if (target.phone === null && category?.startsWith('authentication'))
    throw invalidInput(
      `"${template.name}" is an authentication template: WhatsApp delivers those only to a phone number, and none is known for ${target.userId ?? target.waId}`,
      {
        code: 'send.auth_needs_phone',
        hint: 'ask the customer for their number first: wabox contact request-phone <contact>',
      },
    );
  if (!optedOut) return [];
  const since = contact?.optOut.at ? ` on ${contact.optOut.at}` : '';
  if (category === 'marketing' && !options.force)
    throw invalidInput(
      `the customer stopped marketing messages${since}: "${template.name}" is a marketing template`,
      {
        code: 'send.opted_out',
        hint: 'send it anyway with --force (WhatsApp will likely refuse with 131050)',
      },
    );
  return [
    `the customer stopped marketing messages${since} (${contact?.optOut.source ?? 'unknown source'})${
      category === null ? '' : `; "${template.name}" is a ${category} template`
    }`,
  ];
}
