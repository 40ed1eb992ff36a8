// The browser session: HttpOnly token cookies plus a readable csrf cookie for double-submit.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ACCESS_COOKIE, CSRF_COOKIE, CSRF_HEADER, REFRESH_COOKIE } from '../../http/auth.ts';
import { CsrfFailedError } from './identity.errors.ts';
import { ACCESS_TOKEN_TTL_SECONDS, REFRESH_TOKEN_TTL_SECONDS } from './identity.tokens.ts';

/** The refresh cookie goes only to the auth endpoints that use it, not to every API call. */
export const REFRESH_COOKIE_PATH = '/api/v1/auth';

export interface CookiePolicy {
  /** Secure cookies when the public URL is https. */
  secure: boolean;
}

export function cookiePolicyFor(publicUrl: string): CookiePolicy {
  return { secure: publicUrl.startsWith('https:') };
}

export function setSessionCookies(
  request: FastifyRequest,
  reply: FastifyReply,
  tokens: { accessToken: string; refreshToken: string },
  policy: CookiePolicy,
  options: { newCsrf: boolean },
): void {
  const base = { sameSite: 'lax', secure: policy.secure } as const;
  void reply.setCookie(ACCESS_COOKIE, tokens.accessToken, {
    ...base,
    httpOnly: true,
    path: '/',
    maxAge: ACCESS_TOKEN_TTL_SECONDS,
  });
  void reply.setCookie(REFRESH_COOKIE, tokens.refreshToken, {
    ...base,
    httpOnly: true,
    path: REFRESH_COOKIE_PATH,
    maxAge: REFRESH_TOKEN_TTL_SECONDS,
  });
  if (options.newCsrf || !request.cookies[CSRF_COOKIE]) {
    // Readable by the page's script, which echoes it in X-CSRF-Token; another site cannot read it.
    void reply.setCookie(CSRF_COOKIE, randomBytes(24).toString('base64url'), {
      ...base,
      httpOnly: false,
      path: '/',
      maxAge: REFRESH_TOKEN_TTL_SECONDS,
    });
  }
}

export function clearSessionCookies(reply: FastifyReply, policy: CookiePolicy): void {
  const base = { sameSite: 'lax', secure: policy.secure } as const;
  void reply.clearCookie(ACCESS_COOKIE, { ...base, path: '/' });
  void reply.clearCookie(REFRESH_COOKIE, { ...base, path: REFRESH_COOKIE_PATH });
  void reply.clearCookie(CSRF_COOKIE, { ...base, path: '/' });
}

/** Double-submit check for requests that rely on cookies outside the route guard (refresh, logout). */
export function assertCsrfHeader(request: FastifyRequest): void {
  const cookie = request.cookies[CSRF_COOKIE];
  const header = request.headers[CSRF_HEADER];
  if (!cookie || typeof header !== 'string') throw new CsrfFailedError();
  const left = Buffer.from(cookie);
  const right = Buffer.from(header);
  if (left.length !== right.length || !timingSafeEqual(left, right)) throw new CsrfFailedError();
}

/** The refresh token from the body, or else from its cookie (which then needs the CSRF header). */
export function readRefreshToken(
  request: FastifyRequest,
  bodyToken: string | undefined,
): { token: string | undefined; viaCookie: boolean } {
  if (bodyToken) return { token: bodyToken, viaCookie: false };
  const cookie = request.cookies[REFRESH_COOKIE];
  return { token: cookie || undefined, viaCookie: Boolean(cookie) };
}
