import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** A folder shipped with wabox (templates/, dist/), found upwards from this module: run from src/ or dist/. */
export function packageDir(name: string): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, name))) return join(dir, name);
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`cannot find the ${name}/ folder of wabox`);
    dir = parent;
  }
}
