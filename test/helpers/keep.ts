// What the keeping-and-erasing tests share: a customer's webhook POST in Meta's shape, and every text the
// store keeps, to search for what names a person.
import { parseWebhook } from '../../src/cloud/webhook-events.js';
import { toWebhookPost } from '../../src/server/ingest.js';
import type { StoreBackend, TestStore } from './stores.js';

export const ASHA = '919876543210';
export const ASHA_BSUID = 'IN.5512093388776655';
export const PNID = '106540352242922';
/** What Asha's POST and our reply to her say: none of it may remain after she is forgotten. */
export const ASHA_PERSONAL = [ASHA, ASHA_BSUID, 'Asha', '4 Lake Rd', 'passport', 'beam me', 'wamid.asha'];

/**
 * Meta's shape: Asha writes (a text, an image, a message without id kept raw), our reply to her is
 * delivered, and she stops marketing messages.
 */
export function ashaPayload(at: Date) {
  const ts = String(Math.floor(at.getTime() / 1000));
  const value = {
    messaging_product: 'whatsapp',
    metadata: { display_phone_number: '919000012345', phone_number_id: PNID },
    contacts: [{ profile: { name: 'Asha Patel' }, wa_id: ASHA, user_id: ASHA_BSUID }],
    messages: [
      {
        from: ASHA,
        id: 'wamid.asha.text',
        timestamp: ts,
        type: 'text',
        text: { body: 'my address is 4 Lake Rd' },
      },
      {
        from: ASHA,
        id: 'wamid.asha.image',
        timestamp: ts,
        type: 'image',
        image: { caption: 'my passport', mime_type: 'image/jpeg', sha256: 'x', id: '1003383421387256' },
      },
      // no id: kept as a raw part
      { from: ASHA, timestamp: ts, type: 'text', text: { body: 'beam me' } },
    ],
    statuses: [
      {
        id: 'wamid.out.asha',
        status: 'delivered',
        timestamp: ts,
        recipient_id: ASHA,
        pricing: { billable: true, pricing_model: 'PMP', category: 'service', type: 'free_customer_service' },
      },
    ],
  };
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '102290129340398',
        changes: [
          { field: 'messages', value },
          // she stopped marketing messages
          {
            field: 'user_preferences',
            value: {
              messaging_product: 'whatsapp',
              metadata: value.metadata,
              contacts: value.contacts,
              user_preferences: [
                {
                  wa_id: ASHA,
                  user_id: ASHA_BSUID,
                  category: 'marketing_messages',
                  value: 'stop',
                  timestamp: ts,
                },
              ],
            },
          },
        ],
      },
    ],
  };
}

export async function ingest(store: TestStore, body: unknown, at: Date) {
  const [result] = await store.ingestWebhook([toWebhookPost(parseWebhook(body as { entry: unknown[] }), at)]);
  if (result === undefined || 'error' in result) throw new Error(`ingest failed: ${String(result?.error)}`);
  return result;
}

/** Every text value of every row of the store's tables, to search for what names a person. */
export async function everything(backend: StoreBackend, store: TestStore): Promise<string> {
  const tables = [
    'contacts',
    'contact_ids',
    'contact_events',
    'conversations',
    'contact_labels',
    'messages',
    'status_events',
    'auto_replies',
    'raw_events',
    'notes',
    'erasures',
    'forgotten_messages',
  ];
  const out: string[] = [];
  for (const t of tables) out.push(JSON.stringify(await backend.rows(store, `SELECT * FROM ${t}`)));
  return out.join('\n');
}
