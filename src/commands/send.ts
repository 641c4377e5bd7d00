// `wabox send <to>`: one message through the WhatsApp Cloud API, recorded in the store.
import type { Command } from 'commander';
import type { Deps } from '../cli/deps.js';
import { emit, note, warn } from '../cli/output.js';
import { readStdinText } from '../cli/stdin.js';
import type { MediaKind } from '../cloud/media.js';
import type {
  ContactCard,
  Envelope,
  ListSection,
  MessageContent,
  OutgoingMessage,
  TemplateButton,
  TemplateContent,
  TemplateParameter,
} from '../cloud/messages.js';
import { invalidInput, WaboxError } from '../core/errors.js';
import type { MediaArg } from './shared/cloud-args.js';
import { collect } from './shared/flags.js';

/** Body parameters keep their command-line order across --param, --currency and --date-time. */
interface Sequenced {
  seq: number;
  value: string;
}

/** What to send: the flags `send` and `reply` share (addMessageOptions). */
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

export interface SendOptions extends MessageOptions {
  to: string;
  country?: string;
  force?: boolean;
  /**
   * Not a flag: the contact's name for {{contact.name}} in a quick reply. `wabox reply` sets it from
   * the store; `send` leaves it unset.
   */
  contactName?: string | null;
}

/** `send --json`: part of the interface, keep it stable. */
export interface SendResultJson {
  /** The wamid. */
  id: string;
  waId: string;
  /** accepted, held_for_quality_assessment or paused (messages[0].message_status). */
  status: string;
}

const MEDIA_FLAGS: readonly MediaKind[] = ['image', 'video', 'audio', 'document', 'sticker'];

