import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createDeps, type Deps } from '../../src/cli/deps.js';
import { exitCodeOf } from '../../src/cli/errors.js';
import { createTestIO } from '../../src/cli/test-io.js';
import { Config } from '../../src/config/config.js';
import { dataDir } from '../../src/config/paths.js';
import {
  defaultDbPath,
  resolveCloudSettings,
  resolveDbLocation,
  resolveSetting,
  resolveSettingWithSource,
} from '../../src/config/settings.js';
import { WaboxError } from '../../src/core/errors.js';
import { tempDir } from '../helpers/cli.js';

function depsFor(env: Record<string, string | undefined>, profile?: string): Deps {
  const deps = createDeps(createTestIO(), env);
  deps.globals.profile = profile;
  return deps;
}

function configIn(dir: string, profile?: string): Config {
  return new Config({ dir, profile });
}

async function rejection(promise: Promise<unknown>): Promise<WaboxError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(WaboxError);
    return err as WaboxError;
  }
  throw new Error('expected a rejection');
}

// [key, env var, flag value, env value, profile value, default]
const CASES: Array<[string, string, string, string, string, string | undefined]> = [
  ['token', 'WABOX_TOKEN', 'EAAflag-token-1111', 'EAAenv-token-2222', 'EAAprofile-token-3333', undefined],
  ['phone-number-id', 'WABOX_PHONE_NUMBER_ID', '1111', '2222', '3333', undefined],
  ['waba-id', 'WABOX_WABA_ID', '4444', '5555', '6666', undefined],
  ['api-version', 'WABOX_API_VERSION', 'v21.0', 'v22.0', 'v20.0', 'v23.0'],
  [
    'graph-url',
    'WABOX_GRAPH_URL',
    'http://127.0.0.1:1',
    'http://127.0.0.1:2',
    'http://127.0.0.1:3',
    'https://graph.facebook.com',
  ],
  ['db', 'WABOX_DB', '/tmp/flag.db', '/tmp/env.db', '/tmp/profile.db', undefined],
  ['app-secret', 'WABOX_APP_SECRET', 'flag-secret-1111', 'env-secret-2222', 'profile-secret-3333', undefined],
  [
    'verify-token',
    'WABOX_VERIFY_TOKEN',
    'flag-verify-1111',
    'env-verify-2222',
    'profile-verify-3333',
    undefined,
  ],
];

