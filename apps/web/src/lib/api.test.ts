import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { installFetch, json, problem } from '../test/fetch-double.ts';
import { ApiError, apiFile, apiRequest, buildUrl, dispositionFileName } from './api.ts';

afterEach(() => {
  vi.unstubAllGlobals();
});

async function catchError(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

describe('apiRequest error parsing', () => {
  it('turns a problem+json body into an ApiError with field errors keyed by form field', async () => {
    installFetch({
      'POST /api/v1/auth/signup': () =>
        problem(400, 'validation_failed', 'Some fields are missing or invalid.', {
          errors: [
            { code: 'invalid', message: 'must match format "email"', path: 'body.email' },
            { code: 'weak_password', message: 'is too common', path: 'body.password' },
            { code: 'other', message: 'something without a field' },
          ],
        }),
    });
    const error = await catchError(
      apiRequest('/api/v1/auth/signup', { method: 'POST', body: { email: 'x' } }),
    );
    expect(error.status).toBe(400);
    expect(error.code).toBe('validation_failed');
    expect(error.detail).toBe('Some fields are missing or invalid.');
    expect(error.requestId).toBe('req-123');
    expect(error.errors).toHaveLength(3);
    expect(error.fieldErrors()).toEqual({
      email: 'must match format "email"',
      password: 'is too common',
    });
  });

  it('keeps nested paths and ignores malformed error items', async () => {
    installFetch({
      'PATCH /api/v1/me': () =>
        problem(400, 'validation_failed', 'Bad.', {
          errors: [
            { code: 'invalid', message: 'too long', path: 'body.address.city' },
            { nonsense: true },
            'text',
          ],
        }),
    });
    const error = await catchError(apiRequest('/api/v1/me', { method: 'PATCH', body: {} }));
    expect(error.errors).toHaveLength(1);
    expect(error.fieldErrors()).toEqual({ 'address.city': 'too long' });
  });

  it('describes a non-JSON failure (a proxy error page) with a readable sentence', async () => {
    installFetch({
      'GET /api/v1/me': () =>
        new Response('<html>Bad gateway</html>', {
          status: 502,
          statusText: 'Bad Gateway',
          headers: { 'content-type': 'text/html', 'x-request-id': 'proxy-9' },
        }),
    });
    const error = await catchError(apiRequest('/api/v1/me'));
    expect(error.status).toBe(502);
    expect(error.code).toBe('http_502');
    expect(error.detail).toBe('The server is unreachable right now.');
    expect(error.requestId).toBe('proxy-9');
    expect(error.errors).toEqual([]);
  });

  it('reads Retry-After on 429', async () => {
    installFetch({
      'POST /api/v1/auth/login': () =>
        problem(429, 'rate_limited', 'Too many attempts.', {}, { 'retry-after': '7' }),
    });
    const error = await catchError(
      apiRequest('/api/v1/auth/login', { method: 'POST', body: { login: 'a', password: 'b' } }),
    );
    expect(error.code).toBe('rate_limited');
    expect(error.retryAfter).toBe(7);
  });

  it('reports an unreachable server as a network_error', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(() => Promise.reject(new TypeError('Failed to fetch'))),
    );
    const error = await catchError(apiRequest('/api/v1/me'));
    expect(error.status).toBe(0);
    expect(error.code).toBe('network_error');
  });
});

describe('apiRequest requests', () => {
  it('sends cookies always and the CSRF token from the csrf cookie on mutations only', async () => {
    document.cookie = 'csrf=token-abc; path=/';
    const { requests } = installFetch({
      'GET /api/v1/me': () => json(200, { id: '1' }),
      'PATCH /api/v1/me': () => json(200, { id: '1' }),
    });
    await apiRequest('/api/v1/me');
    await apiRequest('/api/v1/me', { method: 'PATCH', body: { name: 'Ada' } });
    expect(requests[0]?.credentials).toBe('include');
    expect(requests[0]?.headers['x-csrf-token']).toBeUndefined();
    expect(requests[1]?.credentials).toBe('include');
    expect(requests[1]?.headers['x-csrf-token']).toBe('token-abc');
    expect(requests[1]?.headers['content-type']).toBe('application/json');
    expect(requests[1]?.body).toEqual({ name: 'Ada' });
  });

  it('returns undefined for 204 No Content', async () => {
    installFetch({ 'POST /api/v1/auth/logout': () => new Response(null, { status: 204 }) });
    await expect(apiRequest('/api/v1/auth/logout', { method: 'POST' })).resolves.toBeUndefined();
  });

  it('leaves empty query values out of the URL', () => {
    expect(buildUrl('/api/v1/users', { q: '', role: null, cursor: undefined, limit: 20 })).toBe(
      '/api/v1/users?limit=20',
    );
    expect(buildUrl('/api/v1/users', { q: 'ada lovelace' })).toBe('/api/v1/users?q=ada+lovelace');
  });
});

