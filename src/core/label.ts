// Labels that organise conversations (`wabox label add <contact> vip`) and agent names they are
// assigned to (`wabox assign <contact> asha`). Pure validation: the store keeps what these return.
import { invalidInput } from './errors.js';

export const LABEL_MAX = 40;
export const AGENT_MAX = 64;

export const LABEL_FORM = `1-${LABEL_MAX} letters (any script), digits, spaces, and - _ . / & +, starting with a letter or digit`;
export const AGENT_FORM = `1-${AGENT_MAX} letters (any script), digits, spaces, and . _ - @ +, starting with a letter or digit`;

const LABEL = /^[\p{L}\p{N}][\p{L}\p{M}\p{N} _.\-/&+]*$/u;
const CONTROL = /\p{Cc}/u;
const AGENT = /^[\p{L}\p{N}][\p{L}\p{M}\p{N} ._\-@+]*$/u;

/**
 * A label as stored: NFC, trimmed, runs of spaces collapsed, lower case; tabs, newlines and other control characters are refused ("Pending Payment" and
 * "pending payment" are one label). Throws invalid-input (exit 2) naming the rule.
 */
export function normalizeLabel(input: string): string {
  const label = input.normalize('NFC').trim().replace(/ +/g, ' ').toLowerCase();
  const length = [...label].length;
  if (CONTROL.test(label) || length === 0 || length > LABEL_MAX || !LABEL.test(label))
    throw invalidInput(`"${input}" is not a valid label`, {
      code: 'label.invalid',
      hint: `a label is ${LABEL_FORM}`,
    });
  return label;
}

/** An agent name as stored: NFC, trimmed, spaces collapsed, case kept. Throws invalid-input (exit 2). */
export function normalizeAgent(input: string): string {
  const agent = input.normalize('NFC').trim().replace(/ +/g, ' ');
  const length = [...agent].length;
  if (CONTROL.test(agent) || length === 0 || length > AGENT_MAX || !AGENT.test(agent))
    throw invalidInput(`"${input}" is not a valid agent name`, {
      code: 'agent.invalid',
      hint: `an agent name is ${AGENT_FORM}`,
    });
  return agent;
}
