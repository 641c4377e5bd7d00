// The template library: templates.json beside config.json, shared by every profile.
//   { "version": 1, "templates": [ { "name": ..., "kind": ..., ... }, ... ] }
// Every load validates every entry and the whole library (unique names and shortcuts, one greeting and
// one away message per language); a bad entry is an error naming the file and the entry.
import { join } from 'node:path';
import { checkTemplate, libraryClashes, type Template } from '../core/template.js';
import { invalidDataFile, readDataFile, writeDataFile } from './data-file.js';
import { configDir } from './paths.js';

export const TEMPLATES_FILE = 'templates.json';

export function templatesPath(env: Readonly<Record<string, string | undefined>>): string {
  return join(configDir(env), TEMPLATES_FILE);
}

export class TemplateLibrary {
  constructor(readonly path: string) {}

  /** Every template in file order. */
  async load(): Promise<Template[]> {
    const data = await readDataFile(this.path);
    if (data === undefined) return [];
    return validateLibraryFile(data, this.path);
  }

  async save(templates: readonly Template[]): Promise<void> {
    await writeDataFile(this.path, { version: 1, templates });
  }

  /** Load, change, save: the change sees a validated library and returns the new one. */
  async update<T>(change: (templates: Template[]) => { templates: Template[]; result: T }): Promise<T> {
    const { templates, result } = change(await this.load());
    await this.save(templates);
    return result;
  }
}

function validateLibraryFile(data: unknown, path: string): Template[] {
  if (typeof data !== 'object' || data === null || Array.isArray(data))
    throw invalidDataFile(path, ['the file is not a JSON object with "templates"']);
  const { version, templates, ...rest } = data as Record<string, unknown>;
  const problems: string[] = Object.keys(rest).map((k) => `"${k}" is not a known field`);
  if (version !== undefined && version !== 1) problems.push(`version ${JSON.stringify(version)} is not 1`);
  if (!Array.isArray(templates)) problems.push('"templates" is not a list');
  if (problems.length > 0) throw invalidDataFile(path, problems);
  const out: Template[] = [];
  (templates as unknown[]).forEach((raw, i) => {
    const { template, problems: own } = checkTemplate(raw);
    if (!template) problems.push(`${entryLabel(raw, i)}: ${own.join(', ')}`);
    else out.push(template);
  });
  if (problems.length === 0)
    for (const c of libraryClashes(out))
      problems.push(`templates[${out.findIndex((t) => t.name === c.incoming)}] ${c.message}`);
  if (problems.length > 0) throw invalidDataFile(path, problems);
  return out;
}

export function entryLabel(raw: unknown, index: number): string {
  const name = (raw as { name?: unknown } | null)?.name;
  return typeof name === 'string' ? `templates[${index}] ("${name}")` : `templates[${index}]`;
}
