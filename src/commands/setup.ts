// `wabox setup`: a first-run wizard for a profile. Asks for the Cloud API token (checked with a real
// call before anything is saved), the phone number (picked from the WABA's numbers when the token may
// list them), the receiver's secrets, country, business name, hours and a starter pack. Every step is
// also a flag (secrets come from the environment or stdin), so `setup --yes ...` runs in scripts; a
// second run offers the current values as defaults.

import { randomBytes } from 'node:crypto';
import type { Command } from 'commander';
import type { Deps } from '../cli/deps.js';
import { emit, note } from '../cli/output.js';
import type { Prompter } from '../cli/prompt.js';
import { readStdinText } from '../cli/stdin.js';
import type { CloudClient, PhoneNumberInfo } from '../cloud/client.js';
import { GraphError } from '../cloud/errors.js';
import { invalidInput } from '../core/errors.js';
import { runSet } from './hours/set.js';
import { availablePacks, runInit } from './template/init.js';
import { templateLibrary } from './template/shared.js';

export interface SetupOptions {
  yes?: boolean;
  tokenStdin?: boolean;
  wabaId?: string;
  phoneNumberId?: string;
  defaultCountry?: string;
  businessName?: string;
  tz?: string;
  hours?: string[];
  pack?: string;
  /** --no-check: save the token without asking the API. */
  check?: boolean;
  json?: boolean;
}

/** `setup --json`: part of the interface, keep it stable. */
export interface SetupResult {
  profile: string;
  /** Whether this run created the profile. */
  created: boolean;
  /** The keys this run changed. */
  changed: string[];
  /** The profile's setup keys as shown by `config list` (secrets as "set (…abcd)"), null when unset. */
  settings: Record<string, string | null>;
  /** ok: the API accepted the token for the phone number; skipped: --no-check or no token. */
  tokenCheck: 'ok' | 'skipped';
  phoneNumber: { id: string; displayPhoneNumber: string | null; verifiedName: string | null } | null;
  /** The business hours after this run (shared by every profile), null when none are set. */
  hours: { timeZone: string; specs: string[] } | null;
  /** The starter pack installed by this run, null when none. */
  pack: { pack: string; added: number; skipped: number } | null;
}

const KEYS = [
  'token',
  'waba-id',
  'phone-number-id',
  'app-secret',
  'verify-token',
  'default-country',
  'business-name',
] as const;
type SetupKey = (typeof KEYS)[number];
const MAX_API_ATTEMPTS = 3;
const TOKEN_REFUSED = 'the API refused the token';

export function register(program: Command, deps: Deps): void {
  program
    .command('setup')
    .description(
      'first-run wizard for a profile: token (checked), phone number, webhook secrets, country, hours, starter pack',
    )
    .option('-y, --yes', 'ask nothing: take flags, WABOX_* secrets and current values (for scripts)')
    .option('--token-stdin', 'read the Cloud API token from stdin (or set WABOX_TOKEN)')
    .option('--waba-id <id>', 'the WhatsApp Business Account id (lets setup list your numbers)')
    .option('--phone-number-id <id>', 'the business phone number id that sends')
    .option('--default-country <code>', 'region for numbers without a country code, e.g. IN')
    .option('--business-name <name>', 'your business name, {{business.name}} in templates')
    .option('--tz <zone>', 'IANA time zone of the business hours, e.g. Asia/Kolkata')
    .option('--hours <spec...>', 'weekly opening hours as for wabox hours set, e.g. "mon-fri 09:00-18:00"')
    .option('--pack <lang>', 'install a starter template pack: en, hi, gu, ur (or none)')
    .option('--no-check', 'save the token without checking it against the API')
    .option('--json', 'print {profile, created, changed, settings, tokenCheck, phoneNumber, hours, pack}')
    .addHelpText(
      'after',
      `
Examples:
  wabox setup                                   # asks, step by step; Enter keeps a current value
  wabox --profile shop2 setup                   # creates the profile shop2 if needed
  printf %s "$TOKEN" | wabox setup --yes --token-stdin --waba-id 102290129340398 \\
      --default-country IN --business-name "Asha's Kitchen" --tz Asia/Kolkata \\
      --hours "mon-sat 09:00-18:00" --pack en
  WABOX_TOKEN=... WABOX_APP_SECRET=... WABOX_VERIFY_TOKEN=... wabox setup --yes --phone-number-id 106540352242922

Secrets are never flags: the token comes from a hidden prompt, --token-stdin or WABOX_TOKEN; the app
secret from a hidden prompt or WABOX_APP_SECRET; the verify token from WABOX_VERIFY_TOKEN, or the
wizard generates a strong one and shows it once to paste into Meta's App Dashboard. The token is
checked (GET of the phone number, or of the WABA's numbers) before anything is saved. Business hours
and templates are shared by every profile. With --yes, a step without a flag keeps its current value.`,
    )
    .action(async (flags: SetupOptions) => {
      const result = await runSetup(flags, deps);
      emit(deps, flags, result, () => '');
      if (!flags.json) note(deps.io, summary(result));
    });
}

