// Realistic webhook bodies for `wabox webhook simulate`: Meta's shape (../shared/reference/cloud-api.md
// §4.5), serialised the way Meta sends them, with non-ASCII escaped as \uXXXX, so the signature path
// is the same one real traffic takes.
import { randomBytes } from 'node:crypto';
import { isBsuid } from '../core/contact-id.js';

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

function envelope(
  business: SimulatedBusiness,
  now: Date,
  value: Record<string, unknown>,
  field = 'messages',
) {
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: business.wabaId,
        time: Math.floor(now.getTime() / 1000),
        changes: [
          {
            field,
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
  | { type: 'reaction'; messageId: string; emoji: string }
  /** WhatsApp's system message: the customer moved to a new phone number (and so a new BSUID). */
  | { type: 'user_changed_number'; phone: string; userId?: string | undefined }
  /** WhatsApp's system message: the customer's business-scoped user id changed. */
  | { type: 'user_changed_user_id'; userId: string };

/**
 * Who a simulated customer is: `from` is a phone (digits) or a BSUID; `userId` adds a BSUID to a phone
 * (a message with both ids); `username` is shown in the profile. Without a phone the payload has no
 * `from`/`wa_id`, as for a user who adopted a username.
 */
interface Customer {
  from: string;
  userId?: string | undefined;
  name?: string | undefined;
  username?: string | undefined;
}

function idsOf(c: Customer): { phone: string | null; userId: string | null } {
  return isBsuid(c.from) ? { phone: null, userId: c.from } : { phone: c.from, userId: c.userId ?? null };
}

/** The contacts[] entry of a customer (Meta: user_id always, wa_id and profile.username when known). */
function contactEntry(c: Customer): Record<string, unknown> {
  const { phone, userId } = idsOf(c);
  return {
    profile: {
      ...(c.name !== undefined || phone !== null ? { name: c.name ?? phone } : {}),
      ...(c.username === undefined ? {} : { username: c.username }),
    },
    ...(phone === null ? {} : { wa_id: phone }),
    ...(userId === null ? {} : { user_id: userId }),
  };
}

export function simulatedMessage(
  options: Customer & {
    content: SimulatedContent;
    now: Date;
    id?: string;
    /** The wamid the customer answers (Meta's `context`: a quoted message, or the interactive message). */
    replyTo?: string | undefined;
    business?: SimulatedBusiness | undefined;
  },
): { id: string; body: object } {
  const id = options.id ?? simulatedWamid();
  const business = options.business ?? DEFAULT_BUSINESS;
  const { phone, userId } = idsOf(options);
  const message: Record<string, unknown> = {
    ...(phone === null ? {} : { from: phone }),
    ...(userId === null ? {} : { from_user_id: userId }),
    id,
    timestamp: String(Math.floor(options.now.getTime() / 1000)),
  };
  if (options.replyTo !== undefined && options.content.type !== 'reaction')
    message.context = { from: business.displayPhoneNumber, id: options.replyTo };
  Object.assign(message, messageContent(options.content, options));
  const system =
    options.content.type === 'user_changed_number' || options.content.type === 'user_changed_user_id';
  // system messages carry no contacts block (Meta's system messages reference)
  const body = envelope(business, options.now, {
    ...(system ? {} : { contacts: [contactEntry(options)] }),
    messages: [message],
  });
  return { id, body };
}

// Shapes from Meta's description's webhook examples (IncomingMessage: TextMessage, ImageMessage,
// LocationMessage, ReactionMessage, InteractiveMessage with button_reply / list_reply).
function messageContent(content: SimulatedContent, who: Customer): Record<string, unknown> {
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
    case 'user_changed_number':
      return {
        type: 'system',
        system: {
          body: `User ${who.name ?? who.from} changed from ${who.from} to ${content.phone}`,
          wa_id: content.phone,
          ...(content.userId === undefined ? {} : { user_id: content.userId }),
          type: 'user_changed_number',
        },
      };
    case 'user_changed_user_id':
      return {
        type: 'system',
        system: {
          body: `User ${who.name ?? who.from} changed their business-scoped user ID`,
          user_id: content.userId,
          type: 'user_changed_user_id',
        },
      };
  }
}

/** A user_preferences webhook: the customer stopped or resumed marketing messages. */
export function simulatedPreference(
  options: Customer & { value: 'stop' | 'resume'; now: Date; business?: SimulatedBusiness | undefined },
): object {
  const { phone, userId } = idsOf(options);
  return envelope(
    options.business ?? DEFAULT_BUSINESS,
    options.now,
    {
      contacts: [contactEntry(options)],
      user_preferences: [
        {
          ...(phone === null ? {} : { wa_id: phone }),
          ...(userId === null ? {} : { user_id: userId }),
          detail: `User requested to ${options.value} marketing messages`,
          category: 'marketing_messages',
          value: options.value,
          timestamp: Math.floor(options.now.getTime() / 1000),
        },
      ],
    },
    'user_preferences',
  );
}

/** A media id like Meta's: 15-16 digits. */
function simulatedMediaId(): string {
  return `1${(randomBytes(8).readBigUInt64BE() % 10n ** 15n).toString().padStart(15, '0')}`;
}

export function simulatedTextMessage(
  options: Customer & {
    text: string;
    now: Date;
    id?: string;
    business?: SimulatedBusiness | undefined;
  },
): { id: string; body: object } {
  const { text, ...rest } = options;
  return simulatedMessage({ ...rest, content: { type: 'text', body: text } });
}

export const SIMULATED_STATUSES = ['sent', 'delivered', 'read', 'failed'] as const;
export type SimulatedStatus = (typeof SIMULATED_STATUSES)[number];

/** What a failed status can say: Meta's error codes of the marketing limits. */
export const SIMULATED_ERRORS = {
  131049: {
    title: 'This message was not delivered to maintain healthy ecosystem engagement.',
    details: 'In order to maintain a healthy ecosystem engagement, the message failed to be delivered.',
  },
  131050: {
    title:
      'Unable to deliver the message. This recipient has chosen to stop receiving marketing messages on WhatsApp from your business.',
    details:
      'Unable to deliver the message. This recipient has chosen to stop receiving marketing messages on WhatsApp from your business.',
  },
} as const;
export type SimulatedErrorCode = keyof typeof SIMULATED_ERRORS;

export const PRICING_CATEGORIES = [
  'marketing',
  'utility',
  'authentication',
  'authentication_international',
  'service',
  'marketing_lite',
  'referral_conversion',
] as const;
export const PRICING_TYPES = ['regular', 'free_customer_service', 'free_entry_point'] as const;

export function simulatedStatus(options: {
  wamid: string;
  status: SimulatedStatus;
  /** Phone digits or a BSUID (recipient_user_id). */
  recipient: string;
  now: Date;
  business?: SimulatedBusiness | undefined;
  /** Default: service, free_customer_service (a reply in the customer service window). */
  pricing?: { category: string; type: string } | undefined;
  /** Of a failed status; default 131049. */
  errorCode?: SimulatedErrorCode | undefined;
}): object {
  const bsuid = isBsuid(options.recipient);
  const status: Record<string, unknown> = {
    id: options.wamid,
    status: options.status,
    timestamp: String(Math.floor(options.now.getTime() / 1000)),
    ...(bsuid ? { recipient_user_id: options.recipient } : { recipient_id: options.recipient }),
  };
  if (options.status === 'failed') {
    // Meta's example failed status (status webhook reference, cloud-api.md §4.5c)
    const code = options.errorCode ?? 131049;
    const error = SIMULATED_ERRORS[code];
    status.errors = [
      {
        code,
        title: error.title,
        message: error.title,
        error_data: { details: error.details },
        href: '/documentation/business-messaging/whatsapp/support/error-codes',
      },
    ];
  } else {
    const pricing = options.pricing ?? { category: 'service', type: 'free_customer_service' };
    status.pricing = {
      billable: pricing.type === 'regular',
      pricing_model: 'PMP',
      category: pricing.category,
      type: pricing.type,
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
