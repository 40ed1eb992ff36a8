// GET /api/v1/users/{userId}: the name of the admin who started an import.
import { useQuery } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api.ts';
import type { User } from '../../identity/api/types.ts';
import { catalogKeys } from './keys.ts';

export function useUserName(userId: string | null) {
  return useQuery({
    queryKey: catalogKeys.user(userId ?? ''),
    queryFn: ({ signal }) =>
      apiRequest<User>(`/api/v1/users/${encodeURIComponent(userId!)}`, { signal }).then(
        (user) => user.name,
      ),
    enabled: userId !== null,
    staleTime: 10 * 60_000,
    retry: false,
  });
}
