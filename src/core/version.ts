// Defined once: wabox's own version (WABOX_VERSION, which the build defines from package.json;
// `0.0.0-dev` when running from source), and the Graph API wabox talks to by default (URL and version).
declare const WABOX_VERSION: string;

export const VERSION: string = typeof WABOX_VERSION === 'string' ? WABOX_VERSION : '0.0.0-dev';

/**
 * The Graph API version used unless configured (api-version, WABOX_API_VERSION): the version of Meta's
 * OpenAPI description the contract tests run against (../shared/meta-openapi/).
 */
export const DEFAULT_API_VERSION = 'v23.0';

/** The Graph API's base URL unless configured (graph-url, WABOX_GRAPH_URL). */
export const DEFAULT_GRAPH_URL = 'https://graph.facebook.com';
