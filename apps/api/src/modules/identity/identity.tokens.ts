// Access tokens (short-lived JWTs naming their session) and opaque secrets stored only as hashes.
import {
  createHash,
  createHmac,
  createSecretKey,
  randomBytes,
  timingSafeEqual,
  type KeyObject,
} from 'node:crypto';
import { SignJWT } from 'jose';
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
/** Tokens whose signature was checked, kept so a busy client's every request is not re-verified. */
const VERIFIED_TOKENS_KEPT = 20_000;

/**
 * Remembers tokens already verified, until they expire. The key is the whole token, signature
 * included, so a hit is a token this process verified itself: skipping the HMAC on it (about a
 * fifth of the CPU a registration costs the API) changes nothing about what is accepted.
 */
class VerifiedTokens {
  readonly #entries = new Map<string, { claims: AccessClaims; expiresAtMs: number }>();

  get(token: string, nowMs: number): AccessClaims | undefined {
    const entry = this.#entries.get(token);
    if (!entry) return undefined;
    if (entry.expiresAtMs <= nowMs) {
      this.#entries.delete(token);
      return undefined;
    }
    return entry.claims;
  }

  set(token: string, claims: AccessClaims, expiresAtMs: number): void {
    if (this.#entries.size >= VERIFIED_TOKENS_KEPT) {
      // Maps keep insertion order: drop the oldest tenth.
      let drop = Math.ceil(VERIFIED_TOKENS_KEPT / 10);
      for (const key of this.#entries.keys()) {
        this.#entries.delete(key);
        if (--drop === 0) break;
      }
    }
    this.#entries.set(token, { claims, expiresAtMs });
  }
}

const BASE64URL = /^[A-Za-z0-9_-]+$/;

function decodeJson(part: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Checks an HS256 JWT (RFC 7519) with node:crypto: the signature over the first two parts in
 * constant time, the algorithm (only HS256; no `crit` extensions), the issuer, expiry and
 * not-before. jose signs the tokens; verifying them here is synchronous and cheap, where jose's
 * WebCrypto path queued every check on the thread pool (a tenth of the API's CPU in the rush).
 */
export function verifyHs256(
  token: string,
  key: KeyObject | Uint8Array,
  nowSeconds: number,
): Record<string, unknown> | undefined {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts.every((part) => BASE64URL.test(part))) return undefined;
  const [header, payload, signature] = parts as [string, string, string];
  const expected = createHmac('sha256', key).update(`${header}.${payload}`).digest();
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  // One spelling per signature: the last character's two spare bits must be zero (RFC 4648 §3.5).
  if (given.toString('base64url') !== signature) return undefined;
  const head = decodeJson(header);
  const claims = decodeJson(payload);
  if (!head || !claims || head.alg !== 'HS256' || head.crit !== undefined) return undefined;
  if (claims.iss !== ISSUER) return undefined;
  if (typeof claims.exp !== 'number' || claims.exp <= nowSeconds) return undefined;
  if (claims.nbf !== undefined && (typeof claims.nbf !== 'number' || claims.nbf > nowSeconds)) {
    return undefined;
  }
  return claims;
}

export function createTokenSigner(secret: string): TokenSigner {
  const key = new TextEncoder().encode(secret);
  // A KeyObject made once: createHmac imports a raw key on every call (11 µs against 2 µs here).
  const verifyKey = createSecretKey(key);
  const verified = new VerifiedTokens();
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
      const known = verified.get(token, Date.now());
      if (known) return known;
      const payload = verifyHs256(token, verifyKey, Math.floor(Date.now() / 1000));
      if (
        !payload ||
        typeof payload.sub !== 'string' ||
        typeof payload.sid !== 'string' ||
        !Array.isArray(payload.roles) ||
        typeof payload.exp !== 'number'
      ) {
        return undefined;
      }
      const claims = {
        userId: payload.sub,
        sessionId: payload.sid,
        roles: payload.roles as Role[],
      };
      verified.set(token, claims, payload.exp * 1000);
      return claims;
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
