import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Prompter } from '../../src/cli/prompt.js';
import { expectError } from '../helpers/assert.js';
import { run, spawnCli, tempDir } from '../helpers/cli.js';

const TOKEN = 'EAAG-RECOGNISABLE-TOKEN-0123456789-wxyz';

function fakePrompter(answers: { password?: string; confirm?: boolean }, asked: string[] = []): Prompter {
  return {
    input: async () => {
      throw new Error('unexpected input prompt');
    },
    select: async () => {
      throw new Error('unexpected select prompt');
    },
    confirm: async ({ message }) => {
      asked.push(message);
      return answers.confirm ?? false;
    },
    password: async ({ message }) => {
      asked.push(message);
      return answers.password ?? '';
    },
  };
}

function configFile(dir: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
}

describe('config keys', () => {
  it('set and get the Cloud API keys, validated and normalised', async () => {
    const env = { WABOX_CONFIG_DIR: tempDir() };
    for (const [key, value] of [
      ['phone-number-id', ' 106540352242922 '],
      ['waba-id', '102290129340398'],
      ['api-version', 'v24.0'],
      ['graph-url', 'http://127.0.0.1:4010/'],
    ] as const) {
      expect((await run(['config', 'set', key, value], { env })).code).toBe(0);
    }
    expect((await run(['config', 'get', 'phone-number-id'], { env })).stdout).toBe('106540352242922\n');
    expect((await run(['config', 'get', 'graph-url'], { env })).stdout).toBe('http://127.0.0.1:4010\n');
    expect((await run(['config', 'get', 'api-version', '--json'], { env })).stdout).toBe(
      `${JSON.stringify({ key: 'api-version', value: 'v24.0' }, null, 2)}\n`,
    );
  });

  it('refuses invalid values with the reason (exit 2)', async () => {
    const env = { WABOX_CONFIG_DIR: tempDir() };
    expectError(
      await run(['config', 'set', 'phone-number-id', '+91 98765'], { env }),
      2,
      'phone-number-id must be digits only (the numeric id from Meta\'s WhatsApp Manager), got "+91 98765"',
    );
    expectError(
      await run(['config', 'set', 'api-version', '23.0'], { env }),
      2,
      'api-version must look like v23.0, got "23.0"',
    );
    expectError(
      await run(['config', 'set', 'graph-url', 'ftp://example.com'], { env }),
      2,
      'graph-url must be an http or https URL, got "ftp://example.com"',
    );
    expectError(
      await run(['config', 'set', 'graph-url', 'https://example.com/?x=1'], { env }),
      2,
      'graph-url must not carry credentials, a query or a fragment',
    );
    expectError(
      await run(['config', 'set', 'db', 'mysql://x/y'], { env }),
      2,
      'db must be a SQLite file path or a postgres:// URL',
    );
  });

  it('db: a relative path is stored absolute; a postgres password is never shown', async () => {
    const dir = tempDir();
    const env = { WABOX_CONFIG_DIR: dir };
    expect((await run(['config', 'set', 'db', 'data/wabox.db'], { env })).code).toBe(0);
    expect((await run(['config', 'get', 'db'], { env })).stdout).toBe(
      `${join(process.cwd(), 'data/wabox.db')}\n`,
    );
    expect(
      (await run(['config', 'set', 'db', 'postgres://wabox:pg-pass-123@db.local:5432/wabox'], { env })).code,
    ).toBe(0);
    const get = await run(['config', 'get', 'db'], { env });
    expect(get.stdout).toBe('postgres://wabox:***@db.local:5432/wabox\n');
    const list = await run(['config', 'list', '--json'], { env });
    expect(JSON.parse(list.stdout).values.db).toBe('postgres://wabox:***@db.local:5432/wabox');
    expect(list.stdout).not.toContain('pg-pass-123');
  });

  it('list shows defaults and what the environment overrides', async () => {
    const env = { WABOX_CONFIG_DIR: tempDir(), WABOX_PHONE_NUMBER_ID: '1', WABOX_TOKEN: '' };
    await run(['config', 'set', 'phone-number-id', '2'], { env });
    const json = JSON.parse((await run(['config', 'list', '--json'], { env })).stdout);
    expect(json.overriddenBy).toEqual({ 'phone-number-id': 'WABOX_PHONE_NUMBER_ID' });
    expect(json.defaults).toEqual({
      'api-version': 'v23.0',
      'graph-url': 'https://graph.facebook.com',
      timeout: '30s',
      'campaign-rate': '80',
      'webhook-host': '127.0.0.1',
      'webhook-port': '8080',
      'webhook-path': '/webhook',
    });
    expect(json.values).toEqual({
      'default-country': null,
      'business-name': null,
      'agent-name': null,
      token: null,
      'phone-number-id': '2',
      'waba-id': null,
      'api-version': null,
      'graph-url': null,
      timeout: null,
      db: null,
      'campaign-rate': null,
      'app-secret': null,
      'verify-token': null,
      'webhook-host': null,
      'webhook-port': null,
      'webhook-path': null,
      'sla.first-response': null,
      assign: null,
    });
    const human = (await run(['config', 'list'], { env })).stdout.split('\n');
    expect(human).toContain('phone-number-id     2  (overridden by WABOX_PHONE_NUMBER_ID)');
    expect(human).toContain('api-version         (default v23.0)');
    expect(human).toContain('token               (not set)');
  });
});

