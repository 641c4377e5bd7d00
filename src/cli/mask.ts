import type { Env } from '../config/settings.js';

/** Environment variables whose values are secrets and must never be printed (DESIGN.md §5). */
export const SECRET_ENV = ['WABOX_TOKEN', 'WABOX_APP_SECRET', 'WABOX_VERIFY_TOKEN'] as const;

/** Replaces every known secret in a string with `***`; `add` registers one more. */
export type Masker = ((text: string) => string) & { add(secret: string | undefined): void };

/**
 * Returns a function that replaces every known secret in a string with `***`. Secrets registered
 * later (read from the config file) are added with `mask.add`.
 */
export function createMasker(env: Env): Masker {
  const secrets = new Set<string>();
  const add = (secret: string | undefined) => {
    if (secret && secret.length >= 4) secrets.add(secret);
  };
  for (const name of SECRET_ENV) add(env[name]);
  const mask = (text: string) => {
    let out = text;
    // longest first, so a secret that contains another is hidden whole
    for (const secret of [...secrets].sort((a, b) => b.length - a.length))
      out = out.split(secret).join('***');
    // a bearer token in a dumped request, even one we were not told about
    return out.replace(/(Bearer\s+)[A-Za-z0-9\-_.]{8,}/g, '$1***');
  };
  return Object.assign(mask, { add });
}
