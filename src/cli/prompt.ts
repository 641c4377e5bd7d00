// Interactive prompts behind a small interface, so commands never import inquirer themselves (it loads
// only when a prompt is really shown) and tests script the answers. Prompts draw on stderr: stdout stays
// clean for data even in an interactive run (`wabox template add --json > t.json`).
import type { IO } from './io.js';

export interface Prompter {
  input(options: {
    message: string;
    default?: string;
    validate?: (value: string) => true | string;
  }): Promise<string>;
  select<T extends string>(options: {
    message: string;
    choices: ReadonlyArray<{ value: T; name?: string; description?: string }>;
    default?: T;
  }): Promise<T>;
  confirm(options: { message: string; default?: boolean }): Promise<boolean>;
  /** Hidden input for secrets (`wabox config set token`): nothing is echoed. Optional for test fakes. */
  password?(options: { message: string; validate?: (value: string) => true | string }): Promise<string>;
  /**
   * A list filtered as the user types (`source` is called with the text typed so far, undefined at
   * first). Optional for test fakes; callers fall back to `select`.
   */
  search?<T extends string>(options: {
    message: string;
    source: (term: string | undefined) => ReadonlyArray<{ value: T; name?: string; description?: string }>;
    pageSize?: number;
  }): Promise<T>;
}

export async function createInquirerPrompter(io: IO): Promise<Prompter> {
  const inquirer = await import('@inquirer/prompts');
  const context = {
    input: io.stdin,
    output: (io.stderr.stream ?? io.stdout.stream) as NodeJS.WritableStream | undefined,
  };
  return {
    input: (options) => inquirer.input(options, context),
    select: <T extends string>(options: Parameters<Prompter['select']>[0]) =>
      inquirer.select({ ...options, choices: options.choices.map((c) => ({ ...c })) }, context) as Promise<T>,
    confirm: (options) => inquirer.confirm(options, context),
    password: (options) => inquirer.password(options, context),
    search: <T extends string>(options: {
      message: string;
      source: (term: string | undefined) => ReadonlyArray<{ value: T; name?: string; description?: string }>;
      pageSize?: number;
    }) =>
      inquirer.search<T>(
        {
          message: options.message,
          pageSize: options.pageSize,
          source: (term) => options.source(term).map((c) => ({ ...c })),
        },
        context,
      ) as Promise<T>,
  };
}
