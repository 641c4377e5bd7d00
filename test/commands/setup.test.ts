// `wabox setup`: the first-run wizard, with scripted prompt answers and with flags only, the token
// checked against the fake Graph server, everything written to a real temp config dir.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Prompter } from '../../src/cli/prompt.js';
import { expectError } from '../helpers/assert.js';
import { run, tempDir } from '../helpers/cli.js';
import { fakeTime } from '../helpers/cloud.js';
import { type FakeGraph, graphError, startFakeGraph } from '../helpers/graph-server.js';

const TOKEN = 'EAAG-SETUP-TOKEN-0123456789-wxyz';
const APP_SECRET = 'setup-app-secret-0123456789';
const WABA = '102290129340398';
const ASHA_NUMBER = '106540352242922';
const SHOP_NUMBER = '106540352242923';
const NUMBERS = `/v23.0/${WABA}/phone_numbers`;
const LISTED = {
  json: {
    data: [
      { id: ASHA_NUMBER, display_phone_number: '+91 98765 43210', verified_name: "Asha's Kitchen" },
      { id: SHOP_NUMBER, display_phone_number: '+44 7700 900123', verified_name: 'Asha Two' },
    ],
  },
};

let graph: FakeGraph;
let configDir: string;
beforeEach(async () => {
  graph = await startFakeGraph();
  configDir = tempDir();
});
afterEach(async () => {
  await graph.close();
});

const readJson = (file: string) => JSON.parse(readFileSync(join(configDir, file), 'utf8'));

type Step = { kind: 'input' | 'password' | 'select' | 'confirm'; answer?: string | boolean };
interface Asked {
  kind: string;
  message: string;
  default?: unknown;
  choices?: string[];
}

/** Answers prompts in order, each of the kind expected; "" (or no answer) takes the default, as Enter does. */
function scripted(steps: Step[]): { prompter: Prompter; asked: Asked[] } {
  const asked: Asked[] = [];
  const next = (kind: Step['kind'], a: Asked) => {
    asked.push(a);
    const step = steps.shift();
    if (!step) throw new Error(`unexpected ${kind} prompt: ${a.message}`);
    if (step.kind !== kind) throw new Error(`expected a ${step.kind} prompt, got ${kind}: ${a.message}`);
    return step.answer;
  };
  const check = (validate: ((v: string) => true | string) | undefined, message: string, value: string) => {
    const valid = validate?.(value) ?? true;
    if (valid !== true) throw new Error(`prompt "${message}" refused "${value}": ${valid}`);
    return value;
  };
  return {
    asked,
    prompter: {
      input: async (o) => {
        const answer = String(next('input', { kind: 'input', message: o.message, default: o.default }) ?? '');
        return check(o.validate, o.message, answer === '' ? (o.default ?? '') : answer);
      },
      password: async (o) => {
        const answer = String(next('password', { kind: 'password', message: o.message }) ?? '');
        return check(o.validate, o.message, answer);
      },
      select: async (o) => {
        const answer = next('select', {
          kind: 'select',
          message: o.message,
          default: o.default,
          choices: o.choices.map((c) => c.value),
        });
        const value = answer === undefined || answer === '' ? (o.default ?? o.choices[0]!.value) : answer;
        if (!o.choices.some((c) => c.value === value)) throw new Error(`no choice ${value}`);
        return value as never;
      },
      confirm: async (o) => Boolean(next('confirm', { kind: 'confirm', message: o.message }) ?? o.default),
    },
  };
}

function setup(
  argv: string[],
  options: { prompter?: Prompter; stdin?: string; env?: Record<string, string> } = {},
) {
  return run([...argv], {
    env: { WABOX_CONFIG_DIR: configDir, WABOX_GRAPH_URL: graph.url, ...options.env },
    stdin: options.stdin,
    canPrompt: options.prompter !== undefined,
    tty: options.prompter !== undefined,
    overrides: {
      cloudOptions: fakeTime().options,
      ...(options.prompter ? { prompt: async () => options.prompter! } : {}),
    },
  });
}

