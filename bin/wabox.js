#!/usr/bin/env node
// Loads the bundled CLI, dist/cli.cjs, with the V8 code cache that the build made for it, so that V8 does
// not compile the bundle's source on every start, the largest part of what wabox adds to Node's own start
// (scripts/build.mjs says why the CLI is one CommonJS bundle). This directory is CommonJS
// (bin/package.json) because an ESM entry is slower to start. Without a usable cache (none built, another
// Node, other V8 flags) V8 rejects it and compiles the source, as require() does.
'use strict';
const { readFileSync } = require('node:fs');
const { createRequire } = require('node:module');
const { join } = require('node:path');
const { Script } = require('node:vm');

const dir = join(__dirname, '..', 'dist');
const file = join(dir, 'cli.cjs');

/**
 * Node built-ins that no command needs to start, handed to the bundle as stand-ins that load the module on
 * first use: bundled code requires them at the top of every module it initialises (commander requires
 * child_process for subcommands wabox does not have; command modules import crypto, readline, ...), and
 * loading them shows in `wabox --help`'s start-up (bench/startup.mjs).
 */
const LAZY = new Set(
  [
    'child_process',
    'crypto',
    'dgram',
    'dns',
    'fs/promises',
    'http',
    'http2',
    'https',
    'os',
    'readline',
    'readline/promises',
    'stream',
    'stream/promises',
    'tls',
    'tty',
    'worker_threads',
    'zlib',
  ].flatMap((name) => [name, `node:${name}`]),
);

function lazyModule(load) {
  let loaded;
  const target = () => {
    loaded ??= load();
    return loaded;
  };
  return new Proxy(
    {},
    {
      get: (_, key) => target()[key],
      has: (_, key) => key in target(),
      ownKeys: () => Reflect.ownKeys(target()),
      getOwnPropertyDescriptor: (_, key) => {
        const descriptor = Reflect.getOwnPropertyDescriptor(target(), key);
        if (descriptor) descriptor.configurable = true;
        return descriptor;
      },
    },
  );
}

/** Compiles and runs dist/cli.cjs as CommonJS; returns its exports and the compiled script. */
function load(useCache = true) {
  // the build checks that the bundle is ASCII, which reads fastest as latin1
  const source = readFileSync(file, 'latin1');
  // the build id in the bundle's first line names its cache, so that a cache never meets another build
  // (V8 itself checks only the source's length, its own version and its flags)
  const id = /^\/\*wabox-build:([0-9a-f]+)\*\//.exec(source)?.[1];
  const cacheFile = id === undefined ? undefined : `${file}.${id}.cache`;
  let cachedData;
  if (useCache && cacheFile !== undefined) {
    try {
      cachedData = readFileSync(cacheFile);
    } catch {
      // no cache: V8 compiles the source
    }
  }
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
    filename: file,
    cachedData,
  });
  const realRequire = createRequire(file);
  const bundleRequire = Object.assign(
    (id) => (LAZY.has(id) ? lazyModule(() => realRequire(id)) : realRequire(id)),
    realRequire,
  );
  const module = { exports: {} };
  script.runInThisContext().call(module.exports, module.exports, bundleRequire, module, file, dir);
  return { cli: module.exports, script, cacheFile };
}

module.exports = { load };
if (require.main === module) load().cli.run();
