// Real webhook payloads: ../shared/fixtures/webhooks/pywa (pywa, MIT) and the /whatsapp/webhooks examples
// of Meta's OpenAPI description. Read in place, never copied into the project.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';

/** The team's shared material beside the project (`../shared`), or `WABOX_SHARED_DIR`. */
export const SHARED = process.env.WABOX_SHARED_DIR ?? resolve(import.meta.dirname, '../../../shared');
export const PYWA_DIR = join(SHARED, 'fixtures/webhooks/pywa');
export const OPENAPI_SPEC =
  process.env.WABOX_OPENAPI_SPEC ?? join(SHARED, 'meta-openapi/business-messaging-api_v23.0.yaml');

/**
 * Why the suites built on the real payloads cannot run here (the shared material is not beside this
 * checkout), or undefined. They are skipped with this reason printed, as the contract suite is, rather
 * than failing a build on a machine without ../shared.
 */
export const FIXTURES_MISSING = (() => {
  const missing = [PYWA_DIR, OPENAPI_SPEC].filter((path) => !existsSync(path));
  if (missing.length === 0) return undefined;
  const reason = `webhook fixtures not found: ${missing.join(', ')} (set WABOX_SHARED_DIR to the shared folder)`;
  console.warn(`suites on real webhook payloads skipped: ${reason}`);
  return reason;
})();

export interface Fixture {
  name: string;
  body: unknown;
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
  if (!existsSync(OPENAPI_SPEC)) return [];
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