describe('secrets', () => {
  it('config set token reads stdin, says it is set (masked), stores it 0600; get and list show it masked', async () => {
    const dir = tempDir();
    const env = { WABOX_CONFIG_DIR: dir };
    const set = await run(['config', 'set', 'token'], { env, stdin: `${TOKEN}\n` });
    expect(set).toMatchObject({ code: 0, stdout: '', stderr: 'token: set (…wxyz) (profile default)\n' });
    const json = await run(['config', 'set', 'token', '--json'], { env, stdin: TOKEN });
    expect(JSON.parse(json.stdout)).toEqual({
      profile: 'default',
      key: 'token',
      value: 'set (…wxyz)',
      secret: true,
      changed: false,
    });
    expect(json.stdout + json.stderr).not.toContain(TOKEN);
    expect(configFile(dir)).toEqual({ profiles: { default: { token: TOKEN } } });
    expect(statSync(join(dir, 'config.json')).mode & 0o777).toBe(0o600);
    const get = await run(['config', 'get', 'token'], { env });
    expect(get).toMatchObject({ code: 0, stdout: 'set (…wxyz)\n', stderr: '' });
    expect((await run(['config', 'get', 'token', '--json'], { env })).stdout).toBe(
      `${JSON.stringify({ key: 'token', value: 'set (…wxyz)' }, null, 2)}\n`,
    );
    const list = await run(['config', 'list'], { env });
    expect(list.stdout.split('\n')).toContain('token               set (…wxyz)');
    expect(JSON.parse((await run(['config', 'list', '--json'], { env })).stdout).values.token).toBe(
      'set (…wxyz)',
    );
  });

  it('on a terminal, set confirms with the masked value only', async () => {
    const dir = tempDir();
    const r = await run(['config', 'set', 'app-secret'], { env: { WABOX_CONFIG_DIR: dir }, stdin: TOKEN });
    expect(r.code).toBe(0);
    const tty = await run(['config', 'set', 'verify-token'], {
      env: { WABOX_CONFIG_DIR: dir },
      tty: true,
      canPrompt: true,
      overrides: { prompt: async () => fakePrompter({ password: TOKEN }) },
    });
    expect(tty).toMatchObject({
      code: 0,
      stdout: '',
      stderr: 'verify-token: set (…wxyz) (profile default)\n',
    });
  });

  it('reads a hidden prompt when it can prompt', async () => {
    const dir = tempDir();
    const asked: string[] = [];
    const r = await run(['config', 'set', 'token'], {
      env: { WABOX_CONFIG_DIR: dir },
      canPrompt: true,
      overrides: { prompt: async () => fakePrompter({ password: ` ${TOKEN} ` }, asked) },
    });
    expect(r).toMatchObject({ code: 0, stdout: '', stderr: 'token: set (…wxyz) (profile default)\n' });
    expect(asked).toEqual(['token (hidden)']);
    expect(configFile(dir)).toEqual({ profiles: { default: { token: TOKEN } } });
  });

  it('never from the command line', async () => {
    const dir = tempDir();
    const r = await run(['config', 'set', 'token', TOKEN], { env: { WABOX_CONFIG_DIR: dir } });
    expectError(
      r,
      2,
      'token is a secret and is not taken from the command line (shell history, process list)',
      'run `wabox config set token` and type it at the hidden prompt, or pipe it: printf %s "$VALUE" | wabox config set token',
    );
    expect(r.stderr).not.toContain(TOKEN);
    expectError(
      await run(['config', 'get', 'token'], { env: { WABOX_CONFIG_DIR: dir } }),
      6,
      'token is not set',
    );
  });

  it('empty stdin, a terminal without a prompt, and a malformed secret are usage errors', async () => {
    const env = { WABOX_CONFIG_DIR: tempDir() };
    expectError(
      await run(['config', 'set', 'token'], { env, stdin: '\n' }),
      2,
      'no token given: stdin was empty',
    );
    expectError(
      await run(['config', 'set', 'token'], { env, tty: true, canPrompt: false }),
      2,
      'token is read from a hidden prompt or stdin, and neither is possible here',
      'drop --no-input to be asked, or pipe it: printf %s "$VALUE" | wabox config set token',
    );
    const spaced = await run(['config', 'set', 'token'], { env, stdin: 'EAAG secret-with-space-123' });
    expectError(
      spaced,
      2,
      'token contains spaces or characters other than printable ASCII; was it pasted whole?',
    );
    expect(spaced.stderr).not.toContain('secret-with-space-123');
  });

  it('a non-secret key without a value is a usage error when it cannot prompt', async () => {
    expectError(
      await run(['config', 'set', 'waba-id'], { env: { WABOX_CONFIG_DIR: tempDir() } }),
      2,
      'missing value for waba-id',
      'wabox config set waba-id <value>',
    );
  });

  it('--profile sets the secret in that profile', async () => {
    const dir = tempDir();
    const env = { WABOX_CONFIG_DIR: dir };
    expect((await run(['config', 'profile', 'add', 'shop2'], { env })).code).toBe(0);
    expect((await run(['--profile', 'shop2', 'config', 'set', 'token'], { env, stdin: TOKEN })).code).toBe(0);
    expect(configFile(dir)).toEqual({ profiles: { shop2: { token: TOKEN } } });
    expectError(await run(['config', 'get', 'token'], { env }), 6, 'token is not set');
    expect((await run(['config', 'get', 'token'], { env: { ...env, WABOX_PROFILE: 'shop2' } })).stdout).toBe(
      'set (…wxyz)\n',
    );
  });

  it('the token never appears in any output, --debug errors included', async () => {
    const dir = tempDir();
    const env = { WABOX_CONFIG_DIR: dir };
    const outputs: string[] = [];
    const keep = <R extends { stdout: string; stderr: string }>(r: R): R => {
      outputs.push(r.stdout, r.stderr);
      return r;
    };
    keep(await run(['--debug', 'config', 'set', 'token'], { env, stdin: TOKEN }));
    keep(await run(['--debug', 'config', 'set', 'token', TOKEN], { env }));
    keep(await run(['--debug', 'config', 'get', 'token'], { env }));
    keep(await run(['--debug', 'config', 'get', 'token', '--json'], { env }));
    keep(await run(['--debug', 'config', 'list'], { env }));
    keep(await run(['--debug', 'config', 'list', '--json'], { env }));
    keep(await run(['--debug', 'messages', 'list'], { env: { ...env, WABOX_DB: join(tempDir(), 'w.db') } }));
    // an error whose message and stack carry the token (a store path containing it) is masked
    const file = join(tempDir(), 'file');
    writeFileSync(file, 'x');
    const fromConfig = keep(
      await run(['--debug', 'messages', 'list'], { env: { ...env, WABOX_DB: join(file, TOKEN, 'w.db') } }),
    );
    expect(fromConfig.code).toBe(3);
    expect(fromConfig.stderr).toContain(`cannot open the store at ${join(file, '***', 'w.db')}`);
    expect(fromConfig.stderr).toMatch(/\n\s+at /); // the --debug stack is there, masked too
    const json = keep(
      await run(['--debug', 'messages', 'list', '--json'], {
        env: { ...env, WABOX_DB: join(file, TOKEN, 'w.db') },
      }),
    );
    expect(JSON.parse(json.stderr).error.exitCode).toBe(3);
    // the same with the token only in the environment
    const envOnly = keep(
      await run(['--debug', 'messages', 'list'], {
        env: { WABOX_CONFIG_DIR: tempDir(), WABOX_TOKEN: TOKEN, WABOX_DB: join(file, TOKEN, 'w.db') },
      }),
    );
    expect(envOnly.stderr).toContain('***');
    for (const output of outputs) expect(output).not.toContain(TOKEN);
  });

  it('a config file broken around the token does not quote it in the error', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'config.json'), `{"profiles": {"default": {"token": ${TOKEN}}}}`);
    const r = await run(['config', 'list'], { env: { WABOX_CONFIG_DIR: dir } });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(
      `${join(dir, 'config.json')} is not valid JSON: Unexpected token 'E' (content not shown)`,
    );
    expect(r.stderr).not.toContain('RECOGNISABLE');
  });

  it('the built CLI reads the token from a stdin pipe and never echoes it', async () => {
    const dir = tempDir();
    const env = { WABOX_CONFIG_DIR: dir };
    const set = await spawnCli(['config', 'set', 'token'], { env, stdin: TOKEN });
    expect(set).toMatchObject({ code: 0, stdout: '', stderr: 'token: set (…wxyz) (profile default)\n' });
    const get = await spawnCli(['config', 'get', 'token'], { env });
    expect(get).toMatchObject({ code: 0, stdout: 'set (…wxyz)\n' });
    expect(configFile(dir)).toEqual({ profiles: { default: { token: TOKEN } } });
  });
});

