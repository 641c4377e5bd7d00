// `wabox webhook simulate`: posts a realistic, correctly signed webhook (Meta's shape, serialised with
// \uXXXX escapes like Meta's, unique wamid, current time) to a receiver, so the whole setup can be tried
// without Meta.
import type { Command } from 'commander';
import type { Deps } from '../../cli/deps.js';
import { emit } from '../../cli/output.js';
import { configInvalid, invalidInput, notFound, WaboxError } from '../../core/errors.js';

export interface SimulateOptions {
  text?: string;
  from?: string;
  name?: string;
  status?: string[];
  url?: string;
  country?: string;
  unsigned?: boolean;
  json?: boolean;
}

/** `webhook simulate --json`: part of the interface, keep it stable. */
export interface SimulateResultJson {
  /** message: a customer's text; status: a delivery status of one of our messages. */
  kind: 'message' | 'status';
  /** The wamid of the simulated message, or of the message whose status was simulated. */
  id: string;
  /** The customer (sender of the message, recipient of the status). */
  waId: string;
  /** sent | delivered | read | failed for a status, null for a message. */
  status: string | null;
  url: string;
  /** The receiver's HTTP status (200). */
  httpStatus: number;
}

const STATUSES = ['sent', 'delivered', 'read', 'failed'];

export function register(parent: Command, deps: Deps): void {
  parent
    .command('simulate')
    .description('post a signed, realistic webhook event to a receiver (try the setup without Meta)')
    .option('-t, --text <text>', "a customer's text message")
    .option(
      '--from <phone>',
      'the customer: +919876543210, "07700 900123" with --country GB (as for wabox link)',
    )
    .option('--name <name>', "the customer's WhatsApp profile name (default: the number)")
    .option(
      '--status <wamid-and-status...>',
      'a delivery status instead: <wamid> <sent|delivered|read|failed>',
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
    .option('--json', 'print {kind, id, waId, status, url, httpStatus}')
    .addHelpText(
      'after',
      `
Examples:
  wabox webhook simulate --text "Hi, is the cake ready?" --from +919876543210 --name Asha
  wabox webhook simulate --text "Price? [ref:diwali]" --from +919876543210   # a campaign link's tag
  wabox webhook simulate --status wamid.HBgL... read
  wabox webhook simulate --status wamid.HBgL... failed --from +919876543210
  wabox webhook simulate --text "hello" --from +447700900123 --url http://127.0.0.1:3000/whatsapp --json

Prints the wamid of the simulated message. Exits 1 when the receiver answers anything but 200 or
cannot be reached. The signature uses the same app secret the receiver checks: WABOX_APP_SECRET or
wabox config set app-secret (never a flag: a secret on the command line shows in ps and the history).`,
    )
    .action(async (flags: SimulateOptions) => {
      const result = await runSimulate(flags, deps);
      emit(deps, flags, result, (r) => r.id);
    });
}

export async function runSimulate(options: SimulateOptions, deps: Deps): Promise<SimulateResultJson> {
  if ((options.text === undefined) === (options.status === undefined))
    throw invalidInput('give either --text (a message) or --status <wamid> <status>', {
      code: 'usage.missing_content',
      hint: 'wabox webhook simulate --text "Hi" --from +919876543210',
    });
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
  const now = deps.clock();
  let result: Omit<SimulateResultJson, 'url' | 'httpStatus'>;
  let body: object;
  if (options.text !== undefined) {
    if (options.from === undefined)
      throw invalidInput('--text needs --from <phone>: the customer who writes', {
        code: 'usage.missing_flag',
      });
    const waId = await contact(deps, options.from, options.country);
    const message = sim.simulatedTextMessage({
      from: waId,
      name: options.name,
      text: options.text,
      now,
      business,
    });
    body = message.body;
    result = { kind: 'message', id: message.id, waId, status: null };
  } else {
    const [wamid, status, ...rest] = options.status!;
    if (wamid === undefined || status === undefined || rest.length > 0 || !STATUSES.includes(status))
      throw invalidInput('--status takes two values: <wamid> <sent|delivered|read|failed>', {
        code: 'usage.bad_status',
      });
    const waId =
      options.from === undefined
        ? await recipientOf(deps, wamid)
        : await contact(deps, options.from, options.country);
    body = sim.simulatedStatus({
      wamid,
      status: status as 'sent',
      recipient: waId,
      now,
      business,
    });
    result = { kind: 'status', id: wamid, waId, status };
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

async function contact(deps: Deps, phone: string, country: string | undefined): Promise<string> {
  const { resolveContactWaId } = await import('../contact-arg.js');
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
