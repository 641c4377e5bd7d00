import type { Command } from 'commander';
import type { Deps } from '../../cli/deps.js';
import { emit } from '../../cli/output.js';
import { invalidInput } from '../../core/errors.js';
import { addWidgetOptions, type WidgetFlags } from './shared.js';

export interface WidgetBuildOptions extends WidgetFlags {
  output?: string;
  json?: boolean;
}

/** `widget build --json`: part of the interface, keep it stable. */
export interface WidgetBuildResult {
  /** The file written; "-" for stdout. */
  file: string;
  bytes: number;
  gzipBytes: number;
  /** Who the button offers: name (null for the one number), waId, and whether hours limit them. */
  people: Array<{ name: string | null; waId: string; hours: boolean }>;
  /** The typical reply time shown when online; null when not known. */
  replyMinutes: number | null;
}

export type WidgetBuildRunner = (options: WidgetBuildOptions) => Promise<void>;

export function register(parent: Command, deps: Deps, runF?: WidgetBuildRunner): void {
  const cmd = parent
    .command('build')
    .description('write the chat button script a website adds with one <script src> tag')
    .option('-o, --output <file>', 'the script to write ("-" is stdout)');
  addWidgetOptions(cmd)
    .option('--json', 'print {file, bytes, gzipBytes, people, replyMinutes}')
    .addHelpText(
      'after',
      `
Examples:
  wabox widget build --phone +919876543210 -o wabox-widget.js
  wabox widget build --phone +919876543210 --text "Hi, I'm looking at {TITLE}" --ref web -o wabox-widget.js
  wabox widget build --agents agents.yaml --position left --color "#075e54" --label "Ask us" -o wabox-widget.js

On the page: <script src="/wabox-widget.js" defer></script>; per page, data-text, data-ref and data-phone
override the built ones, and any data-name="..." fills {NAME} in the text.
Online or away follows wabox hours (or each agent's hours) in the visitor's browser.`,
    )
    .action(async (flags: WidgetBuildOptions) => {
      if (runF) return runF(flags);
      const result = await runWidgetBuild(flags, deps);
      if (result.file !== '-')
        emit(deps, flags, result, (r) => `wrote ${r.file} (${r.bytes} bytes, ${r.gzipBytes} gzipped)`);
    });
}

export async function runWidgetBuild(options: WidgetBuildOptions, deps: Deps): Promise<WidgetBuildResult> {
  const file = options.output;
  if (file === undefined)
    throw invalidInput('missing -o <file>', {
      code: 'usage.missing_flag',
      hint: 'e.g. wabox widget build --phone +919876543210 -o wabox-widget.js; -o - writes it to stdout',
    });
  if (file === '-' && options.json)
    throw invalidInput('--json needs stdout, where the script would go: pass -o <file>', {
      code: 'usage.conflict',
    });
  const { buildWidget } = await import('./assemble.js');
  const { script, config } = await buildWidget(options, deps);
  if (file === '-') deps.io.stdout.write(script);
  else {
    const { writeFileAtomic } = await import('../../cli/files.js');
    await writeFileAtomic(file, script);
  }
  const { gzipSync } = await import('node:zlib');
  return {
    file,
    bytes: Buffer.byteLength(script),
    gzipBytes: gzipSync(script).length,
    people: config.people.map((p) => ({ name: p.name, waId: p.waId, hours: p.hours !== null })),
    replyMinutes: config.replyMinutes,
  };
}
