// PATCH /api/v1/me: a user edits their own profile.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api.ts';
import { identityKeys } from './keys.ts';
import type { UpdateMeBody, User } from './types.ts';

export function updateMe(body: UpdateMeBody): Promise<User> {
  return apiRequest<User>('/api/v1/me', { method: 'PATCH', body });
}

export function useUpdateMe() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: updateMe,
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: identityKeys.me });
    },
  });
}
