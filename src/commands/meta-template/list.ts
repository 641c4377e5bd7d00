import type { Command } from 'commander';
import type { Deps } from '../../cli/deps.js';
import { emit } from '../../cli/output.js';
import type { MetaTemplate } from '../../cloud/client.js';
import { templateLanguage } from '../../cloud/messages.js';
import { invalidInput } from '../../core/errors.js';

/** Meta's template statuses (cloud-api.md §6). */
export const TEMPLATE_STATUSES = [
  'APPROVED',
  'PENDING',
  'REJECTED',
  'PAUSED',
  'DISABLED',
  'IN_APPEAL',
  'REINSTATED',
  'FLAGGED',
  'PENDING_DELETION',
  'DELETED',
  'LIMIT_EXCEEDED',
  'ARCHIVED',
  'UNARCHIVED',
  'LOCKED',
] as const;

export interface MetaTemplateListOptions {
  status?: string;
  lang?: string;
  name?: string;
  json?: boolean;
}

export function register(parent: Command, deps: Deps): void {
  parent
    .command('list')
    .alias('ls')
    .description("list the WABA's message templates (every page), name, language, status, category")
    .option('--status <status>', `only this status (${TEMPLATE_STATUSES.slice(0, 5).join(', ')}, …)`)
    .option('--lang <code>', 'only this language, e.g. en_US')
    .option(
      '--json',
      'print an array of {id, name, language, status, category, parameterFormat, qualityScore, rejectedReason, components}',
    )
    .addHelpText(
      'after',
      `
Examples:
  wabox meta-template list
  wabox meta-template list --status APPROVED --lang en_US
  wabox meta-template list --json | jq -r '.[].name'`,
    )
    .action(async (flags: MetaTemplateListOptions) =>
      emit(deps, flags, await runMetaTemplateList(flags, deps), (rows) =>
        rows.length === 0
          ? ''
          : rows.map((t) => [t.name, t.language, t.status, t.category ?? '-'].join('\t')).join('\n'),
      ),
    );
}

export async function runMetaTemplateList(
  options: MetaTemplateListOptions,
  deps: Deps,
): Promise<MetaTemplate[]> {
  const status = options.status === undefined ? undefined : checkStatus(options.status);
  const language = options.lang === undefined ? undefined : await checkLang(options.lang);
  const client = await deps.cloud();
  const rows = await client.listTemplates({ status, language, name: options.name });
  // the API filters too; filtering here again keeps the answer right whatever a server ignores
  return rows.filter(
    (t) =>
      (status === undefined || t.status === status) &&
      (language === undefined || t.language === language) &&
      (options.name === undefined || t.name === options.name),
  );
}

function checkStatus(value: string): string {
  const status = value.trim().toUpperCase();
  if (!(TEMPLATE_STATUSES as readonly string[]).includes(status))
    throw invalidInput(`unknown template status "${value}"`, {
      code: 'usage.bad_status',
      hint: `one of ${TEMPLATE_STATUSES.join(', ')}`,
    });
  return status;
}

async function checkLang(value: string): Promise<string> {
  return templateLanguage(value);
}
