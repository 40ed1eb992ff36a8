// TypeBox request and response schemas of the catalog API and their static types.
import { Type, type Static, type TSchema } from 'typebox';

const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

export const SECTION_KINDS = [
  'lecture',
  'lab',
  'discussion',
  'seminar',
  'studio',
  'online',
  'independent',
  'other',
] as const;
export const CLASS_STANDINGS = ['freshman', 'sophomore', 'junior', 'senior', 'graduate'] as const;
export const SEARCH_SORTS = ['code', 'title', 'available', 'startTime'] as const;

const Id = Type.String({ minLength: 1, maxLength: 64, description: 'Opaque identifier' });
const clockTime = (description: string) =>
  Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$', description });
export const ClockTime = clockTime('HH:MM (24-hour) in the term time zone');
export const DayLetters = Type.String({
  pattern: '^[MTWRFSU]{1,7}$',
  description: 'Days from MTWRFSU (R is Thursday, U Sunday), e.g. MWF',
});
const DateOnly = Type.String({ format: 'date', description: 'YYYY-MM-DD' });
const Instant = Type.String({ format: 'date-time', description: 'ISO 8601 with offset' });
const credits = (description?: string) =>
  Type.Number({ minimum: 0, maximum: 99, ...(description ? { description } : {}) });
const Credits = credits();
const SectionKind = Type.Enum(SECTION_KINDS);
const ClassStanding = Type.Enum(CLASS_STANDINGS);
// Subject and number follow the course codes the prerequisite language can name.
const SubjectCode = Type.String({
  pattern: '^[A-Za-z]{2,5}$',
  description: '2 to 5 letters, e.g. CS; stored upper-case',
});
const ProgramCode = Type.String({
  pattern: '^[A-Za-z0-9][A-Za-z0-9_-]{0,19}$',
  description: 'e.g. CS-BS; stored upper-case',
});
const ReservedGroup = Type.String({
  pattern: '^(class_standing|program|cohort):\\S(.{0,78}\\S)?$',
  description:
    'Who the seats are held for: class_standing:<freshman|sophomore|junior|senior|graduate>, ' +
    'program:<program code> or cohort:<name> (e.g. cohort:Honors)',
});

export const PageQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  cursor: Type.Optional(Type.String({ maxLength: 1000 })),
});

// ---- terms

export const Term = Type.Object({
  id: Id,
  code: Type.String(),
  name: Type.String(),
  timeZone: Type.String({ description: 'IANA time zone of meeting times, e.g. America/Chicago' }),
  startsOn: DateOnly,
  endsOn: DateOnly,
  registrationOpensAt: Instant,
  registrationClosesAt: Instant,
  addDropDeadline: Instant,
  withdrawDeadline: Instant,
  minCredits: Type.Number(),
  maxCredits: Type.Number(),
  claimWindowHours: Nullable(Type.Integer()),
});
export type Term = Static<typeof Term>;

const termFields = {
  code: Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_-]{0,19}$', description: 'e.g. FA2026' }),
  name: Type.String({ minLength: 1, maxLength: 100 }),
  timeZone: Type.String({ minLength: 1, maxLength: 64 }),
  startsOn: DateOnly,
  endsOn: DateOnly,
  registrationOpensAt: Instant,
  registrationClosesAt: Instant,
  addDropDeadline: Instant,
  withdrawDeadline: Instant,
  minCredits: Type.Optional(Credits),
  maxCredits: Type.Optional(Credits),
  claimWindowHours: Type.Optional(Nullable(Type.Integer({ minimum: 1, maximum: 720 }))),
};
export const TermCreate = Type.Object(termFields, { additionalProperties: false });
export type TermCreate = Static<typeof TermCreate>;
export const TermPatch = Type.Partial(Type.Object(termFields), {
  additionalProperties: false,
  minProperties: 1,
});
export type TermPatch = Static<typeof TermPatch>;
export const TermPage = Type.Object({
  items: Type.Array(Term),
  nextCursor: Nullable(Type.String()),
});

