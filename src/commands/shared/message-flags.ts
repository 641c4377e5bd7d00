// The flags that say what to send, shared by `send` and `reply`, and which of them go together: one
// message kind per send, flags that shape only some kinds, flags a kind needs, and flags of one kind
// that exclude each other. The tables are the rules; checkMessageFlags only reads them.
import type { Command } from 'commander';
import { invalidInput } from '../../core/errors.js';
import { collect } from './flags.js';

/** Body parameters keep their command-line order across --param, --currency and --date-time. */
export interface Sequenced {
  seq: number;
  value: string;
}

/** What to send: the flags of addMessageOptions. */
export interface MessageOptions {
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
  sticker?: string;
  caption?: string;
  filename?: string;
  location?: string;
  locationName?: string;
  locationAddress?: string;
  button?: string[];
  body?: string;
  header?: string;
  footer?: string;
  list?: string;
  contacts?: string;
  react?: string;
  emoji?: string;
  replyTo?: string;
  dryRun?: boolean;
  json?: boolean;
}

type Key = keyof MessageOptions;

/** The flag of each message kind; exactly one per send. */
const MESSAGE_KINDS = {
  '--text': 'text',
  '--quick-reply': 'quickReply',
  '--template': 'template',
  '--image': 'image',
  '--video': 'video',
  '--audio': 'audio',
  '--document': 'document',
  '--sticker': 'sticker',
  '--location': 'location',
  '--button': 'button',
  '--list': 'list',
  '--contacts': 'contacts',
  '--react': 'react',
} as const satisfies Record<string, Key>;

type MessageKind = keyof typeof MESSAGE_KINDS;

/** Flags that shape a message of only these kinds. */
const GOES_WITH: ReadonlyArray<readonly [flag: string, key: Key, kinds: readonly MessageKind[]]> = [
  ['--preview-url', 'previewUrl', ['--text', '--quick-reply']],
  ['--var', 'var', ['--quick-reply']],
  ['--lang', 'lang', ['--template']],
  ['--param', 'param', ['--template']],
  ['--currency', 'currency', ['--template']],
  ['--date-time', 'dateTime', ['--template']],
  ['--named-param', 'namedParam', ['--template']],
  ['--header-image', 'headerImage', ['--template']],
  ['--header-document', 'headerDocument', ['--template']],
  ['--header-video', 'headerVideo', ['--template']],
  ['--button-payload', 'buttonPayload', ['--template']],
  ['--button-url', 'buttonUrl', ['--template']],
  ['--caption', 'caption', ['--image', '--video', '--document']],
  ['--filename', 'filename', ['--document', '--template']],
  ['--location-name', 'locationName', ['--location']],
  ['--location-address', 'locationAddress', ['--location']],
  ['--body', 'body', ['--button', '--list']],
  ['--header', 'header', ['--button', '--list']],
  ['--footer', 'footer', ['--button', '--list']],
  ['--emoji', 'emoji', ['--react']],
];

/** A kind (given `when`, if set) that cannot go without `needs`. */
const NEEDS: ReadonlyArray<{ kind: MessageKind; when?: Key; needs: Key; message: string; code: string }> = [
  {
    kind: '--template',
    needs: 'lang',
    message: '--template needs --lang <code> (the language it was approved in, e.g. en_US)',
    code: 'usage.missing_lang',
  },
  {
    kind: '--template',
    when: 'filename',
    needs: 'headerDocument',
    message: '--filename goes with --header-document for a template',
    code: 'usage.conflict',
  },
  {
    kind: '--button',
    needs: 'body',
    message: 'reply buttons need the message text: --body <text>',
    code: 'usage.missing_body',
  },
  {
    kind: '--react',
    needs: 'emoji',
    message: "--react needs --emoji <emoji> (--emoji '' removes a reaction)",
    code: 'usage.missing_emoji',
  },
];

/** Groups of flags of one kind of which at most one group may be given. */
const ONE_OF: ReadonlyArray<{ kind: MessageKind; groups: Key[][]; message: string; code: string }> = [
  {
    kind: '--template',
    groups: [['headerImage'], ['headerDocument'], ['headerVideo']],
    message: 'a template has one header: give one of --header-image, --header-document, --header-video',
    code: 'usage.conflict',
  },
  {
    kind: '--template',
    groups: [['param', 'currency', 'dateTime'], ['namedParam']],
    message:
      'a template takes positional (--param, --currency, --date-time) or named (--named-param) parameters, not both',
    code: 'template.mixed_parameters',
  },
];

const given = (o: MessageOptions, key: Key) => o[key] !== undefined && o[key] !== false;

/** The kind flags given, in MESSAGE_KINDS order. */
function kindsGiven(o: MessageOptions): MessageKind[] {
  return (Object.keys(MESSAGE_KINDS) as MessageKind[]).filter((flag) => given(o, MESSAGE_KINDS[flag]));
}

/** Whether any flag says what to send (`reply` offers its quick-reply picker when none does). */
export function hasMessageContent(o: MessageOptions): boolean {
  return kindsGiven(o).length > 0;
}

