// `wabox webhook simulate`: posts a realistic, correctly signed webhook (Meta's shape, serialised with
// \uXXXX escapes like Meta's, unique wamid, current time) to a receiver, so the whole setup can be tried
// without Meta.
import type { Command } from 'commander';
import type { Deps } from '../../cli/deps.js';
import { emit } from '../../cli/output.js';
import type { SimulatedContent, SimulatedErrorCode } from '../../cloud/webhook-simulate.js';
import { isBsuid } from '../../core/contact-id.js';
import { configInvalid, invalidInput, notFound, WaboxError } from '../../core/errors.js';
import { resolveContactWaId } from '../shared/contact-arg.js';

export interface SimulateOptions {
  text?: string;
  button?: string;
  list?: string;
  description?: string;
  replyId?: string;
  image?: boolean;
  caption?: string;
  location?: string;
  placeName?: string;
  address?: string;
  reaction?: string;
  replyTo?: string;
  at?: string;
  from?: string;
  name?: string;
  userId?: string;
  username?: string;
  changedNumber?: string;
  newUserId?: string;
  changedUserId?: string;
  preference?: string;
  status?: string[];
  pricing?: string;
  errorCode?: string;
  url?: string;
  country?: string;
  unsigned?: boolean;
  json?: boolean;
}

/** `webhook simulate --json`: part of the interface, keep it stable. */
export interface SimulateResultJson {
  /**
   * message: something a customer sent (a system message too); status: a delivery status of one of our
   * messages; preference: a user_preferences event.
   */
  kind: 'message' | 'status' | 'preference';
  /**
   * text | button | list | image | location | reaction | user_changed_number | user_changed_user_id for a
   * message, stop | resume for a preference, null for a status.
   */
  type: MessageKind | SystemKind | 'stop' | 'resume' | null;
  /** The wamid of the simulated message, or of the message whose status was simulated. */
  id: string;
  /** The customer (sender of the message, recipient of the status): phone digits, else the BSUID. */
  waId: string;
  /** The customer's business-scoped user id when the event carried one, else null. */
  userId: string | null;
  /** sent | delivered | read | failed for a status, null for a message. */
  status: string | null;
  /** When the event happened (now, or --at), ISO 8601. */
  timestamp: string;
  url: string;
  /** The receiver's HTTP status (200). */
  httpStatus: number;
}

const STATUSES = ['sent', 'delivered', 'read', 'failed'];
type SystemKind = 'user_changed_number' | 'user_changed_user_id';
/** Events other than a customer's message content, by option key. */
const EVENT_FLAGS = {
  changedNumber: '--changed-number',
  changedUserId: '--changed-user-id',
  preference: '--preference',
} as const;
const MESSAGE_KINDS = ['text', 'button', 'list', 'image', 'location', 'reaction'] as const;
type MessageKind = (typeof MESSAGE_KINDS)[number];
/** Flags that belong to one kind of message only. */
const KIND_FLAGS: Record<string, { kind: MessageKind; flag: string }> = {
  caption: { kind: 'image', flag: '--caption' },
  description: { kind: 'list', flag: '--description' },
  placeName: { kind: 'location', flag: '--place-name' },
  address: { kind: 'location', flag: '--address' },
};