describe('wabox setup with flags only (--yes)', () => {
  it('creates the profile, checks the token by listing the numbers, saves everything', async () => {
    graph.on('GET', NUMBERS, { json: { data: [LISTED.json.data[0]] } });
    const r = await setup(
      [
        '--profile',
        'shop2',
        'setup',
        '--yes',
        '--token-stdin',
        '--waba-id',
        WABA,
        '--default-country',
        'in',
        '--business-name',
        "Asha's Kitchen",
        '--tz',
        'Asia/Kolkata',
        '--hours',
        'mon-sat 09:00-18:00',
        'sun closed',
        '--pack',
        'en',
        '--json',
      ],
      {
        stdin: `${TOKEN}\n`,
        env: { WABOX_APP_SECRET: APP_SECRET, WABOX_VERIFY_TOKEN: 'my-verify-token-42' },
      },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      profile: 'shop2',
      created: true,
      changed: [
        'token',
        'waba-id',
        'phone-number-id',
        'app-secret',
        'verify-token',
        'default-country',
        'business-name',
      ],
      settings: {
        token: 'set (…wxyz)',
        'waba-id': WABA,
        'phone-number-id': ASHA_NUMBER,
        'app-secret': 'set (…6789)',
        'verify-token': 'set (…n-42)',
        'default-country': 'IN',
        'business-name': "Asha's Kitchen",
      },
      tokenCheck: 'ok',
      phoneNumber: { id: ASHA_NUMBER, displayPhoneNumber: '+91 98765 43210', verifiedName: "Asha's Kitchen" },
      hours: { timeZone: 'Asia/Kolkata', specs: ['mon-sat 09:00-18:00'] },
      pack: { pack: 'en', added: expect.any(Number), skipped: 0 },
    });
    // the single number of the WABA is taken; the token went in the header, nowhere in the output
    expect(graph.requests.map((q) => [q.method, q.path, q.headers.authorization])).toEqual([
      ['GET', NUMBERS, `Bearer ${TOKEN}`],
    ]);
    expect(r.stdout + r.stderr).not.toContain(TOKEN);
    const config = readJson('config.json');
    expect(config.profile).toBeUndefined(); // the active profile is not changed
    expect(config.profiles.shop2).toEqual({
      token: TOKEN,
      'waba-id': WABA,
      'phone-number-id': ASHA_NUMBER,
      'app-secret': APP_SECRET,
      'verify-token': 'my-verify-token-42',
      'default-country': 'IN',
      'business-name': "Asha's Kitchen",
    });
    expect(readJson('hours.json')).toMatchObject({
      timeZone: 'Asia/Kolkata',
      week: { sun: [], sat: ['09:00-18:00'] },
    });
    const templates = await run(['template', 'list', '--json'], { env: { WABOX_CONFIG_DIR: configDir } });
    expect(JSON.parse(templates.stdout).map((t: { name: string }) => t.name)).toContain('price-en');
    // the new profile works for the next command
    const get = await run(['--profile', 'shop2', 'config', 'get', 'business-name'], {
      env: { WABOX_CONFIG_DIR: configDir },
    });
    expect(get.stdout).toBe("Asha's Kitchen\n");
  });

  it('a typed phone number id is checked with GET of the number; a second run changes nothing', async () => {
    graph.on('GET', `/v23.0/${SHOP_NUMBER}`, {
      json: { id: SHOP_NUMBER, display_phone_number: '+44 7700 900123', verified_name: 'Asha Two' },
      times: 2,
    });
    const argv = ['setup', '--yes', '--phone-number-id', SHOP_NUMBER, '--json'];
    const first = await setup(argv, { env: { WABOX_TOKEN: TOKEN } });
    expect(first.code, first.stderr).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({
      profile: 'default',
      created: false,
      changed: ['token', 'phone-number-id'],
      tokenCheck: 'ok',
      hours: null,
      pack: null,
    });
    const again = await setup(argv, { env: { WABOX_TOKEN: TOKEN } });
    expect(JSON.parse(again.stdout)).toMatchObject({ changed: [], tokenCheck: 'ok' });
    expect(graph.calls('GET', `/v23.0/${SHOP_NUMBER}`)).toHaveLength(2);
    // --no-check asks nothing of the API
    const unchecked = await setup(['setup', '--yes', '--no-check', '--json'], {
      env: { WABOX_TOKEN: TOKEN },
    });
    expect(JSON.parse(unchecked.stdout)).toMatchObject({ changed: [], tokenCheck: 'skipped' });
    expect(graph.requests).toHaveLength(2);
  });

  it('a refused token saves nothing, not even the new profile; usage errors before any request', async () => {
    graph.on(
      'GET',
      `/v23.0/${SHOP_NUMBER}`,
      graphError(190, { status: 401, message: 'Invalid OAuth access token' }),
    );
    const refused = await setup(
      ['--profile', 'shop3', 'setup', '--yes', '--phone-number-id', SHOP_NUMBER, '--business-name', 'X'],
      { env: { WABOX_TOKEN: TOKEN } },
    );
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain('Invalid OAuth access token');
    expect(refused.stderr).not.toContain(TOKEN);
    expect(existsSync(join(configDir, 'config.json'))).toBe(false);
    graph.requests.length = 0;
    // the WABA has two numbers: which one?
    graph.on('GET', NUMBERS, LISTED);
    expectError(
      await setup(['setup', '--yes', '--waba-id', WABA], { env: { WABOX_TOKEN: TOKEN } }),
      2,
      /--phone-number-id/,
      new RegExp(SHOP_NUMBER),
    );
    graph.requests.length = 0;
    expectError(await setup(['setup']), 2, /cannot ask here/, /--yes/);
    expectError(await setup(['setup', '--yes', '--hours', 'mon-fri 09:00-18:00']), 2, /--tz/);
    expectError(await setup(['setup', '--yes', '--tz', 'Mars/Olympus']), 2, /Mars\/Olympus/);
    expectError(await setup(['setup', '--yes', '--pack', 'xx']), 2, /no starter pack "xx"/);
    expectError(await setup(['setup', '--yes', '--phone-number-id', '+91 98765']), 2, /digits only/);
    expectError(await setup(['setup', '--yes', '--token-stdin'], { stdin: '' }), 2, /stdin was empty/);
    // a secret is never a flag
    expectError(await setup(['setup', '--yes', '--token', TOKEN]), 2, /unknown option '--token'/);
    expect(graph.requests).toHaveLength(0);
    expect(existsSync(join(configDir, 'config.json'))).toBe(false);
  });
});

