// Realistic webhook bodies for `wabox webhook simulate`: Meta's shape (../shared/reference/cloud-api.md
// §4.5), serialised the way Meta sends them, with non-ASCII escaped as \uXXXX, so the signature path
// is the same one real traffic takes.
import { randomBytes } from 'node:crypto';

export interface SimulatedBusiness {
  wabaId: string;
  phoneNumberId: string;
  displayPhoneNumber: string;
}

const DEFAULT_BUSINESS: SimulatedBusiness = {
  wabaId: '0',
  phoneNumberId: '0',
  displayPhoneNumber: '15550000000',
};

/** A wamid-looking unique id (real ones are base64 of an internal structure). */
export function simulatedWamid(): string {
  return `wamid.SIM${randomBytes(18).toString('base64url')}`;
}

function envelope(business: SimulatedBusiness, now: Date, value: Record<string, unknown>) {
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: business.wabaId,
        time: Math.floor(now.getTime() / 1000),
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: {
                display_phone_number: business.displayPhoneNumber,
                phone_number_id: business.phoneNumberId,
              },
              ...value,
            },
          },
        ],
      },
    ],
  };
}

export function simulatedTextMessage(options: {
  from: string;
  name?: string | undefined;
  text: string;
  now: Date;
  id?: string;
  business?: SimulatedBusiness | undefined;
}): { id: string; body: object } {
  const id = options.id ?? simulatedWamid();
  const body = envelope(options.business ?? DEFAULT_BUSINESS, options.now, {
    contacts: [{ profile: { name: options.name ?? options.from }, wa_id: options.from }],
    messages: [
      {
        from: options.from,
        id,
        timestamp: String(Math.floor(options.now.getTime() / 1000)),
        type: 'text',
        text: { body: options.text },
      },
    ],
  });
  return { id, body };
}

export const SIMULATED_STATUSES = ['sent', 'delivered', 'read', 'failed'] as const;
export type SimulatedStatus = (typeof SIMULATED_STATUSES)[number];

export function simulatedStatus(options: {
  wamid: string;
  status: SimulatedStatus;
  recipient: string;
  now: Date;
  business?: SimulatedBusiness | undefined;
}): object {
  const status: Record<string, unknown> = {
    id: options.wamid,
    status: options.status,
    timestamp: String(Math.floor(options.now.getTime() / 1000)),
    recipient_id: options.recipient,
  };
  if (options.status === 'failed') {
    // Meta's example failed status (status webhook reference, cloud-api.md §4.5c)
    status.errors = [
      {
        code: 131049,
        title: 'This message was not delivered to maintain healthy ecosystem engagement.',
        message: 'This message was not delivered to maintain healthy ecosystem engagement.',
        error_data: {
          details: 'In order to maintain a healthy ecosystem engagement, the message failed to be delivered.',
        },
        href: '/documentation/business-messaging/whatsapp/support/error-codes',
      },
    ];
  } else {
    status.pricing = {
      billable: false,
      pricing_model: 'PMP',
      category: 'service',
      type: 'free_customer_service',
    };
  }
  return envelope(options.business ?? DEFAULT_BUSINESS, options.now, { statuses: [status] });
}

/** JSON with every non-ASCII UTF-16 unit escaped as \uXXXX (lowercase hex), as Meta serialises webhooks. */
export function serializeLikeMeta(body: object): Buffer {
  return Buffer.from(
    JSON.stringify(body).replace(
      /[\u007f-\uffff]/g,
      (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
    ),
  );
}
