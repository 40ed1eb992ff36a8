// GET and PUT /api/v1/terms/{termId}/tuition, and the terms to choose from.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { apiRequest, isApiError } from '../../../lib/api.ts';
import type { Static } from 'typebox';
import type { TermPage as TermPageSchema } from '../../../../../api/src/modules/catalog/catalog.schemas.ts';
import { billingKeys } from './keys.ts';
import type { TuitionSetup, TuitionSetupInput } from './types.ts';

export type TermPage = Static<typeof TermPageSchema>;
export type TermSummary = TermPage['items'][number];

export function listTerms(signal?: AbortSignal): Promise<TermPage> {
  return apiRequest<TermPage>('/api/v1/terms', { query: { limit: 200 }, signal });
}

export function useTerms() {
  return useQuery({ queryKey: billingKeys.terms, queryFn: ({ signal }) => listTerms(signal) });
}

/** The setup, or null while the term has none (404 tuition_not_configured). */
export async function getTuition(
  termId: string,
  signal?: AbortSignal,
): Promise<TuitionSetup | null> {
  try {
    return await apiRequest<TuitionSetup>(`/api/v1/terms/${encodeURIComponent(termId)}/tuition`, {
      signal,
    });
  } catch (error) {
    if (isApiError(error) && error.code === 'tuition_not_configured') return null;
    throw error;
  }
}

export function useTuition(termId: string | null) {
  return useQuery({
    queryKey: billingKeys.tuition(termId ?? ''),
    queryFn: ({ signal }) => getTuition(termId!, signal),
    enabled: termId !== null,
  });
}

export function useSaveTuition(termId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: TuitionSetupInput) =>
      apiRequest<TuitionSetup>(`/api/v1/terms/${encodeURIComponent(termId)}/tuition`, {
        method: 'PUT',
        body,
      }),
    onSuccess: (saved) => {
      queryClient.setQueryData(billingKeys.tuition(termId), saved);
    },
  });
}
