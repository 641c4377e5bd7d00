// Arguments the Cloud API commands share: a media argument (file, URL or media id), a JSON file or
// stdin, and the recording of sends in the store.
import { randomUUID } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import type { Deps } from '../../cli/deps.js';
import { warn } from '../../cli/output.js';
import { readStdinText } from '../../cli/stdin.js';
import type { CloudClient, SendResult } from '../../cloud/client.js';
import type { GraphError } from '../../cloud/errors.js';
import type { MediaFile, MediaKind } from '../../cloud/media.js';
import type { OutgoingMessage } from '../../cloud/messages.js';
import { invalidInput, WaboxError } from '../../core/errors.js';
import type { MessageError, OutboundRecord } from '../../store/store.js';

/** Where a media argument points: an http(s) link, a local file (uploaded first), or a media id. */
export type MediaArg = { link: string } | { file: MediaFile } | { id: string };

/**
 * `--image photo.jpg`, `--image https://…/photo.jpg` or `--image 1234567890` (an uploaded media id).
 * A local file is checked (type and size) here, before anything is sent.
 */
export async function parseMediaArg(value: string, kind: MediaKind, flag: string): Promise<MediaArg> {
  if (/^https?:\/\//i.test(value)) return { link: value };
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value))
    throw invalidInput(`${flag} ${value}: only http(s) links, local files or media ids`, {
      code: 'media.bad_link',
    });
  const exists = await stat(value).then(
    () => true,
    () => false,
  );
  if (!exists && /^\d{1,30}$/.test(value)) return { id: value };
  // loaded on use: cloud/media loads mime-types and its database
  const { inspectMediaFile } = await import('../../cloud/media.js');
  return { file: await inspectMediaFile(value, kind) };
}

/** Reads JSON from a file, or from stdin for `-`; errors name the flag and the file. */
export async function readJsonArg(deps: Deps, value: string, flag: string): Promise<unknown> {
  let text: string;
  if (value === '-') text = await readStdinText(deps.io, `${flag} JSON`);
  else {
    try {
      text = await readFile(value, 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw invalidInput(`${flag} ${value}: ${code === 'ENOENT' ? 'no such file' : (err as Error).message}`, {
        code: 'usage.bad_file',
      });
    }
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw invalidInput(
      `${flag} ${value === '-' ? 'stdin' : value} is not valid JSON: ${(err as Error).message}`,
      {
        code: 'usage.bad_json',
      },
    );
  }
}

/** A local id for a send the API refused: the store needs a unique id and there is no wamid. */
export function localMessageId(): string {
  return `local.${randomUUID()}`;
}

/** The error part of a failed send's record. */
export function messageErrorOf(err: unknown, mask: (text: string) => string): MessageError {
  const graph = err as Partial<GraphError>;
  return {
    code: typeof graph.graphCode === 'number' ? graph.graphCode : null,
    title: mask(err instanceof Error ? err.message : String(err)),
    details: typeof graph.graphDetails === 'string' ? mask(graph.graphDetails) : null,
  };
}

/**
 * Records a send (or a failed one) in the store. A send that went out is never turned into a failure
 * because the store could not record it: the problem becomes a warning on stderr.
 */
export async function recordSend(deps: Deps, record: OutboundRecord): Promise<string | undefined> {
  try {
    const store = await deps.store();
    if (await store.recordOutbound(record)) return undefined;
    // the Cloud API gives every message a new wamid; a mock may answer every send with the same one
    return `the message was sent, but the store already holds a message with its wamid ${record.id}, so it is not recorded again (a mock server that answers every send with the same wamid? Prism: \`prism mock -d\`)`;
  } catch (err) {
    const why = err instanceof WaboxError || err instanceof Error ? err.message : String(err);
    return `the message was ${record.status === 'accepted' ? 'sent' : 'not sent'} but the store could not record it: ${why}`;
  }
}

/**
 * Sends a message and records it, sent or refused (the refusal is rethrown). `prepare` (an upload)
 * runs inside: when it fails, the draft is recorded as failed.
 */
export async function sendRecorded(
  deps: Deps,
  client: CloudClient,
  base: Omit<OutboundRecord, 'id' | 'timestamp' | 'status' | 'payload' | 'error'>,
  draft: OutgoingMessage,
  prepare?: () => Promise<OutgoingMessage>,
): Promise<SendResult> {
  let payload = draft;
  const record = async (r: Pick<OutboundRecord, 'id' | 'status' | 'error'>) => {
    const problem = await recordSend(deps, { ...base, ...r, timestamp: deps.clock(), payload });
    if (problem) warn(deps.io, problem);
  };
  try {
    if (prepare) payload = await prepare();
    const sent = await client.sendMessage(payload);
    await record({ id: sent.id, status: 'accepted' });
    return sent;
  } catch (err) {
    await record({ id: localMessageId(), status: 'failed', error: messageErrorOf(err, deps.mask) });
    throw err;
  }
}
