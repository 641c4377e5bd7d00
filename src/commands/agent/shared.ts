import { notFound } from '../../core/errors.js';
import { shellWord } from '../shared/shell-word.js';

/** Not found (exit 6) for `agent set|rm` of a name the store does not have. */
export function unknownAgent(name: string) {
  return notFound(`no agent named ${shellWord(name)}`, {
    code: 'agent.not_found',
    hint: `see them with: wabox agent list; add one with: wabox agent add ${shellWord(name)}`,
  });
}
