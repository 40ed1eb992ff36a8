// GET /api/v1/terms and GET /api/v1/terms/{termId}/sections: what the registration pages pick from.
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api.ts';
import { registrationKeys } from './keys.ts';
import type { Section, SectionPage, TermPage } from './types.ts';

export function useTerms() {
  return useQuery({
    queryKey: registrationKeys.terms,
    queryFn: ({ signal }) =>
      apiRequest<TermPage>('/api/v1/terms', { query: { limit: 200 }, signal }),
    staleTime: 5 * 60_000,
  });
}

export function useSectionSearch(
  termId: string | null,
  q: string,
  extra: Record<string, string> = {},
) {
  return useQuery({
    queryKey: [...registrationKeys.sections(termId ?? '', q), extra],
    queryFn: ({ signal }) =>
      apiRequest<SectionPage>(`/api/v1/terms/${encodeURIComponent(termId!)}/sections`, {
        query: { q, limit: 20, ...extra },
        signal,
      }),
    enabled: termId !== null,
    placeholderData: keepPreviousData,
  });
}

export function useSection(sectionId: string | undefined) {
  return useQuery({
    queryKey: registrationKeys.section(sectionId ?? ''),
    queryFn: ({ signal }) =>
      apiRequest<Section>(`/api/v1/sections/${encodeURIComponent(sectionId!)}`, { signal }),
    enabled: sectionId !== undefined,
  });
}

export function updateSectionCapacity(sectionId: string, capacity: number): Promise<Section> {
  return apiRequest<Section>(`/api/v1/sections/${encodeURIComponent(sectionId)}`, {
    method: 'PATCH',
    body: { capacity },
  });
}