export function register(parent: Command, deps: Deps): void {
  parent
    .command('simulate')
    .description('post a signed, realistic webhook event to a receiver (try the setup without Meta)')
    .option('-t, --text <text>', "a customer's text message")
    .option('--button <title>', 'a tap on a reply button (interactive button_reply) with this title')
    .option('--list <title>', 'a row chosen from a list message (interactive list_reply) with this title')
    .option('--description <text>', "the chosen list row's description (with --list)")
    .option('--reply-id <id>', 'the button or row id (with --button or --list; default: from the title)')
    .option('--image', 'an image (a made-up media id; with --caption)')
    .option('--caption <text>', "the image's caption (with --image)")
    .option('--location <lat,long>', 'a shared location, e.g. 18.5204,73.8567 (with --place-name, --address)')
    .option('--place-name <name>', "the location's name (with --location)")
    .option('--address <text>', "the location's address (with --location)")
    .option(
      '--reaction <emoji>',
      'a reaction to --reply-to <wamid> (default: the latest message to the customer in the store); "" removes it',
    )
    .option('--reply-to <wamid>', 'the message the customer answers or reacts to (sent as its context)')
    .option(
      '--at <when>',
      'back-date the event: a time (2026-06-01T09:00+05:30) or a duration back (25h, 2d); default now',
    )
    .option(
      '--from <phone>',
      'the customer: +919876543210, "07700 900123" with --country GB (as for wabox link)',
    )
    .option('--name <name>', "the customer's WhatsApp profile name (default: the number)")
    .option(
      '--user-id <bsuid>',
      "the customer's business-scoped user id beside a phone --from (a message with both ids)",
    )
    .option('--username <name>', "the customer's WhatsApp username (profile.username)")
    .option(
      '--changed-number <phone>',
      'a system message: the --from customer moved to this number (user_changed_number; with --new-user-id)',
    )
    .option('--new-user-id <bsuid>', 'the BSUID that comes with the new number (with --changed-number)')
    .option(
      '--changed-user-id <bsuid>',
      "a system message: the --from customer's business-scoped user id changed to this (user_changed_user_id)",
    )
    .option(
      '--preference <stop|resume>',
      'a user_preferences event: the --from customer stops or resumes marketing messages',
    )
    .option(
      '--status <wamid-and-status...>',
      'a delivery status instead: <wamid> <sent|delivered|read|failed>',
    )
    .option(
      '--pricing <category[:type]>',
      "the status's pricing (with --status): marketing, utility, authentication, service, ...; type regular (default), free_customer_service or free_entry_point",
    )
    .option(
      '--error-code <code>',
      'the error of a failed status: 131049 (default) or 131050 (stopped marketing messages)',
    )
    .option(
      '-c, --country <code>',
      'region for a --from without a country code; default: config default-country',
    )
    .option(
      '--url <url>',
      'the receiver (default: http://<webhook-host>:<webhook-port><webhook-path> from the config)',
    )
    .option('--unsigned', 'send no X-Hub-Signature-256 (for a receiver run with --insecure-skip-signature)')
    .option('--json', 'print {kind, type, id, waId, userId, status, timestamp, url, httpStatus}')
    .addHelpText(
      'after',
      `
Examples:
  wabox webhook simulate --text "Hi, is the cake ready?" --from +919876543210 --name Asha
  wabox webhook simulate --text "Price? [ref:diwali]" --from +919876543210   # a campaign link's tag
  wabox webhook simulate --text "Still open?" --from +919876543210 --at 25h  # the window is closed now
  wabox webhook simulate --button "Confirm order" --reply-id confirm --from +919876543210
  wabox webhook simulate --list "Chocolate cake" --description "1 kg" --from +919876543210
  wabox webhook simulate --image --caption "This one please" --from +919876543210
  wabox webhook simulate --location 18.5204,73.8567 --place-name "Asha's Kitchen" --from +919876543210
  wabox webhook simulate --reaction "👍" --from +919876543210
  wabox webhook simulate --status wamid.HBgL... read
  wabox webhook simulate --status wamid.HBgL... failed --from +919876543210
  wabox webhook simulate --text "Menu?" --from US.13491208655302741918 --username asha.cakes   # no phone
  wabox webhook simulate --text "Hi" --from +919876543210 --user-id IN.1648738043044942       # both ids
  wabox webhook simulate --changed-number +919876500000 --from +919876543210
  wabox webhook simulate --changed-user-id IN.2750981276345102 --from IN.1648738043044942
  wabox webhook simulate --preference stop --from +919876543210
  wabox webhook simulate --status wamid.HBgL... sent --pricing marketing
  wabox webhook simulate --status wamid.HBgL... failed --error-code 131050
  wabox webhook simulate --text "hello" --from +447700900123 --url http://127.0.0.1:3000/whatsapp --json

Give one of --text, --button, --list, --image, --location, --reaction, --changed-number,
--changed-user-id, --preference or --status. --from takes a phone number or a business-scoped user id
(then the payload has no phone, as for a customer who took a username). Prints the wamid of the
simulated message (the customer for --preference). Exits 1 when the receiver answers anything but 200 or cannot be reached. The
signature uses the same app secret the receiver checks: WABOX_APP_SECRET or wabox config set
app-secret (never a flag: a secret on the command line shows in ps and the history).`,
    )
    .action(async (flags: SimulateOptions) => {
      const result = await runSimulate(flags, deps);
      emit(deps, flags, result, (r) => r.id);
    });
}

