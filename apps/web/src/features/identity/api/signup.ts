// POST /api/v1/auth/signup: a student creates their own account.
import { useMutation } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api.ts';
import type { SignupBody, UserEnvelope } from './types.ts';

export function signUp(body: SignupBody): Promise<UserEnvelope> {
  return apiRequest<UserEnvelope>('/api/v1/auth/signup', { method: 'POST', body });
}

export function useSignUp() {
  return useMutation({ mutationFn: signUp });
}
