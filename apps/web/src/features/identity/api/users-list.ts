// GET /api/v1/users?q=&role=: the admin's user directory, one cursor page at a time.
import { keepPreviousData, useInfiniteQuery } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api.ts';
import { identityKeys } from './keys.ts';
import type { Role, UserPage } from './types.ts';

export interface UserFilters {
  q: string;
  role: Role | null;
}

export function listUsers(
  filters: UserFilters & { cursor?: string | null; limit?: number },
  signal?: AbortSignal,
): Promise<UserPage> {
  return apiRequest<UserPage>('/api/v1/users', {
    query: {
      q: filters.q.trim(),
      role: filters.role,
      cursor: filters.cursor,
      limit: filters.limit,
    },
    signal,
  });
}

export function useUsers(filters: UserFilters) {
  return useInfiniteQuery({
    queryKey: identityKeys.userList(filters),
    queryFn: ({ pageParam, signal }) => listUsers({ ...filters, cursor: pageParam }, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
  });
}
