// `wabox send <to>`: one message through the WhatsApp Cloud API, recorded in the store.
import type { Command } from 'commander';
import type { Deps } from '../cli/deps.js';
import { emit, note, warn } from '../cli/output.js';
import { GraphError } from '../cloud/errors.js';
import type { Envelope, OutgoingMessage } from '../cloud/messages.js';
import { WaboxError } from '../core/errors.js';
import { sendRecorded } from './shared/cloud-args.js';
import { type ContactTarget, resolveContactArg } from './shared/contact-arg.js';
import { addMessageOptions, checkMessageFlags, type MessageOptions } from './shared/message-flags.js';
import { assertWindowOpen, windowClosedError } from './shared/window-guard.js';

export interface SendOptions extends MessageOptions {
  to: string;
  country?: string;
  force?: boolean;
  /**
   * Not a flag: the contact's name for {{contact.name}} in a quick reply. `wabox reply` sets it from
   * the store; `send` leaves it unset.
   */
  contactName?: string | null;
  /** Not a flag: the contact `to` names, when the caller resolved it already (`wabox reply`). */
  target?: ContactTarget;
}

/** `send --json`: part of the interface, keep it stable. */
export interface SendResultJson {
  /** The wamid. */
  id: string;
  /** The phone in digits; null when the message went to a BSUID and the API did not say the number. */
  waId: string | null;
  /** The BSUID, when known. */
  userId: string | null;
  /** accepted, held_for_quality_assessment or paused (messages[0].message_status). */
  status: string;
}

/** Runs instead of runSend when given: tests check argv -> options without sending. */
export type SendRunner = (options: SendOptions) => Promise<void>;

export function register(program: Command, deps: Deps, runF?: SendRunner): void {
  addMessageOptions(
    program
      .command('send')
      .description('send one WhatsApp message through the Cloud API (recorded in the local store)')
      .argument(
        '<to>',
        'the customer: +919876543210, "07700 900123" with --country GB, a BSUID (US.1349...) or @username',
      )
      .option(
        '-c, --country <code>',
        'region for a number without a country code; default: config default-country',
      ),
  )
    .option('--force', 'send even when the store says the 24-hour window is closed')
    .addHelpText(
      'after',
      `
Examples:
  wabox send +919876543210 --text "Your order is ready 🎉"
  echo "Hello from a script" | wabox send +919876543210 --text -
  wabox send +919876543210 --quick-reply /price --var item=cake
  wabox send +919876543210 --template order_update --lang en_US --param Asha --currency "INR 499" \\
      --date-time "25 June 2025" --header-image receipt.png --button-payload 0=DETAILS
  wabox send +919876543210 --template welcome --lang en --named-param first_name=Asha
  wabox send +919876543210 --image menu.jpg --caption "Today's menu"
  wabox send +919876543210 --document invoice.pdf --filename "Invoice 42.pdf"
  wabox send +919876543210 --location 19.0760,72.8777 --location-name "Asha's Bakery"
  wabox send +919876543210 --body "Table for tonight?" --button Yes --button No
  wabox send +919876543210 --list menu.json
  wabox send +919876543210 --contacts '-' <<< '[{"name":"Asha Rao","phone":"+919876543210"}]'
  wabox send +919876543210 --react wamid.HBgL... --emoji 👍
  wabox send +919876543210 --text "See above" --reply-to wamid.HBgL... --json
  wabox send +919876543210 --text "Hi" --dry-run
  wabox send @asha.bakes --text "Your cake is ready"      # a customer known by username: sent to the BSUID

Outside the 24-hour window after the customer's last message only templates can be sent; wabox
refuses a free-form send locally when its store knows the window closed (--force overrides).
A customer whose phone number is not known gets the message at their business-scoped user id (BSUID);
an authentication template needs a phone number. A marketing template to a customer who stopped
marketing messages is refused (--force overrides); any template to them is sent with a warning.`,
    )
    .action(async (to: string, flags: Omit<SendOptions, 'to'>) => {
      const options: SendOptions = { ...flags, to };
      checkMessageFlags(options);
      if (runF) return runF(options);
      printSent(deps, flags, await runSend(options, deps), 'sent to');
    });
}