describe('apiRequest session refresh', () => {
  beforeEach(() => {
    document.cookie = 'csrf=session-csrf; path=/';
  });

  it('refreshes once on 401 and retries the call', async () => {
    const { requests } = installFetch({
      'GET /api/v1/me': [
        () => problem(401, 'unauthenticated', 'Sign in.'),
        () => json(200, { id: 'u1', name: 'Ada' }),
      ],
      'POST /api/v1/auth/refresh': () => json(200, { accessToken: 'a', refreshToken: 'r' }),
    });
    await expect(apiRequest('/api/v1/me')).resolves.toEqual({ id: 'u1', name: 'Ada' });
    expect(requests.map((r) => `${r.method} ${r.url}`)).toEqual([
      'GET /api/v1/me',
      'POST /api/v1/auth/refresh',
      'GET /api/v1/me',
    ]);
  });

  it('shares one refresh between concurrent calls (a refresh token works only once)', async () => {
    const { requests } = installFetch({
      'GET /api/v1/me': [
        () => problem(401, 'unauthenticated', 'Sign in.'),
        () => json(200, { id: 'u1' }),
      ],
      'GET /api/v1/users': [
        () => problem(401, 'unauthenticated', 'Sign in.'),
        () => json(200, { items: [], nextCursor: null }),
      ],
      'POST /api/v1/auth/refresh': () => json(200, {}),
    });
    await Promise.all([apiRequest('/api/v1/me'), apiRequest('/api/v1/users')]);
    expect(requests.filter((r) => r.url === '/api/v1/auth/refresh')).toHaveLength(1);
  });

  it('gives up with the original 401 when the refresh fails', async () => {
    const { requests } = installFetch({
      'GET /api/v1/me': () => problem(401, 'unauthenticated', 'Sign in to continue.'),
      'POST /api/v1/auth/refresh': () => problem(401, 'invalid_refresh_token', 'Expired.'),
    });
    const error = await catchError(apiRequest('/api/v1/me'));
    expect(error.code).toBe('unauthenticated');
    expect(requests).toHaveLength(2);
  });

  it('does not try a refresh for a visitor who never had a session', async () => {
    document.cookie = 'csrf=; expires=Thu, 01 Jan 1970 00:00:00 GMT; path=/';
    const { requests } = installFetch({
      'GET /api/v1/me': () => problem(401, 'unauthenticated', 'Sign in to continue.'),
    });
    const error = await catchError(apiRequest('/api/v1/me'));
    expect(error.status).toBe(401);
    expect(requests).toHaveLength(1);
  });

  it('sends the CSRF token with the refresh, which uses the refresh cookie', async () => {
    const { requests } = installFetch({
      'GET /api/v1/me': [
        () => problem(401, 'unauthenticated', 'Sign in.'),
        () => json(200, { id: 'u1' }),
      ],
      'POST /api/v1/auth/refresh': () => json(200, {}),
    });
    await apiRequest('/api/v1/me');
    expect(requests[1]?.headers['x-csrf-token']).toBe('session-csrf');
    expect(requests[1]?.credentials).toBe('include');
  });

  it('does not refresh when the login itself is refused', async () => {
    const { requests } = installFetch({
      'POST /api/v1/auth/login': () =>
        problem(401, 'invalid_credentials', 'Wrong email, username or password.'),
    });
    const error = await catchError(
      apiRequest('/api/v1/auth/login', { method: 'POST', body: { login: 'a', password: 'b' } }),
    );
    expect(error.code).toBe('invalid_credentials');
    expect(requests).toHaveLength(1);
  });
});

describe('apiFile downloads', () => {
  beforeEach(() => {
    document.cookie = 'csrf=session-csrf; path=/';
  });

  it('refreshes an expired session first (a plain link would save the 401 as the file)', async () => {
    const { requests } = installFetch({
      'GET /api/v1/admin/catalog-export': [
        () => problem(401, 'unauthenticated', 'Sign in.'),
        () =>
          new Response('code,title\nCS 101,Intro\n', {
            status: 200,
            headers: {
              'content-type': 'text/csv; charset=utf-8',
              'content-disposition': 'attachment; filename="catalog-SP2027.csv"',
            },
          }),
      ],
      'POST /api/v1/auth/refresh': () => json(200, {}),
    });
    const file = await apiFile('/api/v1/admin/catalog-export', {
      query: { termCode: 'SP2027', format: 'csv' },
      accept: 'text/csv',
      fallbackName: 'catalog.csv',
    });
    expect(file.fileName).toBe('catalog-SP2027.csv');
    expect(await file.blob.text()).toBe('code,title\nCS 101,Intro\n');
    expect(requests.map((r) => `${r.method} ${r.url}`)).toEqual([
      'GET /api/v1/admin/catalog-export?termCode=SP2027&format=csv',
      'POST /api/v1/auth/refresh',
      'GET /api/v1/admin/catalog-export?termCode=SP2027&format=csv',
    ]);
    expect(requests[0]?.headers.accept).toBe('text/csv');
  });

  it('throws the problem for a refused download instead of saving it', async () => {
    installFetch({
      'GET /api/v1/admin/catalog-export': () =>
        problem(404, 'term_not_found', 'No term has the code XX.'),
    });
    const error = await catchError(
      apiFile('/api/v1/admin/catalog-export', { accept: 'text/csv', fallbackName: 'x.csv' }),
    );
    expect(error.code).toBe('term_not_found');
  });

  it('reads the file name from Content-Disposition, plain or RFC 5987 encoded', () => {
    expect(dispositionFileName('attachment; filename="roster.csv"')).toBe('roster.csv');
    expect(dispositionFileName("attachment; filename*=UTF-8''caf%C3%A9.ics")).toBe('café.ics');
    expect(dispositionFileName(null)).toBeUndefined();
    expect(dispositionFileName('inline')).toBeUndefined();
  });
});