// ---- subjects and programs

export const Subject = Type.Object({ code: Type.String(), name: Type.String() });
export type Subject = Static<typeof Subject>;
export const SubjectCreate = Type.Object(
  { code: SubjectCode, name: Type.String({ minLength: 1, maxLength: 200 }) },
  { additionalProperties: false },
);
export type SubjectCreate = Static<typeof SubjectCreate>;
export const SubjectPatch = Type.Object(
  { name: Type.String({ minLength: 1, maxLength: 200 }) },
  { additionalProperties: false },
);
export const SubjectPage = Type.Object({
  items: Type.Array(Subject),
  nextCursor: Nullable(Type.String()),
});

export const Program = Type.Object({
  code: Type.String(),
  name: Type.String(),
  degree: Nullable(Type.String()),
});
export type Program = Static<typeof Program>;
export const ProgramCreate = Type.Object(
  {
    code: ProgramCode,
    name: Type.String({ minLength: 1, maxLength: 200 }),
    degree: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 50 }))),
  },
  { additionalProperties: false },
);
export type ProgramCreate = Static<typeof ProgramCreate>;
export const ProgramPatch = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    degree: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 50 }))),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type ProgramPatch = Static<typeof ProgramPatch>;
export const ProgramPage = Type.Object({
  items: Type.Array(Program),
  nextCursor: Nullable(Type.String()),
});

// ---- courses

export const CreditRange = Type.Object({ min: Type.Number(), max: Type.Number() });
export const Restrictions = Type.Object(
  {
    classStandings: Type.Optional(Type.Array(ClassStanding, { uniqueItems: true, maxItems: 5 })),
    programs: Type.Optional(Type.Array(ProgramCode, { uniqueItems: true, maxItems: 100 })),
  },
  {
    additionalProperties: false,
    description: 'Who may register: any of these class standings and any of these programs',
  },
);
export type Restrictions = Static<typeof Restrictions>;

export const Course = Type.Object({
  id: Id,
  code: Type.String({ description: 'Subject and number, e.g. CS 225' }),
  subject: Type.String(),
  number: Type.String(),
  title: Type.String(),
  description: Type.String(),
  credits: CreditRange,
  prerequisites: Nullable(
    Type.String({ description: 'Expression, e.g. CS 125 (C) and (CS 173 or MATH 213)' }),
  ),
  corequisites: Nullable(Type.String()),
  prerequisitesDescription: Nullable(
    Type.String({
      description: 'The prerequisites in words, e.g. "CS 125 with C or better, and …"',
    }),
  ),
  corequisitesDescription: Nullable(Type.String()),
  restrictions: Restrictions,
});
export type Course = Static<typeof Course>;

const Expression = Nullable(Type.String({ maxLength: 2000 }));
const CreditsInput = Type.Object(
  { min: Credits, max: Type.Optional(Credits) },
  { additionalProperties: false, description: 'max defaults to min (fixed credits)' },
);
const courseEditable = {
  title: Type.String({ minLength: 1, maxLength: 200 }),
  description: Type.Optional(Type.String({ maxLength: 10_000 })),
  credits: CreditsInput,
  prerequisites: Type.Optional(Expression),
  corequisites: Type.Optional(Expression),
  restrictions: Type.Optional(Restrictions),
};
export const CourseCreate = Type.Object(
  {
    subject: SubjectCode,
    number: Type.String({
      pattern: '^[0-9][0-9Xx]{0,5}[A-Za-z]?$',
      description: 'Starts with a digit, e.g. 225, 1107L or 15X1; stored upper-case',
    }),
    ...courseEditable,
  },
  { additionalProperties: false },
);
export type CourseCreate = Static<typeof CourseCreate>;
export const CoursePatch = Type.Partial(Type.Object(courseEditable), {
  additionalProperties: false,
  minProperties: 1,
  description: 'The code (subject and number) is the course’s natural key and cannot change',
});
export type CoursePatch = Static<typeof CoursePatch>;
export const CourseQuery = Type.Object({
  q: Type.Optional(Type.String({ maxLength: 200 })),
  subject: Type.Optional(SubjectCode),
  ...PageQuery.properties,
});
export type CourseQuery = Static<typeof CourseQuery>;
export const CoursePage = Type.Object({
  items: Type.Array(Course),
  nextCursor: Nullable(Type.String()),
});

