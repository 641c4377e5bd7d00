// `wabox doctor`: checks the configuration, the token, the phone number id and the API version against
// the API, and says what is wrong and how to fix it. Exits non-zero when a check fails.
import type { Command } from 'commander';
import type { Deps } from '../cli/deps.js';
import { ExitCode, exitCodeOf } from '../cli/errors.js';
import { emit } from '../cli/output.js';
import type { CloudClient } from '../cloud/client.js';
import { GraphError } from '../cloud/errors.js';
import { WaboxError } from '../core/errors.js';
import { DEFAULT_API_VERSION } from '../core/version.js';

export type CheckStatus = 'ok' | 'warn' | 'fail';

export interface Check {
  name: string;
  status: CheckStatus;
  message: string;
  hint?: string;
}

/** `doctor --json`: part of the interface. */
export interface DoctorResult {
  ok: boolean;
  checks: Check[];
}

export function register(program: Command, deps: Deps): void {
  program
    .command('doctor')
    .description(
      'check the Cloud API setup (token, phone number id, WABA id, API version) and say how to fix it',
    )
    .option('--json', 'print {ok, checks: [{name, status, message, hint}]}')
    .addHelpText(
      'after',
      `
Examples:
  wabox doctor
  WABOX_TOKEN=... WABOX_PHONE_NUMBER_ID=... wabox doctor --json
  wabox --profile shop2 doctor

Exit code 0 when every check passes (warnings allowed), else 3 for configuration/token problems,
4 when the API refused for another reason (a blocked or locked account), 5 when it could not be
reached or kept failing.`,
    )
    .action(async (flags: { json?: boolean }) => {
      const result = await runDoctor(deps);
      emit(deps, flags, result, (r, s) =>
        r.checks
          .map((c) => {
            const mark = c.status === 'ok' ? s.green('✓') : c.status === 'warn' ? s.yellow('!') : s.red('✗');
            return `${mark} ${c.name.padEnd(15)} ${c.message}${c.hint ? `\n  ${' '.repeat(15)} ${s.dim(`fix: ${c.hint}`)}` : ''}`;
          })
          .join('\n'),
      );
    });
}

export async function runDoctor(deps: Deps): Promise<DoctorResult> {
  const checks: Check[] = [];
  let failure: unknown;
  const fail = (name: string, err: unknown, message?: string, hint?: string) => {
    failure ??= err;
    const e = err as WaboxError;
    checks.push({
      name,
      status: 'fail',
      message: deps.mask(message ?? e.message),
      ...hintOf(hint ?? e.hint, deps),
    });
  };
  // loaded on use: config/settings loads conf and libphonenumber's metadata
  const { resolveSettingWithSource } = await import('../config/settings.js');
  // loaded on use: config/keys checks phone numbers with libphonenumber, whose metadata is costly to load
  const { maskSecret } = await import('../config/keys.js');
  const settings: Record<string, string | undefined> = {};
  const from = (s: { source?: string | undefined; origin?: string | undefined }) =>
    s.source === 'env' ? s.origin! : s.source === 'profile' ? `profile "${s.origin}"` : (s.source ?? '');
  for (const key of ['token', 'phone-number-id', 'waba-id', 'api-version', 'graph-url'] as const) {
    try {
      const s = await resolveSettingWithSource(deps, key);
      settings[key] = s.value;
      if (s.value === undefined) {
        const env = {
          token: 'WABOX_TOKEN',
          'phone-number-id': 'WABOX_PHONE_NUMBER_ID',
          'waba-id': 'WABOX_WABA_ID',
        }[key as 'token'];
        const how =
          key === 'token'
            ? 'wabox config set token; it reads a hidden prompt or stdin'
            : `wabox config set ${key} <id>`;
        const missing = { name: key, message: 'not set', hint: `${how}, or set ${env}` };
        if (key === 'waba-id')
          checks.push({ ...missing, status: 'warn', message: 'not set: meta-template and numbers need it' });
        else {
          failure ??= new WaboxError('config', `${key} is not set`);
          checks.push({ ...missing, status: 'fail' });
        }
        continue;
      }
      const shown = key === 'token' ? maskSecret(s.value) : s.value;
      if (key === 'api-version' && s.value !== DEFAULT_API_VERSION)
        checks.push({
          name: key,
          status: 'warn',
          message: `${s.value} (${from(s)}); wabox is tested against ${DEFAULT_API_VERSION}`,
          hint: `wabox config set api-version ${DEFAULT_API_VERSION}`,
        });
      else checks.push({ name: key, status: 'ok', message: `${shown} (${from(s)})` });
    } catch (err) {
      if (!(err instanceof WaboxError)) throw err;
      fail(key, err);
    }
  }
  if (settings.token !== undefined && settings['phone-number-id'] !== undefined && failure === undefined) {
    let client: CloudClient | undefined;
    try {
      client = await deps.cloud();
      await checkApi(client, settings, checks, fail);
    } catch (err) {
      if (!(err instanceof WaboxError)) throw err;
      fail('api', err);
    }
  }
  const limit = await webhookMessagingLimit(deps);
  if (limit !== null) checks.push(limit);
  const ok = !checks.some((c) => c.status === 'fail');
  if (!ok) deps.exitCode = failure === undefined ? ExitCode.failure : exitCodeOf(failure);
  return { ok, checks };
}

