// `wabox campaign create <name>`: a template to every row of a CSV (or every contact of a segment),
// checked before anything is stored: numbers, duplicates, opt-outs, each row's values against the
// template's definition, the number's messaging limit. The recipients are stored with the campaign.
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { Deps } from '../../cli/deps.js';
import { emit } from '../../cli/output.js';
import { readStdinText } from '../../cli/stdin.js';
import { isBsuid } from '../../core/contact-id.js';
import { fileError, invalidInput, WaboxError } from '../../core/errors.js';
import { missingColumns, rowTemplateValues, templateShape } from '../../core/meta-template.js';
import { checkRate } from '../../core/pacing.js';
import {
  addMappingOptions,
  type CampaignReport,
  type Candidate,
  checkCandidates,
  definitionOf,
  fetchTemplate,
  humanReport,
  type MappingFlags,
  mappingOf,
  messagingLimit,
  reportOf,
  slotsHint,
} from './shared.js';

export interface CampaignCreateOptions extends MappingFlags {
  name: string;
  template: string;
  lang: string;
  to?: string;
  segment?: string;
  phoneColumn?: string;
  country?: string;
  ref?: string;
  rate?: string;
  at?: string;
  withinHours?: boolean;
  force?: boolean;
  dryRun?: boolean;
  json?: boolean;
}

export type CampaignCreateRunner = (options: CampaignCreateOptions) => Promise<void>;

/** Columns taken as the recipient's number when --phone-column is not given, in this order. */
const PHONE_COLUMNS = ['phone', 'to', 'wa_id', 'number', 'mobile', 'whatsapp'];
const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export function register(parent: Command, deps: Deps, runF?: CampaignCreateRunner): void {
  addMappingOptions(
    parent
      .command('create')
      .description(
        'store a campaign: a template to every row of a CSV or every contact of a segment, checked first',
      )
      .argument('<name>', 'a name for the campaign, e.g. diwali-2026')
      .requiredOption('--template <name>', "the approved template's name")
      .requiredOption('--lang <code>', "the template's language, e.g. en_US")
      .option('--to <file.csv|->', 'a CSV with a header row: a phone column and the columns the flags map')
      .option(
        '--segment <expr>',
        'stored contacts instead: label:vip, campaign:diwali, last-inbound<30d, not …, and, or',
      )
      .option(
        '--phone-column <column>',
        `the column with the numbers (default: ${PHONE_COLUMNS.join(', ')} or the first)`,
      )
      .option(
        '-c, --country <code>',
        'region for numbers without a country code; default: config default-country',
      ),
  )
    .option('--ref <code>', 'an attribution code, as link --ref: replies and statuses are counted against it')
    .option('--rate <msgs/s>', 'messages per second (default: config campaign-rate, 80; at most 1000)')
    .option('--at <time>', 'start no earlier than this ISO 8601 time')
    .option('--within-hours', 'send only while the business is open (wabox hours)')
    .option('--force', 'store it even when the recipients exceed the messaging limit')
    .option('--dry-run', 'check and print the report; store nothing')
    .option(
      '--json',
      'print the report as JSON: {name, recipients, skipped, byReason, problems[], messagingLimit, …}',
    )
    .addHelpText(
      'after',
      `
Examples:
  wabox campaign create diwali --template diwali_offer --lang en --to customers.csv --param name --param city
  wabox campaign create restock --template restock --lang en_US --segment 'label:vip and last-inbound<30d' \\
      --named-param first_name=name --header-image https://example.com/restock.jpg
  cat list.csv | wabox campaign create promo --template promo --lang hi --to - --param name --dry-run

Every row is checked against the template's definition before anything is stored: rows that WhatsApp
would refuse (132000 parameter count, empty or too long values), bad numbers, duplicates and customers
who stopped marketing messages are listed and left out. Send it with: wabox campaign run <name>`,
    )
    .action(async (name: string, flags: Omit<CampaignCreateOptions, 'name'>) => {
      const options = { ...flags, name };
      checkCreateFlags(options);
      if (runF) return runF(options);
      const report = await runCampaignCreate(options, deps);
      emit(deps, flags, report, humanReport);
    });
}

