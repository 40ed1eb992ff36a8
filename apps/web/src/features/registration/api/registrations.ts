// The student's registrations: GET /me/registrations, POST (register), DELETE (drop), swap and
// accepting an offered seat. Each mutation refreshes everything a seat change can affect, waits
// its turn under admission control and retries a 503 by itself (api/admission.ts).
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api.ts';
import { attemptHeaders, useBusyRetry } from './admission.ts';
import { registrationKeys, seatDependentKeys } from './keys.ts';
import type {
  RegistrationCreated,
  RegistrationEnvelope,
  RegistrationList,
  SwapResult,
} from './types.ts';

export function useMyRegistrations(termId: string | null) {
  return useQuery({
    queryKey: registrationKeys.mine(termId ?? ''),
    queryFn: ({ signal }) =>
      apiRequest<RegistrationList>('/api/v1/me/registrations', { query: { termId }, signal }),
    enabled: termId !== null,
  });
}

/**
 * A mutation that takes or frees seats. `send` is called once per attempt with that attempt's
 * headers: its own X-Request-Id and, for routes that take one, the click's Idempotency-Key (the
 * same for every retry). 503 `overloaded` answers are retried (see `retry`); afterwards
 * everything a seat change can affect is refreshed.
 */
export function useSeatMutation<TInput, TResult>(
  termId: string | null,
  options: { idempotent: boolean },
  send: (input: TInput, headers: Record<string, string>) => Promise<TResult>,
) {
  const client = useQueryClient();
  const retry = useBusyRetry();
  const mutation = useMutation({
    mutationFn: (input: TInput) => {
      const key = options.idempotent ? crypto.randomUUID() : undefined;
      return retry.run((requestId) => send(input, attemptHeaders(requestId, key)));
    },
    onSettled: async () => {
      for (const key of seatDependentKeys(termId ?? '')) {
        await client.invalidateQueries({ queryKey: key });
      }
    },
  });
  return { ...mutation, retry };
}

export function useRegister(termId: string | null) {
  return useSeatMutation(termId, { idempotent: true }, (sectionId: string, headers) =>
    apiRequest<RegistrationCreated>('/api/v1/me/registrations', {
      method: 'POST',
      body: { sectionId },
      headers,
    }),
  );
}

export function useDrop(termId: string | null) {
  // No Idempotency-Key on DELETE; a drop is retried only after a 503 `overloaded`, which the API
  // answers before the drop runs.
  return useSeatMutation(termId, { idempotent: false }, (registrationId: string, headers) =>
    apiRequest<unknown>(`/api/v1/me/registrations/${encodeURIComponent(registrationId)}`, {
      method: 'DELETE',
      headers,
    }),
  );
}

export function useSwap(termId: string | null) {
  return useSeatMutation(
    termId,
    { idempotent: true },
    (input: { dropRegistrationId: string; addSectionId: string }, headers) =>
      apiRequest<SwapResult>('/api/v1/me/registrations/swap', {
        method: 'POST',
        body: input,
        headers,
      }),
  );
}

export function useAcceptOffer(termId: string | null) {
  return useSeatMutation(termId, { idempotent: false }, (registrationId: string, headers) =>
    apiRequest<RegistrationEnvelope>(
      `/api/v1/me/registrations/${encodeURIComponent(registrationId)}/accept`,
      {
        method: 'POST',
        headers,
      },
    ),
  );
}
