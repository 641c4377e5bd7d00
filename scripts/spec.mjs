#!/usr/bin/env node
// `npm run spec`: downloads Meta's OpenAPI description of the WhatsApp Business Messaging API
// (facebook/openapi, MIT) at a pinned commit into .cache/openapi/ and checks its sha256. The contract
// suite (test/cloud/contract.test.ts) and the README's inbox walk-through serve it with Prism.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export const SPEC = {
  repo: 'facebook/openapi',
  commit: 'ecba623b4aba6ae770185b074ed77ed5acef22f7',
  file: 'business-messaging-api_v23.0.yaml',
  sha256: 'c7148d5e2aeff32f2effc3d3557795d7eddd07abf8b017c9e40e86bb3312c116',
};
export const SPEC_URL = `https://raw.githubusercontent.com/${SPEC.repo}/${SPEC.commit}/${SPEC.file}`;

/** Where `npm run spec` keeps the file (git-ignored). */
export function cachePath(root = ROOT) {
  return join(root, '.cache/openapi', SPEC.file);
}

/**
 * The description to use: `WABOX_OPENAPI` when set, else the cache. `{ path }` when the file is
 * there, else `{ reason }`: one line saying how to get it.
 */
export function resolveOpenApi(env = process.env, root = ROOT) {
  const fromEnv = env.WABOX_OPENAPI;
  if (fromEnv) {
    const path = resolve(root, fromEnv);
    return existsSync(path)
      ? { path }
      : {
          reason: `WABOX_OPENAPI=${fromEnv} does not exist (unset it and run npm run spec, or point it at the file)`,
        };
  }
  const path = cachePath(root);
  return existsSync(path)
    ? { path }
    : {
        reason: `Meta's OpenAPI description is not downloaded: run npm run spec (or set WABOX_OPENAPI to a copy)`,
      };
}

export const sha256 = (data) => createHash('sha256').update(data).digest('hex');

/**
 * Downloads `url` to `dest` unless a file with the expected sha256 is already there; throws an Error
 * with a one-line message on any failure (network, HTTP status, checksum). Resolves to 'cached' or
 * 'downloaded'.
 */
export async function fetchSpec({
  url = SPEC_URL,
  expected = SPEC.sha256,
  dest = cachePath(),
  timeoutMs = 60_000,
} = {}) {
  if (existsSync(dest) && sha256(readFileSync(dest)) === expected) return 'cached';
  let body;
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    body = Buffer.from(await res.arrayBuffer());
  } catch (err) {
    const cause = err?.cause?.code ?? err?.cause?.message ?? err?.message ?? String(err);
    throw new Error(`could not download ${url}: ${cause}`);
  }
  const got = sha256(body);
  if (got !== expected) throw new Error(`${url} has sha256 ${got}, expected ${expected}; nothing written`);
  mkdirSync(dirname(dest), { recursive: true });
  const tmp = `${dest}.${process.pid}.tmp`;
  writeFileSync(tmp, body);
  renameSync(tmp, dest);
  return 'downloaded';
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  // WABOX_SPEC_URL: a mirror of the same file (the checksum still applies).
  const url = process.env.WABOX_SPEC_URL || SPEC_URL;
  const dest = cachePath();
  fetchSpec({ url, dest }).then(
    (how) => {
      process.stderr.write(`${how === 'cached' ? 'already there' : 'downloaded'}: ${dest} (sha256 ok)\n`);
    },
    (err) => {
      process.stderr.write(
        `error: ${err.message}\nhint: or set WABOX_OPENAPI to a local copy of ${SPEC.file}\n`,
      );
      process.exitCode = 1;
    },
  );
}