export async function runSimulate(options: SimulateOptions, deps: Deps): Promise<SimulateResultJson> {
  const kinds = MESSAGE_KINDS.filter((k) => options[k] !== undefined && options[k] !== false);
  const events = (Object.keys(EVENT_FLAGS) as Array<keyof typeof EVENT_FLAGS>).filter(
    (k) => options[k] !== undefined,
  );
  const given = [
    ...kinds.map((k) => `--${k}`),
    ...events.map((k) => EVENT_FLAGS[k]),
    ...(options.status !== undefined ? ['--status'] : []),
  ];
  if (given.length !== 1)
    throw invalidInput(
      given.length === 0
        ? 'nothing to simulate: give --text, --button, --list, --image, --location, --reaction, --changed-number, --changed-user-id, --preference or --status'
        : `give one event at a time, not ${given.join(' and ')}`,
      {
        code: 'usage.missing_content',
        hint: 'wabox webhook simulate --text "Hi" --from +919876543210',
      },
    );
  const kind = kinds[0];
  for (const [key, { kind: owner, flag }] of Object.entries(KIND_FLAGS)) {
    if (options[key as keyof SimulateOptions] !== undefined && kind !== owner)
      throw invalidInput(`${flag} goes with --${owner}`, { code: 'usage.conflict' });
  }
  if (options.replyId !== undefined && kind !== 'button' && kind !== 'list')
    throw invalidInput('--reply-id goes with --button or --list', { code: 'usage.conflict' });
  if (options.replyTo !== undefined && kind === undefined)
    throw invalidInput(`--reply-to goes with a message, not ${given[0]}`, { code: 'usage.conflict' });
  checkEventFlags(options);
  const now = deps.clock();
  const at = options.at === undefined ? now : await eventTime(options.at, now);
  const location = options.location === undefined ? undefined : parseLocation(options.location);
  const [{ resolveSetting }, sim, { signPayload }] = await Promise.all([
    import('../../config/settings.js'),
    import('../../cloud/webhook-simulate.js'),
    import('../../cloud/webhook-signature.js'),
  ]);
  const url = options.url === undefined ? await defaultUrl(deps) : checkUrl(options.url);
  const secret = options.unsigned ? undefined : await resolveSetting(deps, 'app-secret');
  if (!options.unsigned && secret === undefined)
    throw configInvalid('no app secret to sign the simulated webhook with', {
      code: 'webhook.no_app_secret',
      hint: 'set WABOX_APP_SECRET or `wabox config set app-secret` (the receiver checks the same one); --unsigned for a receiver run with --insecure-skip-signature',
    });
  const phoneNumberId = await resolveSetting(deps, 'phone-number-id').catch(() => undefined);
  const business = phoneNumberId
    ? { wabaId: '0', phoneNumberId, displayPhoneNumber: '15550000000' }
    : undefined;
  let result: Omit<SimulateResultJson, 'url' | 'httpStatus'>;
  let body: object;
  if (options.status === undefined) {
    if (options.from === undefined)
      throw invalidInput(`${given[0]} needs --from <phone or BSUID>: the customer`, {
        code: 'usage.missing_flag',
      });
    const waId = await contact(deps, options.from, options.country);
    if (options.userId !== undefined && isBsuid(waId))
      throw invalidInput('--user-id goes with a phone --from; this --from is a business-scoped user id', {
        code: 'usage.conflict',
      });
    const customer = { from: waId, userId: options.userId, name: options.name, username: options.username };
    const userId = isBsuid(waId) ? waId : (options.userId ?? null);
    if (options.preference !== undefined) {
      const value = options.preference as 'stop' | 'resume';
      body = sim.simulatedPreference({ ...customer, value, now: at, business });
      result = { kind: 'preference', type: value, id: waId, waId, userId, status: null, timestamp: iso(at) };
    } else {
      const content: SimulatedContent =
        kind === undefined
          ? await systemContent(deps, options)
          : await messageContent(deps, kind, options, location, waId);
      const message = sim.simulatedMessage({
        ...customer,
        content,
        now: at,
        replyTo: options.replyTo,
        business,
      });
      body = message.body;
      const type = kind ?? (content.type as SystemKind);
      result = { kind: 'message', type, id: message.id, waId, userId, status: null, timestamp: iso(at) };
    }
  } else {
    const [wamid, status, ...rest] = options.status;
    if (wamid === undefined || status === undefined || rest.length > 0 || !STATUSES.includes(status))
      throw invalidInput('--status takes two values: <wamid> <sent|delivered|read|failed>', {
        code: 'usage.bad_status',
      });
    if (options.pricing !== undefined && status === 'failed')
      throw invalidInput('--pricing goes with a status that is not failed: a failed status carries none', {
        code: 'usage.conflict',
      });
    if (options.errorCode !== undefined && status !== 'failed')
      throw invalidInput('--error-code goes with a failed status', { code: 'usage.conflict' });
    const waId =
      options.from === undefined
        ? await recipientOf(deps, wamid)
        : await contact(deps, options.from, options.country);
    body = sim.simulatedStatus({
      wamid,
      status: status as 'sent',
      recipient: waId,
      now: at,
      business,
      pricing: options.pricing === undefined ? undefined : parsePricing(options.pricing, sim),
      errorCode: options.errorCode === undefined ? undefined : parseErrorCode(options.errorCode, sim),
    });
    const userId = isBsuid(waId) ? waId : null;
    result = { kind: 'status', type: null, id: wamid, waId, userId, status, timestamp: iso(at) };
  }
  const raw = sim.serializeLikeMeta(body);
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'user-agent': 'facebookexternalua (wabox webhook simulate)',
  };
  if (secret !== undefined) headers['x-hub-signature-256'] = signPayload(raw, secret);
  const answer = await post(url, raw, headers);
  if (answer.status !== 200) {
    throw new WaboxError(
      'failure',
      `the receiver at ${url} answered ${answer.status}: ${answer.body.trim().slice(0, 200)}`,
      {
        code: 'webhook.rejected',
        hint: hintFor(answer.status),
        details: { httpStatus: answer.status, url },
      },
    );
  }
  return { ...result, url, httpStatus: answer.status };
}

