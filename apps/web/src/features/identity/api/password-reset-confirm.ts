// POST /api/v1/auth/password-reset/confirm: spends the emailed one-time token on a new password.
import { useMutation } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api.ts';

export function confirmPasswordReset(body: { token: string; newPassword: string }): Promise<void> {
  return apiRequest<void>('/api/v1/auth/password-reset/confirm', { method: 'POST', body });
}

export function useConfirmPasswordReset() {
  return useMutation({ mutationFn: confirmPasswordReset });
}
