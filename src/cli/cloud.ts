// Builds the Cloud API client for a CLI run: settings from flag > env > profile, the token registered
// with the output masker, --debug request logs and retry notes on stderr.
import type { CloudClient, CloudClientOptions } from '../cloud/client.js';
import type { Deps } from './deps.js';

export async function openCloudClient(
  deps: Deps,
  extra: Partial<CloudClientOptions> = {},
): Promise<CloudClient> {
  const [{ resolveCloudSettings }, { CloudClient }] = await Promise.all([
    import('../config/settings.js'),
    import('../cloud/client.js'),
  ]);
  const settings = await resolveCloudSettings(deps);
  deps.mask.add(settings.token);
  const { io } = deps;
  const debug = deps.globals.debug
    ? (line: string) => io.stderr.write(`${deps.mask(`debug: ${line}`)}\n`)
    : undefined;
  return new CloudClient({
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
