// `wabox reply <contact>` without a message on a terminal: pick a quick reply (search by shortcut or
// text), fill in what it still needs, see it rendered for the contact, confirm.
import type { Deps } from '../../cli/deps.js';
import type { Prompter } from '../../cli/prompt.js';
import { invalidInput, WaboxError } from '../../core/errors.js';
import type { Template } from '../../core/template.js';
import { BUILTIN_VARIABLES } from '../../core/template.js';
import { preview } from '../../core/text.js';

export interface PickedQuickReply {
  /** The template's name, for `--quick-reply`. */
  name: string;
  /** `--var` values given and answered at the prompts, as key=value. */
  vars: string[];
}

export async function pickQuickReply(
  deps: Deps,
  /** `label`: how the customer is shown (their phone, else @username or BSUID). */
  contact: { phone: string | null; label: string; name: string | null },
  given: readonly string[] = [],
): Promise<PickedQuickReply> {
  const [{ templateLibrary, renderTemplateForContact }, { parseAssignments }] = await Promise.all([
    import('../template/shared.js'),
    import('../../core/placeholders.js'),
  ]);
  const replies = (await templateLibrary(deps).load()).filter((t) => t.kind === 'quick-reply');
  if (replies.length === 0)
    throw invalidInput('nothing to send, and there are no quick replies to pick from', {
      code: 'usage.missing_content',
      hint: 'add the starter ones with: wabox template init --pack en; or give --text "..."',
    });
  const vars = parseAssignments([...given]);
  const render = (ref: string) => renderTemplateForContact(deps, ref, contact, { vars });
  // previews rendered for this contact; a value still missing shows as its placeholder
  const previews = new Map<string, string>();
  for (const t of replies) {
    const text = await render(t.name).then(
      (r) => r.text,
      async (err: unknown) => {
        const missing = missingOf(err);
        if (missing === undefined) return t.body;
        const shown = Object.fromEntries(missing.map((m) => [m, `{{${m}}}`]));
        return renderTemplateForContact(deps, t.name, contact, { vars: { ...vars, ...shown } }).then(
          (r) => r.text,
          () => t.body,
        );
      },
    );
    previews.set(t.name, preview(text, 72));
  }
  const prompter = await deps.prompt();
  const choices = (term: string | undefined) =>
    matching(replies, term).map((t) => ({
      value: t.name,
      name: t.shortcut ? `${t.shortcut}  ${t.name}` : t.name,
      description: previews.get(t.name),
    }));
  const who = contact.name ? `${contact.name} (${contact.label})` : contact.label;
  const name = prompter.search
    ? await prompter.search({ message: `Quick reply for ${who} (type to search)`, source: choices })
    : await prompter.select({ message: `Quick reply for ${who}`, choices: choices(undefined) });
  const text = await renderAsking(prompter, name, vars, render);
  deps.io.stderr.write(`\n${text}\n\n`);
  if (!(await prompter.confirm({ message: `Send this to ${who}?`, default: true })))
    throw new WaboxError('cancelled', 'not sent', { code: 'reply.cancelled' });
  return { name, vars: Object.entries(vars).map(([k, v]) => `${k}=${v}`) };
}

/** Quick replies whose shortcut, name or text holds every word typed (case-insensitive). */
export function matching(replies: readonly Template[], term: string | undefined): Template[] {
  const words = (term ?? '').toLowerCase().split(/\s+/).filter(Boolean);
  const ranked = replies.filter((t) => {
    const hay = `${t.shortcut ?? ''} ${t.name} ${t.body}`.toLowerCase();
    return words.every((w) => hay.includes(w));
  });
  // a shortcut typed as such comes first
  const first = words[0];
  return first?.startsWith('/')
    ? [
        ...ranked.filter((t) => t.shortcut?.startsWith(first)),
        ...ranked.filter((t) => !t.shortcut?.startsWith(first)),
      ]
    : ranked;
}

/** Renders the chosen reply, asking for each variable of its own that has no value yet. */
async function renderAsking(
  prompter: Prompter,
  name: string,
  vars: Record<string, string>,
  render: (ref: string) => Promise<{ text: string }>,
): Promise<string> {
  for (;;) {
    try {
      return (await render(name)).text;
    } catch (err) {
      const missing = missingOf(err);
      if (missing === undefined) throw err;
      const own = missing.filter((m) => !(BUILTIN_VARIABLES as readonly string[]).includes(m));
      // a built-in without a value (business name, hours) is a setting to fix, not a question here
      if (own.length === 0 || own.length < missing.length) throw err;
      for (const variable of own)
        vars[variable] = await prompter.input({
          message: `{{${variable}}}`,
          validate: (v) => (v.trim() === '' ? `a value for {{${variable}}}` : true),
        });
    }
  }
}

/** The variables a render found no value for, or undefined for any other error. */
function missingOf(err: unknown): string[] | undefined {
  if (!(err instanceof WaboxError) || err.code !== 'placeholder.missing') return undefined;
  return (err.details?.missing as string[] | undefined) ?? [];
}