describe('config profile', () => {
  it('add, list, use, rm', async () => {
    const dir = tempDir();
    const env = { WABOX_CONFIG_DIR: dir };
    const add = await run(['config', 'profile', 'add', 'shop2'], { env });
    expect(add).toMatchObject({
      code: 0,
      stdout: '',
      stderr:
        'added profile "shop2"; use it with --profile shop2, or make it active: wabox config profile use shop2\n',
    });
    expect((await run(['config', 'profile', 'list'], { env })).stdout).toBe('* default\n  shop2\n');
    expect(JSON.parse((await run(['config', 'profile', 'list', '--json'], { env })).stdout)).toEqual([
      { name: 'default', active: true },
      { name: 'shop2', active: false },
    ]);
    expect((await run(['--profile', 'shop2', 'config', 'profile', 'list'], { env })).stdout).toBe(
      '  default\n* shop2\n',
    );
    expect((await run(['config', 'profile', 'use', 'shop2'], { env })).code).toBe(0);
    expect((await run(['config', 'profile', 'list'], { env })).stdout).toBe('  default\n* shop2\n');
    expect(configFile(dir)).toEqual({ profile: 'shop2', profiles: { shop2: {} } });
    await run(['config', 'set', 'phone-number-id', '77'], { env });
    expect(configFile(dir)).toEqual({ profile: 'shop2', profiles: { shop2: { 'phone-number-id': '77' } } });
    expect((await run(['config', 'profile', 'use', 'default'], { env })).code).toBe(0);
    const rm = await run(['config', 'profile', 'rm', 'shop2', '--yes'], { env });
    expect(rm).toMatchObject({ code: 0, stdout: '', stderr: '' });
    expect((await run(['config', 'profile', 'list'], { env })).stdout).toBe('* default\n');
  });

  it('add --use makes it active at once', async () => {
    const env = { WABOX_CONFIG_DIR: tempDir() };
    expect((await run(['config', 'profile', 'add', 'staging', '--use'], { env })).stderr).toBe(
      'added profile "staging" and made it active\n',
    );
    expect((await run(['config', 'profile', 'list'], { env })).stdout).toBe('  default\n* staging\n');
  });

  it('errors: duplicate, bad name, unknown, in use, no --yes without a prompt', async () => {
    const env = { WABOX_CONFIG_DIR: tempDir() };
    await run(['config', 'profile', 'add', 'shop2'], { env });
    expectError(
      await run(['config', 'profile', 'add', 'shop2'], { env }),
      2,
      'profile "shop2" already exists',
    );
    expectError(
      await run(['config', 'profile', 'add', '../evil'], { env }),
      2,
      'invalid profile name "../evil": use 1-40 letters, digits, _ . or -',
    );
    expectError(
      await run(['config', 'profile', 'use', 'nope'], { env }),
      6,
      'no profile named "nope"',
      'list them with: wabox config profile list',
    );
    expectError(
      await run(['config', 'profile', 'rm', 'nope', '--yes'], { env }),
      6,
      'no profile named "nope"',
    );
    expectError(
      await run(['config', 'profile', 'rm', 'default', '--yes'], { env }),
      2,
      'profile "default" is the active profile',
      'switch first: wabox config profile use <other>',
    );
    expectError(
      await run(['config', 'profile', 'rm', 'shop2'], { env }),
      2,
      'removing profile "shop2" deletes its settings: pass --yes to confirm',
      'wabox config profile rm shop2 --yes',
    );
    expect((await run(['config', 'profile', 'list'], { env })).stdout).toBe('* default\n  shop2\n');
  });

  it('rm asks when it can; no keeps the profile, yes removes it', async () => {
    const env = { WABOX_CONFIG_DIR: tempDir() };
    await run(['config', 'profile', 'add', 'shop2'], { env });
    const asked: string[] = [];
    const no = await run(['config', 'profile', 'rm', 'shop2'], {
      env,
      canPrompt: true,
      overrides: { prompt: async () => fakePrompter({ confirm: false }, asked) },
    });
    expect(no).toMatchObject({ code: 0, stdout: '', stderr: 'nothing removed\n' });
    expect(asked).toEqual(['Delete profile "shop2" and all its settings?']);
    expect((await run(['config', 'profile', 'list'], { env })).stdout).toBe('* default\n  shop2\n');
    const yes = await run(['config', 'profile', 'rm', 'shop2'], {
      env,
      canPrompt: true,
      overrides: { prompt: async () => fakePrompter({ confirm: true }) },
    });
    expect(yes.code).toBe(0);
    expect((await run(['config', 'profile', 'list'], { env })).stdout).toBe('* default\n');
  });

  it('config set under an unknown --profile or WABOX_PROFILE creates nothing: exit 3, did you mean', async () => {
    const dir = tempDir();
    const env = { WABOX_CONFIG_DIR: dir };
    await run(['config', 'profile', 'add', 'shop2'], { env });
    const before = readFileSync(join(dir, 'config.json'), 'utf8');
    expectError(
      await run(['--profile', 'shpo2', 'config', 'set', 'business-name', 'Asha'], { env }),
      3,
      'no profile named "shpo2" (selected by --profile); did you mean "shop2"?',
      'list them with: wabox config profile list; create it with: wabox config profile add shpo2',
    );
    expectError(
      await run(['config', 'set', 'business-name', 'Asha'], { env: { ...env, WABOX_PROFILE: 'Shop' } }),
      3,
      'no profile named "Shop" (selected by WABOX_PROFILE); did you mean "shop2"?',
    );
    expectError(
      await run(['--profile', 'zzz', 'config', 'get', 'business-name'], { env }),
      3,
      'no profile named "zzz" (selected by --profile)',
    );
    expect(readFileSync(join(dir, 'config.json'), 'utf8')).toBe(before);
    // default always exists; an added profile takes values
    expect((await run(['--profile', 'default', 'config', 'set', 'agent-name', 'Ravi'], { env })).code).toBe(
      0,
    );
    expect((await run(['--profile', 'shop2', 'config', 'set', 'agent-name', 'Ravi'], { env })).code).toBe(0);
    expect(configFile(dir)).toEqual({
      profiles: { default: { 'agent-name': 'Ravi' }, shop2: { 'agent-name': 'Ravi' } },
    });
  });

  it('an unknown --profile is a config error when a command needs settings', async () => {
    const env = { WABOX_CONFIG_DIR: tempDir(), WABOX_DB: join(tempDir(), 'w.db') };
    expectError(
      await run(['--profile', 'nope', 'messages', 'list'], { env: { ...env, WABOX_DB: undefined } }),
      3,
      'no profile named "nope" (selected by --profile)',
      'list them with: wabox config profile list; create it with: wabox config profile add nope',
    );
  });
});

describe('assign', () => {
  it('takes manual, round-robin or least-open; anything else exits 2', async () => {
    const env = { WABOX_CONFIG_DIR: tempDir() };
    expect((await run(['config', 'set', 'assign', 'Round-Robin'], { env })).code).toBe(0);
    expect((await run(['config', 'get', 'assign'], { env })).stdout).toBe('round-robin\n');
    const bad = await run(['config', 'set', 'assign', 'random'], { env });
    expect(bad.code).toBe(2);
    expect(bad.stderr.split('\n')[0]).toBe(
      'error: assign must be one of manual, round-robin, least-open, got "random"',
    );
  });
});
