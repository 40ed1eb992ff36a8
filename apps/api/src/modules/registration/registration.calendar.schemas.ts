// TypeBox schemas of the schedule and calendar endpoints and their static types.
import { Type, type Static } from 'typebox';
import { Meeting } from './registration.schemas.ts';

const Id = Type.String({ minLength: 1, maxLength: 64, description: 'Opaque identifier' });
const DateOnly = Type.String({ format: 'date', description: 'YYYY-MM-DD' });

export const ScheduleQuery = Type.Object({ termId: Id });
export const CalendarQuery = Type.Object({
  termId: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 64,
      description: 'One term; absent: every term that has not ended',
    }),
  ),
});

export const ScheduleTerm = Type.Object({
  id: Id,
  code: Type.String(),
  name: Type.String(),
  timeZone: Type.String(),
  startsOn: DateOnly,
  endsOn: DateOnly,
});

export const ScheduleItem = Type.Object({
  registrationId: Id,
  sectionId: Id,
  code: Type.String({ description: 'Course code and section code, e.g. CS 225 AL1' }),
  title: Type.String(),
  kind: Type.String(),
  crn: Type.String(),
  status: Type.Enum(['enrolled', 'waitlisted', 'offered', 'pending_payment']),
  credits: Type.Number(),
  instructors: Type.Array(Type.String()),
  meetings: Type.Array(Meeting),
});
export type ScheduleItem = Static<typeof ScheduleItem>;

export const ScheduleConflict = Type.Object({
  sectionIds: Type.Array(Id, { minItems: 2, maxItems: 2 }),
  days: Type.String({ description: 'Shared days, letters from MTWRFSU' }),
  message: Type.String(),
});
export type ScheduleConflict = Static<typeof ScheduleConflict>;

export const Schedule = Type.Object({
  term: ScheduleTerm,
  items: Type.Array(ScheduleItem, {
    description: 'Live registrations; wait-listed ones hold no seat and are shown apart',
  }),
  conflicts: Type.Array(ScheduleConflict, {
    description: 'Meetings of seat-holding registrations that overlap (an override allowed it)',
  }),
  enrolledCredits: Type.Number(),
});
export type Schedule = Static<typeof Schedule>;

export const CalendarFeed = Type.Object({
  url: Type.String({ description: 'Private subscription URL: anyone holding it can read it' }),
  webcalUrl: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
});
export type CalendarFeed = Static<typeof CalendarFeed>;

export const FeedParams = Type.Object({
  feed: Type.String({
    pattern: '^[0-9a-f]{32}[A-Za-z0-9_-]{43}\\.ics$',
    description: 'The secret token of the feed URL, with .ics',
  }),
});