describe('precedence: flag > env > profile > default', () => {
  it.each(CASES)('%s', async (key, envName, flagValue, envValue, profileValue, fallback) => {
    const dir = tempDir();
    configIn(dir).set(key, profileValue);
    const withEnv = depsFor({ WABOX_CONFIG_DIR: dir, [envName]: envValue });
    expect(await resolveSettingWithSource(withEnv, key, flagValue)).toEqual({
      key,
      value: flagValue,
      source: 'flag',
    });
    expect(await resolveSettingWithSource(withEnv, key)).toEqual({
      key,
      value: envValue,
      source: 'env',
      origin: envName,
    });
    const noEnv = depsFor({ WABOX_CONFIG_DIR: dir, [envName]: '' }); // empty counts as unset
    expect(await resolveSettingWithSource(noEnv, key)).toEqual({
      key,
      value: profileValue,
      source: 'profile',
      origin: 'default',
    });
    const empty = depsFor({ WABOX_CONFIG_DIR: tempDir() });
    expect(await resolveSetting(empty, key)).toBe(fallback);
    expect((await resolveSettingWithSource(empty, key)).source).toBe(
      fallback === undefined ? undefined : 'default',
    );
  });

  it('--profile and WABOX_PROFILE pick the profile; --profile wins', async () => {
    const dir = tempDir();
    configIn(dir).set('phone-number-id', '100');
    const config = configIn(dir);
    config.addProfile('shop');
    config.addProfile('other');
    configIn(dir, 'shop').set('phone-number-id', '200');
    configIn(dir, 'other').set('phone-number-id', '300');
    expect(await resolveSetting(depsFor({ WABOX_CONFIG_DIR: dir }), 'phone-number-id')).toBe('100');
    expect(await resolveSetting(depsFor({ WABOX_CONFIG_DIR: dir }, 'shop'), 'phone-number-id')).toBe('200');
    expect(
      await resolveSetting(depsFor({ WABOX_CONFIG_DIR: dir, WABOX_PROFILE: 'other' }), 'phone-number-id'),
    ).toBe('300');
    expect(
      await resolveSetting(
        depsFor({ WABOX_CONFIG_DIR: dir, WABOX_PROFILE: 'other' }, 'shop'),
        'phone-number-id',
      ),
    ).toBe('200');
    config.useProfile('other');
    expect(await resolveSetting(depsFor({ WABOX_CONFIG_DIR: dir }), 'phone-number-id')).toBe('300');
  });

  it('an unknown profile is a config error naming where it came from', async () => {
    const dir = tempDir();
    const err = await rejection(resolveSetting(depsFor({ WABOX_CONFIG_DIR: dir }, 'shpo'), 'waba-id'));
    expect(err.message).toBe('no profile named "shpo" (selected by --profile)');
    expect(exitCodeOf(err)).toBe(3);
    const fromEnv = await rejection(
      resolveSetting(depsFor({ WABOX_CONFIG_DIR: dir, WABOX_PROFILE: 'x' }), 'waba-id'),
    );
    expect(fromEnv.message).toBe('no profile named "x" (selected by WABOX_PROFILE)');
  });

  it('an invalid environment value is a config error naming the variable; an invalid flag a usage error', async () => {
    const deps = depsFor({ WABOX_CONFIG_DIR: tempDir(), WABOX_API_VERSION: '23.0' });
    const env = await rejection(resolveSetting(deps, 'api-version'));
    expect(exitCodeOf(env)).toBe(3);
    expect(env.message).toBe('WABOX_API_VERSION is invalid: api-version must look like v23.0, got "23.0"');
    expect(env.hint).toBe('fix or unset WABOX_API_VERSION');
    const flag = await rejection(resolveSetting(deps, 'phone-number-id', '12ab'));
    expect(exitCodeOf(flag)).toBe(2);
    expect(flag.message).toBe(
      'phone-number-id must be digits only (the numeric id from Meta\'s WhatsApp Manager), got "12ab"',
    );
  });
});

