// TanStack Query keys of the catalog feature, so invalidations name exactly what they refresh.
export const catalogKeys = {
  all: ['catalog'] as const,
  terms: ['catalog', 'terms'] as const,
  subjects: ['catalog', 'subjects'] as const,
  programs: ['catalog', 'programs'] as const,
  courses: ['catalog', 'courses'] as const,
  courseList: (filters: { q: string; subject: string | null }) =>
    ['catalog', 'courses', 'list', filters] as const,
  course: (courseId: string) => ['catalog', 'courses', courseId] as const,
  courseSections: (courseId: string, termId: string | null) =>
    ['catalog', 'courses', courseId, 'sections', termId] as const,
  sections: ['catalog', 'sections'] as const,
  search: (termId: string, filters: Record<string, string>) =>
    ['catalog', 'sections', 'search', termId, filters] as const,
  section: (sectionId: string) => ['catalog', 'sections', sectionId] as const,
  imports: ['catalog', 'imports'] as const,
  importList: ['catalog', 'imports', 'list'] as const,
  import: (importId: string) => ['catalog', 'imports', importId] as const,
  user: (userId: string) => ['catalog', 'users', userId] as const,
};
