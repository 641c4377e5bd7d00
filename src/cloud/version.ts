// The User-Agent wabox sends. Meta's description constrains the header to
// `name/1.2.3[;extra][ name/1.2]`, so a pre-release (0.1.0-beta.1) travels after a semicolon.
declare const WABOX_VERSION: string;

/** The package version, set by the build (`0.0.0-dev` when running from source). */
export const VERSION: string = typeof WABOX_VERSION === 'string' ? WABOX_VERSION : '0.0.0-dev';

/** `wabox/0.1.0`, or `wabox/0.1.0;beta.1` for a pre-release. */
export function userAgent(version: string = VERSION): string {
  const m = /^(\d+\.\d+\.\d+)(?:-([0-9A-Za-z.-]+))?/.exec(version);
  if (!m) return 'wabox/0.0.0';
  return m[2] === undefined ? `wabox/${m[1]}` : `wabox/${m[1]};${m[2]}`;
}
