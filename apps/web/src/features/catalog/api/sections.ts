// GET /api/v1/terms/{termId}/sections (search), GET/POST/PATCH/DELETE /api/v1/sections[/{id}].
import {
  keepPreviousData,
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
} from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api.ts';
import { catalogKeys } from './keys.ts';
import type { Section, SectionCreate, SectionPage, SectionPatch } from './types.ts';

/** Search filters as the query string sends them; empty values are left out. */
export type SearchFilters = Record<string, string>;

export function searchSections(
  termId: string,
  filters: SearchFilters,
  cursor: string | null,
  signal?: AbortSignal,
): Promise<SectionPage> {
  return apiRequest<SectionPage>(`/api/v1/terms/${encodeURIComponent(termId)}/sections`, {
    query: { ...filters, cursor, limit: 25 },
    signal,
  });
}

export function useSectionSearch(termId: string | null, filters: SearchFilters) {
  return useInfiniteQuery({
    queryKey: catalogKeys.search(termId ?? '', filters),
    queryFn: ({ pageParam, signal }) => searchSections(termId!, filters, pageParam, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.nextCursor ?? undefined,
    enabled: termId !== null,
    placeholderData: keepPreviousData,
  });
}

export function useSection(sectionId: string | undefined) {
  return useQuery({
    queryKey: catalogKeys.section(sectionId ?? ''),
    queryFn: ({ signal }) =>
      apiRequest<Section>(`/api/v1/sections/${encodeURIComponent(sectionId!)}`, { signal }),
    enabled: sectionId !== undefined,
  });
}

export function createSection(body: SectionCreate): Promise<Section> {
  return apiRequest<Section>('/api/v1/sections', { method: 'POST', body });
}

export function updateSection(sectionId: string, body: SectionPatch): Promise<Section> {
  return apiRequest<Section>(`/api/v1/sections/${encodeURIComponent(sectionId)}`, {
    method: 'PATCH',
    body,
  });
}

export function cancelSection(sectionId: string): Promise<Section> {
  return apiRequest<Section>(`/api/v1/sections/${encodeURIComponent(sectionId)}`, {
    method: 'DELETE',
  });
}

async function refreshSections(client: ReturnType<typeof useQueryClient>): Promise<void> {
  await client.invalidateQueries({ queryKey: catalogKeys.sections });
  await client.invalidateQueries({ queryKey: catalogKeys.courses });
  await client.invalidateQueries({ queryKey: ['registration'] });
}

/** Creates a section, or changes one when `sectionId` is given (its term and course stay). */
export function useSaveSection() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: { sectionId?: string | undefined; body: SectionCreate }) => {
      if (!input.sectionId) return createSection(input.body);
      const { termId: _termId, courseId: _courseId, ...patch } = input.body;
      return updateSection(input.sectionId, patch);
    },
    onSuccess: () => refreshSections(client),
  });
}

export function useCancelSection() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: cancelSection,
    onSuccess: () => refreshSections(client),
  });
}
