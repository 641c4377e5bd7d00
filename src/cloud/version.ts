// The User-Agent wabox sends. Meta's description constrains the header to
// `name/1.2.3[;extra][ name/1.2]`, so a pre-release (0.1.0-beta.1) travels after a semicolon.
import { VERSION } from '../core/version.js';

/** `wabox/0.1.0`, or `wabox/0.1.0;beta.1` for a pre-release. */
export function userAgent(version: string = VERSION): string {
  const m = /^(\d+\.\d+\.\d+)(?:-([0-9A-Za-z.-]+))?/.exec(version);
  if (!m) return 'wabox/0.0.0';
  return m[2] === undefined ? `wabox/${m[1]}` : `wabox/${m[1]};${m[2]}`;
}
