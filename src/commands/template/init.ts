import { readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Command, Option } from 'commander';
import type { Deps } from '../../cli/deps.js';
import { emit, note } from '../../cli/output.js';
import { invalidInput } from '../../core/errors.js';
import { packageDir } from '../shared/package-dir.js';
import { type ImportResult, installTemplates } from './import.js';
import { CONFLICT_MODES, type ConflictMode, importSummary, parseTemplateFile } from './transfer.js';

export interface InitOptions {
  pack?: string;
  onConflict?: ConflictMode;
  json?: boolean;
}

export function register(parent: Command, deps: Deps): void {
  parent
    .command('init')
    .description('install a starter pack: a greeting, an away message, quick replies and CTA texts')
    .option('-p, --pack <lang>', 'the pack: en, hi, gu or ur (asked on a terminal)')
    .addOption(
      new Option('--on-conflict <mode>', 'templates you already have: skip (keep yours), fail or overwrite')
        .choices(CONFLICT_MODES)
        .default('skip'),
    )
    .option('--json', 'print {pack, added, overwritten, skipped}')
    .addHelpText(
      'after',
      `
Examples:
  wabox template init --pack en
  wabox template init --pack hi
  wabox template init --pack ur --on-conflict overwrite --json

Packs: English (en), Hindi (hi), Gujarati (gu), Urdu (ur). Names end in the language (price-hi);
English shortcuts are /price /hours /location /order /thanks, the others add the language (/price-hi).
Fill in your details once: wabox template edit location-en --default "address=12 MG Road, Pune"`,
    )
    .action(async (flags: InitOptions) => {
      const result = await runInit(flags, deps);
      emit(deps, flags, result, () => '');
      if (!flags.json) note(deps.io, importSummary(result, `the ${result.pack} starter pack`));
    });
}

/** The packs shipped in templates/: one <lang>.yaml each. */
export function packsDir(): string {
  return packageDir('templates');
}

export function availablePacks(dir = packsDir()): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => f.slice(0, -'.yaml'.length))
    .sort();
}

export async function runInit(options: InitOptions, deps: Deps): Promise<{ pack: string } & ImportResult> {
  const dir = packsDir();
  const packs = availablePacks(dir);
  let pack = options.pack;
  if (pack === undefined) {
    if (!deps.io.canPrompt)
      throw invalidInput(`missing --pack: one of ${packs.join(', ')}`, {
        code: 'usage.missing_flag',
        hint: 'e.g. wabox template init --pack en',
      });
    const names = new Intl.DisplayNames(['en'], { type: 'language' });
    pack = await (await deps.prompt()).select({
      message: 'Starter pack',
      choices: packs.map((p) => ({ value: p, name: `${p} (${names.of(p) ?? p})` })),
    });
  }
  if (!packs.includes(pack))
    throw invalidInput(`no starter pack "${pack}": available packs are ${packs.join(', ')}`, {
      code: 'template.unknown_pack',
    });
  const file = join(dir, `${pack}.yaml`);
  const templates = await parseTemplateFile(await readFile(file, 'utf8'), file, 'yaml');
  const result = await installTemplates(deps, templates, options.onConflict ?? 'skip', false);
  return { pack, ...result };
}