export function register(program: Command, deps: Deps): void {
  addMessageOptions(
    program
      .command('send')
      .description('send one WhatsApp message through the Cloud API (recorded in the local store)')
      .argument(
        '<to>',
        'the customer: +919876543210, "07700 900123" with --country GB, ... (as for wabox link)',
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

Outside the 24-hour window after the customer's last message only templates can be sent; wabox
refuses a free-form send locally when its store knows the window closed (--force overrides).`,
    )
    .action(async (to: string, flags: Omit<SendOptions, 'to'>) =>
      printSent(deps, flags, await runSend({ ...flags, to }, deps), 'sent to'),
    );
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
  if (deps.io.isStderrTTY && !flags.json) note(deps.io, `${verb} +${result.waId} (${result.status})`);
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

/** What was chosen to send, before any upload. */
interface Plan {
  content: MessageContent;
  /** The media of the message or of a template header: a link, a media id, or a file to upload first. */
  media?: { arg: MediaArg; place: 'media' | 'header' };
}

export async function runSend(
  options: SendOptions,
  deps: Deps,
): Promise<SendResultJson | { dryRun: true; body: OutgoingMessage }> {
  const { resolveContactWaId } = await import('./shared/contact-arg.js');
  const messages = await import('../cloud/messages.js');
  const waId = await resolveContactWaId(deps, options.to, { country: options.country });
  const plan = await planContent(options, deps, waId);
  const envelope: Envelope = { to: `+${waId}`, replyTo: options.replyTo };
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
  if (plan.content.type !== 'template') {
    const { assertWindowOpen } = await import('./shared/window-guard.js');
    const window = await assertWindowOpen(store, waId, deps.clock(), { force: options.force });
    if (window.known && !window.open)
      warn(
        deps.io,
        'the 24-hour window is closed; sending anyway (--force): WhatsApp will likely refuse with 131047',
      );
  }
  const { recordSend, localMessageId, messageErrorOf } = await import('./shared/cloud-args.js');
  const base = {
    waId,
    type: messages.apiType(plan.content),
    text: messages.summarize(plan.content),
    replyTo: options.replyTo ?? null,
    phoneNumberId: client.phoneNumberId,
  };
  let message: OutgoingMessage = draft;
  try {
    if (file) message = messages.buildMessage(envelope, withMedia(plan, (await client.uploadMedia(file)).id));
    const sent = await client.sendMessage(message);
    const problem = await recordSend(deps, {
      ...base,
      id: sent.id,
      timestamp: deps.clock(),
      status: 'accepted',
      payload: message,
    });
    if (problem) warn(deps.io, problem);
    return { id: sent.id, waId: sent.waId ?? waId, status: sent.status };
  } catch (err) {
    const problem = await recordSend(deps, {
      ...base,
      id: localMessageId(),
      timestamp: deps.clock(),
      status: 'failed',
      error: messageErrorOf(err, deps.mask),
      payload: message,
    });
    if (problem) warn(deps.io, problem);
    throw await windowClosedFromApi(err, waId, deps);
  }
}

/** A 131047 from the API becomes the same refusal as the local window check (exit 4). */
async function windowClosedFromApi(err: unknown, waId: string, deps: Deps): Promise<unknown> {
  const { GraphError } = await import('../cloud/errors.js');
  if (!(err instanceof GraphError) || err.category !== 'window-closed') return err;
  const { windowClosedError } = await import('./shared/window-guard.js');
  const local = windowClosedError(waId, null, deps.clock());
  return new WaboxError('refused', local.message, {
    code: local.code,
    hint: 'outside the window only an approved template can be sent: --template <name> --lang <code>',
    details: { ...local.details, graphCode: err.graphCode, fbtraceId: err.fbtraceId },
    cause: err,
  });
}

/** The content with its media source: the link or id given, or `uploadedId` for a local file. */
function withMedia(plan: Plan, uploadedId: string): MessageContent {
  if (!plan.media) return plan.content;
  const { arg, place } = plan.media;
  const source = 'file' in arg ? { id: uploadedId } : 'link' in arg ? { link: arg.link } : { id: arg.id };
  const content = structuredClone(plan.content);
  if (place === 'header' && content.type === 'template' && content.header) content.header.source = source;
  else if ('source' in content) content.source = source;
  return content;
}

/** Dry run: shows where the id of an upload would go. */
function setMediaId(body: OutgoingMessage, place: 'media' | 'header', id: string): void {
  if (place === 'media') {
    (body[body.type] as { id?: string }).id = id;
    return;
  }
  const components = (
    body.template as { components: Array<{ type: string; parameters: Array<Record<string, unknown>> }> }
  ).components;
  const parameter = components.find((c) => c.type === 'header')!.parameters[0]!;
  (parameter[parameter.type as string] as { id?: string }).id = id;
}

/** Whether any flag says what to send (`reply` offers its quick-reply picker when none does). */
export function hasMessageContent(o: MessageOptions): boolean {
  return contentFlags(o).length > 0;
}

function contentFlags(o: MessageOptions): string[] {
  const chosen: string[] = [];
  if (o.text !== undefined) chosen.push('--text');
  if (o.quickReply !== undefined) chosen.push('--quick-reply');
  if (o.template !== undefined) chosen.push('--template');
  for (const k of MEDIA_FLAGS) if (o[k] !== undefined) chosen.push(`--${k}`);
  if (o.location !== undefined) chosen.push('--location');
  if (o.button !== undefined) chosen.push('--button');
  if (o.list !== undefined) chosen.push('--list');
  if (o.contacts !== undefined) chosen.push('--contacts');
  if (o.react !== undefined) chosen.push('--react');
  return chosen;
}

/** Which content flag was given, checked against the flags that go with it. */
async function planContent(o: SendOptions, deps: Deps, waId: string): Promise<Plan> {
  const chosen = contentFlags(o);
  if (chosen.length === 0)
    throw invalidInput('nothing to send', {
      code: 'usage.missing_content',
      hint: 'give one of --text, --quick-reply, --template, --image/--video/--audio/--document/--sticker, --location, --button, --list, --contacts or --react',
    });
  if (chosen.length > 1)
    throw invalidInput(`give one message at a time: ${chosen.join(' and ')} were both given`, {
      code: 'usage.conflict',
    });
  const what = chosen[0]!;
  const only = (flag: string, present: boolean, allowed: readonly string[]) => {
    if (present && !allowed.includes(what))
      throw invalidInput(`${flag} goes with ${allowed.join(' or ')}, not ${what}`, {
        code: 'usage.conflict',
      });
  };
  only('--preview-url', o.previewUrl === true, ['--text', '--quick-reply']);
  only('--var', o.var !== undefined, ['--quick-reply']);
  for (const [flag, v] of [
    ['--lang', o.lang],
    ['--param', o.param],
    ['--currency', o.currency],
    ['--date-time', o.dateTime],
    ['--named-param', o.namedParam],
    ['--header-image', o.headerImage],
    ['--header-document', o.headerDocument],
    ['--header-video', o.headerVideo],
    ['--button-payload', o.buttonPayload],
    ['--button-url', o.buttonUrl],
  ] as const)
    only(flag, v !== undefined, ['--template']);
  only('--caption', o.caption !== undefined, ['--image', '--video', '--document']);
  only('--filename', o.filename !== undefined, ['--document', '--template']);
  only('--location-name', o.locationName !== undefined, ['--location']);
  only('--location-address', o.locationAddress !== undefined, ['--location']);
  only('--body', o.body !== undefined, ['--button', '--list']);
  only('--header', o.header !== undefined, ['--button', '--list']);
  only('--footer', o.footer !== undefined, ['--button', '--list']);
  only('--emoji', o.emoji !== undefined, ['--react']);

  if (o.text !== undefined) {
    const body = o.text === '-' ? await readStdinText(deps.io) : o.text;
    return { content: { type: 'text', body, previewUrl: o.previewUrl } };
  }
  if (o.quickReply !== undefined) {
    const [{ renderTemplateForContact }, { parseAssignments }] = await Promise.all([
      import('./template/shared.js'),
      import('../core/placeholders.js'),
    ]);
    const rendered = await renderTemplateForContact(
      deps,
      o.quickReply,
      { phone: `+${waId}`, name: o.contactName ?? null },
      { vars: parseAssignments(o.var ?? []) },
    );
    return { content: { type: 'text', body: rendered.text, previewUrl: o.previewUrl } };
  }
  if (o.template !== undefined) return planTemplate(o);
  for (const kind of MEDIA_FLAGS) {
    const value = o[kind];
    if (value === undefined) continue;
    const { parseMediaArg } = await import('./shared/cloud-args.js');
    const arg = await parseMediaArg(value, kind, `--${kind}`);
    const filename = o.filename ?? (kind === 'document' && 'file' in arg ? arg.file.name : undefined);
    return {
      content: {
        type: kind,
        source: { id: '0' },
        ...(o.caption === undefined ? {} : { caption: o.caption }),
        ...(filename === undefined ? {} : { filename }),
      },
      media: { arg, place: 'media' },
    };
  }
  if (o.location !== undefined) {
    const m = /^\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*$/.exec(o.location);
    if (!m)
      throw invalidInput(`--location "${o.location}" is not <latitude>,<longitude> (e.g. 19.0760,72.8777)`, {
        code: 'usage.bad_location',
      });
    return {
      content: {
        type: 'location',
        latitude: Number(m[1]),
        longitude: Number(m[2]),
        ...(o.locationName === undefined ? {} : { name: o.locationName }),
        ...(o.locationAddress === undefined ? {} : { address: o.locationAddress }),
      },
    };
  }
  if (o.button !== undefined) {
    if (o.body === undefined)
      throw invalidInput('reply buttons need the message text: --body <text>', {
        code: 'usage.missing_body',
      });
    return {
      content: {
        type: 'buttons',
        body: o.body,
        buttons: o.button.map((title) => ({ title })),
        ...(o.header === undefined ? {} : { header: o.header }),
        ...(o.footer === undefined ? {} : { footer: o.footer }),
      },
    };
  }
  const { readJsonArg } = await import('./shared/cloud-args.js');
  if (o.list !== undefined) return { content: parseList(await readJsonArg(deps, o.list, '--list'), o) };
  if (o.contacts !== undefined)
    return {
      content: {
        type: 'contacts',
        contacts: parseContacts(await readJsonArg(deps, o.contacts, '--contacts')),
      },
    };
  if (o.emoji === undefined)
    throw invalidInput("--react needs --emoji <emoji> (--emoji '' removes a reaction)", {
      code: 'usage.missing_emoji',
    });
  return { content: { type: 'reaction', messageId: o.react!, emoji: o.emoji } };
}

async function planTemplate(o: SendOptions): Promise<Plan> {
  if (o.lang === undefined)
    throw invalidInput('--template needs --lang <code> (the language it was approved in, e.g. en_US)', {
      code: 'usage.missing_lang',
    });
  const positional = [
    ...(o.param ?? []).map((p) => ({
      seq: p.seq,
      param: { type: 'text', text: p.value } as TemplateParameter,
    })),
    ...(o.currency ?? []).map((p) => ({ seq: p.seq, param: parseCurrency(p.value, o.lang!) })),
    ...(o.dateTime ?? []).map((p) => ({
      seq: p.seq,
      param: { type: 'date_time', fallback: p.value } as TemplateParameter,
    })),
  ]
    .sort((a, b) => a.seq - b.seq)
    .map((p) => p.param);
  const named: TemplateParameter[] = (o.namedParam ?? []).map((pair) => {
    const eq = pair.indexOf('=');
    if (eq <= 0)
      throw invalidInput(`--named-param "${pair}" is not name=value`, { code: 'usage.bad_named_param' });
    return { type: 'text', text: pair.slice(eq + 1), name: pair.slice(0, eq) };
  });
  if (positional.length > 0 && named.length > 0)
    throw invalidInput(
      'a template takes positional (--param, --currency, --date-time) or named (--named-param) parameters, not both',
      {
        code: 'template.mixed_parameters',
      },
    );
  const buttons: TemplateButton[] = [
    ...(o.buttonPayload ?? []).map((v) => {
      const [index, payload] = indexed(v, '--button-payload');
      return { subType: 'quick_reply', index, payload } as TemplateButton;
    }),
    ...(o.buttonUrl ?? []).map((v) => {
      const [index, text] = indexed(v, '--button-url');
      return { subType: 'url', index, text } as TemplateButton;
    }),
  ].sort((a, b) => a.index - b.index);
  const headers = (
    [
      ['image', o.headerImage],
      ['document', o.headerDocument],
      ['video', o.headerVideo],
    ] as const
  ).filter(([, v]) => v !== undefined);
  if (headers.length > 1)
    throw invalidInput(
      'a template has one header: give one of --header-image, --header-document, --header-video',
      {
        code: 'usage.conflict',
      },
    );
  if (o.filename !== undefined && headers[0]?.[0] !== 'document')
    throw invalidInput('--filename goes with --header-document for a template', { code: 'usage.conflict' });
  const content: TemplateContent = {
    type: 'template',
    name: o.template!,
    language: o.lang,
    body: positional.length > 0 ? positional : named,
    buttons,
  };
  if (!headers[0]) return { content };
  const [kind, value] = headers[0];
  const { parseMediaArg } = await import('./shared/cloud-args.js');
  const arg = await parseMediaArg(value!, kind, `--header-${kind}`);
  // a document from a local file keeps its name, as a --document does
  const filename = o.filename ?? (kind === 'document' && 'file' in arg ? arg.file.name : undefined);
  content.header = { type: kind, source: { id: '0' }, ...(filename === undefined ? {} : { filename }) };
  return { content, media: { arg, place: 'header' } };
}

/** "USD 100.99" -> currency parameter with a fallback written for the template's language. */
export function parseCurrency(value: string, lang: string): TemplateParameter {
  const m = /^\s*([A-Za-z]{3})\s+(-?\d+(?:\.\d{1,3})?)\s*$/.exec(value);
  if (!m)
    throw invalidInput(`--currency "${value}" is not "CODE amount" (e.g. "USD 100.99", "INR 499")`, {
      code: 'usage.bad_currency',
    });
  const code = m[1]!.toUpperCase();
  const amount = Number(m[2]);
  let fallback: string;
  try {
    fallback = new Intl.NumberFormat(lang.replace('_', '-'), { style: 'currency', currency: code }).format(
      amount,
    );
  } catch {
    fallback = `${code} ${m[2]}`;
  }
  return { type: 'currency', code, amount1000: Math.round(amount * 1000), fallback };
}

function indexed(value: string, flag: string): [number, string] {
  const m = /^(\d)=(.*)$/s.exec(value);
  if (!m)
    throw invalidInput(`${flag} "${value}" is not <index>=<value> with an index 0-9`, {
      code: 'usage.bad_button',
    });
  return [Number(m[1]), m[2]!];
}

/** A --list file: {body?, button, header?, footer?, sections: [{title?, rows: [{id?, title, description?}]}]}. */
function parseList(data: unknown, o: SendOptions): MessageContent {
  if (typeof data !== 'object' || data === null || Array.isArray(data))
    throw invalidInput('--list: expected an object {body, button, sections}', { code: 'usage.bad_list' });
  const d = data as Record<string, unknown>;
  const str = (k: string) => {
    const v = d[k];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string')
      throw invalidInput(`--list: "${k}" is not a string`, { code: 'usage.bad_list' });
    return v;
  };
  const body = o.body ?? str('body');
  if (body === undefined)
    throw invalidInput('--list needs the message text: "body" in the file, or --body', {
      code: 'usage.missing_body',
    });
  if (!Array.isArray(d.sections))
    throw invalidInput('--list: "sections" is not a list', { code: 'usage.bad_list' });
  const sections = d.sections.map((s, i): ListSection => {
    const sec = s as { title?: unknown; rows?: unknown };
    if (typeof s !== 'object' || s === null || !Array.isArray(sec.rows))
      throw invalidInput(`--list: section ${i + 1} needs "rows"`, { code: 'usage.bad_list' });
    return {
      ...(typeof sec.title === 'string' ? { title: sec.title } : {}),
      rows: sec.rows.map((r, j) => {
        const row = r as { id?: unknown; title?: unknown; description?: unknown };
        if (typeof row?.title !== 'string')
          throw invalidInput(`--list: section ${i + 1} row ${j + 1} needs a "title"`, {
            code: 'usage.bad_list',
          });
        return {
          title: row.title,
          ...(typeof row.id === 'string' ? { id: row.id } : {}),
          ...(typeof row.description === 'string' ? { description: row.description } : {}),
        };
      }),
    };
  });
  const header = o.header ?? str('header');
  const footer = o.footer ?? str('footer');
  return {
    type: 'list',
    body,
    button: str('button') ?? '',
    sections,
    ...(header === undefined ? {} : { header }),
    ...(footer === undefined ? {} : { footer }),
  };
}

/** Contact cards: Meta's objects, or the short form {name, phone?, email?, company?}. */
export function parseContacts(data: unknown): ContactCard[] {
  const list = Array.isArray(data) ? data : [data];
  return list.map((item) => {
    const c = item as Record<string, unknown>;
    if (typeof c !== 'object' || c === null || typeof c.name !== 'string') return item as ContactCard;
    const name = c.name.trim();
    const space = name.indexOf(' ');
    const card: Record<string, unknown> = {
      name: {
        formatted_name: name,
        first_name: space === -1 ? name : name.slice(0, space),
        ...(space === -1 ? {} : { last_name: name.slice(space + 1) }),
      },
    };
    if (typeof c.phone === 'string') {
      const digits = c.phone.replace(/[^\d]/g, '');
      card.phones = [
        { phone: c.phone, type: 'WORK', ...(c.phone.trim().startsWith('+') ? { wa_id: digits } : {}) },
      ];
    }
    if (typeof c.email === 'string') card.emails = [{ email: c.email, type: 'WORK' }];
    if (typeof c.company === 'string') card.org = { company: c.company };
    for (const key of Object.keys(c))
      if (!['name', 'phone', 'email', 'company'].includes(key))
        throw invalidInput(
          `--contacts: unknown field "${key}" in the short form {name, phone, email, company}`,
          {
            code: 'usage.bad_contacts',
          },
        );
    return card as unknown as ContactCard;
  });
}
