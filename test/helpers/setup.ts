// Every test runs with a throw-away config dir and no secrets from the developer's shell.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

process.env.WABOX_CONFIG_DIR = mkdtempSync(join(tmpdir(), 'wabox-test-config-'));
for (const name of [
  'WABOX_TOKEN',
  'WABOX_APP_SECRET',
  'WABOX_VERIFY_TOKEN',
  'WABOX_PROFILE',
  'WABOX_DB',
  'NO_COLOR',
  'FORCE_COLOR',
]) {
  delete process.env[name];
}
