// GET /me/schedule (weekly meetings and overlaps), the .ics download and the private feed URL.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { apiFile, apiRequest, type ApiFile } from '../../../lib/api.ts';
import { registrationKeys } from './keys.ts';
import type { CalendarFeed, Schedule } from './types.ts';

export function useSchedule(termId: string | null) {
  return useQuery({
    queryKey: registrationKeys.schedule(termId ?? ''),
    queryFn: ({ signal }) =>
      apiRequest<Schedule>('/api/v1/me/schedule', { query: { termId }, signal }),
    enabled: termId !== null,
  });
}

export function fetchScheduleIcs(termId: string): Promise<ApiFile> {
  return apiFile('/api/v1/me/schedule.ics', {
    query: { termId },
    accept: 'text/calendar',
    fallbackName: 'schedule.ics',
  });
}

export function useCalendarFeed(enabled: boolean) {
  return useQuery({
    queryKey: registrationKeys.feed,
    queryFn: ({ signal }) => apiRequest<CalendarFeed>('/api/v1/me/calendar-feed', { signal }),
    enabled,
    staleTime: Number.POSITIVE_INFINITY,
  });
}

export function useRegenerateFeed() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () =>
      apiRequest<CalendarFeed>('/api/v1/me/calendar-feed/regenerate', { method: 'POST' }),
    onSuccess: (feed) => client.setQueryData(registrationKeys.feed, feed),
  });
}