export async function runSetup(options: SetupOptions, deps: Deps): Promise<SetupResult> {
  const interactive = options.yes !== true;
  if (interactive && !deps.io.canPrompt)
    throw invalidInput('setup asks questions, and it cannot ask here', {
      code: 'usage.no_prompt',
      hint: 'give the values as flags with --yes, the token in WABOX_TOKEN or with --token-stdin: wabox setup --yes --phone-number-id <id> --default-country <code>',
    });
  const [{ findKey, maskSecret }, config] = await Promise.all([import('../config/keys.js'), deps.config()]);
  const profile = config.requestedProfile;
  const exists = config.hasProfile(profile);
  const current = (key: SetupKey): string | undefined => (exists ? config.get(key) : undefined);
  const flag = (key: SetupKey, value: string | undefined) =>
    value === undefined ? undefined : findKey(key).validate(value);
  // every flag is checked before the first question
  const flags = {
    'waba-id': flag('waba-id', options.wabaId),
    'phone-number-id': flag('phone-number-id', options.phoneNumberId),
    'default-country': flag('default-country', options.defaultCountry),
    'business-name': flag('business-name', options.businessName),
  };
  const hoursPlan = await planHours(options, deps);
  const packs = await packList(options.pack);
  const prompter = interactive ? await deps.prompt() : undefined;
  const answers: Partial<Record<SetupKey, string>> = {};

  if (interactive)
    note(
      deps.io,
      `Setting up profile "${profile}"${exists ? '' : ' (new)'}. Enter keeps the value in brackets.`,
    );
  const api = await cloudStep(options, deps, prompter, current, flags);
  Object.assign(answers, api.answers);

  const appSecret = await secretStep(deps, prompter, 'app-secret', current('app-secret'), {
    message: 'Meta app secret, which signs webhooks (App Dashboard > App settings > Basic)',
    env: 'WABOX_APP_SECRET',
  });
  if (appSecret !== undefined) answers['app-secret'] = appSecret;
  const verifyToken = await verifyTokenStep(deps, prompter, current('verify-token'));
  if (verifyToken !== undefined) answers['verify-token'] = verifyToken;

  const country = await valueStep(prompter, flags['default-country'], {
    message: 'Default country for numbers written without +code (e.g. IN, GB)',
    current: current('default-country') ?? (await countryOf(api.number)),
    validate: (v) => findKey('default-country').validate(v),
  });
  if (country !== undefined) answers['default-country'] = country;
  const business = await valueStep(prompter, flags['business-name'], {
    message: 'Business name, {{business.name}} in templates',
    current: current('business-name') ?? api.number?.verifiedName ?? undefined,
    validate: (v) => findKey('business-name').validate(v),
  });
  if (business !== undefined) answers['business-name'] = business;

  const hours = await hoursStep(prompter, hoursPlan);
  const pack = await packStep(deps, prompter, options.pack, packs);

  // nothing is written before every answer is in: Ctrl-C half-way leaves the profile as it was
  if (!exists) config.addProfile(profile);
  const changed: string[] = [];
  for (const key of KEYS) {
    const value = answers[key];
    if (value === undefined || value === current(key)) continue;
    config.set(key, value);
    changed.push(key);
  }
  let hoursView: SetupResult['hours'] = hoursPlan.currentView;
  if (hours !== undefined) {
    const view = await runSet({ specs: hours.specs, tz: hours.tz }, deps);
    hoursView = { timeZone: view.timeZone, specs: view.specs };
  }
  let installed: SetupResult['pack'] = null;
  if (pack !== undefined) {
    const result = await runInit({ pack, onConflict: 'skip' }, deps);
    installed = { pack, added: result.added.length, skipped: result.skipped.length };
  }
  const settings: Record<string, string | null> = {};
  for (const key of KEYS) {
    const value = config.get(key);
    settings[key] = value === undefined ? null : findKey(key).secret ? maskSecret(value) : value;
  }
  return {
    profile,
    created: !exists,
    changed,
    settings,
    tokenCheck: api.checked ? 'ok' : 'skipped',
    phoneNumber: api.number
      ? {
          id: api.number.id,
          displayPhoneNumber: api.number.displayPhoneNumber,
          verifiedName: api.number.verifiedName,
        }
      : null,
    hours: hoursView,
    pack: installed,
  };
}

