// The configuration keys wabox knows. Every value is validated on `config set` and on load, so a
// hand-edited file cannot smuggle in a value that fails later in a surprising place.
import { invalidInput } from '../core/errors.js';
import { parseCountry } from '../core/phone.js';

export interface ConfigKey {
  name: string;
  description: string;
  /** Environment variable that overrides the profile value (DESIGN.md §5). */
  env?: string;
  /** Never printed back; `config set` reads it from a prompt or stdin, not the command line. */
  secret?: boolean;
  /** Returns the normalised value or throws an invalid-input error. */
  validate(value: string): string;
}

const nonEmpty = (name: string, max: number) => (value: string) => {
  const v = value.trim();
  if (v === '' || v.length > max)
    throw invalidInput(`${name} must be 1-${max} characters`, { code: 'config.invalid_value' });
  return v;
};

export const CONFIG_KEYS: readonly ConfigKey[] = [
  {
    name: 'default-country',
    description: 'region for numbers written without a country code (ISO 3166-1 alpha-2, e.g. IN)',
    validate: (value) => parseCountry(value),
  },
  {
    name: 'business-name',
    description: 'your business name, {{business.name}} in templates',
    validate: nonEmpty('business-name', 100),
  },
  {
    name: 'agent-name',
    description: 'your name as an agent, {{agent.name}} in templates',
    validate: nonEmpty('agent-name', 100),
  },
];

export function findKey(name: string): ConfigKey {
  const key = CONFIG_KEYS.find((k) => k.name === name);
  if (!key) {
    throw invalidInput(`unknown config key "${name}"`, {
      code: 'config.unknown_key',
      hint: `valid keys: ${CONFIG_KEYS.map((k) => k.name).join(', ')}`,
    });
  }
  return key;
}

/** What a secret looks like when shown: `set (…a1b2)` or `not set`. */
export function maskSecret(value: string | undefined): string {
  if (value === undefined || value === '') return 'not set';
  return value.length >= 12 ? `set (…${value.slice(-4)})` : 'set';
}
