// Every `hint:` wabox can print names its commands so that they can be pasted into a shell: each
// `wabox ...` inside a hint text (a `hint` property, a *HINT* constant or a hint function in src/)
// is a command line that commander accepts (known command path, known options) and has no words in
// parentheses; explanations go outside the command.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { createDeps } from '../../src/cli/deps.js';
import { buildProgram } from '../../src/cli/main.js';
import { createTestIO } from '../../src/cli/test-io.js';
import { ROOT } from '../helpers/cli.js';

interface HintText {
  file: string;
  line: number;
  text: string;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

const HINTISH = /hint/i;

/** The name a node gives its value: a property, a variable, a function, or `hints.push(...)`'s object. */
function nameOf(node: ts.Node): string | undefined {
  if (
    (ts.isPropertyAssignment(node) ||
      ts.isVariableDeclaration(node) ||
      ts.isFunctionDeclaration(node) ||
      ts.isShorthandPropertyAssignment(node)) &&
    node.name !== undefined
  )
    return node.name.getText();
  if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression))
    return node.expression.expression.getText();
  return undefined;
}

/** Every string literal in src/ that is (part of) a hint; `${...}` becomes X. */
function hintTexts(): HintText[] {
  const out: HintText[] = [];
  for (const file of sourceFiles(join(ROOT, 'src'))) {
    const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
    // variables a hint is built from: `hint: how.join('; ')` makes `how` a hint text too
    const feeding = new Set<string>();
    const collect = (node: ts.Node): void => {
      const name = nameOf(node);
      if (name !== undefined && HINTISH.test(name) && ts.isPropertyAssignment(node)) {
        // local variables only: a table such as CONFIG_KEYS holds descriptions, not hints
        const ids = (n: ts.Node): void => {
          if (ts.isIdentifier(n) && !/^[A-Z0-9_]+$/.test(n.text)) feeding.add(n.text);
          ts.forEachChild(n, ids);
        };
        ids(node.initializer);
      }
      ts.forEachChild(node, collect);
    };
    collect(source);
    const visit = (node: ts.Node, inHint: boolean): void => {
      const name = nameOf(node);
      const hint =
        inHint ||
        (name !== undefined && (HINTISH.test(name) || (ts.isVariableDeclaration(node) && feeding.has(name))));
      let text: string | undefined;
      if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) text = node.text;
      else if (ts.isTemplateExpression(node))
        text = node.head.text + node.templateSpans.map((s) => `X${s.literal.text}`).join('');
      if (text !== undefined && hint) {
        const { line } = source.getLineAndCharacterOfPosition(node.getStart());
        out.push({ file: file.slice(ROOT.length + 1), line: line + 1, text });
      }
      if (!ts.isTemplateExpression(node)) ts.forEachChild(node, (child) => visit(child, hint));
    };
    visit(source, false);
  }
  return out;
}

/** Splits a command line as a POSIX shell would (quotes only; no expansions). */
function shellWords(line: string): string[] {
  const words: string[] = [];
  for (const m of line.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)) words.push(m[1] ?? m[2] ?? m[3]!);
  return words;
}

/**
 * The `wabox ...` commands in a text: each runs from `wabox` to the end of its clause (`;`, a
 * backtick, `, `, ` — `, `. `, the text's end, or the `)` of a parenthesis opened before it).
 */
function commandsIn(text: string, program: Command): string[] {
  const names = new Set(program.commands.flatMap((c) => [c.name(), ...c.aliases()]));
  const found: string[] = [];
  for (const m of text.matchAll(/(?<![\w-])wabox (?=([a-z][a-z-]*))/g)) {
    if (!names.has(m[1]!)) continue; // prose: "wabox never rewrites it"
    const before = text.slice(0, m.index);
    const open = (before.match(/\(/g)?.length ?? 0) - (before.match(/\)/g)?.length ?? 0);
    let rest = text.slice(m.index);
    const stops = [/;/, /`/, /, /, / — /, /\. /, /\n/, / +# /];
    if (open > 0) stops.push(/\)/);
    for (const stop of stops) {
      const at = rest.search(stop);
      if (at >= 0) rest = rest.slice(0, at);
    }
    found.push(rest.trim());
  }
  return found;
}

/** Why commander would not take the command line, or undefined when it would. */
function problemWith(line: string, program: Command): string | undefined {
  if (/[()]/.test(line)) return 'words in parentheses inside the command';
  if (/\s\|\s/.test(line)) return 'a "|" inside the command';
  const words = shellWords(line).slice(1);
  let cmd = program;
  const chain = [program];
  while (words.length > 0) {
    const sub = cmd.commands.find((c) => c.name() === words[0] || c.aliases().includes(words[0]!));
    if (!sub) break;
    cmd = sub;
    chain.push(sub);
    words.shift();
  }
  if (cmd === program) return 'no command';
  const options = chain.flatMap((c) => c.options);
  for (const word of words) {
    if (!word.startsWith('-') || word === '-' || word === '--') continue;
    const flag = word.split('=')[0]!;
    const known = options.some(
      (o) =>
        o.long === flag || o.short === flag || (o.negate && o.long === flag) || `--no-${o.name()}` === flag,
    );
    if (!known) return `unknown option ${flag} for "${chain.map((c) => c.name()).join(' ')}"`;
  }
  return undefined;
}

describe('hints are commands a user can paste', () => {
  const program = buildProgram(createDeps(createTestIO(), {}));
  const texts = hintTexts();

  it('finds the hints (not vacuous)', () => {
    expect(texts.length).toBeGreaterThan(50);
    const commands = texts.flatMap((t) => commandsIn(t.text, program));
    expect(commands).toContain('wabox config set token');
    expect(commands.length).toBeGreaterThan(30);
  });

  it('the checker catches a command with words inside it, an unknown flag and a shell pipe', () => {
    const bad = [
      'run `wabox config set token (reads a hidden prompt or stdin)`',
      'wabox config set token (or WABOX_TOKEN)',
      'wabox send <to> --no-such-flag',
      'wabox assign <contact> <agent> | --me | --none',
    ];
    for (const text of bad) {
      const [command] = commandsIn(text, program);
      expect(problemWith(command!, program), text).toBeDefined();
    }
    for (const text of [
      'set it with: wabox config set token',
      'give exactly the parameters the template has (wabox meta-template show <name>)',
      'send a template: wabox send <to> --template <name> --lang <code>; list them with: wabox meta-template list',
    ]) {
      const [command] = commandsIn(text, program);
      expect(problemWith(command!, program), text).toBeUndefined();
    }
  });

  it('every wabox command in a hint parses', () => {
    const problems = texts.flatMap((t) =>
      commandsIn(t.text, program).flatMap((command) => {
        const problem = problemWith(command, program);
        return problem === undefined ? [] : [`${t.file}:${t.line}: ${problem}: ${command}`];
      }),
    );
    expect(problems).toEqual([]);
  });
});