interface CloudStepResult {
  answers: Partial<Record<SetupKey, string>>;
  checked: boolean;
  number: PhoneNumberInfo | undefined;
}

/**
 * Token, WABA id and phone number id, checked together against the API. On a terminal a refused token
 * or an unknown phone number id asks again (the last answers as defaults); with --yes it is the error.
 */
async function cloudStep(
  options: SetupOptions,
  deps: Deps,
  prompter: Prompter | undefined,
  current: (key: SetupKey) => string | undefined,
  flags: { 'waba-id': string | undefined; 'phone-number-id': string | undefined },
): Promise<CloudStepResult> {
  // loaded on use: config/keys checks phone numbers with libphonenumber, whose metadata is costly to load
  const { findKey } = await import('../config/keys.js');
  const given = await givenToken(options, deps);
  let token = given ?? current('token');
  let wabaId = flags['waba-id'] ?? current('waba-id');
  let phoneId = flags['phone-number-id'] ?? current('phone-number-id');
  for (let attempt = 1; ; attempt++) {
    if (prompter && given === undefined) {
      const answer = await prompter.password!({
        message: token
          ? `Cloud API token (hidden; Enter keeps the current one)`
          : 'Cloud API token (hidden; a system user token from Meta Business Settings; Enter skips the Cloud API)',
        validate: (v) => secretProblem(findKey('token'), v),
      });
      if (answer.trim() !== '') token = findKey('token').validate(answer);
      deps.mask.add(answer.trim());
    }
    if (token === undefined) {
      if (prompter)
        note(deps.io, 'no token: skipping the Cloud API (links, QR codes and templates work without it)');
      return { answers: {}, checked: false, number: undefined };
    }
    if (prompter && flags['waba-id'] === undefined)
      wabaId = await optionalInput(prompter, {
        message: 'WhatsApp Business Account id (lets setup list your numbers; "-" for none)',
        current: wabaId,
        validate: (v) => findKey('waba-id').validate(v),
      });
    try {
      const found = await choosePhoneNumber(deps, prompter, options.check !== false, {
        token,
        wabaId,
        phoneId,
        phoneFlag: flags['phone-number-id'],
      });
      phoneId = found.phoneId;
      const answers: Partial<Record<SetupKey, string>> = { token, 'phone-number-id': phoneId };
      if (wabaId !== undefined) answers['waba-id'] = wabaId;
      return { answers, checked: found.checked, number: found.number };
    } catch (err) {
      const retry = await retryable(err);
      const fixable = retry !== undefined && (retry !== TOKEN_REFUSED || given === undefined);
      if (!prompter || !fixable || attempt >= MAX_API_ATTEMPTS) throw err;
      note(deps.io, deps.mask(`${retry}: ${(err as Error).message}; try again`));
      if (retry === 'phone number id not found') phoneId = undefined;
    }
  }
}

/** What a terminal user can fix by answering again; undefined for anything else (network, 5xx). */
async function retryable(err: unknown): Promise<string | undefined> {
  if (!(err instanceof GraphError)) return undefined;
  if (err.category === 'auth') return TOKEN_REFUSED;
  if (err.graphCode === 100 && err.subcode === 33) return 'phone number id not found';
  return undefined;
}

