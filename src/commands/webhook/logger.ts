// Structured JSON logs for the webhook receiver: pino on stderr, one object per line. Secrets never reach
// the output: fields that could hold them are redacted, and every line goes through the output masker
// (the token, app secret and verify token are registered with it when they are resolved).
import type { Deps } from '../../cli/deps.js';
import { jsonSafe } from '../../core/text.js';
import type { WebhookLogger } from '../../server/webhook-server.js';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface ReceiverLogger extends WebhookLogger {
  debug(obj: object, msg?: string): void;
  /** Writes out what is buffered (at shutdown). */
  flush(): Promise<void>;
}

const REDACT = [
  'token',
  'appSecret',
  'verifyToken',
  'secret',
  'authorization',
  '*.token',
  '*.appSecret',
  '*.verifyToken',
  '*.authorization',
  'headers["x-hub-signature-256"]',
];

export async function createReceiverLogger(deps: Deps, level: LogLevel): Promise<ReceiverLogger> {
  const { pino } = await import('pino');
  const toProcessStderr = deps.io.stderr.stream === process.stderr;
  // a real stderr gets an asynchronous writer (lines logged while a write is pending go out together,
  // instead of a blocking pipe write per line); a test IO gets every line as it is written
  const destination = toProcessStderr
    ? pino.destination({ fd: 2, sync: false })
    : { write: (line: string) => void deps.io.stderr.write(line) };
  const logger = pino(
    {
      level,
      base: { pid: process.pid },
      redact: { paths: REDACT, censor: '***' },
      // JSON escapes C0 controls but not C1 or bidi controls a customer may send: logs are read on terminals
      hooks: { streamWrite: (line: string) => deps.mask(jsonSafe(line)) },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label: string) => ({ level: label }) },
    },
    destination,
  );
  return {
    info: (obj, msg) => logger.info(obj, msg),
    warn: (obj, msg) => logger.warn(obj, msg),
    error: (obj, msg) => logger.error(obj, msg),
    debug: (obj, msg) => logger.debug(obj, msg),
    isLevelEnabled: (l) => logger.isLevelEnabled(l),
    flush: () =>
      new Promise<void>((resolve) => {
        if (!toProcessStderr) return resolve();
        logger.flush(() => resolve());
      }),
  };
}
