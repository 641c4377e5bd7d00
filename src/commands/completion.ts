// Shell completion scripts generated from the commander tree, so they never drift from the commands.
import type { Command, Option } from 'commander';
import type { Deps } from '../cli/deps.js';
import { invalidInput } from '../core/errors.js';

export function register(program: Command, deps: Deps): void {
  program
    .command('completion')
    .description('print a shell completion script')
    .argument('<shell>', 'bash, zsh or fish')
    .addHelpText(
      'after',
      `
Examples:
  wabox completion bash > /etc/bash_completion.d/wabox
  echo 'source <(wabox completion zsh)' >> ~/.zshrc
  wabox completion fish > ~/.config/fish/completions/wabox.fish`,
    )
    .action((shell: string) => {
      deps.io.stdout.write(completionScript(program, shell));
    });
}

interface Node {
  path: string[];
  subcommands: string[];
  options: string[];
  descriptions: Map<string, string>;
}

function walk(cmd: Command, path: string[] = []): Node[] {
  const options = cmd.options
    .flatMap((o: Option) => [o.long, o.short])
    .filter((o): o is string => Boolean(o));
  const descriptions = new Map(cmd.commands.map((c) => [c.name(), c.description()]));
  const node: Node = {
    path,
    subcommands: cmd.commands.map((c) => c.name()),
    options: [...options, '--help'],
    descriptions,
  };
  return [node, ...cmd.commands.flatMap((c) => walk(c, [...path, c.name()]))];
}

export function completionScript(program: Command, shell: string): string {
  const nodes = walk(program);
  switch (shell) {
    case 'bash':
      return bash(nodes);
    case 'zsh':
      return `#compdef wabox\nautoload -U +X bashcompinit && bashcompinit\n${bash(nodes)}`;
    case 'fish':
      return fish(nodes);
    default:
      throw invalidInput(`unknown shell "${shell}": use bash, zsh or fish`, { code: 'usage.shell' });
  }
}

function bash(nodes: Node[]): string {
  const cases = nodes
    .map((n) => `    "${n.path.join(' ')}") echo "${[...n.subcommands, ...n.options].join(' ')}" ;;`)
    .join('\n');
  return `# wabox bash completion
_wabox_words() {
  case "$1" in
${cases}
  esac
}
_wabox() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" path="" next i
  for ((i = 1; i < COMP_CWORD; i++)); do
    next="\${path:+$path }\${COMP_WORDS[i]}"
    [[ -n "$(_wabox_words "$next")" ]] && path="$next"
  done
  COMPREPLY=($(compgen -W "$(_wabox_words "$path")" -- "$cur"))
}
complete -o default -F _wabox wabox
`;
}

function fish(nodes: Node[]): string {
  const lines = ['# wabox fish completion', 'complete -c wabox -f'];
  for (const node of nodes) {
    const condition =
      node.path.length === 0
        ? '__fish_use_subcommand'
        : `__fish_seen_subcommand_from ${node.path[node.path.length - 1]}`;
    for (const sub of node.subcommands) {
      const description = (node.descriptions.get(sub) ?? '').replace(/'/g, "\\'");
      lines.push(`complete -c wabox -n '${condition}' -a ${sub} -d '${description}'`);
    }
    for (const option of node.options.filter((o) => o.startsWith('--'))) {
      lines.push(`complete -c wabox -n '${condition}' -l ${option.slice(2)}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
