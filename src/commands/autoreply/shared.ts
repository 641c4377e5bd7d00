// What the `wabox autoreply` verbs share: the settings in the store, the template library, phrase matching.
import type { Deps } from '../../cli/deps.js';
import { type AutoReplySettings, normalizeSettings, SETTINGS_KEY, tokens } from '../../core/autoreply.js';
import type { Template } from '../../core/template.js';
import { templateLibrary } from '../template/shared.js';

export async function loadSettings(deps: Deps): Promise<AutoReplySettings> {
  const store = await deps.store();
  return normalizeSettings(await store.getSetting(SETTINGS_KEY));
}

export async function saveSettings(deps: Deps, settings: AutoReplySettings): Promise<void> {
  const store = await deps.store();
  await store.setSetting(SETTINGS_KEY, settings);
}

export async function library(deps: Deps): Promise<Template[]> {
  return templateLibrary(deps).load();
}

/** Two phrases match the same words (case and accents ignored). */
export function same(a: string, b: string): boolean {
  return tokens(a).join(' ') === tokens(b).join(' ');
}

export function dedupe(phrases: string[]): string[] {
  const out: string[] = [];
  for (const p of phrases) if (!out.some((q) => same(p, q))) out.push(p);
  return out;
}