/** Flags that only go with one event, and values that must be business-scoped user ids. */
function checkEventFlags(options: SimulateOptions): void {
  if (options.newUserId !== undefined && options.changedNumber === undefined)
    throw invalidInput('--new-user-id goes with --changed-number', { code: 'usage.conflict' });
  if ((options.pricing !== undefined || options.errorCode !== undefined) && options.status === undefined)
    throw invalidInput(`${options.pricing !== undefined ? '--pricing' : '--error-code'} goes with --status`, {
      code: 'usage.conflict',
    });
  if (options.preference !== undefined && options.preference !== 'stop' && options.preference !== 'resume')
    throw invalidInput(`--preference is stop or resume, not "${options.preference}"`, {
      code: 'usage.bad_preference',
    });
  for (const [flag, value] of [
    ['--user-id', options.userId],
    ['--new-user-id', options.newUserId],
    ['--changed-user-id', options.changedUserId],
  ] as const)
    if (value !== undefined && !isBsuid(value))
      throw invalidInput(`${flag} "${value}" is not a business-scoped user id`, {
        code: 'usage.bad_user_id',
        hint: 'a country code, a dot and up to 128 letters and digits, e.g. US.13491208655302741918',
      });
}

async function messageContent(
  deps: Deps,
  kind: MessageKind,
  options: SimulateOptions,
  location: { latitude: number; longitude: number } | undefined,
  waId: string,
): Promise<SimulatedContent> {
  switch (kind) {
    case 'text':
      return { type: 'text', body: options.text! };
    case 'button':
      return { type: 'button', title: options.button!, id: options.replyId ?? slug(options.button!) };
    case 'list':
      return {
        type: 'list',
        title: options.list!,
        id: options.replyId ?? slug(options.list!),
        description: options.description,
      };
    case 'image':
      return { type: 'image', caption: options.caption };
    case 'location':
      return { type: 'location', ...location!, name: options.placeName, address: options.address };
    case 'reaction':
      return {
        type: 'reaction',
        emoji: options.reaction!,
        messageId: options.replyTo ?? (await latestMessageTo(deps, waId)),
      };
  }
}

