// Builds dist/:
//   cli.cjs, cli.cjs.<build id>.cache   the CLI: one CommonJS bundle, and V8's code cache of it
//   vendor/*.cjs                         big ESM-only dependencies of some commands, bundled on their own
//   widget.js                            the website chat button (a browser script without its configuration)
//   batch-worker.js                      the worker thread of batch work: QR files, link chunks (one ESM file)
//   index.js, chunks/, *.d.ts            the library (ESM)
//
// Why the CLI is built this way (bench/startup.mjs measures it): every module file loaded costs start-up
// time, an ESM entry more than a CommonJS one, and most of the rest is V8 compiling source; one CommonJS
// bundle with a code cache made here (bin/wabox.js loads it) starts about as fast as a bare bundle of
// commander and libphonenumber-js alone. Code behind `await import()` stays lazy inside the bundle:
// esbuild wraps every module in an init function that runs on first use, and `import()` becomes a call
// of it. Node 22 has module.enableCompileCache(); Node 20 does not, hence the cache made by hand.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = new URL('..', import.meta.url);
const dist = new URL('dist/', root);
const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8'));
const common = {
  absWorkingDir: fileURLToPath(root),
  bundle: true,
  platform: 'node',
  target: 'node20',
  define: { WABOX_VERSION: JSON.stringify(pkg.version) },
  sourcemap: 'linked',
  logLevel: 'warning',
};
// CommonJS output has no import.meta: bundled code that reads import.meta.url gets the file's URL
const cjsImportMeta = {
  define: { ...common.define, 'import.meta.url': '__wbxModuleUrl' },
  banner: "const __wbxModuleUrl = require('node:url').pathToFileURL(__filename).href;",
};
// CommonJS dependencies bundled into ESM call require() for Node built-ins
const esmRequire =
  "import { createRequire as __wbxCreateRequire } from 'node:module'; const require = __wbxCreateRequire(import.meta.url);";

/**
 * Direct dependencies that the CLI bundle leaves to require(): CommonJS packages (require() loads them on
 * every Node 20, when a command first needs them), among them the native and the worker-spawning ones.
 * Everything else is bundled: an ESM-only package could only be reached with import(), which code run
 * from a code cache cannot do on Node 20 without an experimental flag.
 */
const CJS_EXTERNAL = [
  'better-sqlite3',
  'pino',
  'undici',
  'cli-progress',
  'cli-table3',
  'csv-parse',
  'csv-stringify',
  'luxon',
  'mime-types',
  'pg',
  'yaml',
];
/**
 * ESM-only dependencies that are big (with their own dependencies, ~1 MB) and that only some commands use,
 * each bundled into a CommonJS file that the CLI requires when it needs it: they are leaf libraries that
 * share no state with our code, and kept out of cli.cjs they cost nothing on every start. module.exports
 * is what Node's import of a CommonJS file takes as the default export.
 */
const VENDORED = {
  conf: { file: 'vendor/conf.cjs', contents: "module.exports = require('conf').default;" },
  '@inquirer/prompts': {
    file: 'vendor/inquirer.cjs',
    contents: "module.exports = require('@inquirer/prompts');",
  },
};

// --clean (used by `prepare`) starts from an empty dist; a plain build overwrites in place, so a
// test run in one shell never sees dist vanish under it because another shell is building.
if (process.argv.includes('--clean')) rmSync(dist, { recursive: true, force: true });

for (const [name, { file, contents }] of Object.entries(VENDORED)) {
  await build({
    ...common,
    ...cjsImportMeta,
    banner: { js: cjsImportMeta.banner },
    stdin: { contents, resolveDir: common.absWorkingDir, loader: 'js', sourcefile: `${name}.cjs` },
    outfile: `dist/${file}`,
    format: 'cjs',
    minifyWhitespace: true,
    minifySyntax: true,
  });
}

// the CLI; a new build id names its code cache, and the caches of earlier builds go
const buildId = randomBytes(6).toString('hex');
for (const name of listDir(dist)) if (/^cli\.cjs\..+\.cache$/.test(name)) rmSync(new URL(name, dist));
await build({
  ...common,
  ...cjsImportMeta,
  // the first line names the build (bin/wabox.js reads it)
  banner: { js: `/*wabox-build:${buildId}*/ ${cjsImportMeta.banner}` },
  entryPoints: { cli: 'src/cli/entry.ts' },
  outdir: 'dist',
  outExtension: { '.js': '.cjs' },
  format: 'cjs',
  supported: { 'dynamic-import': false },
  external: CJS_EXTERNAL,
  plugins: [vendored(), metadataAsJson(), compiledPatterns()],
  // no whitespace and comments: less to read and a smaller cache; names stay, for stack traces
  minifyWhitespace: true,
  minifySyntax: true,
  charset: 'ascii',
});
const cli = readFileSync(new URL('cli.cjs', dist));
if (cli.some((byte) => byte > 0x7f))
  throw new Error('dist/cli.cjs is not ASCII: bin/wabox.js reads it as latin1, which would garble it');