// ---- sections

export const Instructor = Type.Object({ name: Type.String(), userId: Nullable(Type.String()) });
export const Meeting = Type.Object({
  days: Nullable(Type.String({ description: 'null: arranged (no fixed time)' })),
  startTime: Nullable(ClockTime),
  endTime: Nullable(ClockTime),
  location: Nullable(Type.String()),
  startDate: Type.Optional(DateOnly),
  endDate: Type.Optional(DateOnly),
});
export type Meeting = Static<typeof Meeting>;
export const ReservedSeats = Type.Object({
  group: Type.String(),
  label: Type.String(),
  seats: Type.Integer(),
  until: Type.Optional(Instant),
});
export const Seats = Type.Object({
  enrolled: Type.Integer(),
  available: Type.Integer({ minimum: 0 }),
  waitlisted: Type.Integer(),
});

export const Section = Type.Object({
  id: Id,
  crn: Type.String(),
  termId: Id,
  courseId: Id,
  code: Type.String({ description: 'Course code and section code, e.g. CS 225 AL1' }),
  sectionCode: Type.String(),
  subject: Type.String(),
  title: Type.String({ description: 'The section title, else the course title' }),
  kind: SectionKind,
  credits: CreditRange,
  status: Type.Enum(['active', 'cancelled']),
  instructors: Type.Array(Instructor),
  meetings: Type.Array(Meeting),
  capacity: Type.Integer(),
  waitlistCapacity: Type.Integer(),
  waitlistMode: Type.Enum(['auto', 'claim']),
  reservedSeats: Type.Array(ReservedSeats),
  linkedGroup: Type.Optional(Type.String()),
  seats: Seats,
});
export type Section = Static<typeof Section>;
export const SectionPage = Type.Object({
  items: Type.Array(Section),
  nextCursor: Nullable(Type.String()),
});

const MeetingInput = Type.Object(
  {
    days: Type.Optional(Nullable(DayLetters)),
    startTime: Type.Optional(Nullable(ClockTime)),
    endTime: Type.Optional(Nullable(ClockTime)),
    location: Type.Optional(Nullable(Type.String({ maxLength: 200 }))),
    startDate: Type.Optional(Nullable(DateOnly)),
    endDate: Type.Optional(Nullable(DateOnly)),
  },
  {
    additionalProperties: false,
    description: 'days, startTime and endTime together, or none of them for an arranged meeting',
  },
);
export type MeetingInput = Static<typeof MeetingInput>;
const InstructorInput = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    userId: Type.Optional(Nullable(Type.String({ maxLength: 64 }))),
  },
  { additionalProperties: false, description: 'A name, a user with the instructor role, or both' },
);
export type InstructorInput = Static<typeof InstructorInput>;
const ReservedSeatsInput = Type.Object(
  {
    group: ReservedGroup,
    seats: Type.Integer({ minimum: 1, maximum: 100_000 }),
    until: Type.Optional(Nullable(Instant)),
    label: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  },
  { additionalProperties: false },
);
export type ReservedSeatsInput = Static<typeof ReservedSeatsInput>;