describe('wabox setup on a terminal (scripted answers)', () => {
  it('asks every step, picks the number from the WABA, generates a verify token; a second run offers the current values', async () => {
    graph.on('GET', NUMBERS, { ...LISTED, times: 2 });
    const first = scripted([
      { kind: 'password', answer: TOKEN },
      { kind: 'input', answer: WABA },
      { kind: 'select', answer: ASHA_NUMBER },
      { kind: 'password', answer: APP_SECRET },
      { kind: 'select', answer: 'generate' },
      { kind: 'input', answer: '' }, // country: the number's, IN
      { kind: 'input', answer: '' }, // business name: the verified name
      { kind: 'input', answer: 'Asia/Kolkata' },
      { kind: 'input', answer: 'mon-fri 09:00-18:00; sat 10:00-14:00' },
      { kind: 'select', answer: 'hi' },
    ]);
    const r = await setup(['--profile', 'asha', 'setup', '--json'], { prompter: first.prompter });
    expect(r.code, r.stderr).toBe(0);
    expect(first.asked.map((a) => [a.kind, a.default])).toEqual([
      ['password', undefined],
      ['input', undefined],
      ['select', undefined],
      ['password', undefined],
      ['select', 'generate'],
      ['input', 'IN'],
      ['input', "Asha's Kitchen"],
      ['input', expect.any(String)],
      ['input', undefined],
      ['select', 'en'],
    ]);
    expect(first.asked[2]!.choices).toEqual([ASHA_NUMBER, SHOP_NUMBER]);
    const profile = readJson('config.json').profiles.asha;
    // shown once on the terminal to paste into Meta's dashboard, never in the JSON
    expect(profile['verify-token']).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(r.stderr.split(profile['verify-token']).length).toBe(2);
    expect(r.stdout).not.toContain(profile['verify-token']);
    expect(r.stdout + r.stderr).not.toContain(TOKEN);
    expect(r.stdout + r.stderr).not.toContain(APP_SECRET);
    expect(profile).toMatchObject({
      token: TOKEN,
      'waba-id': WABA,
      'phone-number-id': ASHA_NUMBER,
      'app-secret': APP_SECRET,
      'default-country': 'IN',
      'business-name': "Asha's Kitchen",
    });
    expect(readJson('hours.json')).toMatchObject({
      timeZone: 'Asia/Kolkata',
      week: { mon: ['09:00-18:00'], sat: ['10:00-14:00'], sun: [] },
    });
    expect(JSON.parse(r.stdout).pack).toMatchObject({ pack: 'hi', skipped: 0 });

    // Enter everywhere: the current values come back as defaults and nothing changes
    const second = scripted([
      { kind: 'password' },
      { kind: 'input' },
      { kind: 'select' },
      { kind: 'password' },
      { kind: 'select' },
      { kind: 'input' },
      { kind: 'input' },
      { kind: 'input' },
      { kind: 'input' },
      { kind: 'select' },
    ]);
    const again = await setup(['--profile', 'asha', 'setup', '--json'], { prompter: second.prompter });
    expect(again.code, again.stderr).toBe(0);
    expect(second.asked.map((a) => a.default)).toEqual([
      undefined,
      WABA,
      ASHA_NUMBER,
      undefined,
      'keep',
      'IN',
      "Asha's Kitchen",
      'Asia/Kolkata',
      'mon-fri 09:00-18:00; sat 10:00-14:00',
      'none',
    ]);
    expect(second.asked[0]!.message).toContain('Enter keeps the current one');
    expect(JSON.parse(again.stdout)).toMatchObject({
      created: false,
      changed: [],
      tokenCheck: 'ok',
      pack: null,
    });
    expect(readJson('config.json').profiles.asha).toEqual(profile);
    expect(graph.calls('GET', NUMBERS)).toHaveLength(2);
  });

  it('a refused token is asked again; Enter on an empty step skips it', async () => {
    graph.on('GET', NUMBERS, [
      graphError(190, { status: 401, message: 'Invalid OAuth access token' }),
      LISTED,
    ]);
    const script = scripted([
      { kind: 'password', answer: 'EAAG-WRONG-TOKEN-99999999' },
      { kind: 'input', answer: WABA },
      { kind: 'password', answer: TOKEN },
      { kind: 'input' }, // the WABA typed before is the default now
      { kind: 'select', answer: SHOP_NUMBER },
      { kind: 'password' }, // no app secret
      { kind: 'select', answer: 'skip' },
      { kind: 'input', answer: '-' },
      { kind: 'input', answer: '-' },
      { kind: 'input', answer: '-' },
      { kind: 'select', answer: 'none' },
    ]);
    const r = await setup(['setup', '--json'], { prompter: script.prompter });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/the API refused the token: .*Invalid OAuth access token.*; try again/);
    expect(r.stderr).not.toContain('EAAG-WRONG-TOKEN-99999999');
    expect(script.asked[3]!.default).toBe(WABA);
    expect(graph.requests.map((q) => q.headers.authorization)).toEqual([
      'Bearer EAAG-WRONG-TOKEN-99999999',
      `Bearer ${TOKEN}`,
    ]);
    expect(readJson('config.json').profiles.default).toEqual({
      token: TOKEN,
      'waba-id': WABA,
      'phone-number-id': SHOP_NUMBER,
    });
    expect(existsSync(join(configDir, 'hours.json'))).toBe(false);
    expect(JSON.parse(r.stdout)).toMatchObject({
      hours: null,
      pack: null,
      settings: { 'default-country': null },
    });
  });
});
