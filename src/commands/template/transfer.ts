// Template files for export, import and starter packs: YAML or JSON, `{version: 1, templates: [...]}`
// (a bare list, or one template object, is read too). Importing validates every entry and the result
// before anything is written: all or nothing.
import { extname } from 'node:path';
import { invalidInput } from '../../core/errors.js';
import {
  type Clash,
  ClashIndex,
  checkTemplate,
  libraryClashes,
  lookupKey,
  type Template,
} from '../../core/template.js';

export type FileFormat = 'yaml' | 'json';
export const CONFLICT_MODES = ['fail', 'skip', 'overwrite'] as const;
export type ConflictMode = (typeof CONFLICT_MODES)[number];

/** `.yaml`/`.yml` or `.json`; undefined for anything else (stdin, no extension). */
export function formatFromName(path: string): FileFormat | undefined {
  const ext = extname(path).toLowerCase();
  if (ext === '.yaml' || ext === '.yml') return 'yaml';
  if (ext === '.json') return 'json';
  return undefined;
}

/** The yaml package (CommonJS: bundled, its functions sit on `default`). */
export async function loadYaml(): Promise<typeof import('yaml')> {
  const mod = (await import('yaml')) as typeof import('yaml') & { default?: typeof import('yaml') };
  return typeof mod.parse === 'function' ? mod : (mod.default as typeof import('yaml'));
}

export async function serializeTemplates(
  templates: readonly Template[],
  format: FileFormat,
): Promise<string> {
  const doc = { version: 1, templates };
  if (format === 'json') return `${JSON.stringify(doc, null, 2)}\n`;
  const YAML = await loadYaml();
  return YAML.stringify(doc, { lineWidth: 0 });
}

/**
 * Reads a template file's text; every invalid entry is reported at once (exit 2) and nothing is returned
 * unless every entry is valid and no two entries clash.
 */
export async function parseTemplateFile(
  text: string,
  source: string,
  format?: FileFormat,
): Promise<Template[]> {
  let data: unknown;
  try {
    if (format === 'json') data = JSON.parse(text);
    else {
      const YAML = await loadYaml();
      data = YAML.parse(text, { prettyErrors: false, uniqueKeys: true });
    }
  } catch (err) {
    throw invalidInput(
      `${source} is not valid ${format === 'json' ? 'JSON' : 'YAML or JSON'}: ${(err as Error).message.split('\n')[0]}`,
      { code: 'template.unreadable_file', hint: 'nothing was imported' },
    );
  }
  let entries: unknown[];
  if (Array.isArray(data)) entries = data;
  else if (typeof data === 'object' && data !== null && 'templates' in data) {
    const { version, templates, ...rest } = data as Record<string, unknown>;
    const extra = Object.keys(rest)[0];
    if (extra !== undefined)
      throw invalidInput(`${source}: "${extra}" is not a known field (expected version and templates)`, {
        code: 'template.invalid_file',
      });
    if (version !== undefined && version !== 1)
      throw invalidInput(
        `${source}: version ${JSON.stringify(version)} is not supported (this wabox reads 1)`,
        {
          code: 'template.invalid_file',
        },
      );
    if (!Array.isArray(templates))
      throw invalidInput(`${source}: "templates" is not a list`, { code: 'template.invalid_file' });
    entries = templates;
  } else if (typeof data === 'object' && data !== null && 'body' in data) entries = [data];
  else
    throw invalidInput(`${source} holds no templates (expected {version: 1, templates: [...]} or a list)`, {
      code: 'template.invalid_file',
    });
  if (entries.length === 0)
    throw invalidInput(`${source} holds no templates`, { code: 'template.empty_file' });
  const problems: string[] = [];
  const templates: Template[] = [];
  entries.forEach((raw, i) => {
    const { template, problems: own } = checkTemplate(raw);
    if (template) templates.push(template);
    else {
      const name = (raw as { name?: unknown } | null)?.name;
      problems.push(`templates[${i}]${typeof name === 'string' ? ` ("${name}")` : ''}: ${own.join(', ')}`);
    }
  });
  if (problems.length === 0)
    for (const c of libraryClashes(templates)) problems.push(`${c.message} (twice in the file)`);
  if (problems.length > 0)
    throw invalidInput(
      `${source}: ${problems.length} problem${problems.length > 1 ? 's' : ''}, nothing imported: ${problems.join('; ')}`,
      { code: 'template.invalid_file', details: { problems } },
    );
  return templates;
}