const sectionEditable = {
  crn: Type.String({ pattern: '^[A-Za-z0-9]{1,10}$', description: 'Omitted: the next free one' }),
  sectionCode: Type.String({ minLength: 1, maxLength: 10 }),
  kind: SectionKind,
  title: Nullable(Type.String({ minLength: 1, maxLength: 200 })),
  credits: Nullable(Credits),
  instructors: Type.Array(InstructorInput, { maxItems: 20 }),
  meetings: Type.Array(MeetingInput, { maxItems: 20 }),
  capacity: Type.Integer({ minimum: 0, maximum: 100_000 }),
  waitlistCapacity: Type.Integer({ minimum: 0, maximum: 100_000 }),
  waitlistMode: Type.Enum(['auto', 'claim']),
  reservedSeats: Type.Array(ReservedSeatsInput, { maxItems: 20 }),
  linkedGroup: Nullable(
    Type.String({
      minLength: 1,
      maxLength: 20,
      description: 'Sections of the same course and term sharing a group are taken together',
    }),
  ),
};
export const SectionCreate = Type.Object(
  {
    termId: Id,
    courseId: Id,
    crn: Type.Optional(sectionEditable.crn),
    sectionCode: sectionEditable.sectionCode,
    kind: Type.Optional(sectionEditable.kind),
    title: Type.Optional(sectionEditable.title),
    credits: Type.Optional(sectionEditable.credits),
    instructors: Type.Optional(sectionEditable.instructors),
    meetings: Type.Optional(sectionEditable.meetings),
    capacity: sectionEditable.capacity,
    waitlistCapacity: Type.Optional(sectionEditable.waitlistCapacity),
    waitlistMode: Type.Optional(sectionEditable.waitlistMode),
    reservedSeats: Type.Optional(sectionEditable.reservedSeats),
    linkedGroup: Type.Optional(sectionEditable.linkedGroup),
  },
  { additionalProperties: false },
);
export type SectionCreate = Static<typeof SectionCreate>;
export const SectionPatch = Type.Partial(Type.Object(sectionEditable), {
  additionalProperties: false,
  minProperties: 1,
  description: 'Lists (instructors, meetings, reservedSeats) replace the whole list',
});
export type SectionPatch = Static<typeof SectionPatch>;

const kindList = `(${SECTION_KINDS.join('|')})`;
export const SectionSearchQuery = Type.Object({
  q: Type.Optional(
    Type.String({
      maxLength: 200,
      description:
        'Words matched as prefixes against code, title and description, ignoring case and ' +
        'accents ("calc" finds Calculus, "cs 22" finds CS 225); a CRN matches its section',
    }),
  ),
  subject: Type.Optional(
    Type.String({ pattern: '^[A-Za-z]{2,5}(,[A-Za-z]{2,5})*$', description: 'e.g. CS,MATH' }),
  ),
  days: Type.Optional(
    Type.String({
      pattern: '^[MTWRFSU]{1,7}$',
      description:
        'Sections whose scheduled meetings all fall on these days (a subset of them); ' +
        'sections with no scheduled meeting (arranged) are left out',
    }),
  ),
  startAfter: Type.Optional(
    clockTime('Every scheduled meeting starts at or after this time (HH:MM)'),
  ),
  endBefore: Type.Optional(
    clockTime('Every scheduled meeting ends at or before this time (HH:MM)'),
  ),
  open: Type.Optional(Type.Boolean({ description: 'true: only sections with available seats' })),
  credits: Type.Optional(credits('Sections that can be taken for this many credits')),
  instructor: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 100,
      description: 'An instructor user id, or words of an instructor name (prefixes)',
    }),
  ),
  kind: Type.Optional(
    Type.String({ pattern: `^${kindList}(,${kindList})*$`, description: 'e.g. lecture,lab' }),
  ),
  sort: Type.Optional(Type.Enum(SEARCH_SORTS, { default: 'code' })),
  includeCancelled: Type.Optional(Type.Boolean({ default: false })),
  ...PageQuery.properties,
});
export type SectionSearchQuery = Static<typeof SectionSearchQuery>;
export const CourseSectionsQuery = Type.Object({
  termId: Type.Optional(Id),
  ...PageQuery.properties,
});

export const TermIdParams = Type.Object({ termId: Id });
export const CourseIdParams = Type.Object({ courseId: Id });
export const SectionIdParams = Type.Object({ sectionId: Id });
export const CodeParams = Type.Object({ code: Type.String({ minLength: 1, maxLength: 20 }) });