async function choosePhoneNumber(
  deps: Deps,
  prompter: Prompter | undefined,
  check: boolean,
  s: {
    token: string;
    wabaId: string | undefined;
    phoneId: string | undefined;
    phoneFlag: string | undefined;
  },
): Promise<{ phoneId: string; checked: boolean; number: PhoneNumberInfo | undefined }> {
  const { findKey, timeoutMs } = await import('../config/keys.js');
  const withClient = async <T>(phoneNumberId: string, use: (client: CloudClient) => Promise<T>) => {
    const [{ resolveSetting }, config] = await Promise.all([import('../config/settings.js'), deps.config()]);
    // a profile about to be created has no stored api-version/graph-url: the environment or the default
    const setting = async (key: string) =>
      config.hasProfile(config.requestedProfile)
        ? (await resolveSetting(deps, key))!
        : (deps.env[findKey(key).env!] || findKey(key).default)!;
    const client = await deps.cloudFor({
      token: s.token,
      phoneNumberId,
      wabaId: s.wabaId,
      apiVersion: findKey('api-version').validate(await setting('api-version')),
      baseUrl: findKey('graph-url').validate(await setting('graph-url')),
      timeouts: { totalMs: timeoutMs(findKey('timeout').validate(await setting('timeout'))) },
    });
    try {
      return await use(client);
    } finally {
      await client.close();
    }
  };
  if (check && s.wabaId !== undefined && s.phoneFlag === undefined) {
    const listed = await listNumbers(deps, (use) => withClient(s.phoneId ?? '0', use));
    if (listed.length > 0) {
      let chosen: PhoneNumberInfo | undefined;
      if (prompter) {
        const id = await prompter.select({
          message: 'Phone number that sends',
          choices: listed.map((n) => ({
            value: n.id,
            name: [n.displayPhoneNumber, n.verifiedName, `(${n.id})`].filter(Boolean).join(' '),
          })),
          ...(listed.some((n) => n.id === s.phoneId) ? { default: s.phoneId } : {}),
        });
        chosen = listed.find((n) => n.id === id);
      } else {
        chosen = listed.find((n) => n.id === s.phoneId) ?? (listed.length === 1 ? listed[0] : undefined);
        if (chosen === undefined)
          throw invalidInput(
            `the WABA has ${listed.length} phone numbers: say which with --phone-number-id`,
            {
              code: 'usage.missing_flag',
              hint: `one of: ${listed.map((n) => `${n.id} (${n.displayPhoneNumber ?? '?'})`).join(', ')}`,
            },
          );
      }
      return { phoneId: chosen!.id, checked: true, number: chosen };
    }
  }
  let phoneId = s.phoneFlag ?? s.phoneId;
  if (prompter && s.phoneFlag === undefined)
    phoneId = await optionalInput(prompter, {
      message: 'Phone number id (WhatsApp Manager > API setup; not the phone number itself)',
      current: phoneId,
      validate: (v) => findKey('phone-number-id').validate(v),
      required: true,
    });
  if (phoneId === undefined)
    throw invalidInput('missing --phone-number-id: a token needs the phone number it sends from', {
      code: 'usage.missing_flag',
      hint: 'copy the "Phone number ID" from WhatsApp Manager > API setup, or give --waba-id to pick from its numbers',
    });
  if (!check) return { phoneId, checked: false, number: undefined };
  const number = await withClient(phoneId, (client) => client.getPhoneNumber());
  return { phoneId, checked: true, number };
}

/** The WABA's numbers, or [] when the token may not list them (then the id is typed). */
async function listNumbers(
  deps: Deps,
  withClient: (use: (client: CloudClient) => Promise<PhoneNumberInfo[]>) => Promise<PhoneNumberInfo[]>,
): Promise<PhoneNumberInfo[]> {
  try {
    return await withClient((client) => client.listPhoneNumbers());
  } catch (err) {
    if (!(err instanceof GraphError) || err.category === 'auth' || err.kind === 'transient') throw err;
    note(deps.io, deps.mask(`cannot list the WABA's numbers (${err.message}); give the phone number id`));
    return [];
  }
}

async function givenToken(options: SetupOptions, deps: Deps): Promise<string | undefined> {
  const { findKey } = await import('../config/keys.js');
  let raw: string | undefined;
  if (options.tokenStdin) {
    if (deps.io.isStdinTTY)
      throw invalidInput('--token-stdin reads a pipe, and stdin is a terminal', {
        code: 'usage.no_stdin',
        hint: 'printf %s "$TOKEN" | wabox setup --yes --token-stdin ...',
      });
    raw = await readStdinText(deps.io, 'token');
  } else raw = deps.env.WABOX_TOKEN;
  if (raw === undefined || raw.trim() === '') {
    if (options.tokenStdin)
      throw invalidInput('no token given: stdin was empty', { code: 'config.empty_secret' });
    return undefined;
  }
  deps.mask.add(raw.trim());
  return findKey('token').validate(raw);
}