/** --changed-number or --changed-user-id: WhatsApp's system message about the customer. */
async function systemContent(deps: Deps, options: SimulateOptions): Promise<SimulatedContent> {
  if (options.changedUserId !== undefined)
    return { type: 'user_changed_user_id', userId: options.changedUserId };
  const phone = await contact(deps, options.changedNumber!, options.country);
  if (isBsuid(phone))
    throw invalidInput('--changed-number takes a phone number; a new BSUID goes in --new-user-id', {
      code: 'usage.bad_phone',
    });
  return { type: 'user_changed_number', phone, userId: options.newUserId };
}

/** --pricing <category[:type]>: the categories and types Meta documents. */
function parsePricing(
  value: string,
  sim: typeof import('../../cloud/webhook-simulate.js'),
): { category: string; type: string } {
  const [category = '', type = 'regular', ...rest] = value.split(':');
  if (
    rest.length > 0 ||
    !(sim.PRICING_CATEGORIES as readonly string[]).includes(category) ||
    !(sim.PRICING_TYPES as readonly string[]).includes(type)
  )
    throw invalidInput(`--pricing "${value}" is not <category>[:<type>]`, {
      code: 'usage.bad_pricing',
      hint: `categories: ${sim.PRICING_CATEGORIES.join(', ')}; types: ${sim.PRICING_TYPES.join(', ')}`,
    });
  return { category, type };
}

function parseErrorCode(
  value: string,
  sim: typeof import('../../cloud/webhook-simulate.js'),
): SimulatedErrorCode {
  if (!Object.hasOwn(sim.SIMULATED_ERRORS, value))
    throw invalidInput(
      `--error-code ${value}: simulate knows ${Object.keys(sim.SIMULATED_ERRORS).join(' and ')}`,
      {
        code: 'usage.bad_error_code',
      },
    );
  return Number(value) as SimulatedErrorCode;
}

/** `--at`: a past time or a duration back from now. */
async function eventTime(value: string, now: Date): Promise<Date> {
  const { parseSince } = await import('../../core/time.js');
  const at = parseSince(value, now);
  if (at === null)
    throw invalidInput(`--at "${value}" is neither a time nor a duration`, {
      code: 'usage.bad_time',
      hint: 'e.g. --at 25h (25 hours ago), --at 2d, or --at 2026-06-01T09:00+05:30',
    });
  if (at.getTime() > now.getTime())
    throw invalidInput(`--at ${value} is in the future: a webhook reports what already happened`, {
      code: 'usage.bad_time',
    });
  return at;
}

