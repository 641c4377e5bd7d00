// Builds the published CLI as one ESM bundle (dist/cli.js) plus lazily loaded chunks, and the
// library entry (dist/index.js + .d.ts). One bundled file starts ~40% faster than the same code
// loaded module by module (bench/startup.mjs measures it), so the hot path (commander, our code)
// is bundled; native or worker-spawning packages stay external and load only when a command needs them.
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { build } from 'esbuild';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const external = [
  'better-sqlite3',
  'pino',
  'undici',
  '@inquirer/prompts',
  'conf',
  'cli-progress',
  'cli-table3',
];

// --clean (used by `prepare`) starts from an empty dist; a plain build overwrites in place, so a
// test run in one shell never sees dist vanish under it because another shell is building.
if (process.argv.includes('--clean'))
  rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });
await build({
  entryPoints: {
    cli: 'src/cli/entry.ts',
    index: 'src/index.ts',
    'qr-worker': 'src/commands/qr-worker.ts',
  },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external,
  chunkNames: 'chunks/[name]-[hash]',
  define: { WABOX_VERSION: JSON.stringify(pkg.version) },
  // CommonJS dependencies bundled into ESM call require() for Node built-ins.
  banner: {
    js: "import { createRequire as __wbxCreateRequire } from 'node:module'; const require = __wbxCreateRequire(import.meta.url);",
  },
  sourcemap: 'linked',
  logLevel: 'warning',
});
if (!process.argv.includes('--no-types')) {
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], {
    stdio: 'inherit',
  });
}
