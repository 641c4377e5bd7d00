import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectError } from '../helpers/assert.js';
import { run, spawnCli, tempDir } from '../helpers/cli.js';

/** Sources the bash script in a real bash and asks it to complete `words` (the last one is being typed). */
function complete(script: string, words: string[]): string[] {
  const file = join(tempDir(), 'wabox.bash');
  writeFileSync(file, script);
  const quoted = words.map((w) => `'${w.replace(/'/g, `'\\''`)}'`).join(' ');
  const out = execFileSync(
    'bash',
    [
      '--norc',
      '--noprofile',
      '-c',
      `source "$1"; COMP_WORDS=(${quoted}); COMP_CWORD=${words.length - 1}; _wabox; printf '%s\\n' "\${COMPREPLY[@]}"`,
      'bash',
      file,
    ],
    { encoding: 'utf8' },
  );
  return out.split('\n').filter((l) => l !== '');
}

describe('wabox completion bash', () => {
  it('completes commands, subcommands and options in a real bash', async () => {
    const r = await run(['completion', 'bash']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const script = r.stdout;
    expect(complete(script, ['wabox', 'conf'])).toEqual(['config']);
    expect(complete(script, ['wabox', 'config', 's'])).toEqual(['set']);
    expect(complete(script, ['wabox', 'config', 'g'])).toEqual(['get']);
    expect(complete(script, ['wabox', 'li'])).toEqual(['link']);
    expect(complete(script, ['wabox', 'link', '+91', '--qr'])).toEqual(['--qr', '--qr-dir', '--qr-format']);
    expect(complete(script, ['wabox', 'qr', '--ec'])).toEqual(['--ecl']);
    expect(complete(script, ['wabox', 'completion', '--h'])).toEqual(['--help']);
    const top = complete(script, ['wabox', '']);
    expect(top).toEqual(
      expect.arrayContaining(['link', 'inspect', 'qr', 'config', 'completion', '--version', '--help']),
    );
    expect(complete(script, ['wabox', 'zzz'])).toEqual([]);
  });

  it('registers the function for wabox', async () => {
    const file = join(tempDir(), 'wabox.bash');
    writeFileSync(file, (await run(['completion', 'bash'])).stdout);
    const out = execFileSync('bash', ['--norc', '-c', 'source "$1" && complete -p wabox', 'bash', file], {
      encoding: 'utf8',
    });
    expect(out.trim()).toBe('complete -o default -F _wabox wabox');
  });

  it('is what the built CLI prints too', async () => {
    const built = await spawnCli(['completion', 'bash']);
    expect(built.code).toBe(0);
    expect(complete(built.stdout, ['wabox', 'con'])).toEqual(['contact', 'config']);
  });
});

describe('wabox completion zsh and fish', () => {
  it('zsh: a #compdef script that loads bashcompinit and the same completion', async () => {
    const r = await run(['completion', 'zsh']);
    expect(r.code).toBe(0);
    const [first, second, ...rest] = r.stdout.split('\n');
    expect(first).toBe('#compdef wabox');
    expect(second).toBe('autoload -U +X bashcompinit && bashcompinit');
    expect(rest.join('\n')).toBe((await run(['completion', 'bash'])).stdout);
  });

  it('fish: one complete line per subcommand and option, descriptions quoted', async () => {
    const r = await run(['completion', 'fish']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines.slice(0, 2)).toEqual(['# wabox fish completion', 'complete -c wabox -f']);
    for (const line of lines.slice(2)) {
      expect(line).toMatch(/^complete -c wabox -n '[^']+' (-a [a-z|-]+ -d '([^'\\]|\\')*'|-l [a-z][a-z-]*)$/);
    }
    expect(lines).toContain(
      "complete -c wabox -n '__fish_use_subcommand' -a link -d 'build a click-to-chat wa.me link (one, or a batch from CSV/JSONL)'",
    );
    expect(lines).toContainEqual(
      expect.stringMatching(/^complete -c wabox -n '__fish_seen_subcommand_from config' -a set -d '.+'$/),
    );
    expect(lines).toContain("complete -c wabox -n '__fish_seen_subcommand_from qr' -l ecl");
  });

  it('refuses an unknown or missing shell with exit 2', async () => {
    expectError(await run(['completion', 'tcsh']), 2, 'unknown shell "tcsh": use bash, zsh or fish');
    expectError(
      await run(['completion']),
      2,
      "missing required argument 'shell'",
      'see --help for usage and examples',
    );
  });
});
