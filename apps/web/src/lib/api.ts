// The one way the web app talks to the API: cookies, CSRF, problem+json errors and a silent refresh.
import type { ProblemBody, ProblemItem } from '../../../api/src/http/errors.ts';

export type { ProblemItem };

const CSRF_COOKIE = 'csrf';
const CSRF_HEADER = 'X-CSRF-Token';
const REFRESH_PATH = '/api/v1/auth/refresh';
/** Calls where a 401 is an answer about credentials, not an expired session. */
const NO_REFRESH_PATHS = new Set([
  REFRESH_PATH,
  '/api/v1/auth/login',
  '/api/v1/auth/signup',
  '/api/v1/auth/logout',
]);

/** A failed API call, carrying the problem+json fields the UI shows. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly title: string;
  readonly detail: string;
  readonly errors: readonly ProblemItem[];
  readonly requestId: string | undefined;
  /** Seconds from Retry-After (429, 503). */
  readonly retryAfter: number | undefined;

  constructor(init: {
    status: number;
    code: string;
    title: string;
    detail: string;
    errors?: readonly ProblemItem[];
    requestId?: string | undefined;
    retryAfter?: number | undefined;
  }) {
    super(init.detail);
    this.name = 'ApiError';
    this.status = init.status;
    this.code = init.code;
    this.title = init.title;
    this.detail = init.detail;
    this.errors = init.errors ?? [];
    this.requestId = init.requestId;
    this.retryAfter = init.retryAfter;
  }

  /**
   * Field errors keyed by form field: `errors[].path` such as `body.email` or `body.address.city`
   * becomes `email` / `address.city`, the names the forms use.
   */
  fieldErrors(): Record<string, string> {
    const fields: Record<string, string> = {};
    for (const item of this.errors) {
      if (!item.path) continue;
      const field = item.path.replace(/^(body|query|params|querystring)\.?/, '');
      if (field && !(field in fields)) fields[field] = item.message;
    }
    return fields;
  }
}

export function isApiError(error: unknown): error is ApiError {
  return error instanceof ApiError;
}

const FALLBACK_DETAIL: Record<number, string> = {
  400: 'The request was not accepted.',
  401: 'Please sign in to continue.',
  403: 'You do not have access to this.',
  404: 'Not found.',
  409: 'This conflicts with the current state. Reload and try again.',
  429: 'Too many requests. Wait a moment and try again.',
  500: 'Something went wrong on our side.',
  502: 'The server is unreachable right now.',
  503: 'The service is busy. Try again in a few seconds.',
};

function isProblemItem(value: unknown): value is ProblemItem {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as ProblemItem).code === 'string' &&
    typeof (value as ProblemItem).message === 'string'
  );
}

function parseRetryAfter(header: string | null): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

/** Builds an ApiError from any failed response, problem+json or not (e.g. a proxy's HTML page). */
export async function toApiError(response: Response): Promise<ApiError> {
  let body: Partial<ProblemBody> | undefined;
  const type = response.headers.get('content-type') ?? '';
  if (type.includes('json')) {
    try {
      body = (await response.json()) as Partial<ProblemBody>;
    } catch {
      body = undefined;
    }
  }
  const status = response.status;
  return new ApiError({
    status,
    code: typeof body?.code === 'string' ? body.code : `http_${status}`,
    title: typeof body?.title === 'string' ? body.title : response.statusText || 'Error',
    detail:
      typeof body?.detail === 'string' && body.detail
        ? body.detail
        : (FALLBACK_DETAIL[status] ?? `The request failed (HTTP ${status}).`),
    errors: Array.isArray(body?.errors) ? body.errors.filter(isProblemItem) : [],
    requestId:
      typeof body?.requestId === 'string'
        ? body.requestId
        : (response.headers.get('x-request-id') ?? undefined),
    retryAfter: parseRetryAfter(response.headers.get('retry-after')),
  });
}

export function readCookie(name: string): string | undefined {
  if (typeof document === 'undefined') return undefined;
  for (const part of document.cookie.split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return decodeURIComponent(rest.join('='));
  }
  return undefined;
}

