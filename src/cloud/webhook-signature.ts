// X-Hub-Signature-256: HMAC-SHA256 of the raw request body, keyed with the app secret
// (../shared/reference/cloud-api.md §4.2). Hash the bytes as received: Meta signs its escaped-unicode
// serialisation, so parsing and re-serialising the JSON would change them.
import { createHmac, timingSafeEqual } from 'node:crypto';

export function signPayload(rawBody: Uint8Array, appSecret: string): string {
  return `sha256=${createHmac('sha256', appSecret).update(rawBody).digest('hex')}`;
}

/** Constant-time check of a `sha256=<hex>` header against the body; false when missing or malformed. */
export function verifySignature(rawBody: Uint8Array, header: string | undefined, appSecret: string): boolean {
  if (header === undefined) return false;
  const match = /^sha256=([0-9a-f]{64})$/i.exec(header.trim());
  if (!match) return false;
  const expected = createHmac('sha256', appSecret).update(rawBody).digest();
  return timingSafeEqual(expected, Buffer.from(match[1]!, 'hex'));
}
