// Builds the Cloud API client for a CLI run: settings from flag > env > profile, the token registered
// with the output masker, --debug request logs and retry notes on stderr.
import type { CloudClient, CloudClientOptions } from '../cloud/client.js';
import type { CloudSettings, SettingsContext } from '../config/settings.js';
import type { IO } from './io.js';
import type { Masker } from './mask.js';

/** The part of Deps a client is built from. */
export interface CloudContext extends SettingsContext {
  io: Pick<IO, 'stderr' | 'isStderrTTY'>;
  mask: Masker;
  globals: { debug: boolean };
}

export async function openCloudClient(
  deps: CloudContext,
  extra: Partial<CloudClientOptions> = {},
): Promise<CloudClient> {
  const [{ resolveCloudSettings }, { CloudClient }] = await Promise.all([
    import('../config/settings.js'),
    import('../cloud/client.js'),
  ]);
  return createCloudClient(deps, await resolveCloudSettings(deps), extra, CloudClient);
}

/**
 * A client for settings given outright, not resolved from flag/env/profile: `wabox setup` checks a
 * token before it saves it. The caller closes it.
 */
export async function openCloudClientFor(
  deps: CloudContext,
  settings: CloudSettings,
  extra: Partial<CloudClientOptions> = {},
): Promise<CloudClient> {
  const { CloudClient } = await import('../cloud/client.js');
  return createCloudClient(deps, settings, extra, CloudClient);
}

function createCloudClient(
  deps: CloudContext,
  settings: CloudSettings,
  extra: Partial<CloudClientOptions>,
  Client: typeof CloudClient,
): CloudClient {
  deps.mask.add(settings.token);
  const { io } = deps;
  const debug = deps.globals.debug
    ? (line: string) => io.stderr.write(`${deps.mask(`debug: ${line}`)}\n`)
    : undefined;
  return new Client({
    ...settings,
    debug,
    onRetry: ({ delayMs, error }) => {
      if (!io.isStderrTTY || debug) return;
      const why = error.graphCode === null ? error.category : `${error.category}, code ${error.graphCode}`;
      io.stderr.write(`${deps.mask(`${why}: retrying in ${Math.max(1, Math.round(delayMs / 1000))} s…`)}\n`);
    },
    ...extra,
    timeouts: { ...settings.timeouts, ...extra.timeouts },
  });
}