function parseLocation(value: string): { latitude: number; longitude: number } {
  const m = /^\s*(-?\d{1,3}(?:\.\d+)?)\s*,\s*(-?\d{1,3}(?:\.\d+)?)\s*$/.exec(value);
  const latitude = Number(m?.[1]);
  const longitude = Number(m?.[2]);
  if (!m || Math.abs(latitude) > 90 || Math.abs(longitude) > 180)
    throw invalidInput(`--location "${value}" is not <latitude>,<longitude>`, {
      code: 'usage.bad_location',
      hint: 'e.g. --location 18.5204,73.8567 (latitude -90..90, longitude -180..180)',
    });
  return { latitude, longitude };
}

/** A button or row id from its title, as a business would name it: "Confirm order" -> confirm-order. */
function slug(title: string): string {
  const id = title
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 200);
  return id === '' ? 'option-1' : id;
}

function iso(date: Date): string {
  return date.toISOString();
}

/** What a reaction without --reply-to reacts to: the latest message we sent the customer. */
async function latestMessageTo(deps: Deps, waId: string): Promise<string> {
  const store = await deps.store();
  const [last] = await store.listMessages({ waId, direction: 'out', limit: 1 });
  if (last === undefined)
    throw invalidInput(`--reaction: the store has no message to +${waId} to react to`, {
      code: 'usage.nothing_to_react_to',
      hint: 'name the message: --reply-to <wamid>',
    });
  return last.id;
}

/** A phone number in any form (digits out), or a business-scoped user id as it is. */
async function contact(deps: Deps, phone: string, country: string | undefined): Promise<string> {
  if (isBsuid(phone.trim())) return phone.trim();
  return resolveContactWaId(deps, phone, { country });
}

/** The recipient of a stored outbound message, for a status without --from. */
async function recipientOf(deps: Deps, wamid: string): Promise<string> {
  const store = await deps.store();
  const [message] = await store.getMessages([wamid]);
  if (!message)
    throw notFound(`the store has no message ${wamid}`, {
      code: 'message.not_found',
      hint: 'give the recipient with --from <phone>',
    });
  return message.waId;
}

async function defaultUrl(deps: Deps): Promise<string> {
  // loaded on use: config/settings loads conf and libphonenumber's metadata
  const { resolveSetting } = await import('../../config/settings.js');
  const [host, port, path] = await Promise.all([
    resolveSetting(deps, 'webhook-host'),
    resolveSetting(deps, 'webhook-port'),
    resolveSetting(deps, 'webhook-path'),
  ]);
  // a receiver listening on every interface is reached on the loopback one
  const local = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host!;
  return `http://${local.includes(':') ? `[${local}]` : local}:${port}${path}`;
}

function checkUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalidInput(`--url "${value}" is not a URL`, { code: 'usage.bad_url' });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw invalidInput(`--url must be http or https, got "${value}"`, { code: 'usage.bad_url' });
  return url.href;
}

function hintFor(status: number): string | undefined {
  if (status === 401) return "the signature did not verify: the app secret here differs from the receiver's";
  if (status === 404) return 'wrong path: check --url (or webhook-path) against the receiver';
  if (status === 413) return 'the body is over 1 MiB';
  if (status >= 500) return "the receiver failed to store the event; see the receiver's log";
  return undefined;
}

async function post(
  url: string,
  body: Buffer,
  headers: Record<string, string>,
): Promise<{ status: number; body: string }> {
  const { request } = url.startsWith('https:') ? await import('node:https') : await import('node:http');
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: 'POST', headers: { ...headers, 'content-length': String(body.length) }, timeout: 15_000 },
      (res: import('node:http').IncomingMessage) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      },
    );
    req.on('timeout', () =>
      req.destroy(Object.assign(new Error('no answer within 15 s'), { code: 'ETIMEDOUT' })),
    );
    req.on('error', (err: NodeJS.ErrnoException) =>
      reject(
        new WaboxError('failure', `cannot reach the receiver at ${url}: ${err.code ?? err.message}`, {
          code: 'webhook.unreachable',
          hint: 'start it with `wabox webhook serve` (or give its address with --url)',
          cause: err,
        }),
      ),
    );
    req.end(body);
  });
}