/** A secret from its environment variable, else a hidden prompt (Enter keeps the current one). */
async function secretStep(
  deps: Deps,
  prompter: Prompter | undefined,
  key: SetupKey,
  current: string | undefined,
  o: { message: string; env: string },
): Promise<string | undefined> {
  const { findKey } = await import('../config/keys.js');
  const fromEnv = deps.env[o.env];
  if (fromEnv !== undefined && fromEnv.trim() !== '') {
    deps.mask.add(fromEnv.trim());
    return findKey(key).validate(fromEnv);
  }
  if (!prompter) return undefined;
  const answer = await prompter.password!({
    message: `${o.message} (hidden; Enter ${current ? 'keeps the current one' : 'skips'})`,
    validate: (v) => secretProblem(findKey(key), v),
  });
  deps.mask.add(answer.trim());
  return answer.trim() === '' ? undefined : findKey(key).validate(answer);
}

async function verifyTokenStep(
  deps: Deps,
  prompter: Prompter | undefined,
  current: string | undefined,
): Promise<string | undefined> {
  const fromEnv = deps.env.WABOX_VERIFY_TOKEN;
  if ((fromEnv !== undefined && fromEnv.trim() !== '') || !prompter)
    return secretStep(deps, undefined, 'verify-token', current, { message: '', env: 'WABOX_VERIFY_TOKEN' });
  const choice = await prompter.select({
    message: "Webhook verify token (you choose it; Meta's App Dashboard asks for the same)",
    choices: [
      ...(current ? [{ value: 'keep', name: 'keep the current one' }] : []),
      { value: 'generate', name: 'generate a strong one (shown once, to paste into the dashboard)' },
      { value: 'type', name: 'type my own' },
      ...(current ? [] : [{ value: 'skip', name: 'skip for now' }]),
    ],
    default: current ? 'keep' : 'generate',
  });
  if (choice === 'keep' || choice === 'skip') return undefined;
  if (choice === 'type')
    return secretStep(deps, prompter, 'verify-token', current, {
      message: 'Webhook verify token',
      env: 'WABOX_VERIFY_TOKEN',
    });
  const generated = randomBytes(32).toString('base64url');
  // shown once and on purpose: the user pastes it into Meta's dashboard; never in --json or logs
  deps.io.stderr.write(
    `verify token (paste it into Meta's App Dashboard > WhatsApp > Configuration):\n  ${generated}\n`,
  );
  return generated;
}

/** A plain value: the flag, else a prompt whose default is the current value, else nothing. */
async function valueStep(
  prompter: Prompter | undefined,
  flagValue: string | undefined,
  o: { message: string; current: string | undefined; validate: (v: string) => string },
): Promise<string | undefined> {
  if (flagValue !== undefined || !prompter) return flagValue;
  return optionalInput(prompter, o);
}

/** An input whose default is the current value; "-" (or Enter with no current value) skips it. */
async function optionalInput(
  prompter: Prompter,
  o: { message: string; current: string | undefined; validate: (v: string) => string; required?: boolean },
): Promise<string | undefined> {
  const answer = (
    await prompter.input({
      message: o.message,
      ...(o.current === undefined ? {} : { default: o.current }),
      validate: (v) => {
        const value = v.trim();
        if (value === '' || value === '-') return o.required ? 'this one is needed' : true;
        try {
          o.validate(value);
          return true;
        } catch (err) {
          return (err as Error).message;
        }
      },
    })
  ).trim();
  return answer === '' || answer === '-' ? undefined : o.validate(answer);
}

function secretProblem(key: { validate(v: string): string }, value: string): true | string {
  if (value.trim() === '') return true;
  try {
    key.validate(value);
    return true;
  } catch (err) {
    return (err as Error).message;
  }
}

interface HoursPlan {
  tz: string | undefined;
  specs: string[] | undefined;
  currentView: SetupResult['hours'];
}

async function planHours(options: SetupOptions, deps: Deps): Promise<HoursPlan> {
  const [{ hoursFile, viewOf }, { validateTimeZone, parseHoursSpec }] = await Promise.all([
    import('./hours/shared.js'),
    import('../core/hours.js'),
  ]);
  const stored = await (await hoursFile(deps)).load();
  const view = stored ? await viewOf(stored) : undefined;
  const tz = options.tz === undefined ? undefined : validateTimeZone(options.tz);
  if (options.hours !== undefined) parseHoursSpec(options.hours);
  if (options.hours !== undefined && tz === undefined && stored === undefined)
    throw invalidInput('--hours needs --tz the first time: say which time zone the hours are in', {
      code: 'usage.missing_flag',
      hint: 'e.g. --tz Asia/Kolkata',
    });
  return {
    tz,
    specs: options.hours,
    currentView: view ? { timeZone: view.timeZone, specs: view.specs } : null,
  };
}

