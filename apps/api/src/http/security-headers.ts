// Helmet's security headers, computed once at start. @fastify/helmet rebuilt helmet's middleware
// (parsing the Content-Security-Policy again) on every request: a few per cent of the API's CPU
// in the registration rush. The headers are static (no per-request nonces), so a recorded copy
// is exactly what helmet would set.
import type { IncomingMessage, ServerResponse } from 'node:http';
import helmet, { type HelmetOptions } from 'helmet';

export type SecurityHeaders = ReadonlyArray<readonly [name: string, value: string]>;

/** The headers helmet sets with these options, in the order it sets them. */
export function computeSecurityHeaders(options: HelmetOptions): SecurityHeaders {
  const headers = new Map<string, string>();
  const recorder = {
    setHeader(name: string, value: string | number | readonly string[]) {
      headers.set(name.toLowerCase(), Array.isArray(value) ? value.join(', ') : String(value));
    },
    removeHeader(name: string) {
      headers.delete(name.toLowerCase());
    },
  };
  let failure: Error | undefined;
  helmet(options)(
    {} as IncomingMessage,
    recorder as unknown as ServerResponse,
    (error?: unknown) => {
      if (error) failure = error instanceof Error ? error : new Error('helmet refused its options');
    },
  );
  if (failure) throw failure;
  return [...headers];
}

/** Puts the headers on the raw response, so streamed answers (SSE) carry them too. */
export function applySecurityHeaders(response: ServerResponse, headers: SecurityHeaders): void {
  for (const [name, value] of headers) response.setHeader(name, value);
  response.removeHeader('x-powered-by');
}
