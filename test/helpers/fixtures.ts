// Real webhook payloads: ../shared/fixtures/webhooks/pywa (pywa, MIT) and the /whatsapp/webhooks examples
// of Meta's OpenAPI description. Read in place, never copied into the project.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';

export const SHARED = resolve(import.meta.dirname, '../../../shared');
export const PYWA_DIR = join(SHARED, 'fixtures/webhooks/pywa');
export const OPENAPI_SPEC =
  process.env.WABOX_OPENAPI_SPEC ?? join(SHARED, 'meta-openapi/business-messaging-api_v23.0.yaml');

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
