// The package version: the one place that reads WABOX_VERSION, which the build defines
// (scripts/build.mjs, from package.json). Running from source (tests, tsx) it is `0.0.0-dev`.
declare const WABOX_VERSION: string;

export const VERSION: string = typeof WABOX_VERSION === 'string' ? WABOX_VERSION : '0.0.0-dev';
