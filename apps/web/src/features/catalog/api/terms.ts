// GET /api/v1/terms, POST /api/v1/terms, PATCH /api/v1/terms/{termId}.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api.ts';
import { catalogKeys } from './keys.ts';
import type { Term, TermCreate, TermPage, TermPatch } from './types.ts';

export function listTerms(signal?: AbortSignal): Promise<TermPage> {
  return apiRequest<TermPage>('/api/v1/terms', { query: { limit: 200 }, signal });
}

export function useTerms() {
  return useQuery({
    queryKey: catalogKeys.terms,
    queryFn: ({ signal }) => listTerms(signal),
    staleTime: 60_000,
  });
}

export function createTerm(body: TermCreate): Promise<Term> {
  return apiRequest<Term>('/api/v1/terms', { method: 'POST', body });
}

export function updateTerm(termId: string, body: TermPatch): Promise<Term> {
  return apiRequest<Term>(`/api/v1/terms/${encodeURIComponent(termId)}`, {
    method: 'PATCH',
    body,
  });
}

/** Creates a term, or changes one when `termId` is given. */
export function useSaveTerm() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: { termId?: string | undefined; body: TermCreate }) =>
      input.termId ? updateTerm(input.termId, input.body) : createTerm(input.body),
    onSuccess: async () => {
      // The registration pages list terms under their own key.
      await client.invalidateQueries({ queryKey: catalogKeys.terms });
      await client.invalidateQueries({ queryKey: ['registration', 'terms'] });
    },
  });
}
