// Staff endpoints: rosters and wait-lists (JSON or CSV), permits, holds, registering on a
// student's behalf with overrides, time tickets and the audit log.
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { apiFile, apiRequest, type ApiFile } from '../../../lib/api.ts';
import { registrationKeys } from './keys.ts';
import type {
  AuditPage,
  HoldCreate,
  HoldList,
  PermitCreate,
  PermitList,
  RegistrationCreated,
  RegistrationList,
  Roster,
  TimeTickets,
} from './types.ts';

const enc = encodeURIComponent;

export function useRoster(sectionId: string, kind: 'roster' | 'waitlist') {
  return useQuery({
    queryKey:
      kind === 'roster' ? registrationKeys.roster(sectionId) : registrationKeys.waitlist(sectionId),
    queryFn: ({ signal }) =>
      apiRequest<Roster>(`/api/v1/sections/${enc(sectionId)}/${kind}`, { signal }),
  });
}

/** Fetches the CSV (the API answers CSV for Accept: text/csv) and saves it as a file. */
export function fetchRosterCsv(
  sectionId: string,
  kind: 'roster' | 'waitlist',
  fallbackName: string,
): Promise<ApiFile> {
  return apiFile(`/api/v1/sections/${enc(sectionId)}/${kind}`, {
    accept: 'text/csv',
    fallbackName,
  });
}

export function usePermits(sectionId: string) {
  return useQuery({
    queryKey: registrationKeys.permits(sectionId),
    queryFn: ({ signal }) =>
      apiRequest<PermitList>(`/api/v1/sections/${enc(sectionId)}/permits`, { signal }),
  });
}

export function useGrantPermit(sectionId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: PermitCreate) =>
      apiRequest<unknown>(`/api/v1/sections/${enc(sectionId)}/permits`, { method: 'POST', body }),
    onSettled: () => client.invalidateQueries({ queryKey: registrationKeys.permits(sectionId) }),
  });
}

export function useHolds(studentId: string | null) {
  return useQuery({
    queryKey: registrationKeys.holds(studentId ?? ''),
    queryFn: ({ signal }) =>
      apiRequest<HoldList>(`/api/v1/students/${enc(studentId!)}/holds`, { signal }),
    enabled: studentId !== null,
  });
}

export function usePlaceHold(studentId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: HoldCreate) =>
      apiRequest<unknown>(`/api/v1/students/${enc(studentId)}/holds`, { method: 'POST', body }),
    onSettled: () => client.invalidateQueries({ queryKey: registrationKeys.holds(studentId) }),
  });
}

export function useLiftHold(studentId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: { holdId: string; note: string }) =>
      apiRequest<unknown>(`/api/v1/students/${enc(studentId)}/holds/${enc(input.holdId)}`, {
        method: 'DELETE',
        query: { note: input.note },
      }),
    onSettled: () => client.invalidateQueries({ queryKey: registrationKeys.holds(studentId) }),
  });
}

export function useStudentRegistrations(studentId: string | null, termId: string | null) {
  return useQuery({
    queryKey: registrationKeys.studentRegistrations(studentId ?? '', termId ?? ''),
    queryFn: ({ signal }) =>
      apiRequest<RegistrationList>(`/api/v1/students/${enc(studentId!)}/registrations`, {
        query: { termId },
        signal,
      }),
    enabled: studentId !== null && termId !== null,
  });
}

export function useRegisterOnBehalf(studentId: string, termId: string | null) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: { sectionId: string; overrides: string[] }) =>
      apiRequest<RegistrationCreated>(`/api/v1/students/${enc(studentId)}/registrations`, {
        method: 'POST',
        body,
        headers: { 'Idempotency-Key': crypto.randomUUID() },
      }),
    onSettled: () =>
      client.invalidateQueries({
        queryKey: registrationKeys.studentRegistrations(studentId, termId ?? ''),
      }),
  });
}

export function useDropOnBehalf(studentId: string, termId: string | null) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (registrationId: string) =>
      apiRequest<unknown>(
        `/api/v1/students/${enc(studentId)}/registrations/${enc(registrationId)}`,
        { method: 'DELETE' },
      ),
    onSettled: () =>
      client.invalidateQueries({
        queryKey: registrationKeys.studentRegistrations(studentId, termId ?? ''),
      }),
  });
}

export function useTimeTickets(termId: string | null) {
  return useQuery({
    queryKey: registrationKeys.timeTickets(termId ?? ''),
    queryFn: ({ signal }) =>
      apiRequest<TimeTickets>(`/api/v1/terms/${enc(termId!)}/time-tickets`, { signal }),
    enabled: termId !== null,
  });
}

export function useSaveTimeTickets(termId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (
      rules: Array<{
        minCreditsEarned: number | null;
        classStanding: string | null;
        opensAt: string;
      }>,
    ) =>
      apiRequest<TimeTickets>(`/api/v1/terms/${enc(termId)}/time-tickets`, {
        method: 'PUT',
        body: { rules },
      }),
    onSuccess: (data) => client.setQueryData(registrationKeys.timeTickets(termId), data),
  });
}

export function useAuditLog(filters: Record<string, string>, cursor: string | undefined) {
  return useQuery({
    queryKey: [...registrationKeys.audit(filters), cursor ?? ''],
    queryFn: ({ signal }) =>
      apiRequest<AuditPage>('/api/v1/audit', { query: { ...filters, cursor, limit: 50 }, signal }),
    placeholderData: keepPreviousData,
  });
}
