// Webhook payloads. Our own set, test/fixtures/webhooks/*.json (one complete POST body a file, written
// from the documented shapes), is always there. Extras, read in place and never copied: pywa's real
// payloads (../shared/fixtures/webhooks/pywa, MIT) and the /whatsapp/webhooks examples of Meta's
// OpenAPI description (WABOX_OPENAPI or the cache of `npm run spec`).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, it } from 'vitest';
import { parse } from 'yaml';
import { resolveOpenApi } from '../../scripts/spec.mjs';

export const OWN_WEBHOOKS_DIR = resolve(import.meta.dirname, '../fixtures/webhooks');

/** The team's shared material beside the project (`../shared`), or `WABOX_SHARED_DIR`. */
export const SHARED = process.env.WABOX_SHARED_DIR ?? resolve(import.meta.dirname, '../../../shared');
export const PYWA_DIR = join(SHARED, 'fixtures/webhooks/pywa');

const openApi = resolveOpenApi();
/** Meta's OpenAPI description, when present. */
export const OPENAPI_SPEC: string | undefined = openApi.path;
/** Why Meta's OpenAPI description is not there (one line: how to get it), or undefined. */
export const OPENAPI_MISSING: string | undefined = openApi.reason;

/** Why pywa's payloads (an extra beside our own fixtures) cannot be read here, or undefined. */
export const PYWA_MISSING: string | undefined = existsSync(PYWA_DIR)
  ? undefined
  : `pywa's webhook payloads are not at ${PYWA_DIR} (an extra: set WABOX_SHARED_DIR to the shared folder)`;

/**
 * Registers a suite that cannot run here as one skipped test carrying the reason, so the summary at
 * the end of `npm test` (test/helpers/skip-reporter.ts) names it.
 */
export function skipSuite(name: string, reason: string): void {
  describe(name, () => {
    it('is skipped', (ctx) => ctx.skip(reason));
  });
}

export interface Fixture {
  name: string;
  body: unknown;
}

/** Our own fixtures, named by file (without `.json`). */
export function ownWebhookFixtures(): Fixture[] {
  return readdirSync(OWN_WEBHOOKS_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => ({
      name: file.replace(/\.json$/, ''),
      body: JSON.parse(readFileSync(join(OWN_WEBHOOKS_DIR, file), 'utf8')) as unknown,
    }));
}

/** One of our own fixtures, parsed afresh (callers may change it). */
export function ownWebhook(name: string): any {
  return JSON.parse(readFileSync(join(OWN_WEBHOOKS_DIR, `${name}.json`), 'utf8'));
}

/** Every pywa case, named `<file>:<case>`. */
export function pywaFixtures(): Fixture[] {
  if (!existsSync(PYWA_DIR)) return [];
  return readdirSync(PYWA_DIR)
    .filter((f) => f.endsWith('.json'))
    .flatMap((file) => {
      const cases = JSON.parse(readFileSync(join(PYWA_DIR, file), 'utf8')) as Record<string, unknown>;
      return Object.entries(cases).map(([name, body]) => ({
        name: `${file.replace(/\.json$/, '')}:${name}`,
        body,
      }));
    });
}

let metaExamples: Fixture[] | undefined;
/** Every request example of POST /whatsapp/webhooks in Meta's description. */
export function metaWebhookExamples(): Fixture[] {
  if (metaExamples) return metaExamples;
  if (!OPENAPI_SPEC) return [];
  const spec = parse(readFileSync(OPENAPI_SPEC, 'utf8'), { maxAliasCount: -1 }) as {
    paths: Record<
      string,
      {
        post?: {
          requestBody?: { content?: Record<string, { examples?: Record<string, { value: unknown }> }> };
        };
      }
    >;
  };
  const examples =
    spec.paths['/whatsapp/webhooks']?.post?.requestBody?.content?.['application/json']?.examples ?? {};
  metaExamples = Object.entries(examples).map(([name, ex]) => ({ name: `meta:${name}`, body: ex.value }));
  return metaExamples;
}