/** The one message kind of `o`, or a usage error naming the flags that do not go together. */
export function checkMessageFlags(o: MessageOptions): MessageKind {
  const kinds = kindsGiven(o);
  if (kinds.length === 0)
    throw invalidInput('nothing to send', {
      code: 'usage.missing_content',
      hint: 'give one of --text, --quick-reply, --template, --image/--video/--audio/--document/--sticker, --location, --button, --list, --contacts or --react',
    });
  if (kinds.length > 1)
    throw invalidInput(`give one message at a time: ${kinds.join(' and ')} were both given`, {
      code: 'usage.conflict',
    });
  const kind = kinds[0]!;
  for (const [flag, key, allowed] of GOES_WITH)
    if (given(o, key) && !allowed.includes(kind))
      throw invalidInput(`${flag} goes with ${allowed.join(' or ')}, not ${kind}`, {
        code: 'usage.conflict',
      });
  for (const rule of NEEDS)
    if (rule.kind === kind && (rule.when === undefined || given(o, rule.when)) && !given(o, rule.needs))
      throw invalidInput(rule.message, { code: rule.code });
  for (const rule of ONE_OF)
    if (rule.kind === kind && rule.groups.filter((keys) => keys.some((k) => given(o, k))).length > 1)
      throw invalidInput(rule.message, { code: rule.code });
  return kind;
}

/** The flags that say what to send, for `send` and `reply`. */
export function addMessageOptions(command: Command): Command {
  let seq = 0;
  const ordered = (value: string, previous: Sequenced[] = []) => [...previous, { seq: seq++, value }];
  return command
    .option('-t, --text <text>', 'a text message ("-" reads stdin; at most 4,096 characters)')
    .option('--preview-url', 'with --text: show a preview of the first link')
    .option('--quick-reply <ref>', 'a text from your template library: /shortcut or name')
    .option('--var <key=value>', 'with --quick-reply: a value for {{key}} (repeatable)', collect)
    .option('--template <name>', 'an approved Meta template (see wabox meta-template list); needs --lang')
    .option('--lang <code>', 'with --template: its language code, e.g. en, en_US, pt_BR')
    .option('--param <text>', 'with --template: the next body parameter (repeatable, in order)', ordered)
    .option(
      '--currency <"CODE amount">',
      'with --template: the next body parameter as money, e.g. "USD 100.99"',
      ordered,
    )
    .option(
      '--date-time <text>',
      'with --template: the next body parameter as a date/time (shown as given)',
      ordered,
    )
    .option('--named-param <name=value>', 'with --template: a named body parameter (repeatable)', collect)
    .option('--header-image <url|file|id>', 'with --template: the image of a media header')
    .option('--header-document <url|file|id>', 'with --template: the document of a media header')
    .option('--header-video <url|file|id>', 'with --template: the video of a media header')
    .option(
      '--button-payload <index=payload>',
      'with --template: the payload of quick-reply button <index> (0-9)',
      collect,
    )
    .option(
      '--button-url <index=suffix>',
      'with --template: the URL suffix of URL button <index> (0-9)',
      collect,
    )
    .option('--image <file|url|id>', 'an image (JPEG/PNG, at most 5 MB); a local file is uploaded first')
    .option('--video <file|url|id>', 'a video (MP4/3GP, at most 16 MB)')
    .option('--audio <file|url|id>', 'an audio file (AAC/AMR/MP3/M4A/OGG, at most 16 MB)')
    .option('--document <file|url|id>', 'a document (PDF, TXT, Office; at most 100 MB)')
    .option('--sticker <file|url|id>', 'a WebP sticker (100 KB static, 500 KB animated)')
    .option('--caption <text>', 'with --image, --video or --document: a caption (at most 1,024 characters)')
    .option('--filename <name>', 'with --document or --header-document: the file name shown')
    .option('--location <lat,lng>', 'a location pin, e.g. 19.0760,72.8777')
    .option('--location-name <name>', 'with --location: the place name')
    .option('--location-address <address>', 'with --location: the address')
    .option(
      '--button <title>',
      'a reply button (repeatable, 1-3; titles at most 20 characters); needs --body',
      collect,
    )
    .option('--body <text>', 'with --button or --list: the message text (at most 1,024 characters)')
    .option('--header <text>', 'with --button or --list: a text header (at most 60 characters)')
    .option('--footer <text>', 'with --button or --list: a footer (at most 60 characters)')
    .option(
      '--list <file.json|->',
      'a list message: {body, button, sections: [{title, rows: [{id, title, description}]}]}',
    )
    .option('--contacts <file.json|->', "contact cards: [{name, phone, email}] or Meta's contact objects")
    .option('--react <wamid>', 'react to a message with --emoji')
    .option('--emoji <emoji>', "with --react: the emoji ('' removes the reaction)")
    .option('--reply-to <wamid>', 'quote this message (a reply)')
    .option('--dry-run', 'print the request body and send nothing (no token needed)')
    .option('--json', 'print {id, waId, status}');
}
