// Authentication (bearer token or cookie + CSRF) and role guards shared by every route.
import { timingSafeEqual } from 'node:crypto';
import type {
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  preHandlerAsyncHookHandler,
} from 'fastify';
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import type { Role } from '../db/tables/identity.ts';
import { findLiveSessionRoles } from '../modules/identity/identity.repo.ts';
import type { TokenSigner } from '../modules/identity/identity.tokens.ts';
import { AppError, ForbiddenError, UnauthenticatedError } from './errors.ts';

export const ACCESS_COOKIE = 'access_token';
export const REFRESH_COOKIE = 'refresh_token';
export const CSRF_COOKIE = 'csrf';
export const CSRF_HEADER = 'x-csrf-token';

export interface AuthContext {
  userId: string;
  sessionId: string;
  roles: readonly Role[];
  /** Cookie-authenticated requests must prove CSRF on mutation. */
  via: 'bearer' | 'cookie';
}

declare module 'fastify' {
  interface FastifyRequest {
    auth: AuthContext | undefined;
  }
  interface FastifyContextConfig {
    /** Roles allowed on the route; [] means any signed-in user; absent means public. */
    roles?: readonly Role[];
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function constantTimeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

function readBearer(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (!header) return undefined;
  const [scheme, token] = header.split(' ');
  return scheme?.toLowerCase() === 'bearer' && token ? token : undefined;
}

/**
 * Verifies the access token and that its session is still live, so logout takes effect at once
 * (a JWT alone would stay valid until it expires).
 */
async function resolveAuth(
  request: FastifyRequest,
  db: Kysely<DB>,
  signer: TokenSigner,
): Promise<AuthContext | undefined> {
  const bearer = readBearer(request);
  const cookieToken = request.cookies[ACCESS_COOKIE];
  const token = bearer ?? cookieToken;
  if (!token) return undefined;
  const claims = await signer.verifyAccessToken(token);
  if (!claims) return undefined;
  const roles = await findLiveSessionRoles(db, claims.sessionId, claims.userId, new Date());
  if (!roles) return undefined;
  // Roles come from the database so that a role change applies without a new login.
  return {
    userId: claims.userId,
    sessionId: claims.sessionId,
    roles,
    via: bearer ? 'bearer' : 'cookie',
  };
}

function assertCsrf(request: FastifyRequest): void {
  if (SAFE_METHODS.has(request.method)) return;
  const cookie = request.cookies[CSRF_COOKIE];
  const header = request.headers[CSRF_HEADER];
  if (!cookie || typeof header !== 'string' || !constantTimeEqual(cookie, header)) {
    throw new AppError(
      403,
      'csrf_failed',
      'Missing or wrong CSRF token: send the csrf cookie value in X-CSRF-Token.',
    );
  }
}

export function registerAuth(
  app: FastifyInstance,
  deps: { db: Kysely<DB>; signer: TokenSigner },
): void {
  app.decorateRequest('auth', undefined);
  // Routes declare `config.roles`; the guard runs before validation so anonymous callers learn
  // nothing about a route's body schema.
  app.addHook('onRequest', async (request: FastifyRequest, _reply: FastifyReply) => {
    const roles = request.routeOptions.config.roles;
    if (roles === undefined) {
      // Public route: still attach the user when a valid token is present (e.g. logout, refresh).
      request.auth = await resolveAuth(request, deps.db, deps.signer);
      return;
    }
    const auth = await resolveAuth(request, deps.db, deps.signer);
    if (!auth) throw new UnauthenticatedError();
    if (auth.via === 'cookie') assertCsrf(request);
    if (roles.length > 0 && !roles.some((role) => auth.roles.includes(role)))
      throw new ForbiddenError();
    request.auth = auth;
  });
}

/** The signed-in user; only for routes whose `config.roles` guarantees one. */
export function requireAuth(request: FastifyRequest): AuthContext {
  if (!request.auth) throw new UnauthenticatedError();
  return request.auth;
}

export function hasRole(auth: AuthContext, role: Role): boolean {
  return auth.roles.includes(role);
}

/** Guard for rules that depend on the record, e.g. "the student themself or an admin". */
export function assertAllowed(allowed: boolean): void {
  if (!allowed) throw new ForbiddenError();
}

export type { preHandlerAsyncHookHandler };
