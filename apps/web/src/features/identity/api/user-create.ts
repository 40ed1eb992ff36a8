// POST /api/v1/users: an admin creates an account with any roles.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api.ts';
import { identityKeys } from './keys.ts';
import type { CreateUserBody, UserEnvelope } from './types.ts';

export function createUser(body: CreateUserBody): Promise<UserEnvelope> {
  return apiRequest<UserEnvelope>('/api/v1/users', { method: 'POST', body });
}

export function useCreateUser() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createUser,
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: identityKeys.users });
    },
  });
}
