// A recording stand-in for window.fetch in component tests: each call is answered by a route table.
import { vi } from 'vitest';

export interface RecordedRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: unknown;
  credentials: RequestCredentials | undefined;
}

type Responder = (request: RecordedRequest) => Response | Promise<Response>;

export function problem(
  status: number,
  code: string,
  detail: string,
  extra: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Response {
  return new Response(
    JSON.stringify({
      type: `https://openregistrar.dev/problems/${code}`,
      title: 'Error',
      status,
      detail,
      code,
      requestId: 'req-123',
      ...extra,
    }),
    { status, headers: { 'content-type': 'application/problem+json; charset=utf-8', ...headers } },
  );
}

export function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8' },
  });
}

/** Installs the double; `routes` maps "METHOD /path" to a responder (or a queue of them). */
export function installFetch(routes: Record<string, Responder | Responder[]>) {
  const requests: RecordedRequest[] = [];
  const fetchMock = vi.fn(async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const method = (init.method ?? 'GET').toUpperCase();
    const headers = Object.fromEntries(
      Object.entries((init.headers ?? {}) as Record<string, string>).map(([k, v]) => [
        k.toLowerCase(),
        v,
      ]),
    );
    const body: unknown = typeof init.body === 'string' ? JSON.parse(init.body) : undefined;
    const request: RecordedRequest = { method, url, headers, body, credentials: init.credentials };
    requests.push(request);
    const key = `${method} ${url.split('?')[0]}`;
    const entry = routes[key];
    const responder = Array.isArray(entry) ? entry.shift() : entry;
    if (!responder) throw new Error(`No response prepared for ${key}`);
    return responder(request);
  });
  vi.stubGlobal('fetch', fetchMock);
  return { requests, fetchMock };
}
