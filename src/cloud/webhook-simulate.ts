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

/** What a simulated customer sends: the inbound message types `webhook simulate` can post. */
export type SimulatedContent =
  | { type: 'text'; body: string }
  /** A tap on a reply button of an interactive message. */
  | { type: 'button'; id: string; title: string }
  /** A row chosen from an interactive list. */
  | { type: 'list'; id: string; title: string; description?: string | undefined }
  | { type: 'image'; caption?: string | undefined }
  | {
      type: 'location';
      latitude: number;
      longitude: number;
      name?: string | undefined;
      address?: string | undefined;
    }
  /** An emoji on one of the conversation's messages; "" removes a reaction. */
  | { type: 'reaction'; messageId: string; emoji: string };

export function simulatedMessage(options: {
  from: string;
  name?: string | undefined;
  content: SimulatedContent;
  now: Date;
  id?: string;
  /** The wamid the customer answers (Meta's `context`: a quoted message, or the interactive message). */
  replyTo?: string | undefined;
  business?: SimulatedBusiness | undefined;
}): { id: string; body: object } {
  const id = options.id ?? simulatedWamid();
  const business = options.business ?? DEFAULT_BUSINESS;
  const message: Record<string, unknown> = {
    from: options.from,
    id,
    timestamp: String(Math.floor(options.now.getTime() / 1000)),
  };
  if (options.replyTo !== undefined && options.content.type !== 'reaction')
    message.context = { from: business.displayPhoneNumber, id: options.replyTo };
  Object.assign(message, messageContent(options.content));
  const body = envelope(business, options.now, {
    contacts: [{ profile: { name: options.name ?? options.from }, wa_id: options.from }],
    messages: [message],
  });
  return { id, body };
}

// Shapes from Meta's description's webhook examples (IncomingMessage: TextMessage, ImageMessage,
// LocationMessage, ReactionMessage, InteractiveMessage with button_reply / list_reply).
function messageContent(content: SimulatedContent): Record<string, unknown> {
  switch (content.type) {
    case 'text':
      return { type: 'text', text: { body: content.body } };
    case 'button':
      return {
        type: 'interactive',
        interactive: { type: 'button_reply', button_reply: { id: content.id, title: content.title } },
      };
    case 'list':
      return {
        type: 'interactive',
        interactive: {
          type: 'list_reply',
          list_reply: {
            id: content.id,
            title: content.title,
            ...(content.description === undefined ? {} : { description: content.description }),
          },
        },
      };
    case 'image':
      return {
        type: 'image',
        image: {
          ...(content.caption === undefined ? {} : { caption: content.caption }),
          mime_type: 'image/jpeg',
          sha256: randomBytes(32).toString('base64'),
          id: simulatedMediaId(),
        },
      };
    case 'location':
      return {
        type: 'location',
        location: {
          latitude: content.latitude,
          longitude: content.longitude,
          ...(content.name === undefined ? {} : { name: content.name }),
          ...(content.address === undefined ? {} : { address: content.address }),
        },
      };
    case 'reaction':
      return { type: 'reaction', reaction: { message_id: content.messageId, emoji: content.emoji } };
  }
}

/** A media id like Meta's: 15-16 digits. */
function simulatedMediaId(): string {
  return `1${(randomBytes(8).readBigUInt64BE() % 10n ** 15n).toString().padStart(15, '0')}`;
}

export function simulatedTextMessage(options: {
  from: string;
  name?: string | undefined;
  text: string;
  now: Date;
  id?: string;
  business?: SimulatedBusiness | undefined;
}): { id: string; body: object } {
  const { text, ...rest } = options;
  return simulatedMessage({ ...rest, content: { type: 'text', body: text } });
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
