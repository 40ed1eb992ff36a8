// TanStack Query keys of the registration feature, so invalidations name exactly what they refresh.
export const registrationKeys = {
  all: ['registration'] as const,
  terms: ['registration', 'terms'] as const,
  sections: (termId: string, q: string) => ['registration', 'sections', termId, q] as const,
  section: (sectionId: string) => ['registration', 'section', sectionId] as const,
  cart: (termId: string) => ['registration', 'cart', termId] as const,
  validation: (termId: string) => ['registration', 'validation', termId] as const,
  mine: (termId: string) => ['registration', 'mine', termId] as const,
  schedule: (termId: string) => ['registration', 'schedule', termId] as const,
  feed: ['registration', 'calendar-feed'] as const,
  notifications: ['registration', 'notifications'] as const,
  roster: (sectionId: string) => ['registration', 'roster', sectionId] as const,
  waitlist: (sectionId: string) => ['registration', 'waitlist', sectionId] as const,
  permits: (sectionId: string) => ['registration', 'permits', sectionId] as const,
  holds: (studentId: string) => ['registration', 'holds', studentId] as const,
  studentRegistrations: (studentId: string, termId: string) =>
    ['registration', 'student', studentId, termId] as const,
  timeTickets: (termId: string) => ['registration', 'time-tickets', termId] as const,
  audit: (filters: Record<string, string>) => ['registration', 'audit', filters] as const,
};

/** Everything a seat change can affect for the signed-in student. */
export const seatDependentKeys = (termId: string) => [
  registrationKeys.mine(termId),
  registrationKeys.cart(termId),
  registrationKeys.schedule(termId),
  registrationKeys.validation(termId),
];
