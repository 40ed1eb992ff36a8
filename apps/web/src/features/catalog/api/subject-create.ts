// POST /api/v1/subjects and POST /api/v1/programs: admins add the codes courses and students use.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api.ts';
import { catalogKeys } from './keys.ts';
import type { Program, Subject } from './types.ts';

export function useCreateSubject() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: Subject) =>
      apiRequest<Subject>('/api/v1/subjects', { method: 'POST', body }),
    onSuccess: () => client.invalidateQueries({ queryKey: catalogKeys.subjects }),
  });
}

export function useCreateProgram() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: Program) =>
      apiRequest<Program>('/api/v1/programs', { method: 'POST', body }),
    onSuccess: () => client.invalidateQueries({ queryKey: catalogKeys.programs }),
  });
}
