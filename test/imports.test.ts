// The dependency rule of DESIGN.md §1 and no import cycles, checked over every import in src/ (static,
// type-only, re-exports and `await import()` alike): a type import ties two rooms together too.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const SRC = resolve(import.meta.dirname, '../src');

/**
 * What each room may import besides itself (DESIGN.md §1), before taking the closure. Commands also use
 * the shell's kit (cli/deps, io, output, errors: `register(program, deps)`); the cycle check keeps that
 * kit from importing a command back.
 */
const RULE: Readonly<Record<string, readonly string[]>> = {
  cli: ['commands'],
  commands: ['cli', 'core', 'cloud', 'store', 'server', 'config', 'batch'],
  server: ['cloud', 'store', 'core'],
  batch: ['core'],
  cloud: ['core'],
  store: ['core'],
  config: ['core'],
  core: [],
  // the website chat button's browser script (bundled on its own): pure core only
  widget: ['core'],
  types: [],
  // the library entry (src/index.ts) exports the rooms a Node script may use on its own
  index: ['core', 'cloud', 'store', 'batch'],
};

function sourceFiles(): string[] {
  return readdirSync(SRC, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
    .map((f) => f.split('\\').join('/'))
    .sort();
}

/** Every import of a file that points into src/, resolved to a path relative to src/. */
function importsOf(file: string): string[] {
  const text = readFileSync(join(SRC, file), 'utf8');
  const { importedFiles } = ts.preProcessFile(text, true, true);
  return importedFiles
    .map((ref) => ref.fileName)
    .filter((spec) => spec.startsWith('.'))
    .map((spec) =>
      relative(SRC, resolve(SRC, dirname(file), spec))
        .split('\\')
        .join('/')
        .replace(/\.js$/, '.ts'),
    );
}

function room(file: string): string {
  const slash = file.indexOf('/');
  return slash === -1 ? file.replace(/\.ts$/, '') : file.slice(0, slash);
}

/** The rooms a room may import: itself plus everything reachable through RULE. */
function allowed(from: string): Set<string> {
  const seen = new Set([from]);
  const queue = [...(RULE[from] ?? [])];
  while (queue.length > 0) {
    const next = queue.pop() as string;
    if (seen.has(next)) continue;
    seen.add(next);
    queue.push(...(RULE[next] ?? []));
  }
  return seen;
}

function graph(): Map<string, string[]> {
  const edges = new Map<string, string[]>();
  for (const file of sourceFiles()) edges.set(file, importsOf(file));
  return edges;
}

function ruleViolations(edges: ReadonlyMap<string, readonly string[]>): string[] {
  const out: string[] = [];
  for (const [from, targets] of edges) {
    const ok = allowed(room(from));
    for (const to of targets) if (!ok.has(room(to))) out.push(`${from} -> ${to}`);
  }
  return out.sort();
}

/** One cycle per strongly connected component of more than one file (or a file importing itself). */
function cycles(edges: ReadonlyMap<string, readonly string[]>): string[][] {
  // Tarjan's algorithm
  let index = 0;
  const indexOf = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string) => {
    indexOf.set(v, index);
    low.set(v, index);
    index++;
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!indexOf.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) as number, low.get(w) as number));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v) as number, indexOf.get(w) as number));
      }
    }
    if (low.get(v) === indexOf.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop() as string;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (edges.get(v) ?? []).includes(v)) found.push(component.sort());
    }
  };
  for (const v of edges.keys()) if (!indexOf.has(v)) visit(v);
  return found;
}

describe('imports in src/', () => {
  const edges = graph();

  it('every relative import names a file that exists', () => {
    const files = new Set(edges.keys());
    const missing = [...edges].flatMap(([from, targets]) =>
      targets.filter((to) => !files.has(to)).map((to) => `${from} -> ${to}`),
    );
    expect(missing).toEqual([]);
  });

  it('follow the dependency rule of DESIGN.md §1', () => {
    expect(ruleViolations(edges)).toEqual([]);
  });

  it('form no cycle', () => {
    const found = cycles(edges).map((c) => `cycle: ${c.join(', ')}`);
    expect(found).toEqual([]);
  });
});

describe('the checks themselves', () => {
  it('find an import against the rule', () => {
    const edges = new Map([
      ['core/a.ts', ['cloud/b.ts']],
      ['cloud/b.ts', ['core/c.ts']],
      ['cli/d.ts', ['core/a.ts', 'store/e.ts']],
      ['config/f.ts', ['cli/d.ts']],
      ['core/c.ts', []],
    ]);
    expect(ruleViolations(edges)).toEqual(['config/f.ts -> cli/d.ts', 'core/a.ts -> cloud/b.ts']);
  });

  it('find a cycle through several files and a file importing itself', () => {
    const edges = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts']],
      ['c.ts', ['a.ts']],
      ['d.ts', ['a.ts', 'd.ts']],
    ]);
    expect(cycles(edges)).toEqual([['a.ts', 'b.ts', 'c.ts'], ['d.ts']]);
  });

  it('read static, type-only, re-export and dynamic imports', () => {
    const { importedFiles } = ts.preProcessFile(
      [
        "import { a } from './a.js';",
        "import type { B } from '../b.js';",
        "export { c } from './c.js';",
        "const d = await import('./d.js');",
        "import { readFileSync } from 'node:fs';",
      ].join('\n'),
      true,
      true,
    );
    expect(importedFiles.map((f) => f.fileName)).toEqual([
      './a.js',
      '../b.js',
      './c.js',
      './d.js',
      'node:fs',
    ]);
  });
});
