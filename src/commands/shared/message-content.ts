// Message flags -> the content to send (cloud/messages.ts), with the media still to upload; read
// from stdin, files and the template library as the flags say.
import type { Deps } from '../../cli/deps.js';
import { readStdinText } from '../../cli/stdin.js';
import type { MediaKind } from '../../cloud/media.js';
import {
  type MessageContent,
  type OutgoingMessage,
  parseContacts,
  parseCurrency,
  parseList,
  type TemplateButton,
  type TemplateContent,
  type TemplateParameter,
} from '../../cloud/messages.js';
import { invalidInput } from '../../core/errors.js';
import { parseAssignments } from '../../core/placeholders.js';
import { renderTemplateForContact } from '../template/shared.js';
import { type MediaArg, parseMediaArg, readJsonArg } from './cloud-args.js';
import { checkMessageFlags, type MessageOptions } from './message-flags.js';

/** What was chosen to send, before any upload. */
export interface Plan {
  content: MessageContent;
  /** The media of the message or of a template header: a link, a media id, or a file to upload first. */
  media?: { arg: MediaArg; place: 'media' | 'header' };
}

/** The recipient, for a quick reply's {{contact.phone}} and {{contact.name}}. */
export interface Recipient {
  /** Digits; null when only a BSUID is known. */
  phone: string | null;
  name?: string | null | undefined;
}

/** The one message the flags describe (checked against each other first). */
export async function planContent(o: MessageOptions, deps: Deps, to: Recipient): Promise<Plan> {
  const kind = checkMessageFlags(o);
  switch (kind) {
    case '--text': {
      const body = o.text === '-' ? await readStdinText(deps.io) : o.text!;
      return { content: { type: 'text', body, previewUrl: o.previewUrl } };
    }
    case '--quick-reply': {
      const rendered = await renderTemplateForContact(
        deps,
        o.quickReply!,
        { phone: to.phone === null ? null : `+${to.phone}`, name: to.name ?? null },
        { vars: parseAssignments(o.var ?? []) },
      );
      return { content: { type: 'text', body: rendered.text, previewUrl: o.previewUrl } };
    }
    case '--template':
      return planTemplate(o);
    case '--image':
    case '--video':
    case '--audio':
    case '--document':
    case '--sticker':
      return planMedia(o, kind.slice(2) as MediaKind);
    case '--location':
      return {
        content: {
          type: 'location',
          ...parseLocation(o.location!),
          ...(o.locationName === undefined ? {} : { name: o.locationName }),
          ...(o.locationAddress === undefined ? {} : { address: o.locationAddress }),
        },
      };
    case '--button':
      return {
        content: {
          type: 'buttons',
          body: o.body!,
          buttons: o.button!.map((title) => ({ title })),
          ...(o.header === undefined ? {} : { header: o.header }),
          ...(o.footer === undefined ? {} : { footer: o.footer }),
        },
      };
    case '--list':
      return { content: parseList(await readJsonArg(deps, o.list!, '--list'), o, '--list') };
    case '--contacts': {
      const data = await readJsonArg(deps, o.contacts!, '--contacts');
      return { content: { type: 'contacts', contacts: parseContacts(data, '--contacts') } };
    }
    case '--react':
      return { content: { type: 'reaction', messageId: o.react!, emoji: o.emoji! } };
  }
}

async function planMedia(o: MessageOptions, kind: MediaKind): Promise<Plan> {
  const arg = await parseMediaArg(o[kind]!, kind, `--${kind}`);
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

function parseLocation(value: string): { latitude: number; longitude: number } {
  const m = /^\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*$/.exec(value);
  if (!m)
    throw invalidInput(`--location "${value}" is not <latitude>,<longitude> (e.g. 19.0760,72.8777)`, {
      code: 'usage.bad_location',
    });
  return { latitude: Number(m[1]), longitude: Number(m[2]) };
}

async function planTemplate(o: MessageOptions): Promise<Plan> {
  const lang = o.lang!;
  const positional = [
    ...(o.param ?? []).map((p) => ({
      seq: p.seq,
      param: { type: 'text', text: p.value } as TemplateParameter,
    })),
    ...(o.currency ?? []).map((p) => ({ seq: p.seq, param: parseCurrency(p.value, lang, '--currency') })),
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
  const content: TemplateContent = {
    type: 'template',
    name: o.template!,
    language: lang,
    body: positional.length > 0 ? positional : named,
    buttons,
  };
  const header = (
    [
      ['image', o.headerImage],
      ['document', o.headerDocument],
      ['video', o.headerVideo],
    ] as const
  ).find(([, v]) => v !== undefined);
  if (!header) return { content };
  const [kind, value] = header;
  const arg = await parseMediaArg(value!, kind, `--header-${kind}`);
  // a document from a local file keeps its name, as a --document does
  const filename = o.filename ?? (kind === 'document' && 'file' in arg ? arg.file.name : undefined);
  content.header = { type: kind, source: { id: '0' }, ...(filename === undefined ? {} : { filename }) };
  return { content, media: { arg, place: 'header' } };
}

function indexed(value: string, flag: string): [number, string] {
  const m = /^(\d)=(.*)$/s.exec(value);
  if (!m)
    throw invalidInput(`${flag} "${value}" is not <index>=<value> with an index 0-9`, {
      code: 'usage.bad_button',
    });
  return [Number(m[1]), m[2]!];
}

/** The content with its media source: the link or id given, or `uploadedId` for a local file. */
export function withMedia(plan: Plan, uploadedId: string): MessageContent {
  if (!plan.media) return plan.content;
  const { arg, place } = plan.media;
  const source = 'file' in arg ? { id: uploadedId } : 'link' in arg ? { link: arg.link } : { id: arg.id };
  const content = structuredClone(plan.content);
  if (place === 'header' && content.type === 'template' && content.header && content.header.type !== 'text')
    content.header.source = source;
  else if ('source' in content) content.source = source;
  return content;
}

/** Dry run: shows where the id of an upload would go. */
export function setMediaId(body: OutgoingMessage, place: 'media' | 'header', id: string): void {
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
