// GET /api/v1/me: who is signed in. Null means nobody, which is an answer, not an error.
import { useQuery } from '@tanstack/react-query';
import { apiRequest, isApiError } from '../../../lib/api.ts';
import { identityKeys } from './keys.ts';
import type { User } from './types.ts';

export async function fetchMe(signal?: AbortSignal): Promise<User | null> {
  try {
    return await apiRequest<User>('/api/v1/me', { signal });
  } catch (error) {
    if (isApiError(error) && error.status === 401) return null;
    throw error;
  }
}

export function useMe() {
  return useQuery({
    queryKey: identityKeys.me,
    queryFn: ({ signal }) => fetchMe(signal),
    staleTime: 60_000,
  });
}