export function checkCreateFlags(o: CampaignCreateOptions): void {
  if (!NAME_PATTERN.test(o.name))
    throw invalidInput(`"${o.name}" is not a campaign name: letters, digits, . _ - (at most 64)`, {
      code: 'campaign.bad_name',
    });
  if ((o.to === undefined) === (o.segment === undefined))
    throw invalidInput('give the recipients with --to <file.csv|-> or --segment <expr> (one of them)', {
      code: 'usage.missing_flag',
    });
  if (o.rate !== undefined) checkRate(Number(o.rate.trim() === '' ? Number.NaN : o.rate));
  mappingOf(o);
}

export async function runCampaignCreate(options: CampaignCreateOptions, deps: Deps): Promise<CampaignReport> {
  const [{ templateLanguage }, { resolveSetting }, { normalizePhone, hasCountryCode }, { parseSegment }] =
    await Promise.all([
      import('../../cloud/messages.js'),
      import('../../config/settings.js'),
      import('../../core/phone.js'),
      import('../../core/segment.js'),
    ]);
  const language = templateLanguage(options.lang);
  const mapping = mappingOf(options);
  const rate = checkRate(Number(options.rate ?? (await resolveSetting(deps, 'campaign-rate')) ?? 80));
  const segment = options.segment === undefined ? undefined : parseSegment(options.segment);
  const startAt = options.at === undefined ? null : await parseAt(deps, options.at);
  if (options.withinHours) await requireHoursSet(deps);
  const input = options.to === undefined ? undefined : await readRows(deps, options.to);

  const client = await deps.cloud();
  const store = await deps.store();
  const template = await fetchTemplate(client, options.template, language);
  const def = definitionOf(template);
  const shape = templateShape(def);
  const optedOut = await store.campaigns.optedOut();
  const candidates: Candidate[] = [];
  if (input !== undefined) {
    const missing = missingColumns(mapping, input.columns);
    if (missing.length > 0)
      throw invalidInput(missing[0]!, {
        code: 'campaign.missing_column',
        hint: `the template takes: ${slotsHint(def)}`,
      });
    const phoneColumn = options.phoneColumn ?? phoneColumnOf(input.columns);
    if (phoneColumn === undefined || !input.columns.includes(phoneColumn))
      throw invalidInput(`no column "${options.phoneColumn ?? PHONE_COLUMNS[0]}" in the input`, {
        code: 'campaign.missing_column',
        hint: `its columns: ${input.columns.join(', ') || 'none'}`,
      });
    let country: string | undefined;
    for (const [i, row] of input.rows.entries()) {
      const to = (row[phoneColumn] ?? '').trim();
      let waId: string | null = null;
      let badNumber: string | undefined;
      if (isBsuid(to)) waId = to;
      else
        try {
          if (!hasCountryCode(to))
            country ??= options.country ?? (await deps.config()).get('default-country');
          waId = normalizePhone(to, { defaultCountry: hasCountryCode(to) ? undefined : country }).waId;
        } catch (err) {
          badNumber = err instanceof Error ? err.message : String(err);
        }
      const { values, sources } = rowTemplateValues(shape, mapping, row);
      candidates.push({
        row: i + 1,
        to,
        waId,
        ...(badNumber === undefined ? {} : { badNumber }),
        optedOut: waId !== null && optedOut.has(waId),
        values,
        sources,
      });
    }
  } else {
    const contacts = await store.campaigns.segment(segment!, deps.clock());
    for (const [i, c] of contacts.entries()) {
      const row = { phone: c.phone ?? '', wa_id: c.waId, name: c.name ?? '' };
      const missing = missingColumns(mapping, Object.keys(row));
      if (missing.length > 0)
        throw invalidInput(missing[0]!, {
          code: 'campaign.missing_column',
          hint: 'a segment gives the columns phone, wa_id and name',
        });
      const { values, sources } = rowTemplateValues(shape, mapping, row);
      candidates.push({
        row: i + 1,
        to: c.phone ?? c.waId,
        waId: c.phone ?? c.waId,
        optedOut: c.optedOut,
        values,
        sources,
      });
    }
  }
  const { recipients, problems } = checkCandidates(def, template.category, candidates);
  const sendable = recipients.filter((r) => r.skipped === undefined).length;
  const limit = await messagingLimit(client, store);
  const report = reportOf(
    {
      name: options.name,
      template: template.name,
      language,
      category: template.category,
      rows: candidates.length,
      problems,
      messagingLimit: limit,
      rate,
      startAt: startAt?.toISOString() ?? null,
      withinHours: options.withinHours === true,
      stored: false,
    },
    sendable,
  );
  if (options.dryRun) return report;
  if (sendable === 0)
    throw invalidInput('no recipient is left to send to: every row was left out', {
      code: 'campaign.empty',
      hint: 'see why with --dry-run',
    });
  if (report.overLimit && !options.force)
    throw new WaboxError(
      'failure',
      `${sendable} recipients exceed the number's messaging limit of ${limit?.limit} unique users in 24 hours`,
      {
        code: 'campaign.over_limit',
        hint: 'send to fewer, or store it anyway with --force (WhatsApp refuses the rest)',
      },
    );
  const created = await store.campaigns.create({
    name: options.name,
    template: template.name,
    language,
    category: template.category,
    definition: def,
    mapping,
    ref: options.ref ?? null,
    rate,
    startAt,
    withinHours: options.withinHours === true,
    recipients,
  });
  if (created === null)
    throw invalidInput(`a campaign named "${options.name}" exists already`, {
      code: 'campaign.exists',
      hint: 'pick another name; see them with: wabox campaign list',
    });
  return { ...report, stored: true };
}

