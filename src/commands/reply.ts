// `wabox reply <contact>`: answer a customer from the inbox. The `send` machinery (runSend): the same
// payloads, retries and recording; the 24-hour window enforced from the store for anything but a
// template (no --force here); {{contact.name}} in a quick reply comes from the store.
import type { Command } from 'commander';
import type { Deps } from '../cli/deps.js';
import { emit, note } from '../cli/output.js';
import { invalidInput } from '../core/errors.js';
import { collect } from './cloud-args.js';
import { contactArgument } from './contact-arg.js';
import type { runSend, SendOptions } from './send.js';

interface Sequenced {
  seq: number;
  value: string;
}

export interface ReplyOptions {
  contact: string;
  country?: string;
  text?: string;
  previewUrl?: boolean;
  quickReply?: string;
  var?: string[];
  template?: string;
  lang?: string;
  param?: Sequenced[];
  currency?: Sequenced[];
  dateTime?: Sequenced[];
  namedParam?: string[];
  headerImage?: string;
  headerDocument?: string;
  headerVideo?: string;
  buttonPayload?: string[];
  buttonUrl?: string[];
  image?: string;
  video?: string;
  audio?: string;
  document?: string;
  caption?: string;
  filename?: string;
  replyTo?: string;
  quote?: boolean;
  dryRun?: boolean;
  json?: boolean;
}

export function register(program: Command, deps: Deps): void {
  let seq = 0;
  const ordered = (value: string, previous: Sequenced[] = []) => [...previous, { seq: seq++, value }];
  contactArgument(
    program
      .command('reply')
      .description('answer a customer: text, a quick reply or a template (the 24-hour window is enforced)'),
  )
    .option('-t, --text <text>', 'a text message ("-" reads stdin)')
    .option('--preview-url', 'with --text or --quick-reply: show a preview of the first link')
    .option('--quick-reply <ref>', 'a text from your template library: /shortcut or name')
    .option('--var <key=value>', 'with --quick-reply: a value for {{key}} (repeatable)', collect)
    .option(
      '--template <name>',
      'an approved Meta template (the way to write after the window closed); needs --lang',
    )
    .option('--lang <code>', 'with --template: its language code, e.g. en, en_US')
    .option('--param <text>', 'with --template: the next body parameter (repeatable, in order)', ordered)
    .option('--currency <"CODE amount">', 'with --template: the next body parameter as money', ordered)
    .option('--date-time <text>', 'with --template: the next body parameter as a date/time', ordered)
    .option('--named-param <name=value>', 'with --template: a named body parameter (repeatable)', collect)
    .option('--header-image <url|file|id>', 'with --template: the image of a media header')
    .option('--header-document <url|file|id>', 'with --template: the document of a media header')
    .option('--header-video <url|file|id>', 'with --template: the video of a media header')
    .option('--button-payload <index=payload>', 'with --template: a quick-reply button payload', collect)
    .option('--button-url <index=suffix>', 'with --template: a URL button suffix', collect)
    .option('--image <file|url|id>', 'an image; a local file is uploaded first')
    .option('--video <file|url|id>', 'a video')
    .option('--audio <file|url|id>', 'an audio file')
    .option('--document <file|url|id>', 'a document')
    .option('--caption <text>', 'with --image, --video or --document: a caption')
    .option('--filename <name>', 'with --document: the file name shown')
    .option('--reply-to <wamid>', 'quote this message')
    .option('--quote', "quote the customer's latest message")
    .option('--dry-run', 'print the request body and send nothing')
    .option('--json', 'print {id, waId, status}')
    .addHelpText(
      'after',
      `
Examples:
  wabox reply +919876543210 --text "Yes, it is ready. See you at 5!"
  wabox reply +919876543210 --quick-reply /hours
  wabox reply +919876543210 --quick-reply /price --var item=cake --quote
  echo "Thanks for waiting" | wabox reply +919876543210 --text -
  wabox reply +919876543210 --template order_update --lang en_US --param Asha --json

Within 24 hours of the customer's last message anything can be sent; after that only a template:
a text, quick reply or media reply is refused locally (exit 4, nothing sent). {{contact.name}} in
a quick reply is the name the store knows. The reply is recorded like any send.`,
    )
    .action(async (contact: string, flags: Omit<ReplyOptions, 'contact'>) => {
      const result = await runReply({ ...flags, contact }, deps);
      if ('dryRun' in result) {
        emit(deps, { json: true }, result.body, () => '');
        return;
      }
      emit(deps, flags, result, (r) => r.id);
      if (deps.io.isStderrTTY && !flags.json) note(deps.io, `replied to +${result.waId} (${result.status})`);
    });
}

export async function runReply(options: ReplyOptions, deps: Deps): ReturnType<typeof runSend> {
  const { resolveContactWaId } = await import('./contact-arg.js');
  const waId = await resolveContactWaId(deps, options.contact, { country: options.country });
  if (options.quote && options.replyTo !== undefined)
    throw invalidInput('give --quote or --reply-to <wamid>, not both', { code: 'usage.conflict' });
  const store = await deps.store();
  const conversation = await store.getConversation(waId);
  let replyTo = options.replyTo;
  if (options.quote) {
    const [last] = await store.listMessages({ waId, direction: 'in', limit: 1 });
    if (last === undefined)
      throw invalidInput(`--quote: no message from +${waId} in the store to quote`, {
        code: 'usage.nothing_to_quote',
      });
    replyTo = last.id;
  }
  const { contact: _contact, country: _country, quote: _quote, ...rest } = options;
  const sendOptions: SendOptions = {
    ...rest,
    to: `+${waId}`,
    replyTo,
    contactName: conversation?.name ?? null,
  };
  const sendCommand = await import('./send.js');
  return sendCommand.runSend(sendOptions, deps);
}
