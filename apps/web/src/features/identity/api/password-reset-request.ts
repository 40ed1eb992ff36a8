// POST /api/v1/auth/password-reset/request: always 202, so it never reveals who has an account.
import { useMutation } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api.ts';

export function requestPasswordReset(body: { email: string }): Promise<void> {
  return apiRequest<void>('/api/v1/auth/password-reset/request', { method: 'POST', body });
}

export function useRequestPasswordReset() {
  return useMutation({ mutationFn: requestPasswordReset });
}