function hintOf(hint: string | undefined, deps: Deps): { hint?: string } {
  return hint === undefined ? {} : { hint: deps.mask(hint) };
}

async function checkApi(
  client: CloudClient,
  settings: Record<string, string | undefined>,
  checks: Check[],
  fail: (name: string, err: unknown, message?: string, hint?: string) => void,
): Promise<void> {
  const phoneId = settings['phone-number-id']!;
  let number: Awaited<ReturnType<CloudClient['getPhoneNumber']>>;
  try {
    number = await client.getPhoneNumber();
  } catch (err) {
    if (!(err instanceof GraphError)) throw err;
    if (err.category === 'auth')
      return fail('token', err, `the API refused the token: ${err.message}`, err.hint);
    if (err.category === 'permission')
      return fail('token', err, `the token may not use phone number ${phoneId}: ${err.message}`, err.hint);
    if (err.graphCode === 100 && err.subcode === 33)
      return fail(
        'phone-number-id',
        err,
        `phone number id ${phoneId} does not exist, or the token cannot see it`,
        'copy the "Phone number ID" from WhatsApp Manager > API setup (not the phone number itself), or run wabox numbers',
      );
    if (err.graphCode === 12 || err.graphCode === 2635 || /version/i.test(err.message))
      // a setting to change, so exit 3 like the other configuration problems
      return fail(
        'api-version',
        new WaboxError('config', err.message, { cause: err }),
        `the API refused version ${client.apiVersion}: ${err.message}`,
        client.apiVersion === DEFAULT_API_VERSION
          ? 'set a newer version Meta still supports: wabox config set api-version <vNN.0> (Graph API changelog)'
          : `wabox config set api-version ${DEFAULT_API_VERSION}`,
      );
    if (err.kind === 'transient')
      return fail(
        'api',
        err,
        err.status === null
          ? `could not reach the API at ${client.baseUrl}: ${err.message}`
          : `the API at ${client.baseUrl} is failing: ${err.message}`,
        err.hint,
      );
    return fail('phone-number-id', err, err.message, err.hint);
  }
  checks.push({
    name: 'token',
    status: 'ok',
    message: 'accepted by the API',
  });
  const label = [number.displayPhoneNumber, number.verifiedName].filter(Boolean).join(' ');
  const quality = number.qualityRating ? `, quality ${number.qualityRating}` : '';
  checks.push({
    name: 'phone-number-id',
    status: number.qualityRating === 'RED' ? 'warn' : 'ok',
    message: `${phoneId}${label ? ` is ${label}` : ''}${quality}`,
    ...(number.qualityRating === 'RED'
      ? { hint: 'quality is RED: sending is limited; see WhatsApp Manager > Insights' }
      : {}),
  });
  if (number.messagingLimit !== null)
    checks.push({
      name: 'messaging-limit',
      status: 'ok',
      message: `${number.messagingLimit} (the business portfolio's, from the API)`,
    });
  if (number.apiVersion !== null && number.apiVersion !== client.apiVersion)
    checks.push({
      name: 'api-version',
      status: 'warn',
      message: `asked for ${client.apiVersion}, the API answered as ${number.apiVersion} (the asked version is no longer available)`,
      hint: `wabox config set api-version ${number.apiVersion}`,
    });
  if (client.wabaId === undefined) return;
  try {
    const numbers = await client.listPhoneNumbers();
    if (numbers.some((n) => n.id === phoneId))
      checks.push({
        name: 'waba-id',
        status: 'ok',
        message: `${client.wabaId} has ${numbers.length} number(s), including ${phoneId}`,
      });
    else
      fail(
        'waba-id',
        new WaboxError('config', 'phone number not in WABA'),
        `phone number ${phoneId} is not one of the ${numbers.length} number(s) of WABA ${client.wabaId}`,
        "check waba-id and phone-number-id (wabox numbers lists the WABA's numbers)",
      );
  } catch (err) {
    if (!(err instanceof GraphError)) throw err;
    fail('waba-id', err, `WABA ${client.wabaId}: ${err.message}`, err.hint);
  }
}

/** The messaging limit the latest account webhook reported, when the store has one (a store problem: none). */
export async function webhookMessagingLimit(deps: Deps): Promise<Check | null> {
  try {
    const latest = await (await deps.store()).latestMessagingLimit();
    if (latest === null) return null;
    const limit = latest.limit === null ? 'unlimited' : `${latest.limit} customers a day`;
    return {
      name: 'messaging-limit-webhook',
      status: 'ok',
      message: `${limit} (${latest.field} webhook received ${latest.receivedAt})`,
    };
  } catch {
    return null;
  }
}