async function hoursStep(
  prompter: Prompter | undefined,
  plan: HoursPlan,
): Promise<{ tz: string | undefined; specs: string[] } | undefined> {
  if (!prompter || (plan.tz !== undefined && plan.specs !== undefined)) {
    if (plan.tz === undefined && plan.specs === undefined) return undefined;
    return { tz: plan.tz, specs: plan.specs ?? [] };
  }
  const [{ validateTimeZone, parseHoursSpec }, { systemTimeZone }] = await Promise.all([
    import('../core/hours.js'),
    import('./template/shared.js'),
  ]);
  const tz =
    plan.tz ??
    (await optionalInput(prompter, {
      message: 'Time zone of your business hours (IANA name)',
      current: plan.currentView?.timeZone ?? systemTimeZone(),
      validate: validateTimeZone,
    }));
  if (tz === undefined) return undefined;
  const specs =
    plan.specs ??
    (await optionalInput(prompter, {
      message: 'Opening hours, groups separated by ";" (e.g. mon-fri 09:00-18:00; sat 10:00-14:00)',
      current: plan.currentView?.specs.join('; '),
      validate: (v) => {
        parseHoursSpec([v]);
        return v;
      },
    }).then((v) => (v === undefined ? undefined : [v])));
  if (specs === undefined && tz === plan.currentView?.timeZone) return undefined;
  return { tz, specs: specs ?? [] };
}

async function packList(flagValue: string | undefined): Promise<string[]> {
  const packs = availablePacks();
  if (flagValue !== undefined && flagValue !== 'none' && !packs.includes(flagValue))
    throw invalidInput(`no starter pack "${flagValue}": available packs are ${packs.join(', ')} (or none)`, {
      code: 'template.unknown_pack',
    });
  return packs;
}

async function packStep(
  deps: Deps,
  prompter: Prompter | undefined,
  flagValue: string | undefined,
  packs: string[],
): Promise<string | undefined> {
  if (flagValue !== undefined || !prompter) return flagValue === 'none' ? undefined : flagValue;
  const empty = (await templateLibrary(deps).load()).length === 0;
  const names = new Intl.DisplayNames(['en'], { type: 'language' });
  const choice = await prompter.select({
    message: 'Starter templates: a greeting, an away message and quick replies',
    choices: [
      { value: 'none', name: empty ? 'none' : 'none (you have templates already)' },
      ...packs.map((p) => ({ value: p, name: `${p} (${names.of(p) ?? p})` })),
    ],
    default: empty && packs.includes('en') ? 'en' : 'none',
  });
  return choice === 'none' ? undefined : choice;
}

/** The region of the business number, as a default country. */
async function countryOf(number: PhoneNumberInfo | undefined): Promise<string | undefined> {
  const digits = number?.displayPhoneNumber?.replace(/\D/g, '');
  if (!digits) return undefined;
  // loaded on use: libphonenumber's metadata is costly to load, and only a phone number argument needs it
  const { normalizePhone } = await import('../core/phone.js');
  try {
    return normalizePhone(`+${digits}`).country ?? undefined;
  } catch {
    return undefined;
  }
}

function summary(r: SetupResult): string {
  const lines = [
    `profile "${r.profile}"${r.created ? ' created' : ''}: ${r.changed.length === 0 ? 'nothing changed' : `set ${r.changed.join(', ')}`}`,
  ];
  if (r.phoneNumber)
    lines.push(
      `phone number: ${[r.phoneNumber.displayPhoneNumber, r.phoneNumber.verifiedName].filter(Boolean).join(' ')} (${r.phoneNumber.id}), token accepted by the API`,
    );
  if (r.hours) lines.push(`hours (${r.hours.timeZone}): ${r.hours.specs.join('; ') || 'closed every day'}`);
  if (r.pack) lines.push(`starter pack ${r.pack.pack}: ${r.pack.added} added, ${r.pack.skipped} skipped`);
  lines.push('next: wabox doctor; wabox webhook serve; wabox send <phone> --text "Hello"');
  return lines.join('\n');
}