export type QueryValue = string | number | boolean | null | undefined;

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Sent as JSON. */
  body?: unknown;
  /** Undefined, null and '' values are left out. */
  query?: Record<string, QueryValue>;
  headers?: Record<string, string>;
  signal?: AbortSignal | undefined;
}

export function buildUrl(path: string, query?: Record<string, QueryValue>): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue;
    params.set(key, String(value));
  }
  const search = params.toString();
  return search ? `${path}?${search}` : path;
}

async function send(path: string, options: RequestOptions): Promise<Response> {
  const method = options.method ?? 'GET';
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  let body: string | undefined;
  if (options.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  if (method !== 'GET') {
    const csrf = readCookie(CSRF_COOKIE);
    if (csrf) headers[CSRF_HEADER] = csrf;
  }
  try {
    return await fetch(buildUrl(path, options.query), {
      method,
      headers,
      body,
      credentials: 'include',
      signal: options.signal ?? null,
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError({
      status: 0,
      code: 'network_error',
      title: 'Network error',
      detail: 'Cannot reach the server. Check your connection and try again.',
    });
  }
}

// Concurrent 401s share one refresh: a refresh token is single-use, a second call would revoke it.
let refreshInFlight: Promise<boolean> | undefined;

function refreshSession(): Promise<boolean> {
  refreshInFlight ??= send(REFRESH_PATH, { method: 'POST', body: {} })
    .then((response) => response.ok)
    .catch(() => false)
    .finally(() => {
      refreshInFlight = undefined;
    });
  return refreshInFlight;
}

/** Calls the API and returns the successful response; a 401 refreshes the session once. */
async function apiResponse(path: string, options: RequestOptions): Promise<Response> {
  let response = await send(path, options);
  // Without the csrf cookie there was no session to refresh (it comes and goes with the session).
  if (response.status === 401 && !NO_REFRESH_PATHS.has(path) && readCookie(CSRF_COOKIE)) {
    if (await refreshSession()) response = await send(path, options);
  }
  if (!response.ok) throw await toApiError(response);
  return response;
}

/** The file name a Content-Disposition header gives, if any. */
export function dispositionFileName(header: string | null): string | undefined {
  const match = header ? /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(header) : null;
  return match?.[1] ? decodeURIComponent(match[1]) : undefined;
}

/** A file fetched through the API, with the name the server gave it. */
export interface ApiFile {
  blob: Blob;
  fileName: string;
}

/**
 * Fetches a file through the API (so an expired access token is refreshed first, which a plain
 * link cannot do) and returns it with the name the server gave it.
 */
export async function apiFile(
  path: string,
  options: RequestOptions & { accept: string; fallbackName: string },
): Promise<ApiFile> {
  const { accept, fallbackName, ...rest } = options;
  const response = await apiResponse(path, { ...rest, headers: { ...rest.headers, accept } });
  return {
    blob: await response.blob(),
    fileName: dispositionFileName(response.headers.get('content-disposition')) ?? fallbackName,
  };
}

/** Saves a file fetched with apiFile through the browser's download. */
export function saveFile(file: ApiFile): void {
  const url = URL.createObjectURL(file.blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = file.fileName;
  document.body.append(link);
  link.click();
  link.remove();
  // Revoked a moment later: some browsers read the URL after click() returns.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * Calls the API and returns the parsed JSON body (undefined for 204). Throws ApiError on any
 * failure. A 401 on a signed-in call triggers one refresh of the session and one retry.
 */
export async function apiRequest<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const response = await apiResponse(path, options);
  if (response.status === 204) return undefined as T;
  const type = response.headers.get('content-type') ?? '';
  if (!type.includes('json')) return (await response.text()) as T;
  return (await response.json()) as T;
}

/** A short human sentence for any error, for notifications and alerts. */
export function describeError(error: unknown): string {
  if (isApiError(error)) return error.detail;
  if (error instanceof Error && error.message) return error.message;
  return 'Something went wrong.';
}
