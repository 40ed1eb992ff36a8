// Rate limits and load shedding answer 429/503 as problem+json with Retry-After.
import { describe, expect, it, vi } from 'vitest';
import { signedInAs } from '../test/auth-helpers.ts';
import { createTestApp } from '../test/test-app.ts';
import type { ProblemBody } from './errors.ts';

describe('rate limit', () => {
  it('answers 429 with Retry-After once a caller exceeds the limit', async () => {
    const t = await createTestApp({ rateLimit: { max: 3, timeWindowMs: 60_000 } });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 3; i += 1) {
        const res = await t.app.inject({ method: 'GET', url: '/openapi.json' });
        statuses.push(res.statusCode);
      }
      expect(statuses).toEqual([200, 200, 200]);
      const limited = await t.app.inject({ method: 'GET', url: '/openapi.json' });
      expect(limited.statusCode).toBe(429);
      expect(limited.headers['content-type']).toMatch(/^application\/problem\+json/);
      const retryAfter = Number(limited.headers['retry-after']);
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
      const body = limited.json<ProblemBody>();
      expect(body).toMatchObject({ status: 429, code: 'rate_limited' });
      expect(body.requestId).toBe(limited.headers['x-request-id']);

      // Another address has its own budget; probes are never limited.
      const other = await t.app.inject({
        method: 'GET',
        url: '/openapi.json',
        remoteAddress: '10.1.2.3',
      });
      expect(other.statusCode).toBe(200);
      const health = await t.app.inject({ method: 'GET', url: '/healthz' });
      expect(health.statusCode).toBe(200);
    } finally {
      await t.close();
    }
  });
});

describe('rate limit per account', () => {
  it('gives each signed-in user their own budget, even from one address', async () => {
    const t = await createTestApp({ rateLimit: { max: 3, timeWindowMs: 60_000 } });
    try {
      // Logging in spends the address's anonymous budget, not the users'.
      const ada = await signedInAs(t, 'student');
      const alan = await signedInAs(t, 'student');
      const statuses = async (headers: Record<string, string>): Promise<number[]> => {
        const seen: number[] = [];
        for (let i = 0; i < 4; i += 1) {
          const res = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers });
          seen.push(res.statusCode);
        }
        return seen;
      };
      expect(await statuses(ada.headers)).toEqual([200, 200, 200, 429]);
      expect(await statuses(alan.headers)).toEqual([200, 200, 200, 429]);
    } finally {
      await t.close();
    }
  });
});

describe('load shedding', () => {
  it('answers 503 overloaded with Retry-After when a threshold is crossed', async () => {
    // Any live process uses more than one byte of heap, so this threshold is always crossed once
    // the first sample is taken.
    const t = await createTestApp({
      underPressure: {
        maxEventLoopDelay: 0,
        maxEventLoopUtilization: 0,
        maxHeapUsedBytes: 1,
        sampleIntervalMs: 20,
      },
    });
    try {
      const shed = await vi.waitFor(
        async () => {
          const res = await t.app.inject({ method: 'GET', url: '/api/v1/anything' });
          expect(res.statusCode).toBe(503);
          return res;
        },
        { timeout: 10_000, interval: 20 },
      );
      expect(shed.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(shed.headers['retry-after']).toBe('5');
      const body = shed.json<ProblemBody>();
      expect(body).toMatchObject({ status: 503, code: 'overloaded' });
      expect(body.requestId).toBe(shed.headers['x-request-id']);
      // Liveness is never shed.
      expect((await t.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    } finally {
      await t.close();
    }
  });
});