describe('resolveCloudSettings', () => {
  it('gathers every setting, defaults filled, base URL without a trailing slash', async () => {
    const deps = depsFor({
      WABOX_CONFIG_DIR: tempDir(),
      WABOX_TOKEN: 'EAAtoken-from-env-9999',
      WABOX_PHONE_NUMBER_ID: '106540352242922',
      WABOX_GRAPH_URL: 'http://127.0.0.1:4010/',
    });
    expect(await resolveCloudSettings(deps)).toEqual({
      token: 'EAAtoken-from-env-9999',
      phoneNumberId: '106540352242922',
      wabaId: undefined,
      apiVersion: 'v23.0',
      baseUrl: 'http://127.0.0.1:4010',
      timeouts: { totalMs: 30_000 },
    });
    expect(
      await resolveCloudSettings(deps, {
        token: 'EAAflag-token-0000',
        phoneNumberId: '1',
        wabaId: '2',
        apiVersion: 'v24.0',
        graphUrl: 'https://example.test/graph/',
      }),
    ).toEqual({
      token: 'EAAflag-token-0000',
      phoneNumberId: '1',
      wabaId: '2',
      apiVersion: 'v24.0',
      baseUrl: 'https://example.test/graph',
      timeouts: { totalMs: 30_000 },
    });
  });

  it('missing token and phone-number-id: exit 3 naming both and how to set them', async () => {
    const err = await rejection(
      resolveCloudSettings(depsFor({ WABOX_CONFIG_DIR: tempDir(), WABOX_WABA_ID: '5' })),
    );
    expect(exitCodeOf(err)).toBe(3);
    expect(err.code).toBe('config.missing');
    expect(err.message).toBe('missing configuration: token, phone-number-id (profile "default")');
    expect(err.hint).toBe(
      'token: set WABOX_TOKEN or run `wabox config set token` (it reads a hidden prompt or stdin); ' +
        'phone-number-id: set WABOX_PHONE_NUMBER_ID or run `wabox config set phone-number-id <value>`',
    );
    expect(err.details).toEqual({ missing: ['token', 'phone-number-id'], profile: 'default' });
  });

  it('missing only one names only that one', async () => {
    const err = await rejection(
      resolveCloudSettings(depsFor({ WABOX_CONFIG_DIR: tempDir(), WABOX_TOKEN: 'EAAtoken-only-1234' })),
    );
    expect(err.message).toBe('missing configuration: phone-number-id (profile "default")');
  });

  it('registers a token from the config file or a flag with the masker', async () => {
    const dir = tempDir();
    configIn(dir).set('token', 'EAAprofile-secret-token-7777');
    configIn(dir).set('phone-number-id', '42');
    const deps = depsFor({ WABOX_CONFIG_DIR: dir });
    expect(deps.mask('x EAAprofile-secret-token-7777 y')).toBe('x EAAprofile-secret-token-7777 y');
    const settings = await resolveCloudSettings(deps, {});
    expect(settings.token).toBe('EAAprofile-secret-token-7777');
    expect(deps.mask('x EAAprofile-secret-token-7777 y')).toBe('x *** y');
    await resolveCloudSettings(deps, { token: 'EAAflag-secret-token-8888' });
    expect(deps.mask('EAAflag-secret-token-8888')).toBe('***');
  });
});

describe('resolveDbLocation', () => {
  it('WABOX_DB > profile db > the default file in the data dir', async () => {
    const dir = tempDir();
    expect(await resolveDbLocation(depsFor({ WABOX_CONFIG_DIR: dir }))).toBe(join(dataDir(), 'wabox.db'));
    configIn(dir).set('db', '/srv/wabox/profile.db');
    expect(await resolveDbLocation(depsFor({ WABOX_CONFIG_DIR: dir }))).toBe('/srv/wabox/profile.db');
    expect(await resolveDbLocation(depsFor({ WABOX_CONFIG_DIR: dir, WABOX_DB: '/srv/env.db' }))).toBe(
      '/srv/env.db',
    );
    expect(await resolveDbLocation(depsFor({ WABOX_CONFIG_DIR: dir, WABOX_DB: 'rel/x.db' }))).toBe(
      resolve('rel/x.db'),
    );
    expect(
      await resolveDbLocation(depsFor({ WABOX_CONFIG_DIR: dir, WABOX_DB: 'postgres://u@db.local/wabox' })),
    ).toBe('postgres://u@db.local/wabox');
  });

  it('another profile gets its own default file', async () => {
    const dir = tempDir();
    configIn(dir).addProfile('shop2');
    expect(await resolveDbLocation(depsFor({ WABOX_CONFIG_DIR: dir }, 'shop2'))).toBe(
      join(dataDir(), 'wabox-shop2.db'),
    );
    expect(defaultDbPath('default')).toBe(join(dataDir(), 'wabox.db'));
  });

  it('a password in a postgres:// URL is registered with the masker', async () => {
    const deps = depsFor({
      WABOX_CONFIG_DIR: tempDir(),
      WABOX_DB: 'postgres://wabox:s3cr3t-pw@db.local/wabox',
    });
    await resolveDbLocation(deps);
    expect(deps.mask('postgres://wabox:s3cr3t-pw@db.local/wabox')).toBe(
      'postgres://wabox:***@db.local/wabox',
    );
  });
});
