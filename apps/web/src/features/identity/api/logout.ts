// POST /api/v1/auth/logout: ends the session at once; the cache is emptied whatever the answer.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api.ts';
import { identityKeys } from './keys.ts';

export function logOut(): Promise<void> {
  return apiRequest<void>('/api/v1/auth/logout', { method: 'POST' });
}

export function useLogOut() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: logOut,
    onSettled: () => {
      queryClient.removeQueries({ predicate: (query) => query.queryKey[0] !== identityKeys.me[0] });
      queryClient.setQueryData(identityKeys.me, null);
    },
  });
}
