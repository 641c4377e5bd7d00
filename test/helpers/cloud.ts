// Running Cloud API commands in-process against a local server, with a fake clock and sleep so that
// retries and backoff never make a test wait.
import { join } from 'node:path';
import type { CloudClientOptions } from '../../src/cloud/client.js';
import { type RunOptions, type RunResult, run, tempDir } from './cli.js';

/** A token nobody would write by accident: tests look for it in every output. */
export const TOKEN = 'EAAtestSECRETtoken123456789';
export const PHONE_ID = '123456';
export const WABA_ID = '111222';

export interface FakeTime {
  /** Every wait the client asked for, in ms. */
  waits: number[];
  options: Partial<CloudClientOptions>;
}

/** A clock that only moves when the client sleeps, and a sleep that returns at once. */
export function fakeTime(extra: Partial<CloudClientOptions> = {}): FakeTime {
  let now = 1_750_000_000_000;
  const waits: number[] = [];
  return {
    waits,
    options: {
      now: () => now,
      sleep: async (ms) => {
        waits.push(ms);
        now += ms;
      },
      random: () => 0.5,
      ...extra,
    },
  };
}

export interface CloudRun extends RunResult {
  waits: number[];
}

/** Runs wabox with the Cloud API settings in the environment, pointed at `baseUrl`. */
export async function runCloud(
  baseUrl: string,
  argv: string[],
  options: RunOptions & { cloud?: Partial<CloudClientOptions>; db?: string } = {},
): Promise<CloudRun> {
  const time = fakeTime(options.cloud);
  const dir = tempDir('wabox-cloud-');
  const result = await run(argv, {
    ...options,
    env: {
      WABOX_GRAPH_URL: baseUrl,
      WABOX_TOKEN: TOKEN,
      WABOX_PHONE_NUMBER_ID: PHONE_ID,
      WABOX_WABA_ID: WABA_ID,
      WABOX_DB: options.db ?? join(dir, 'wabox.db'),
      WABOX_CONFIG_DIR: join(dir, 'config'),
      ...options.env,
    },
    overrides: { ...options.overrides, cloudOptions: time.options },
  });
  return { ...result, waits: time.waits };
}
