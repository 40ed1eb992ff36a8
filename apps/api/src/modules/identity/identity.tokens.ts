// Access tokens (short-lived JWTs naming their session) and opaque secrets stored only as hashes.
import { createHash, randomBytes } from 'node:crypto';
import { SignJWT, jwtVerify, errors as joseErrors } from 'jose';
import type { Role } from '../../db/tables/identity.ts';

export const ACCESS_TOKEN_TTL_SECONDS = 15 * 60;
export const REFRESH_TOKEN_TTL_SECONDS = 30 * 24 * 60 * 60;

export interface AccessClaims {
  userId: string;
  sessionId: string;
  roles: Role[];
}

export interface TokenSigner {
  signAccessToken(claims: AccessClaims): Promise<string>;
  /** Undefined when the token is malformed, forged or expired. */
  verifyAccessToken(token: string): Promise<AccessClaims | undefined>;
}

const ISSUER = 'openregistrar';

export function createTokenSigner(secret: string): TokenSigner {
  const key = new TextEncoder().encode(secret);
  return {
    async signAccessToken(claims) {
      return new SignJWT({ sid: claims.sessionId, roles: claims.roles })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(claims.userId)
        .setIssuer(ISSUER)
        .setIssuedAt()
        .setExpirationTime(`${ACCESS_TOKEN_TTL_SECONDS}s`)
        .sign(key);
    },
    async verifyAccessToken(token) {
      try {
        const { payload } = await jwtVerify(token, key, { issuer: ISSUER, algorithms: ['HS256'] });
        if (
          typeof payload.sub !== 'string' ||
          typeof payload.sid !== 'string' ||
          !Array.isArray(payload.roles)
        ) {
          return undefined;
        }
        return { userId: payload.sub, sessionId: payload.sid, roles: payload.roles as Role[] };
      } catch (error) {
        if (error instanceof joseErrors.JOSEError) return undefined;
        throw error;
      }
    },
  };
}

/** A random secret for the client and the SHA-256 we keep: a database leak reveals no usable token. */
export function generateOpaqueToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashOpaqueToken(token) };
}

export function hashOpaqueToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}
