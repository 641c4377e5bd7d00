// Media WhatsApp accepts: kinds, MIME types and sizes (../shared/reference/cloud-api.md §5, Meta's
// "Supported media types" table as mirrored by AWS and VTEX). Checked locally before any upload, so a
// bad file fails in a second with a message naming the limit instead of after a 100 MB upload.
// Sizes are read in decimal units (5 MB = 5,000,000 bytes), the stricter reading of Meta's table.
import { open, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import mime from 'mime-types';
import { invalidInput } from '../core/errors.js';

export const MEDIA_KINDS = ['image', 'video', 'audio', 'document', 'sticker'] as const;
export type MediaKind = (typeof MEDIA_KINDS)[number];

const MB = 1_000_000;
const KB = 1_000;

export interface MediaRule {
  mimeTypes: readonly string[];
  extensions: readonly string[];
  maxBytes: number;
  /** Stickers: the limit for an animated WebP. */
  maxAnimatedBytes?: number;
}

export const MEDIA_RULES: Readonly<Record<MediaKind, MediaRule>> = {
  audio: {
    mimeTypes: ['audio/aac', 'audio/amr', 'audio/mpeg', 'audio/mp4', 'audio/ogg'],
    extensions: ['.aac', '.amr', '.mp3', '.m4a', '.ogg', '.opus'],
    maxBytes: 16 * MB,
  },
  document: {
    mimeTypes: [
      'text/plain',
      'application/vnd.ms-excel',
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      'application/msword',
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      'application/vnd.ms-powerpoint',
      'application/vnd.openxmlformats-officedocument.presentationml.presentation',
      'application/pdf',
    ],
    extensions: ['.txt', '.xls', '.xlsx', '.doc', '.docx', '.ppt', '.pptx', '.pdf'],
    maxBytes: 100 * MB,
  },
  image: { mimeTypes: ['image/jpeg', 'image/png'], extensions: ['.jpg', '.jpeg', '.png'], maxBytes: 5 * MB },
  sticker: {
    mimeTypes: ['image/webp'],
    extensions: ['.webp'],
    maxBytes: 100 * KB,
    maxAnimatedBytes: 500 * KB,
  },
  // Meta's table says video/3gp; the registered type (and what mime-types gives for .3gp) is video/3gpp
  video: {
    mimeTypes: ['video/3gpp', 'video/3gp', 'video/mp4'],
    extensions: ['.3gp', '.mp4'],
    maxBytes: 16 * MB,
  },
};

/** The kind a MIME type belongs to (WebP is a sticker: images are JPEG or PNG only). */
export function mediaKindOf(mimeType: string): MediaKind | undefined {
  const type = mimeType.toLowerCase();
  return MEDIA_KINDS.find((k) => MEDIA_RULES[k].mimeTypes.includes(type));
}

/** "5 MB", "100 KB", "1.2 MB": sizes as the limits are written. */
export function formatBytes(bytes: number): string {
  if (bytes >= MB) return `${trim(bytes / MB)} MB`;
  if (bytes >= KB) return `${trim(bytes / KB)} KB`;
  return `${bytes} bytes`;
}

function trim(n: number): string {
  return n.toFixed(n >= 10 ? 0 : 1).replace(/\.0$/, '');
}

export interface MediaFacts {
  /** What to call it in messages (a file name). */
  name: string;
  mimeType: string;
  size: number;
  animated?: boolean;
}

/** Refuses a MIME type or size WhatsApp does not accept for `kind`, naming the limit. */
export function checkMedia(kind: MediaKind, facts: MediaFacts): void {
  const rule = MEDIA_RULES[kind];
  if (!rule.mimeTypes.includes(facts.mimeType.toLowerCase())) {
    const hint =
      facts.mimeType === 'image/webp'
        ? 'WebP images are sent as stickers: use --sticker'
        : `${kind} files can be ${rule.extensions.join(' ')} (${rule.mimeTypes.join(', ')})`;
    throw invalidInput(
      `${facts.name} is ${facts.mimeType}, which WhatsApp does not accept as ${article(kind)}`,
      {
        code: 'media.unsupported_type',
        hint,
      },
    );
  }
  const max = kind === 'sticker' && facts.animated ? rule.maxAnimatedBytes! : rule.maxBytes;
  if (facts.size > max) {
    const what = kind === 'sticker' ? `${facts.animated ? 'animated' : 'static'} stickers` : `${kind}s`;
    throw invalidInput(
      `${facts.name} is ${formatBytes(facts.size)} (${facts.size.toLocaleString('en-US')} bytes); WhatsApp's limit for ${what} is ${formatBytes(max)}`,
      { code: 'media.too_large' },
    );
  }
  if (facts.size === 0) throw invalidInput(`${facts.name} is empty`, { code: 'media.empty' });
}

function article(kind: MediaKind): string {
  return /^[aeiou]/.test(kind) ? `an ${kind}` : `a ${kind}`;
}

export interface MediaFile extends MediaFacts {
  path: string;
  kind: MediaKind;
}

/**
 * Reads what a local file is: the MIME type from its extension (mime-types), checked against its
 * first bytes for JPEG, PNG and WebP (a renamed file is caught here), the size, and for WebP whether it
 * is animated. With `kind` the file must suit it; without, the kind follows from the type.
 */
export async function inspectMediaFile(path: string, kind?: MediaKind): Promise<MediaFile> {
  const name = basename(path);
  let size: number;
  try {
    const s = await stat(path);
    if (!s.isFile()) throw invalidInput(`${path} is not a file`, { code: 'media.not_a_file' });
    size = s.size;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT')
      throw invalidInput(`no such file: ${path}`, { code: 'media.no_such_file' });
    throw err;
  }
  const byExtension = mime.lookup(path);
  const head = await readHead(path, 32);
  const sniffed = sniff(head);
  let mimeType = byExtension === false ? (sniffed ?? 'application/octet-stream') : byExtension;
  if (sniffed !== undefined && sniffed !== mimeType && SNIFFABLE.has(mimeType))
    throw invalidInput(`${name} is named like ${mimeType} but its content is ${sniffed}`, {
      code: 'media.type_mismatch',
      hint: 'rename the file with the right extension',
    });
  if (byExtension === false && sniffed === undefined)
    throw invalidInput(`cannot tell the type of ${name} from its extension`, {
      code: 'media.unknown_type',
      hint: 'supported: .jpg .png (image), .mp4 .3gp (video), .aac .amr .mp3 .m4a .ogg (audio), .pdf .txt .doc(x) .xls(x) .ppt(x) (document), .webp (sticker)',
    });
  mimeType = mimeType.toLowerCase();
  const resolvedKind = kind ?? mediaKindOf(mimeType);
  if (resolvedKind === undefined)
    throw invalidInput(`${name} is ${mimeType}, which WhatsApp does not accept as media`, {
      code: 'media.unsupported_type',
      hint: 'supported: JPEG/PNG images, MP4/3GP video, AAC/AMR/MP3/M4A/OGG audio, PDF/TXT/Office documents, WebP stickers',
    });
  const animated = mimeType === 'image/webp' ? isAnimatedWebp(head) : undefined;
  const facts: MediaFacts = { name, mimeType, size, ...(animated === undefined ? {} : { animated }) };
  checkMedia(resolvedKind, facts);
  return { ...facts, path, kind: resolvedKind };
}

const SNIFFABLE = new Set(['image/jpeg', 'image/png', 'image/webp']);

async function readHead(path: string, bytes: number): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const buf = Buffer.alloc(bytes);
    const { bytesRead } = await handle.read(buf, 0, bytes, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** JPEG, PNG or WebP from the magic bytes; undefined for anything else. */
export function sniff(head: Uint8Array): string | undefined {
  const b = Buffer.from(head);
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'image/jpeg';
  if (b.length >= 8 && b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])))
    return 'image/png';
  if (b.length >= 12 && b.toString('latin1', 0, 4) === 'RIFF' && b.toString('latin1', 8, 12) === 'WEBP')
    return 'image/webp';
  return undefined;
}

/** A WebP with a VP8X header whose animation flag (bit 1 of byte 20) is set. */
export function isAnimatedWebp(head: Uint8Array): boolean {
  const b = Buffer.from(head);
  return b.length >= 21 && b.toString('latin1', 12, 16) === 'VP8X' && ((b[20] ?? 0) & 0x02) !== 0;
}

/** A file name extension for a downloaded MIME type (`.jpg` for image/jpeg), or `.bin`. */
export function extensionFor(mimeType: string): string {
  const ext = mime.extension(mimeType.split(';')[0]!.trim());
  if (ext === false) return '.bin';
  return ext === 'jpeg' ? '.jpg' : `.${ext}`;
}
