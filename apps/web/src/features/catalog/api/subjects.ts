// GET /api/v1/subjects and GET /api/v1/programs: short lists, read whole for pickers.
import { useQuery } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api.ts';
import { catalogKeys } from './keys.ts';
import type { ProgramPage, SubjectPage } from './types.ts';

export function useSubjects() {
  return useQuery({
    queryKey: catalogKeys.subjects,
    queryFn: ({ signal }) =>
      apiRequest<SubjectPage>('/api/v1/subjects', { query: { limit: 200 }, signal }),
    staleTime: 5 * 60_000,
  });
}

export function usePrograms() {
  return useQuery({
    queryKey: catalogKeys.programs,
    queryFn: ({ signal }) =>
      apiRequest<ProgramPage>('/api/v1/programs', { query: { limit: 200 }, signal }),
    staleTime: 5 * 60_000,
  });
}