writeCodeCache();

await build({
  ...common,
  entryPoints: { 'batch-worker': 'src/batch/worker.ts' },
  outdir: 'dist',
  format: 'esm',
  banner: { js: esmRequire },
  plugins: [compiledPatterns()],
});

await build({
  ...common,
  entryPoints: { index: 'src/index.ts' },
  outdir: 'dist',
  splitting: true,
  format: 'esm',
  external: ['better-sqlite3', 'pino', 'undici', '@inquirer/prompts', 'conf', 'cli-progress', 'cli-table3'],
  chunkNames: 'chunks/[name]-[hash]',
  banner: { js: esmRequire },
  plugins: [compiledPatterns()],
});

// the website chat button: one minified browser script; `wabox widget build` puts the configuration in
await build({
  ...common,
  entryPoints: { widget: 'src/widget/widget.ts' },
  outdir: 'dist',
  platform: 'browser',
  target: ['chrome111', 'firefox119', 'safari16.4'],
  format: 'iife',
  minify: true,
  sourcemap: false,
  legalComments: 'none',
  charset: 'ascii',
});
const widget = readFileSync(new URL('widget.js', dist), 'utf8');
if (widget.split('__WABOX_WIDGET__').length !== 2)
  throw new Error('dist/widget.js must name __WABOX_WIDGET__ exactly once: widget build replaces it');

if (!process.argv.includes('--no-types')) {
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], {
    stdio: 'inherit',
  });
}

/**
 * Runs `wabox link +919876543210 --text Hi` and `wabox --help` once in a child process and saves V8's code
 * cache of dist/cli.cjs with the functions those runs compiled: a cache of the top level alone leaves
 * them to compile on every start. The runs print nothing here and touch no real config (a temp
 * WABOX_CONFIG_DIR).
 */
function writeCodeCache() {
  const config = mkdtempSync(join(tmpdir(), 'wabox-build-'));
  const train = `
    const { writeFileSync } = require('node:fs');
    const { load } = require(${JSON.stringify(fileURLToPath(new URL('bin/wabox.js', root)))});
    const { cli, script, cacheFile } = load(false);
    (async () => {
      for (const argv of [['link', '+919876543210', '--text', 'Hi'], ['--help']]) {
        process.argv = [process.argv[0], 'wabox', ...argv];
        await cli.run();
        if (process.exitCode) throw new Error('wabox ' + argv.join(' ') + ' failed while warming the code cache');
      }
      writeFileSync(cacheFile, script.createCachedData());
    })();`;
  try {
    execFileSync(process.execPath, ['-e', train], {
      env: { ...process.env, WABOX_CONFIG_DIR: config, NO_COLOR: '1' },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  } finally {
    rmSync(config, { recursive: true, force: true });
  }
}

/** Points the CLI's imports of the vendored packages at their bundles in dist/vendor/. */
function vendored() {
  return {
    name: 'vendored',
    setup(b) {
      b.onResolve({ filter: /^(conf|@inquirer\/prompts)$/ }, (args) => ({
        path: `./${VENDORED[args.path].file}`,
        external: true,
      }));
    },
  };
}

function listDir(url) {
  try {
    return readdirSync(url);
  } catch {
    return [];
  }
}

/**
 * libphonenumber-js ships its metadata as an object literal. As a JSON string it makes the code cache
 * much smaller, which is less to deserialise on every start.
 */
function metadataAsJson() {
  return {
    name: 'libphonenumber-metadata-as-json',
    setup(b) {
      b.onLoad({ filter: /libphonenumber-js[\\/]metadata\.[a-z]+\.json\.js$/ }, (args) => {
        const json = readFileSync(args.path.replace(/\.js$/, ''), 'utf8');
        return {
          contents: `export default JSON.parse(${JSON.stringify(JSON.stringify(JSON.parse(json)))});`,
          loader: 'js',
        };
      });
    },
  };
}

/**
 * libphonenumber-js tests a number against its metadata's patterns with `new RegExp(pattern).test()`, a
 * new RegExp on every test (V8 caches the compiled code, but the source string is built and hashed each
 * time): in a batch that is most of parsing and validating. Each pattern is compiled once instead; a
 * RegExp without the g or y flag keeps no state between tests.
 */
function compiledPatterns() {
  return {
    name: 'libphonenumber-compiled-patterns',
    setup(b) {
      b.onLoad({ filter: /libphonenumber-js[\\/](es6|build)[\\/]helpers[\\/]matchesEntirely\.js$/ }, () => ({
        contents: `const compiled = new Map();
export default function matchesEntirely(text, pattern) {
  let regExp = compiled.get(pattern);
  if (regExp === undefined) {
    regExp = new RegExp('^(?:' + pattern + ')$');
    compiled.set(pattern, regExp);
  }
  return regExp.test(text || '');
}`,
        loader: 'js',
      }));
    },
  };
}
