// What the campaign commands share: the column mapping from the flags, the check of every recipient
// before a single message goes out (the report `create` and `run --dry-run` print), the request body of
// one recipient, and finding a stored campaign.
import type { Command } from 'commander';
import type { CloudClient, MetaTemplate } from '../../cloud/client.js';
import type { OutgoingMessage } from '../../cloud/messages.js';
import { invalidInput, notFound, WaboxError } from '../../core/errors.js';
import {
  type ColumnMapping,
  checkTemplateValues,
  type TemplateDefinition,
  type TemplateValues,
  templateShape,
} from '../../core/meta-template.js';
import type { CampaignRecord, Store } from '../../store/store.js';

/** What a status webhook carries back (biz_opaque_callback_data): the campaign and the recipient's row. */
export const callbackOf = (campaignId: number) => (row: number) => `wabox:campaign:${campaignId}:${row}`;

export interface MappingFlags {
  param?: string[];
  namedParam?: string[];
  headerImage?: string;
  headerDocument?: string;
  headerVideo?: string;
  headerText?: string;
  buttonParam?: string[];
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** The flags that map input columns to the template's slots (create). */
export function addMappingOptions(command: Command): Command {
  return command
    .option(
      '--param <column>',
      'a positional body parameter ({{1}}, {{2}}, …) from this column; repeat',
      collect,
    )
    .option('--named-param <name=column>', 'a named body parameter from this column; repeat', collect)
    .option('--header-image <column|url>', 'the image header: a column of links or media ids, or one URL')
    .option('--header-document <column|url>', 'the document header: a column, or one URL')
    .option('--header-video <column|url>', 'the video header: a column, or one URL')
    .option('--header-text <column>', "the text header's {{1}} from this column")
    .option(
      '--button-param <index=column>',
      "a button's variable (URL suffix, coupon code) from this column; repeat",
      collect,
    );
}

function pair(value: string, flag: string): [string, string] {
  const eq = value.indexOf('=');
  if (eq <= 0 || eq === value.length - 1)
    throw invalidInput(`${flag} ${value}: expected <name>=<column>`, { code: 'usage.bad_pair' });
  return [value.slice(0, eq).trim(), value.slice(eq + 1).trim()];
}

export function mappingOf(flags: MappingFlags): ColumnMapping {
  const headers = (
    [
      ['image', flags.headerImage],
      ['document', flags.headerDocument],
      ['video', flags.headerVideo],
      ['text', flags.headerText],
    ] as const
  ).filter(([, v]) => v !== undefined);
  if (headers.length > 1)
    throw invalidInput(
      'give one header flag: --header-image, --header-document, --header-video or --header-text',
      {
        code: 'usage.conflicting_flags',
      },
    );
  const mapping: {
    params?: string[];
    namedParams?: Array<{ name: string; column: string }>;
    header?: ColumnMapping['header'];
    buttonParams?: Array<{ index: number; column: string }>;
  } = {};
  if (flags.param?.length) mapping.params = flags.param.map((c) => c.trim());
  if (flags.namedParam?.length) {
    if (mapping.params)
      throw invalidInput('a template takes --param or --named-param, not both', {
        code: 'usage.conflicting_flags',
      });
    mapping.namedParams = flags.namedParam.map((v) => {
      const [name, column] = pair(v, '--named-param');
      return { name, column };
    });
  }
  const header = headers[0];
  if (header !== undefined) {
    const [type, value] = header as [NonNullable<ColumnMapping['header']>['type'], string];
    mapping.header =
      type !== 'text' && /^https?:\/\//i.test(value) ? { type, link: value } : { type, column: value.trim() };
  }
  if (flags.buttonParam?.length)
    mapping.buttonParams = flags.buttonParam.map((v) => {
      const [index, column] = pair(v, '--button-param');
      if (!/^\d$/.test(index))
        throw invalidInput(`--button-param ${v}: the button index is 0-9`, { code: 'usage.bad_pair' });
      return { index: Number(index), column };
    });
  return mapping;
}

/** The approved template in that language, as Meta describes it; not found (exit 6) otherwise. */
export async function fetchTemplate(
  client: CloudClient,
  name: string,
  language: string,
): Promise<MetaTemplate> {
  const rows = (await client.listTemplates({ name, language })).filter(
    (t) => t.name === name && t.language === language,
  );
  const approved = rows.find((t) => t.status === 'APPROVED');
  if (approved) return approved;
  if (rows[0] !== undefined)
    throw new WaboxError('refused', `template "${name}" (${language}) is ${rows[0].status}, not APPROVED`, {
      code: 'campaign.template_not_approved',
      hint: 'only approved templates can be sent; see: wabox meta-template show ' + name,
    });
  throw notFound(`no message template named "${name}" in ${language}`, {
    code: 'meta_template.not_found',
    hint: 'list them with: wabox meta-template list',
  });
}

export function definitionOf(t: MetaTemplate): TemplateDefinition {
  return { name: t.name, language: t.language, parameterFormat: t.parameterFormat, components: t.components };
}

/** Meta's whatsapp_business_manager_messaging_limit: unique users a day; null for unlimited. */
export function limitOfTier(tier: string): number | null | undefined {
  if (/UNLIMITED/i.test(tier)) return null;
  const m = /^TIER_(\d+)(K)?$/i.exec(tier.trim());
  if (!m) return undefined;
  return Number(m[1]) * (m[2] ? 1000 : 1);
}

export interface MessagingLimit {
  /** As the API or the webhook said it: TIER_250, TIER_2K, …; null when only a number is known. */
  tier: string | null;
  /** Unique users a day; null: unlimited. */
  limit: number | null;
  source: 'api' | 'webhook';
}

/** The number's messaging limit from the API, else the latest one a webhook reported; null when unknown. */
export async function messagingLimit(client: CloudClient, store: Store): Promise<MessagingLimit | null> {
  try {
    const number = await client.getPhoneNumber();
    const tier = number.messagingLimit ?? number.messagingLimitTier;
    const limit = tier === null ? undefined : limitOfTier(tier);
    if (tier !== null && limit !== undefined) return { tier, limit, source: 'api' };
  } catch (err) {
    if (err instanceof WaboxError && err.kind === 'config') throw err;
  }
  const latest = await store.latestMessagingLimit();
  return latest === null ? null : { tier: null, limit: latest.limit, source: 'webhook' };
}

/** One row left out, and why. */
export interface Problem {
  row: number;
  /** The number as written (or the contact's key for a segment). */
  to: string;
  /** bad-number, duplicate, opted-out, or the Meta error the values would cause (132000, 131008, …). */
  reason: string;
  code: number | null;
  message: string;
}

/** `campaign create --json` and `campaign run --dry-run --json`: part of the interface, keep it stable. */
export interface CampaignReport {
  name: string;
  template: string;
  language: string;
  /** The template's category (MARKETING, UTILITY, AUTHENTICATION). */
  category: string | null;
  /** What Meta prices each delivered message as (marketing, utility, authentication). */
  pricingCategory: string | null;
  /** Input rows (or contacts of the segment). */
  rows: number;
  /** Unique recipients that will be sent to. */
  recipients: number;
  skipped: number;
  /** Skipped rows by reason. */
  byReason: Record<string, number>;
  problems: Problem[];
  messagingLimit: MessagingLimit | null;
  /** More recipients than the messaging limit allows in 24 h. */
  overLimit: boolean;
  rate: number;
  /** recipients / rate, in seconds. */
  estimatedSeconds: number;
  /** ISO 8601; null to start at once. */
  startAt: string | null;
  withinHours: boolean;
  /** Whether the campaign was stored (false for --dry-run). */
  stored: boolean;
}

export interface Candidate {
  row: number;
  to: string;
  /** Digits (a phone) or a BSUID; null when the number is bad. */
  waId: string | null;
  badNumber?: string;
  optedOut: boolean;
  values: TemplateValues;
  sources?: Parameters<typeof checkTemplateValues>[2];
}

/** Checks every candidate: bad numbers, duplicates, opt-outs (marketing), values that do not fit the template. */
export function checkCandidates(
  def: TemplateDefinition,
  category: string | null,
  candidates: readonly Candidate[],
): {
  recipients: Array<{ row: number; waId: string; values: TemplateValues; skipped?: string }>;
  problems: Problem[];
} {
  const seen = new Map<string, number>();
  const problems: Problem[] = [];
  const recipients: Array<{ row: number; waId: string; values: TemplateValues; skipped?: string }> = [];
  const marketing = (category ?? '').toUpperCase() === 'MARKETING';
  const skip = (c: Candidate, reason: string, code: number | null, message: string) => {
    problems.push({ row: c.row, to: c.to, reason, code, message });
    // a bad number has no key to store; the others are kept, skipped, for the report
    if (c.waId !== null) recipients.push({ row: c.row, waId: c.waId, values: c.values, skipped: message });
  };
  for (const c of candidates) {
    if (c.waId === null) {
      skip(c, 'bad-number', null, c.badNumber ?? 'not a phone number');
      continue;
    }
    const first = seen.get(c.waId);
    if (first !== undefined) {
      skip(c, 'duplicate', null, `duplicate of row ${first}`);
      continue;
    }
    seen.set(c.waId, c.row);
    if (c.optedOut && marketing) {
      skip(c, 'opted-out', 131050, 'stopped marketing messages (opted out)');
      continue;
    }
    const found = checkTemplateValues(def, c.values, c.sources);
    if (found.length > 0) {
      skip(c, String(found[0]!.graphCode), found[0]!.graphCode, found.map((p) => p.message).join('; '));
      continue;
    }
    recipients.push({ row: c.row, waId: c.waId, values: c.values });
  }
  return { recipients, problems };
}

export function reportOf(
  base: Omit<
    CampaignReport,
    'byReason' | 'skipped' | 'recipients' | 'overLimit' | 'estimatedSeconds' | 'pricingCategory'
  >,
  sendable: number,
): CampaignReport {
  const byReason: Record<string, number> = {};
  for (const p of base.problems) byReason[p.reason] = (byReason[p.reason] ?? 0) + 1;
  const limit = base.messagingLimit?.limit;
  return {
    ...base,
    pricingCategory: base.category === null ? null : base.category.toLowerCase(),
    recipients: sendable,
    skipped: base.problems.length,
    byReason,
    overLimit: limit !== undefined && limit !== null && sendable > limit,
    estimatedSeconds: Math.ceil(sendable / base.rate),
  };
}

const PROBLEMS_SHOWN = 20;

/** The report as text: what will go, what is left out and why (the first rows of each), the limit. */
export function humanReport(r: CampaignReport): string {
  const lines = [
    `${r.stored ? 'campaign' : 'dry run:'} ${r.name}: template ${r.template} (${r.language})${r.category ? ` · ${r.category}` : ''}`,
    `${r.recipients} recipient${r.recipients === 1 ? '' : 's'} of ${r.rows} row${r.rows === 1 ? '' : 's'}; ${r.skipped} left out`,
  ];
  for (const [reason, n] of Object.entries(r.byReason)) lines.push(`  ${n} × ${reason}`);
  for (const p of r.problems.slice(0, PROBLEMS_SHOWN)) lines.push(`  row ${p.row} ${p.to}: ${p.message}`);
  if (r.problems.length > PROBLEMS_SHOWN)
    lines.push(`  … and ${r.problems.length - PROBLEMS_SHOWN} more (--json lists every one)`);
  if (r.pricingCategory) lines.push(`priced as: ${r.pricingCategory} (per delivered message)`);
  if (r.messagingLimit)
    lines.push(
      `messaging limit: ${r.messagingLimit.limit === null ? 'unlimited' : `${r.messagingLimit.limit} unique users / 24 h`}${r.messagingLimit.tier ? ` (${r.messagingLimit.tier})` : ''}${r.overLimit ? ' — exceeded' : ''}`,
    );
  else lines.push('messaging limit: unknown');
  lines.push(
    `at ${r.rate}/s: about ${formatSeconds(r.estimatedSeconds)}${r.startAt ? `, from ${r.startAt}` : ''}${r.withinHours ? ', within business hours' : ''}`,
  );
  return lines.join('\n');
}

export function formatSeconds(s: number): string {
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

/** The stored campaign; not found (exit 6) otherwise. */
export async function findCampaign(store: Store, name: string): Promise<CampaignRecord> {
  const c = await store.campaigns.get(name);
  if (c === null)
    throw notFound(`no campaign named "${name}"`, {
      code: 'campaign.not_found',
      hint: 'list them with: wabox campaign list',
    });
  return c;
}

/** The request body for one recipient: the template with its values, tied to the campaign's row. */
export function buildRecipientMessage(
  templateMessage: typeof import('../../cloud/messages.js').templateMessage,
  campaign: Pick<CampaignRecord, 'id' | 'template' | 'language'>,
  recipient: { row: number; waId: string; values: unknown },
): OutgoingMessage {
  const values = (recipient.values ?? {}) as TemplateValues;
  const env = /^\d+$/.test(recipient.waId) ? { to: `+${recipient.waId}` } : { recipient: recipient.waId };
  const message = templateMessage(env, {
    name: campaign.template,
    language: campaign.language,
    ...(values.header ? { header: values.header } : {}),
    ...(values.body ? { body: [...values.body] } : {}),
    ...(values.buttons ? { buttons: [...values.buttons] } : {}),
  });
  return { ...message, biz_opaque_callback_data: callbackOf(campaign.id)(recipient.row) };
}

/** The shape's slots, for a hint when the mapping gives none. */
export function slotsHint(def: TemplateDefinition): string {
  const shape = templateShape(def);
  const parts: string[] = [];
  if (shape.header && shape.header.format !== 'TEXT')
    parts.push(`--header-${shape.header.format.toLowerCase()}`);
  if (shape.header?.params.length) parts.push('--header-text');
  if (shape.body?.params.length)
    parts.push(
      shape.format === 'NAMED'
        ? shape.body.params.map((p) => `--named-param ${p}=<column>`).join(' ')
        : shape.body.params.map(() => '--param <column>').join(' '),
    );
  for (const b of shape.buttons) if (b.needs) parts.push(`--button-param ${b.index}=<column>`);
  return parts.join(' ');
}
