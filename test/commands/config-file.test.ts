// `wabox config get|set|unset|list|path` on the config file (issue 2): values, the file's mode, bad keys
// and values, and hand-broken files. Secrets and profiles have their own tests in config.test.ts.
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectError } from '../helpers/assert.js';
import { run, spawnCli, tempDir } from '../helpers/cli.js';

// later issues add keys after these
const VALID_KEYS = /^valid keys: default-country, business-name, agent-name(, [a-z.-]+)*$/;

function setup() {
  const dir = tempDir();
  return { dir, env: { WABOX_CONFIG_DIR: dir }, file: join(dir, 'config.json') };
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('wabox config get|set|unset|list|path', () => {
  it('sets, gets, lists and unsets values in a 0600 file', async () => {
    const { env, file } = setup();
    const set = await run(['config', 'set', 'default-country', 'gb'], { env });
    expect(set).toMatchObject({ code: 0, stdout: '', stderr: 'default-country: "GB" (profile default)\n' });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({
      profiles: { default: { 'default-country': 'GB' } },
    });

    expect(await run(['config', 'get', 'default-country'], { env })).toMatchObject({
      code: 0,
      stdout: 'GB\n',
    });
    const json = await run(['config', 'get', 'default-country', '--json'], { env });
    expect(JSON.parse(json.stdout)).toEqual({ key: 'default-country', value: 'GB' });

    await run(['config', 'set', 'business-name', "  Asha's Bakery & Café  "], { env });
    const list = await run(['config', 'list', '--json'], { env });
    expect(list.code).toBe(0);
    expect(JSON.parse(list.stdout)).toMatchObject({
      profile: 'default',
      path: file,
      values: { 'default-country': 'GB', 'business-name': "Asha's Bakery & Café", 'agent-name': null },
    });
    const human = (await run(['config', 'list'], { env })).stdout.split('\n');
    expect(human).toContainEqual(expect.stringMatching(/^default-country +GB$/));
    expect(human).toContainEqual(expect.stringMatching(/^business-name +Asha's Bakery & Café$/));
    expect(human).toContainEqual(expect.stringMatching(/^agent-name +\(not set\)$/));

    expect(await run(['config', 'unset', 'default-country'], { env })).toMatchObject({ code: 0, stdout: '' });
    // unsetting what is not set is not an error
    expect((await run(['config', 'unset', 'default-country'], { env })).code).toBe(0);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expectError(
      await run(['config', 'get', 'default-country'], { env }),
      6,
      'default-country is not set',
      'set it with: wabox config set default-country <value>',
    );
  });

  it('says what changed on stderr, in a pipe and on a TTY; nothing with --quiet; JSON with --json', async () => {
    const { env } = setup();
    const r = await run(['config', 'set', 'business-name', "Asha's Kitchen"], { env });
    expect(r).toMatchObject({
      code: 0,
      stdout: '',
      stderr: `business-name: "Asha's Kitchen" (profile default)\n`,
    });
    const tty = await run(['config', 'set', 'default-country', 'in'], { env, tty: true });
    expect(tty).toMatchObject({ code: 0, stdout: '', stderr: 'default-country: "IN" (profile default)\n' });
    const again = await run(['config', 'set', 'default-country', 'IN'], { env });
    expect(again.stderr).toBe('default-country: "IN" (profile default, unchanged)\n');
    const quiet = await run(['config', 'set', 'default-country', 'gb', '--quiet'], { env });
    expect(quiet).toMatchObject({ code: 0, stdout: '', stderr: '' });
    expect((await run(['config', 'get', 'default-country'], { env })).stdout).toBe('GB\n');
    const json = await run(['config', 'set', 'agent-name', 'Ravi', '--json'], { env });
    expect(json).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(json.stdout)).toEqual({
      profile: 'default',
      key: 'agent-name',
      value: 'Ravi',
      secret: false,
      changed: true,
    });
    await run(['config', 'profile', 'add', 'shop2'], { env });
    const other = await run(['--profile', 'shop2', 'config', 'set', 'agent-name', 'Ravi'], { env });
    expect(other.stderr).toBe('agent-name: "Ravi" (profile shop2)\n');
  });

  it('config set --help says where secrets are kept', async () => {
    const r = await run(['config', 'set', 'token', '--help'], {});
    expect(r.code).toBe(0);
    expect(r.stdout.replace(/\s+/g, ' ')).toContain(
      'The token, app secret and verify token are kept in config.json in the config dir (`wabox config path`), in plain text in a file only you can read (mode 0600)',
    );
  });

  it('prints the path, in WABOX_CONFIG_DIR', async () => {
    const { env, file } = setup();
    expect(await run(['config', 'path'], { env })).toMatchObject({ code: 0, stdout: `${file}\n` });
  });

  it('lists every key as not set in a fresh directory', async () => {
    const { env } = setup();
    const r = await run(['config', 'list', '--json'], { env });
    expect(JSON.parse(r.stdout).values).toMatchObject({
      'default-country': null,
      'business-name': null,
      'agent-name': null,
    });
  });

  it('writes through the built CLI as well', async () => {
    const { env, file } = setup();
    expect((await spawnCli(['config', 'set', 'agent-name', 'Ravi'], { env })).code).toBe(0);
    expect(JSON.parse(readFileSync(file, 'utf8')).profiles.default['agent-name']).toBe('Ravi');
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });
});

describe('wabox config: bad input', () => {
  it.each([
    [['get', 'colour']],
    [['set', 'colour', 'red']],
    [['unset', 'colour']],
    [['get', 'DEFAULT-COUNTRY']],
  ])('refuses the unknown key in %j, listing the valid keys (exit 2)', async (args) => {
    const { env, file } = setup();
    expectError(await run(['config', ...args], { env }), 2, `unknown config key "${args[1]}"`, VALID_KEYS);
    expect(() => statSync(file)).toThrow();
  });

  it.each([
    [
      'default-country',
      'XX',
      'unknown country "XX": expected a two-letter ISO 3166-1 code such as IN, GB or US',
    ],
    [
      'default-country',
      'India',
      'unknown country "India": expected a two-letter ISO 3166-1 code such as IN, GB or US',
    ],
    ['business-name', '   ', 'business-name must be 1-100 characters'],
    ['agent-name', 'x'.repeat(101), 'agent-name must be 1-100 characters'],
  ])('refuses %s = %j and leaves the file as it was', async (key, value, message) => {
    const { env, file } = setup();
    await run(['config', 'set', 'default-country', 'IN'], { env });
    const before = readFileSync(file, 'utf8');
    expectError(await run(['config', 'set', key, value], { env }), 2, message);
    expect(readFileSync(file, 'utf8')).toBe(before);
  });

  it('refuses a missing key and unknown subcommands', async () => {
    expectError(
      await run(['config', 'get']),
      2,
      "missing required argument 'key'",
      'see --help for usage and examples',
    );
    expectError(
      await run(['config', 'frob']),
      2,
      "unknown command 'frob'",
      'see --help for usage and examples',
    );
  });

  it('returns errors as JSON under --json', async () => {
    const r = await run(['config', 'get', 'business-name', '--json']);
    expect(r.code).toBe(6);
    expect(r.stdout).toBe('');
    expect(JSON.parse(r.stderr)).toEqual({
      error: {
        code: 'config.not_set',
        message: 'business-name is not set',
        exitCode: 6,
        hint: 'set it with: wabox config set business-name <value>',
      },
    });
  });
});

describe('wabox config: a hand-broken file is an error naming the file and the entry (exit 3)', () => {
  const REFUSED = 'fix or remove that entry in FILE';
  const UNREADABLE = 'fix the file by hand, or move it away to start over';
  it.each([
    ['invalid JSON', '{ "profiles": ', /^FILE is not valid JSON: .+$/, UNREADABLE],
    ['an empty file', '', /^FILE is not valid JSON: Unexpected end of JSON input$/, UNREADABLE],
    ['an array', '[]', /^FILE: the file is not a JSON object$/, REFUSED],
    ['a number', '42', /^FILE: the file is not a JSON object$/, REFUSED],
    ['null', 'null', /^FILE: the file is not a JSON object$/, REFUSED],
    ['an unknown top-level key', '{"colour":"red"}', /^FILE: "colour" is not a known setting$/, REFUSED],
    [
      'an unknown key in a profile',
      '{"profiles":{"default":{"colour":"red"}}}',
      /^FILE: profiles\.default\."colour" is not a known key$/,
      REFUSED,
    ],
    [
      'a bad value',
      '{"profiles":{"default":{"default-country":"ZZ"}}}',
      /^FILE: profiles\.default\.default-country is invalid: unknown country "ZZ": expected a two-letter ISO 3166-1 code such as IN, GB or US$/,
      REFUSED,
    ],
    [
      'a value that is not a string',
      '{"profiles":{"default":{"agent-name":7}}}',
      /^FILE: profiles\.default\.agent-name is not a string$/,
      REFUSED,
    ],
    ['profiles that are not an object', '{"profiles":[]}', /^FILE: "profiles" is not an object$/, REFUSED],
    [
      'a bad profile name',
      '{"profile":"no spaces allowed"}',
      /^FILE: "profile" is not a profile name$/,
      REFUSED,
    ],
  ])('%s', async (_what, content, message, hint) => {
    const { env, file } = setup();
    writeFileSync(file, content);
    const pattern = new RegExp(message.source.replaceAll('FILE', escapeRegExp(file)));
    for (const args of [
      ['list'],
      ['get', 'default-country'],
      ['set', 'default-country', 'IN'],
      ['unset', 'default-country'],
    ]) {
      expectError(await run(['config', ...args], { env }), 3, pattern, hint.replace('FILE', file));
    }
    // nothing rewrote it
    expect(readFileSync(file, 'utf8')).toBe(content);
  });

  it('says so when the file cannot be read at all', async () => {
    const { env, file } = setup();
    mkdirSync(file);
    expectError(
      await run(['config', 'list'], { env }),
      3,
      `${file} cannot be read: EISDIR: illegal operation on a directory, read`,
      'fix the file by hand, or move it away to start over',
    );
  });

  it('breaks `link` for national numbers only, with the same error (exit 3)', async () => {
    const { env, file } = setup();
    writeFileSync(file, '{"profiles":{"default":{"default-country":"ZZ"}}}');
    expect((await run(['link', '+919876543210'], { env })).code).toBe(0);
    expectError(
      await run(['link', '98765 43210'], { env }),
      3,
      /profiles\.default\.default-country is invalid/,
      `fix or remove that entry in ${file}`,
    );
  });
});
