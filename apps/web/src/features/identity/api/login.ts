// POST /api/v1/auth/login: the response sets the session cookies; /me is then fetched afresh.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api.ts';
import { identityKeys } from './keys.ts';
import type { LoginBody, SessionTokens } from './types.ts';

export function logIn(body: LoginBody): Promise<SessionTokens> {
  return apiRequest<SessionTokens>('/api/v1/auth/login', { method: 'POST', body });
}

export function useLogIn() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: logIn,
    onSuccess: async () => {
      // Anything cached belonged to the previous visitor.
      queryClient.removeQueries({ predicate: (query) => query.queryKey[0] !== identityKeys.me[0] });
      await queryClient.refetchQueries({ queryKey: identityKeys.me });
    },
  });
}
