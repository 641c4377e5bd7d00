// `wabox note <contact> <text...>`: an internal note on a conversation, for the team; never sent.
// `inbox show` interleaves notes with the messages.
import type { Command } from 'commander';
import type { Deps } from '../cli/deps.js';
import { emit, note } from '../cli/output.js';
import { readStdinText } from '../cli/stdin.js';
import { contactLabel } from '../core/contact-id.js';
import { invalidInput } from '../core/errors.js';
import type { NoteRecord } from '../store/store.js';
import { resolveKnownContact } from './inbox/shared.js';
import { contactArgument } from './shared/contact-arg.js';
import { currentAgent } from './shared/current-agent.js';

export const NOTE_MAX_CHARS = 4096;

export interface NoteOptions {
  contact: string;
  /** The words of the note, joined by spaces; `-` or none (stdin not a terminal): read stdin. */
  text: string[];
  as?: string;
  country?: string;
  json?: boolean;
}

export type NoteRunner = (options: NoteOptions) => Promise<void>;

export function register(program: Command, deps: Deps, runF?: NoteRunner): void {
  contactArgument(
    program
      .command('note')
      .description('add an internal note to a conversation (never sent to the customer)'),
  )
    .argument('[text...]', 'the note; - or none reads it from stdin')
    .option('--as <agent>', 'the author; default: $WABOX_AGENT, else config agent-name')
    .option('--json', 'print the note {id, waId, author, text, createdAt}')
    .addHelpText(
      'after',
      `
Examples:
  wabox note +919876543210 "wants the cake without nuts; call before 5"
  wabox note +919876543210 --as asha "refund approved"
  git log -1 --format=%s | wabox note +919876543210 -

Notes show in \`wabox inbox show\` among the messages. At most ${NOTE_MAX_CHARS} characters.
An unknown contact exits 6.`,
    )
    .action(async (contact: string, text: string[], flags: Omit<NoteOptions, 'contact' | 'text'>) => {
      const options = { ...flags, contact, text };
      if (runF) return runF(options);
      const r = await runNote(options, deps);
      if (flags.json) emit(deps, flags, r.note, () => '');
      else note(deps.io, `note added to ${r.contact}`);
    });
}

/** The note stored (what --json prints) and whom it is on, as the other commands' human lines name a contact. */
export interface NoteResult {
  note: NoteRecord;
  contact: string;
}

export async function runNote(options: NoteOptions, deps: Deps): Promise<NoteResult> {
  const text = await noteText(options, deps);
  const author = (await currentAgent(deps, options.as)) ?? null;
  const { store, waId, conversation } = await resolveKnownContact(deps, options.contact, {
    country: options.country,
  });
  return { note: await store.addNote(waId, { author, text }), contact: contactLabel(conversation) };
}

async function noteText(options: NoteOptions, deps: Deps): Promise<string> {
  const words = options.text;
  const fromStdin = (words.length === 1 && words[0] === '-') || (words.length === 0 && !deps.io.isStdinTTY);
  if (words.length === 0 && !fromStdin)
    throw invalidInput('missing the note text', {
      code: 'usage.missing_text',
      hint: 'wabox note <contact> "text", or pipe it: ... | wabox note <contact> -',
    });
  const text = fromStdin ? await readStdinText(deps.io, 'note') : words.join(' ');
  if (text.trim() === '') throw invalidInput('the note is empty', { code: 'note.empty' });
  const length = [...text].length;
  if (length > NOTE_MAX_CHARS)
    throw invalidInput(`the note is ${length} characters long; at most ${NOTE_MAX_CHARS}`, {
      code: 'note.too_long',
    });
  return text;
}
