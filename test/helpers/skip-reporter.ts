// A vitest reporter that ends every run with the list of skipped tests and why, so no skip is silent.
// A suite that cannot run here says why with skipSuite() (test/helpers/fixtures.ts) or ctx.skip(reason);
// a skip without a reason (it.skip, skipIf) is listed by name.
import { relative } from 'node:path';
import type { Reporter, TestModule, Vitest } from 'vitest/node';

export interface Skip {
  file: string;
  test: string;
  note: string | undefined;
}

/** The summary printed at the end of a run: one line per file and reason. */
export function skipSummary(skips: readonly Skip[]): string {
  if (skips.length === 0) return 'skipped: nothing\n';
  const groups = new Map<string, { file: string; note: string | undefined; tests: string[] }>();
  for (const s of skips) {
    const key = `${s.file}\0${s.note ?? ''}`;
    const group = groups.get(key) ?? { file: s.file, note: s.note, tests: [] };
    group.tests.push(s.test);
    groups.set(key, group);
  }
  const lines = [...groups.values()]
    .sort((a, b) => a.file.localeCompare(b.file))
    .map(({ file, note, tests }) => {
      const n = tests.length === 1 ? '1 test' : `${tests.length} tests`;
      if (note) return `  ${file}: ${note} (${n})`;
      const names = tests.slice(0, 3).join('; ') + (tests.length > 3 ? '; ...' : '');
      return `  ${file}: ${n} skipped without a reason: ${names}`;
    });
  return `skipped (${skips.length} ${skips.length === 1 ? 'test' : 'tests'}):\n${lines.join('\n')}\n`;
}

export default class SkipReporter implements Reporter {
  #root = process.cwd();

  onInit(vitest: Vitest): void {
    this.#root = vitest.config.root;
  }

  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    const skips: Skip[] = [];
    for (const module of modules) {
      for (const test of module.children.allTests()) {
        const result = test.result();
        if (result.state !== 'skipped') continue;
        skips.push({ file: relative(this.#root, module.moduleId), test: test.fullName, note: result.note });
      }
    }
    process.stdout.write(`\n${skipSummary(skips)}`);
  }
}
