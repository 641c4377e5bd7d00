export declare const ROOT: string;
export declare const SPEC: { repo: string; commit: string; file: string; sha256: string };
export declare const SPEC_URL: string;
export declare function cachePath(root?: string): string;
export declare function resolveOpenApi(
  env?: Record<string, string | undefined>,
  root?: string,
): { path: string; reason?: undefined } | { path?: undefined; reason: string };
export declare function sha256(data: string | Buffer): string;
export declare function fetchSpec(options?: {
  url?: string;
  expected?: string;
  dest?: string;
  timeoutMs?: number;
}): Promise<'cached' | 'downloaded'>;