export interface ImportPlan {
  /** The library after the import. */
  templates: Template[];
  added: string[];
  overwritten: string[];
  skipped: string[];
  /** Why each skipped template was left out, in the order of `skipped`. */
  skips: SkippedTemplate[];
}

export interface SkippedTemplate {
  name: string;
  /** What it shares with a template you have: its name, its shortcut, or the greeting/away slot. */
  on: Clash['on'];
  /** The template you have. */
  existing: string;
  /** e.g. `price-en: shortcut /price is taken by "price"` */
  reason: string;
}

function skipOf(c: Clash, t: Template, holder: Template): SkippedTemplate {
  const reason =
    c.on === 'name'
      ? `${t.name}: already there`
      : c.on === 'shortcut'
        ? `${t.name}: shortcut ${t.shortcut} is taken by "${holder.name}"`
        : `${t.name}: the ${t.kind} message in ${t.language} is "${holder.name}"`;
  return { name: t.name, on: c.on, existing: c.existing, reason };
}

/**
 * Merges `incoming` into `existing`. fail: any clash is an error listing every one. skip: templates
 * that clash stay out. overwrite: a template replaces the existing one of the same name (in place); a
 * clash with a template of another name (shortcut, or the greeting/away of a language) is still an error.
 */
export function planImport(
  existing: readonly Template[],
  incoming: readonly Template[],
  mode: ConflictMode,
): ImportPlan {
  const existingIndex = new ClashIndex(existing);
  const replacing =
    mode === 'overwrite'
      ? new Set(incoming.filter((t) => existingIndex.byName(t.name)).map((t) => lookupKey(t.name)))
      : new Set<string>();
  const index =
    replacing.size > 0
      ? new ClashIndex(existing.filter((e) => !replacing.has(lookupKey(e.name))))
      : existingIndex;
  const position = new Map(existing.map((e, i) => [lookupKey(e.name), i]));
  const byName = new Map(existing.map((e) => [e.name, e]));
  const conflicts: Clash[] = [];
  const plan: ImportPlan = { templates: [...existing], added: [], overwritten: [], skipped: [], skips: [] };
  for (const t of incoming) {
    const clashes = index.clashes(t);
    if (clashes.length > 0) {
      if (mode === 'skip') {
        const first = clashes[0]!;
        plan.skipped.push(t.name);
        plan.skips.push(skipOf(first, t, byName.get(first.existing)!));
        continue;
      }
      conflicts.push(...clashes);
      continue;
    }
    const at = replacing.has(lookupKey(t.name)) ? position.get(lookupKey(t.name)) : undefined;
    if (at !== undefined) {
      plan.templates[at] = t;
      plan.overwritten.push(t.name);
    } else {
      plan.templates.push(t);
      plan.added.push(t.name);
    }
  }
  if (conflicts.length > 0) {
    const list = conflicts.map((c) => c.message).join('; ');
    throw invalidInput(
      mode === 'overwrite'
        ? `${conflicts.length} conflict${conflicts.length > 1 ? 's' : ''} that overwriting by name cannot resolve, nothing imported: ${list}`
        : `${conflicts.length} conflict${conflicts.length > 1 ? 's' : ''} with your templates, nothing imported: ${list}`,
      {
        code: 'template.import_conflict',
        hint:
          mode === 'overwrite'
            ? 'rename or remove those templates first (wabox template edit/rm), or use --on-conflict skip'
            : '--on-conflict skip keeps yours, --on-conflict overwrite replaces those of the same name',
        details: {
          conflicts: conflicts.map(({ on, existing: e, incoming: i }) => ({ on, existing: e, incoming: i })),
        },
      },
    );
  }
  // a last guard: the result must be a valid library
  const left = libraryClashes(plan.templates);
  if (left.length > 0)
    throw invalidInput(`nothing imported: ${left.map((c) => c.message).join('; ')}`, {
      code: 'template.import_conflict',
    });
  return plan;
}

export function importSummary(plan: Omit<ImportPlan, 'templates'>, from: string): string {
  const parts = [`${plan.added.length} added`];
  if (plan.overwritten.length > 0) parts.push(`${plan.overwritten.length} overwritten`);
  if (plan.skipped.length > 0) {
    // a name clash needs no more words; any other clash says what is taken and by which template
    const there = plan.skips.filter((s) => s.on === 'name').map((s) => s.name);
    const why = plan.skips.filter((s) => s.on !== 'name').map((s) => s.reason);
    if (there.length > 0) why.unshift(`already there: ${there.join(', ')}`);
    parts.push(`${plan.skipped.length} skipped (${why.join('; ')})`);
  }
  return `imported from ${from}: ${parts.join(', ')}`;
}
