// What every `template` verb shares, and the library functions later commands build on:
// `reply`/`send --quick-reply` call renderTemplateForContact; `link --template` renders a CTA with it.
import type { Deps } from '../../cli/deps.js';
import { TemplateLibrary, templatesPath } from '../../config/templates.js';
import { invalidInput } from '../../core/errors.js';
import type { BusinessHours } from '../../core/hours.js';
import {
  findTemplate,
  type RenderContext,
  type RenderedTemplate,
  renderTemplate,
  type Template,
  type TemplateKind,
} from '../../core/template.js';

export function templateLibrary(deps: Deps): TemplateLibrary {
  return new TemplateLibrary(templatesPath(deps.env));
}

/** The stored business hours, or undefined when none are set (loads the time-zone library). */
export async function loadHours(deps: Deps): Promise<BusinessHours | undefined> {
  // loaded on use: config/hours loads luxon, which `wabox link` (importing this file) never needs
  const { HoursFile, hoursPath } = await import('../../config/hours.js');
  return new HoursFile(hoursPath(deps.env)).load();
}

/** The machine's time zone: {{today}} uses it when no business hours are set. */
export function systemTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

export interface ContactInfo {
  name?: string | null;
  /** E.164 (+919876543210) or digits; written as given. */
  phone?: string | null;
}

export interface RenderForContactOptions {
  /** `--var` values; they win over built-ins and defaults. */
  vars?: Readonly<Record<string, string>>;
  /** The moment of the render (default deps.clock()): {{today}} and {{next_open}}. */
  at?: Date;
  /** Refuse a template of another kind (e.g. `cta` for `link --template`). */
  kind?: TemplateKind;
}

export interface TemplateRender extends RenderedTemplate {
  template: Template;
}

/** Everything a render knows besides --var: config names, the clock, business hours. */
export async function renderContext(
  deps: Deps,
  contact: ContactInfo,
  options: RenderForContactOptions,
): Promise<RenderContext> {
  const config = await deps.config();
  const now = options.at ?? deps.clock();
  const hours = await loadHours(deps);
  let nextOpen: Date | null = null;
  if (hours) {
    // loaded on use: core/hours loads luxon
    const { nextOpening } = await import('../../core/hours.js');
    nextOpen = nextOpening(hours, now);
  }
  return {
    vars: options.vars ?? {},
    contact,
    business: { name: config.get('business-name') },
    agent: { name: config.get('agent-name') },
    now,
    timeZone: hours?.timeZone ?? systemTimeZone(),
    nextOpen,
    hours,
  };
}

/**
 * Renders a template of the library for one contact: `ref` is a name or a `/shortcut`. The text is
 * exactly what a reply sends. Throws not-found (exit 6) for an unknown ref, invalid-input (exit 2)
 * naming every variable without a value, or for a template of the wrong `kind`.
 */
export async function renderTemplateForContact(
  deps: Deps,
  ref: string,
  contact: ContactInfo = {},
  options: RenderForContactOptions = {},
): Promise<TemplateRender> {
  const template = findTemplate(await templateLibrary(deps).load(), ref);
  if (options.kind !== undefined && template.kind !== options.kind)
    throw invalidInput(`template "${template.name}" is a ${template.kind}, not a ${options.kind}`, {
      code: 'template.wrong_kind',
      hint: `list the ${options.kind} templates with: wabox template list --kind ${options.kind}`,
    });
  const rendered = renderTemplate(template, await renderContext(deps, contact, options));
  return { template, ...rendered };
}

/** Reads `--at` (ISO 8601); a time without an offset is read in the business zone (else the machine's). */
export async function parseAt(deps: Deps, at: string | undefined): Promise<Date | undefined> {
  if (at === undefined) return undefined;
  const [{ parseInstant }, hours] = await Promise.all([import('../../core/hours.js'), loadHours(deps)]);
  return parseInstant(at, hours?.timeZone ?? systemTimeZone());
}

/** A usage error for a value that is missing and cannot be asked for. */
export function missingFlag(flag: string, what: string) {
  return invalidInput(`missing ${flag}: ${what}`, {
    code: 'usage.missing_flag',
    hint: 'pass it as a flag, or run on a terminal to be asked',
  });
}
