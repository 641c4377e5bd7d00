// `wabox reply <contact>`: answer a customer from the inbox. The `send` machinery (runSend): the same
// payloads, retries and recording; the 24-hour window enforced from the store for anything but a
// template (no --force here); {{contact.name}} in a quick reply comes from the store.
import type { Command } from 'commander';
import type { Deps } from '../cli/deps.js';
import { contactLabel } from '../core/contact-id.js';
import { invalidInput, WaboxError } from '../core/errors.js';
import { printSent, runSend, type SendOptions } from './send.js';
import { contactArgument, resolveContactArg } from './shared/contact-arg.js';
import { currentAgent } from './shared/current-agent.js';
import { addMessageOptions, hasMessageContent, type MessageOptions } from './shared/message-flags.js';
import { pickQuickReply } from './shared/pick-quick-reply.js';
import { assertWindowOpen } from './shared/window-guard.js';

export interface ReplyOptions extends MessageOptions {
  contact: string;
  country?: string;
  quote?: boolean;
  /** Reply to a conversation another agent holds without asking. */
  force?: boolean;
  as?: string;
}

export function register(program: Command, deps: Deps): void {
  addMessageOptions(
    contactArgument(
      program
        .command('reply')
        .description('answer a customer: text, a quick reply or a template (the 24-hour window is enforced)'),
    ),
  )
    .option('--quote', "quote the customer's latest message")
    .option('--force', 'reply to a conversation assigned to someone else without asking (not the window)')
    .option('--as <agent>', 'who you are; default: WABOX_AGENT, else config agent-name')
    .addHelpText(
      'after',
      `
Examples:
  wabox reply +919876543210 --text "Yes, it is ready. See you at 5!"
  wabox reply +919876543210 --quick-reply /hours
  wabox reply @asha.bakes --text "On its way"
  wabox reply +919876543210 --quick-reply /price --var item=cake --quote
  echo "Thanks for waiting" | wabox reply +919876543210 --text -
  wabox reply +919876543210 --image cake.jpg --caption "Your cake, ready for pick-up"
  wabox reply +919876543210 --template order_update --lang en_US --param Asha --json
  wabox reply +919876543210                      # on a terminal: pick a quick reply, preview, confirm

Every message type of wabox send can be a reply. Within 24 hours of the customer's last message
anything can be sent; after that only a template: anything else is refused locally (exit 4, nothing
sent). {{contact.name}} in a quick reply is the name the store knows. The reply is recorded like any send.
Without a message flag, a terminal shows your quick replies (type a shortcut or words of the text),
asks for any value a reply still needs, shows it rendered for the contact and sends it once you
confirm; in a script that is a usage error (exit 2).
A conversation assigned to another agent (wabox claim, wabox assign) is asked about on a terminal and
refused in a script (exit 1, nothing sent) unless --force.`,
    )
    .action(async (contact: string, flags: Omit<ReplyOptions, 'contact'>) =>
      printSent(deps, flags, await runReply({ ...flags, contact }, deps), 'replied to'),
    );
}

export async function runReply(options: ReplyOptions, deps: Deps): ReturnType<typeof runSend> {
  const target = await resolveContactArg(deps, options.contact, { country: options.country });
  const waId = target.waId;
  if (options.quote && options.replyTo !== undefined)
    throw invalidInput('give --quote or --reply-to <wamid>, not both', { code: 'usage.conflict' });
  const store = await deps.store();
  const conversation = await store.getConversation(waId);
  await checkAssignee(conversation?.assignee ?? null, contactLabel(target), options, deps);
  let replyTo = options.replyTo;
  if (options.quote) {
    const [last] = await store.listMessages({ waId, direction: 'in', limit: 1 });
    if (last === undefined)
      throw invalidInput(`--quote: no message from ${options.contact} in the store to quote`, {
        code: 'usage.nothing_to_quote',
      });
    replyTo = last.id;
  }
  const { contact: _contact, country: _country, quote: _quote, force: _force, as: _as, ...rest } = options;
  if (!hasMessageContent(rest) && deps.io.canPrompt) {
    // a closed window refuses any quick reply: say so before the picker, not after
    await assertWindowOpen(store, waId, deps.clock());
    const picked = await pickQuickReply(
      deps,
      {
        phone: target.phone === null ? null : `+${target.phone}`,
        label: contactLabel(target),
        name: conversation?.name ?? null,
      },
      rest.var,
    );
    rest.quickReply = picked.name;
    rest.var = picked.vars;
  }
  const sendOptions: SendOptions = {
    ...rest,
    to: options.contact,
    target,
    replyTo,
    contactName: conversation?.name ?? null,
  };
  return runSend(sendOptions, deps);
}

/** Someone else's conversation: asked on a terminal, refused in a script, unless --force. */
async function checkAssignee(holder: string | null, label: string, options: ReplyOptions, deps: Deps) {
  if (holder === null || options.force || holder === (await currentAgent(deps, options.as))) return;
  if (deps.io.canPrompt) {
    const prompter = await deps.prompt();
    if (
      await prompter.confirm({ message: `${label} is assigned to ${holder}. Reply anyway?`, default: false })
    )
      return;
    throw new WaboxError('cancelled', 'not sent', { code: 'reply.cancelled' });
  }
  throw new WaboxError('failure', `${label} is assigned to ${holder}: not sent`, {
    code: 'conversation.taken',
    hint: 'reply anyway with --force, or take it over: wabox assign <contact> <agent>',
  });
}
