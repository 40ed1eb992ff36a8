// GET /api/v1/courses?q=&subject=, GET/POST/PATCH /api/v1/courses[/{courseId}] and
// GET /api/v1/courses/{courseId}/sections?termId=.
import {
  keepPreviousData,
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
} from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api.ts';
import { catalogKeys } from './keys.ts';
import type { Course, CourseCreate, CoursePage, CoursePatch, SectionPage } from './types.ts';

export function useCourses(filters: { q: string; subject: string | null }) {
  return useInfiniteQuery({
    queryKey: catalogKeys.courseList(filters),
    queryFn: ({ pageParam, signal }) =>
      apiRequest<CoursePage>('/api/v1/courses', {
        query: { q: filters.q.trim(), subject: filters.subject, cursor: pageParam, limit: 50 },
        signal,
      }),
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
  });
}

export function useCourse(courseId: string | undefined) {
  return useQuery({
    queryKey: catalogKeys.course(courseId ?? ''),
    queryFn: ({ signal }) =>
      apiRequest<Course>(`/api/v1/courses/${encodeURIComponent(courseId!)}`, { signal }),
    enabled: courseId !== undefined,
  });
}

export function useCourseSections(courseId: string | undefined, termId: string | null) {
  return useQuery({
    queryKey: catalogKeys.courseSections(courseId ?? '', termId),
    queryFn: ({ signal }) =>
      apiRequest<SectionPage>(`/api/v1/courses/${encodeURIComponent(courseId!)}/sections`, {
        query: { termId, limit: 200 },
        signal,
      }),
    enabled: courseId !== undefined,
  });
}

export function createCourse(body: CourseCreate): Promise<Course> {
  return apiRequest<Course>('/api/v1/courses', { method: 'POST', body });
}

export function updateCourse(courseId: string, body: CoursePatch): Promise<Course> {
  return apiRequest<Course>(`/api/v1/courses/${encodeURIComponent(courseId)}`, {
    method: 'PATCH',
    body,
  });
}

/** Creates a course, or changes one when `courseId` is given (its subject and number stay). */
export function useSaveCourse() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: { courseId?: string | undefined; body: CourseCreate }) => {
      if (!input.courseId) return createCourse(input.body);
      const { subject: _subject, number: _number, ...patch } = input.body;
      return updateCourse(input.courseId, patch);
    },
    onSuccess: async () => {
      await client.invalidateQueries({ queryKey: catalogKeys.courses });
      await client.invalidateQueries({ queryKey: catalogKeys.sections });
    },
  });
}