/** The request body of a dry run, else the wamid (or {id, waId, status}) and a note on a terminal. */
export function printSent(
  deps: Deps,
  flags: { json?: boolean },
  result: Awaited<ReturnType<typeof runSend>>,
  verb: string,
): void {
  if ('dryRun' in result) {
    emit(deps, { json: true }, result.body, () => '');
    return;
  }
  emit(deps, flags, result, (r) => r.id);
  const who = result.waId === null ? result.userId : `+${result.waId}`;
  if (deps.io.isStderrTTY && !flags.json) note(deps.io, `${verb} ${who} (${result.status})`);
}

export async function runSend(
  options: SendOptions,
  deps: Deps,
): Promise<SendResultJson | { dryRun: true; body: OutgoingMessage }> {
  const [messages, { planContent, withMedia, setMediaId }] = await Promise.all([
    import('../cloud/messages.js'),
    import('./shared/message-content.js'),
  ]);
  const target = options.target ?? (await resolveContactArg(deps, options.to, { country: options.country }));
  const waId = target.waId;
  const plan = await planContent(options, deps, { phone: target.phone, name: options.contactName });
  const envelope: Envelope = { ...messages.addressTo(target), replyTo: options.replyTo };
  // built once with a stand-in id for a file to upload, so every limit is checked before any request
  const draft = messages.buildMessage(envelope, withMedia(plan, '0'));
  const file = plan.media && 'file' in plan.media.arg ? plan.media.arg.file : undefined;
  if (options.dryRun) {
    if (file) {
      note(deps.io, `dry run: ${file.name} (${file.mimeType}, ${file.size} bytes) would be uploaded first`);
      setMediaId(draft, plan.media!.place, `<media id of ${file.name}>`);
    }
    note(deps.io, 'dry run: nothing sent');
    return { dryRun: true, body: draft };
  }
  const client = await deps.cloud();
  const store = await deps.store();
  if (plan.content.type === 'template') {
    const { checkTemplateRecipient } = await import('./shared/template-guard.js');
    const contact = await store.getContact(waId);
    for (const w of await checkTemplateRecipient(client, plan.content, target, contact, options))
      warn(deps.io, w);
  } else {
    const window = await assertWindowOpen(store, waId, deps.clock(), { force: options.force });
    if (window.known && !window.open)
      warn(
        deps.io,
        'the 24-hour window is closed; sending anyway (--force): WhatsApp will likely refuse with 131047',
      );
  }
  const base = {
    waId,
    type: messages.apiType(plan.content),
    text: messages.summarize(plan.content),
    replyTo: options.replyTo ?? null,
    phoneNumberId: client.phoneNumberId,
  };
  const upload = file
    ? async () => messages.buildMessage(envelope, withMedia(plan, (await client.uploadMedia(file)).id))
    : undefined;
  try {
    const sent = await sendRecorded(deps, client, base, draft, upload);
    return { id: sent.id, waId: sent.waId ?? target.phone, userId: target.userId, status: sent.status };
  } catch (err) {
    throw await windowClosedFromApi(err, waId, deps);
  }
}

/** A 131047 from the API becomes the same refusal as the local window check (exit 4). */
async function windowClosedFromApi(err: unknown, waId: string, deps: Deps): Promise<unknown> {
  if (!(err instanceof GraphError) || err.category !== 'window-closed') return err;
  const local = windowClosedError(waId, null, deps.clock());
  return new WaboxError('refused', local.message, {
    code: local.code,
    hint: 'outside the window only an approved template can be sent: --template <name> --lang <code>',
    details: { ...local.details, graphCode: err.graphCode, fbtraceId: err.fbtraceId },
    cause: err,
  });
}
