// The student's registrations: GET /me/registrations, POST (register), DELETE (drop), swap and
// accepting an offered seat. Each mutation refreshes everything a seat change can affect.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api.ts';
import { registrationKeys, seatDependentKeys } from './keys.ts';
import type { RegistrationCreated, RegistrationList, SwapResult } from './types.ts';

export function useMyRegistrations(termId: string | null) {
  return useQuery({
    queryKey: registrationKeys.mine(termId ?? ''),
    queryFn: ({ signal }) =>
      apiRequest<RegistrationList>('/api/v1/me/registrations', { query: { termId }, signal }),
    enabled: termId !== null,
  });
}

function useSeatMutation<TInput, TResult>(
  termId: string | null,
  mutationFn: (input: TInput) => Promise<TResult>,
) {
  const client = useQueryClient();
  return useMutation({
    mutationFn,
    onSettled: async () => {
      for (const key of seatDependentKeys(termId ?? '')) {
        await client.invalidateQueries({ queryKey: key });
      }
    },
  });
}

export function useRegister(termId: string | null) {
  return useSeatMutation(termId, (sectionId: string) =>
    apiRequest<RegistrationCreated>('/api/v1/me/registrations', {
      method: 'POST',
      body: { sectionId },
      // One key per click: a retried request never registers twice.
      headers: { 'Idempotency-Key': crypto.randomUUID() },
    }),
  );
}

export function useDrop(termId: string | null) {
  return useSeatMutation(termId, (registrationId: string) =>
    apiRequest<unknown>(`/api/v1/me/registrations/${encodeURIComponent(registrationId)}`, {
      method: 'DELETE',
    }),
  );
}

export function useSwap(termId: string | null) {
  return useSeatMutation(termId, (input: { dropRegistrationId: string; addSectionId: string }) =>
    apiRequest<SwapResult>('/api/v1/me/registrations/swap', { method: 'POST', body: input }),
  );
}

export function useAcceptOffer(termId: string | null) {
  return useSeatMutation(termId, (registrationId: string) =>
    apiRequest<unknown>(`/api/v1/me/registrations/${encodeURIComponent(registrationId)}/accept`, {
      method: 'POST',
    }),
  );
}
