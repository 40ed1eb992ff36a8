// Seat-changing requests under the API's admission control (PRODUCT I4): each attempt carries its
// own X-Request-Id, so the `queue` events of the live stream can be matched to it; a 503
// `overloaded` (the request never ran) is retried after Retry-After with the same
// Idempotency-Key, a few times at most, and the student may retry at once or stop.
import { useCallback, useRef, useState } from 'react';
import { isApiError } from '../../../lib/api.ts';

/** Attempts after the first 503 before the error is shown. */
export const MAX_BUSY_RETRIES = 5;
/** No single wait longer than this, whatever Retry-After says. */
export const MAX_BUSY_WAIT_SECONDS = 30;
const DEFAULT_BUSY_WAIT_SECONDS = 3;

export interface BusyState {
  /** Seconds Retry-After asked for (capped). */
  seconds: number;
  /** When the next attempt starts (epoch ms). */
  retryAt: number;
  /** Retries made so far, this one included. */
  attempt: number;
}

export interface BusyRetry {
  /** Set while waiting to retry after a 503. */
  busy: BusyState | undefined;
  /** X-Request-Id of the attempt on its way, for the queue events of the live stream. */
  requestId: string | undefined;
  /** Sends `attempt` (with a new request id each time) until it is not a 503 `overloaded`. */
  run: <T>(attempt: (requestId: string) => Promise<T>) => Promise<T>;
  retryNow: () => void;
  stop: () => void;
}

export function isOverloaded(error: unknown): boolean {
  return isApiError(error) && error.status === 503 && error.code === 'overloaded';
}

export function useBusyRetry(): BusyRetry {
  const [busy, setBusy] = useState<BusyState | undefined>();
  const [requestId, setRequestId] = useState<string | undefined>();
  const waiting = useRef<{ go: () => void; stop: () => void } | undefined>(undefined);

  const run = useCallback(async <T>(attempt: (requestId: string) => Promise<T>): Promise<T> => {
    try {
      for (let retries = 0; ; retries += 1) {
        const id = crypto.randomUUID();
        setRequestId(id);
        try {
          return await attempt(id);
        } catch (error) {
          if (!isOverloaded(error) || !isApiError(error) || retries >= MAX_BUSY_RETRIES) {
            throw error;
          }
          const seconds = Math.min(
            MAX_BUSY_WAIT_SECONDS,
            Math.max(1, error.retryAfter ?? DEFAULT_BUSY_WAIT_SECONDS),
          );
          setRequestId(undefined);
          setBusy({ seconds, retryAt: Date.now() + seconds * 1000, attempt: retries + 1 });
          const again = await new Promise<boolean>((resolve) => {
            const timer = setTimeout(() => resolve(true), seconds * 1000);
            waiting.current = {
              go: () => {
                clearTimeout(timer);
                resolve(true);
              },
              stop: () => {
                clearTimeout(timer);
                resolve(false);
              },
            };
          });
          waiting.current = undefined;
          setBusy(undefined);
          if (!again) throw error;
        }
      }
    } finally {
      setBusy(undefined);
      setRequestId(undefined);
    }
  }, []);

  const retryNow = useCallback(() => waiting.current?.go(), []);
  const stop = useCallback(() => waiting.current?.stop(), []);
  return { busy, requestId, run, retryNow, stop };
}

/** Headers of one attempt: its request id, and the click's Idempotency-Key when there is one. */
export function attemptHeaders(requestId: string, idempotencyKey?: string): Record<string, string> {
  return {
    'X-Request-Id': requestId,
    ...(idempotencyKey ? { 'Idempotency-Key': idempotencyKey } : {}),
  };
}