function phoneColumnOf(columns: readonly string[]): string | undefined {
  return columns.find((c) => PHONE_COLUMNS.includes(c.trim().toLowerCase())) ?? columns[0];
}

async function readRows(
  deps: Deps,
  source: string,
): Promise<{ columns: string[]; rows: Array<Record<string, string>> }> {
  let text: string;
  if (source === '-') text = await readStdinText(deps.io, 'the recipients CSV');
  else
    try {
      text = await readFile(source, 'utf8');
    } catch (err) {
      throw fileError(err, source, 'read');
    }
  const { parse } = await import('csv-parse/sync');
  let records: string[][];
  try {
    records = parse(text, { bom: true, skip_empty_lines: true, relax_column_count: true }) as string[][];
  } catch (err) {
    throw invalidInput(`${source === '-' ? 'stdin' : source} is not valid CSV: ${(err as Error).message}`, {
      code: 'campaign.bad_csv',
    });
  }
  const [header, ...body] = records;
  if (header === undefined)
    throw invalidInput(`${source === '-' ? 'stdin' : source} is empty`, { code: 'campaign.bad_csv' });
  const columns = header.map((c) => c.trim());
  return {
    columns,
    rows: body.map((cells) => Object.fromEntries(columns.map((c, i) => [c, cells[i] ?? '']))),
  };
}

async function parseAt(deps: Deps, text: string): Promise<Date> {
  const [{ parseInstant }, { hoursFile }] = await Promise.all([
    import('../../core/hours.js'),
    import('../hours/shared.js'),
  ]);
  const hours = await (await hoursFile(deps)).load();
  return parseInstant(text, hours?.timeZone ?? 'UTC');
}

async function requireHoursSet(deps: Deps): Promise<void> {
  const { hoursFile, requireHours } = await import('../hours/shared.js');
  await requireHours(await hoursFile(deps));
}
