// Every registration rule, as pure functions over the facts gathered for one student and the
// section(s) they ask for. Each rule returns findings with API.md's blocker codes and a message
// that says what to do; an override (staff) or a permit (instructor) waives the rules it names.
// To change a rule, change its function below: nothing else decides who may register.
import {
  evaluateRequisite,
  parseOptionalRequisiteRemembered,
  type ClassStanding,
  type RequisiteFacts,
  type RequisitePermission,
} from '../catalog/catalog.requisites.ts';

// ---------------------------------------------------------------------------------------------
// Vocabulary

export const BLOCKER_CODES = [
  'not_in_window',
  'hold',
  'prerequisite_not_met',
  'corequisite_missing',
  'time_conflict',
  'credit_limit_exceeded',
  'already_registered',
  'duplicate_course',
  'restriction_not_met',
  'linked_section_required',
  'section_full',
  'section_cancelled',
] as const;
export type BlockerCode = (typeof BLOCKER_CODES)[number];

export const OVERRIDES = [
  'capacity',
  'prerequisite',
  'corequisite',
  'time_conflict',
  'credit_limit',
  'hold',
  'window',
  'restriction',
] as const;
export type Override = (typeof OVERRIDES)[number];

/** Which override waives which blocker; the others (duplicates, links, cancelled) cannot be waived. */
export const OVERRIDE_FOR: Readonly<Partial<Record<BlockerCode, Override>>> = {
  not_in_window: 'window',
  hold: 'hold',
  prerequisite_not_met: 'prerequisite',
  corequisite_missing: 'corequisite',
  time_conflict: 'time_conflict',
  credit_limit_exceeded: 'credit_limit',
  restriction_not_met: 'restriction',
  section_full: 'capacity',
};

export interface Blocker {
  code: BlockerCode;
  message: string;
  sectionId: string;
  /** Machine-readable detail for clients (e.g. the conflicting section, when a ticket opens). */
  [detail: string]: unknown;
}

export interface Warning {
  code: 'below_minimum_credits' | 'will_be_waitlisted';
  message: string;
  sectionId?: string;
}

// ---------------------------------------------------------------------------------------------
// Facts (gathered in one statement by the repository; plain data here)

export interface MeetingFact {
  /** Letters from MTWRFSU; null means arranged (never conflicts). */
  days: string | null;
  /** HH:MM or HH:MM:SS in the term's time zone. */
  startTime: string | null;
  endTime: string | null;
  location: string | null;
  /** YYYY-MM-DD; null means the term's own first or last day. */
  startDate: string | null;
  endDate: string | null;
}

export interface ReservedSeatFact {
  id: string;
  groupKind: 'class_standing' | 'program' | 'cohort';
  groupValue: string;
  label: string;
  seats: number;
  until: Date | null;
  /** Members of the group holding a seat in the section now (they use the reservation). */
  taken: number;
}

export interface PermitFact {
  overrides: readonly string[];
  /** Whether an instructor of the section or an administrator granted it. */
  grantedBy: 'instructor' | 'admin';
}

export interface SectionFact {
  id: string;
  /** Course code plus section code, e.g. `CS 225 AL1`. */
  code: string;
  courseId: string;
  courseCode: string;
  courseTitle: string;
  kind: string;
  linkedGroup: string | null;
  status: 'active' | 'cancelled';
  credits: number;
  capacity: number;
  waitlistCapacity: number;
  enrolled: number;
  waitlisted: number;
  waitlistMode: 'auto' | 'claim';
  prerequisites: string | null;
  corequisites: string | null;
  restrictions: { classStandings?: string[]; programs?: string[] };
  meetings: MeetingFact[];
  reservedSeats: ReservedSeatFact[];
  /** Active sections of the same course, term and linked group, other than this one. */
  linkedSiblings: { id: string; code: string; kind: string }[];
  /** This student's permits for this section. */
  permits: PermitFact[];
}

export type LiveStatus = 'enrolled' | 'waitlisted' | 'offered' | 'pending_payment';

export interface CurrentRegistrationFact {
  id: string;
  status: LiveStatus;
  credits: number;
  section: Pick<
    SectionFact,
    'id' | 'code' | 'courseId' | 'courseCode' | 'kind' | 'linkedGroup' | 'meetings'
  >;
}

export interface TermFact {
  id: string;
  code: string;
  name: string;
  timeZone: string;
  startsOn: string;
  endsOn: string;
  registrationOpensAt: Date;
  registrationClosesAt: Date;
  addDropDeadline: Date;
  withdrawDeadline: Date;
  minCredits: number;
  maxCredits: number;
  claimWindowHours: number | null;
}

export interface HoldFact {
  id: string;
  type: 'academic' | 'financial' | 'advising' | 'disciplinary' | 'administrative';
  reason: string;
  blocksRegistration: boolean;
  placedByName: string | null;
}

export interface TimeTicketRuleFact {
  minCreditsEarned: number | null;
  classStanding: string | null;
  opensAt: Date;
}

export interface StudentFact {
  id: string;
  name: string;
  classStanding: ClassStanding;
  programCode: string | null;
  creditsEarned: number;
  advisorName: string | null;
}

export interface RegistrationFacts {
  now: Date;
  term: TermFact;
  student: StudentFact;
  /** The per-student ticket (overrides the rules) and the term's rules. */
  timeTicket: { studentOpensAt: Date | null; rules: TimeTicketRuleFact[] };
  holds: HoldFact[];
  transcript: { courseCode: string; grade: string }[];
  /** Courses the student holds a seat in during earlier terms that have no grade yet. */
  inProgressElsewhere: string[];
  /** The student's live registrations in this term. */
  current: CurrentRegistrationFact[];
}

export type Purpose = 'register' | 'validate' | 'promote';

export interface RegistrationRequest {
  /** Sections asked for together, in the order the student listed them. */
  sections: SectionFact[];
  /** Overrides a staff member applies to this request. */
  overrides: readonly Override[];
  /** Registrations treated as already dropped (a swap's drop). */
  dropping: readonly string[];
  /**
   * `register`: every rule. `validate`: the same, changing nothing. `promote`: a wait-listed
   * student taking a freed seat (no window, capacity or already-registered rule: the caller knows
   * the seat is free and excludes the wait-listed registration itself).
   */
  purpose: Purpose;
}

export interface SectionVerdict {
  sectionId: string;
  blockers: Blocker[];
  /** Rules an override or permit waived: recorded on the registration and in the audit. */
  waived: { code: BlockerCode; override: Override }[];
  /** Whether a seat is free for this student now (otherwise the wait-list, if it has room). */
  seatAvailable: boolean;
}

export interface Evaluation {
  ok: boolean;
  sections: SectionVerdict[];
  warnings: Warning[];
}

// ---------------------------------------------------------------------------------------------
// Words and times

const DAY_NAMES: Record<string, string> = {
  M: 'Mon',
  T: 'Tue',
  W: 'Wed',
  R: 'Thu',
  F: 'Fri',
  S: 'Sat',
  U: 'Sun',
};

const STANDING_PLURALS: Record<string, string> = {
  freshman: 'first-years',
  sophomore: 'sophomores',
  junior: 'juniors',
  senior: 'seniors',
  graduate: 'graduate students',
};

/** Who can lift each kind of hold: part of the message a blocked student reads. */
export const HOLD_LIFTED_BY: Readonly<Record<HoldFact['type'], string>> = {
  academic: "the Registrar's office (academic standing)",
  financial: "the Bursar's office: pay the balance or arrange a payment plan",
  advising: 'your academic advisor, after you meet with them',
  disciplinary: 'the Office of Student Conduct',
  administrative: "the Registrar's office",
};

/** `Mon, Mar 2, 2026, 8:00 AM CST` in the term's time zone. */
export function formatInstant(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-US', {
    timeZone,
    weekday: 'short',
    month: 'short',
    day: 'numeric',
    year: 'numeric',
    hour: 'numeric',
    minute: '2-digit',
    timeZoneName: 'short',
  }).format(at);
}

const hhmm = (time: string): string => time.slice(0, 5);

/** `MWF 10:00–10:50`, or `arranged`. */
export function formatMeeting(meeting: MeetingFact): string {
  if (!meeting.days || !meeting.startTime || !meeting.endTime) return 'arranged';
  return `${meeting.days} ${hhmm(meeting.startTime)}–${hhmm(meeting.endTime)}`;
}

function joinWords(items: readonly string[], conjunction: 'and' | 'or'): string {
  if (items.length <= 1) return items.join('');
  if (items.length === 2) return `${items[0]!} ${conjunction} ${items[1]!}`;
  return `${items.slice(0, -1).join(', ')}, ${conjunction} ${items.at(-1)!}`;
}

const formatCredits = (credits: number): string =>
  `${Number.isInteger(credits) ? String(credits) : credits.toFixed(1)} credit${credits === 1 ? '' : 's'}`;

// ---------------------------------------------------------------------------------------------
// Time tickets

/**
 * When the student may start: their own ticket if set; else the earliest rule they match (by
 * minimum credits earned and/or class standing); else, when rules exist, the latest rule (students
 * below every threshold go last); else the term's opening.
 */
export function effectiveOpensAt(
  facts: Pick<RegistrationFacts, 'term' | 'student' | 'timeTicket'>,
): Date {
  if (facts.timeTicket.studentOpensAt) return facts.timeTicket.studentOpensAt;
  const rules = facts.timeTicket.rules;
  if (rules.length === 0) return facts.term.registrationOpensAt;
  const matching = rules.filter(
    (rule) =>
      (rule.minCreditsEarned === null || facts.student.creditsEarned >= rule.minCreditsEarned) &&
      (rule.classStanding === null || rule.classStanding === facts.student.classStanding),
  );
  const pool = matching.length > 0 ? matching : rules;
  const times = pool.map((rule) => rule.opensAt.getTime());
  return new Date(matching.length > 0 ? Math.min(...times) : Math.max(...times));
}

// ---------------------------------------------------------------------------------------------
// Time conflicts

function minutes(time: string): number {
  const [h, m] = time.split(':');
  return Number(h) * 60 + Number(m);
}

/**
 * Two meetings conflict when they share a day, their times overlap and their date ranges overlap
 * (a missing date is the term's own first or last day). Arranged meetings never conflict.
 */
export function meetingsOverlap(
  a: MeetingFact,
  b: MeetingFact,
  term: Pick<TermFact, 'startsOn' | 'endsOn'>,
): boolean {
  if (!a.days || !b.days || !a.startTime || !a.endTime || !b.startTime || !b.endTime) return false;
  const sharedDay = [...a.days].some((day) => b.days!.includes(day));
  if (!sharedDay) return false;
  const timesOverlap =
    minutes(a.startTime) < minutes(b.endTime) && minutes(b.startTime) < minutes(a.endTime);
  if (!timesOverlap) return false;
  const aStart = a.startDate ?? term.startsOn;
  const aEnd = a.endDate ?? term.endsOn;
  const bStart = b.startDate ?? term.startsOn;
  const bEnd = b.endDate ?? term.endsOn;
  return aStart <= bEnd && bStart <= aEnd;
}

/** The days on which two meetings collide, as words (`Mon and Wed`). */
function sharedDays(a: MeetingFact, b: MeetingFact): string {
  const days = [...(a.days ?? '')].filter((day) => (b.days ?? '').includes(day));
  return joinWords(
    days.map((d) => DAY_NAMES[d] ?? d),
    'and',
  );
}

// ---------------------------------------------------------------------------------------------
// Reserved seats

export function isReservationMember(
  student: Pick<StudentFact, 'classStanding' | 'programCode'>,
  reservation: Pick<ReservedSeatFact, 'groupKind' | 'groupValue'>,
  hasPermit: boolean,
): boolean {
  switch (reservation.groupKind) {
    case 'class_standing':
      return student.classStanding === reservation.groupValue;
    case 'program':
      return (student.programCode ?? '').toUpperCase() === reservation.groupValue.toUpperCase();
    case 'cohort':
      // Cohorts have no roster of their own: the instructor admits a cohort's members by permit.
      return hasPermit;
  }
}

/** Reservations still in force that this student does not belong to: their unused seats are off limits. */
export function reservationsHeldFrom(
  section: Pick<SectionFact, 'reservedSeats' | 'permits'>,
  student: Pick<StudentFact, 'classStanding' | 'programCode'>,
  now: Date,
): ReservedSeatFact[] {
  return section.reservedSeats.filter(
    (r) =>
      (r.until === null || r.until.getTime() > now.getTime()) &&
      !isReservationMember(student, r, section.permits.length > 0),
  );
}

/** Seats this student could take now: capacity minus seats taken minus unused seats held for others. */
export function seatsAvailableFor(
  section: Pick<SectionFact, 'capacity' | 'enrolled' | 'reservedSeats' | 'permits'>,
  student: Pick<StudentFact, 'classStanding' | 'programCode'>,
  now: Date,
): number {
  const held = reservationsHeldFrom(section, student, now).reduce(
    (sum, r) => sum + Math.max(0, r.seats - r.taken),
    0,
  );
  return section.capacity - section.enrolled - held;
}

// ---------------------------------------------------------------------------------------------
// The rules. Each takes the context and one requested section and returns its findings.

interface RuleContext {
  facts: RegistrationFacts;
  request: RegistrationRequest;
  /** Live registrations in this term, minus those being dropped in the same request. */
  current: CurrentRegistrationFact[];
}

type Rule = (ctx: RuleContext, section: SectionFact, index: number) => Blocker[];

const seatHolding = (r: CurrentRegistrationFact): boolean => r.status !== 'waitlisted';

/** not_in_window: before the student's time ticket opens, or after registration closes. */
export const windowRule: Rule = ({ facts, request }, section) => {
  if (request.purpose === 'promote') return [];
  const { term, now } = facts;
  const opensAt = effectiveOpensAt(facts);
  if (now.getTime() < opensAt.getTime()) {
    return [
      {
        code: 'not_in_window',
        sectionId: section.id,
        opensAt: opensAt.toISOString(),
        message: `Your registration time ticket for ${term.name} opens ${formatInstant(opensAt, term.timeZone)}. Come back then, or ask the Registrar's office if you need to start earlier.`,
      },
    ];
  }
  if (now.getTime() >= term.registrationClosesAt.getTime()) {
    return [
      {
        code: 'not_in_window',
        sectionId: section.id,
        closedAt: term.registrationClosesAt.toISOString(),
        message: `Registration for ${term.name} closed ${formatInstant(term.registrationClosesAt, term.timeZone)}. Ask the Registrar's office about a late add.`,
      },
    ];
  }
  return [];
};

/** hold: every hold that blocks registration, each saying who can lift it. */
export const holdRule: Rule = ({ facts }, section) =>
  facts.holds
    .filter((hold) => hold.blocksRegistration)
    .map((hold) => {
      const liftedBy =
        hold.type === 'advising' && facts.student.advisorName
          ? `your advisor, ${facts.student.advisorName}, after you meet with them`
          : HOLD_LIFTED_BY[hold.type];
      const placedBy = hold.placedByName ? ` (placed by ${hold.placedByName})` : '';
      return {
        code: 'hold' as const,
        sectionId: section.id,
        holdId: hold.id,
        holdType: hold.type,
        message: `A ${hold.type} hold${placedBy} blocks registration: ${hold.reason}. It can be lifted by ${liftedBy}.`,
      };
    });

/** section_cancelled: nobody can register for a cancelled section. */
export const cancelledRule: Rule = (_ctx, section) =>
  section.status === 'cancelled'
    ? [
        {
          code: 'section_cancelled',
          sectionId: section.id,
          message: `${section.code} was cancelled. Choose another section of ${section.courseCode}.`,
        },
      ]
    : [];

const STATUS_WORDS: Record<LiveStatus, string> = {
  enrolled: 'already enrolled in',
  waitlisted: 'already on the wait-list for',
  offered: 'already offered a seat in',
  pending_payment: 'already holding a seat (awaiting payment) in',
};

/** already_registered: a live registration in this very section. */
export const alreadyRegisteredRule: Rule = ({ current, request }, section) => {
  if (request.purpose === 'promote') return [];
  const existing = current.find((r) => r.section.id === section.id);
  if (!existing) return [];
  return [
    {
      code: 'already_registered',
      sectionId: section.id,
      registrationId: existing.id,
      message: `You are ${STATUS_WORDS[existing.status]} ${section.code}.${existing.status === 'offered' ? ' Accept the offer to enrol.' : ''}`,
    },
  ];
};

/**
 * duplicate_course: another section of the same course and kind (a second lecture of CS 225),
 * held already or asked for in the same request. Linked parts (a lecture and its lab) differ in kind.
 */
export const duplicateCourseRule: Rule = ({ current, request }, section, index) => {
  const sameCourse = (other: Pick<SectionFact, 'id' | 'courseId' | 'kind'>): boolean =>
    other.id !== section.id && other.courseId === section.courseId && other.kind === section.kind;
  const held = current.find((r) => sameCourse(r.section));
  if (held) {
    return [
      {
        code: 'duplicate_course',
        sectionId: section.id,
        registrationId: held.id,
        message: `You already hold ${held.section.code}, another ${section.kind} of ${section.courseCode}. To change sections, swap ${held.section.code} for ${section.code}.`,
      },
    ];
  }
  const twin = request.sections.find((other, i) => i !== index && sameCourse(other));
  if (twin) {
    return [
      {
        code: 'duplicate_course',
        sectionId: section.id,
        message: `${section.code} and ${twin.code} are both ${section.kind}s of ${section.courseCode}. Keep only one of them.`,
      },
    ];
  }
  return [];
};

/** restriction_not_met: the course is limited to some class standings and/or programs. */
export const restrictionRule: Rule = ({ facts }, section) => {
  const { classStandings, programs } = section.restrictions;
  const findings: Blocker[] = [];
  if (classStandings && classStandings.length > 0) {
    if (!classStandings.includes(facts.student.classStanding)) {
      const allowed = joinWords(
        classStandings.map((s) => STANDING_PLURALS[s] ?? s),
        'and',
      );
      findings.push({
        code: 'restriction_not_met',
        sectionId: section.id,
        message: `${section.courseCode} is restricted to ${allowed}; you are a ${facts.student.classStanding}. Ask the department for a restriction override.`,
      });
    }
  }
  if (programs && programs.length > 0) {
    const program = (facts.student.programCode ?? '').toUpperCase();
    if (!programs.some((p) => p.toUpperCase() === program)) {
      findings.push({
        code: 'restriction_not_met',
        sectionId: section.id,
        message: `${section.courseCode} is restricted to students in ${joinWords(programs, 'or')}${facts.student.programCode ? `; your program is ${facts.student.programCode}` : ''}. Ask the department for a restriction override.`,
      });
    }
  }
  return findings;
};

function requisiteFacts(
  ctx: RuleContext,
  section: SectionFact,
  inProgress: readonly string[],
): RequisiteFacts {
  const permissions = new Set<RequisitePermission>();
  for (const permit of section.permits) {
    permissions.add('instructor');
    if (permit.grantedBy === 'admin') permissions.add('department');
  }
  return {
    completed: ctx.facts.transcript.map((t) => ({ course: t.courseCode, grade: t.grade })),
    inProgress,
    standing: ctx.facts.student.classStanding,
    permissions: [...permissions],
  };
}

/** Courses taken alongside this one: current seats, the rest of the request, and earlier terms. */
function coursesInProgress(ctx: RuleContext, section: SectionFact): string[] {
  return [
    ...ctx.facts.inProgressElsewhere,
    ...ctx.current.filter(seatHolding).map((r) => r.section.courseCode),
    ...ctx.request.sections.filter((s) => s.id !== section.id).map((s) => s.courseCode),
  ];
}

function unreadableRequisite(section: SectionFact, code: BlockerCode): Blocker {
  return {
    code,
    sectionId: section.id,
    message: `The requirements of ${section.courseCode} could not be read. Ask the Registrar's office to correct the course record.`,
  };
}

/**
 * prerequisite_not_met: the course's prerequisite expression against the transcript; courses in
 * progress count only for parts marked [concurrent].
 */
export const prerequisiteRule: Rule = (ctx, section) => {
  let expr;
  try {
    expr = parseOptionalRequisiteRemembered(section.prerequisites);
  } catch {
    return [unreadableRequisite(section, 'prerequisite_not_met')];
  }
  if (!expr) return [];
  const result = evaluateRequisite(
    expr,
    requisiteFacts(ctx, section, coursesInProgress(ctx, section)),
    {
      mode: 'prerequisite',
    },
  );
  if (result.satisfied) return [];
  return [
    {
      code: 'prerequisite_not_met',
      sectionId: section.id,
      missing: result.missing,
      message: `${section.courseCode} requires ${section.prerequisites ?? ''}. Missing: ${result.missing.join('; ')}. If you have equivalent preparation, ask the instructor for a prerequisite permit.`,
    },
  ];
};

/** corequisite_missing: courses to be taken before or together with this one. */
export const corequisiteRule: Rule = (ctx, section) => {
  let expr;
  try {
    expr = parseOptionalRequisiteRemembered(section.corequisites);
  } catch {
    return [unreadableRequisite(section, 'corequisite_missing')];
  }
  if (!expr) return [];
  const result = evaluateRequisite(
    expr,
    requisiteFacts(ctx, section, coursesInProgress(ctx, section)),
    {
      mode: 'corequisite',
    },
  );
  if (result.satisfied) return [];
  return [
    {
      code: 'corequisite_missing',
      sectionId: section.id,
      missing: result.missing,
      message: `${section.courseCode} must be taken with ${section.corequisites ?? ''}. Missing: ${result.missing.join('; ')}. Add it to your cart and check out together.`,
    },
  ];
};

/** time_conflict: against the seats the student holds and the other sections of the request. */
export const timeConflictRule: Rule = ({ facts, current, request }, section, index) => {
  const others: { id: string; code: string; meetings: MeetingFact[] }[] = [
    ...current.filter(seatHolding).map((r) => r.section),
    ...request.sections.filter((_s, i) => i !== index),
  ];
  const findings: Blocker[] = [];
  for (const other of others) {
    if (other.id === section.id) continue;
    for (const mine of section.meetings) {
      const theirs = other.meetings.find((m) => meetingsOverlap(mine, m, facts.term));
      if (!theirs) continue;
      findings.push({
        code: 'time_conflict',
        sectionId: section.id,
        conflictsWith: other.id,
        message: `${section.code} (${formatMeeting(mine)}) overlaps ${other.code} (${formatMeeting(theirs)}) on ${sharedDays(mine, theirs)}. Choose another section of one of them.`,
      });
      break;
    }
  }
  return findings;
};

/**
 * credit_limit_exceeded: seats held plus this request, counted in request order, above the term's
 * maximum. (The minimum only warns, in validation.)
 */
export const creditLimitRule: Rule = ({ facts, current, request }, section, index) => {
  const held = current.filter(seatHolding).reduce((sum, r) => sum + r.credits, 0);
  const upToHere = request.sections
    .slice(0, index + 1)
    .filter((s) => !current.some((r) => r.section.id === s.id))
    .reduce((sum, s) => sum + s.credits, 0);
  const total = held + upToHere;
  const max = facts.term.maxCredits;
  if (total <= max) return [];
  return [
    {
      code: 'credit_limit_exceeded',
      sectionId: section.id,
      totalCredits: total,
      maxCredits: max,
      message: `Adding ${section.code} (${formatCredits(section.credits)}) brings you to ${formatCredits(total)}; the maximum for ${facts.term.name} is ${formatCredits(max)}. Drop a course first, or ask your advisor for a credit-limit override.`,
    },
  ];
};

/**
 * linked_section_required: a section in a linked group needs one section of every other kind in
 * that group (a lecture needs one of its labs), in the same request or already held.
 */
export const linkedSectionRule: Rule = ({ current, request }, section) => {
  if (!section.linkedGroup || section.linkedSiblings.length === 0) return [];
  const neededKinds = [...new Set(section.linkedSiblings.map((s) => s.kind))].filter(
    (kind) => kind !== section.kind,
  );
  const siblingIds = new Set(section.linkedSiblings.map((s) => s.id));
  const chosen = new Set([
    ...current.map((r) => r.section.id),
    ...request.sections.map((s) => s.id),
  ]);
  const findings: Blocker[] = [];
  for (const kind of neededKinds) {
    const options = section.linkedSiblings.filter((s) => s.kind === kind);
    if (options.some((s) => chosen.has(s.id) && siblingIds.has(s.id))) continue;
    findings.push({
      code: 'linked_section_required',
      sectionId: section.id,
      requiredKind: kind,
      options: options.map((s) => s.id),
      message: `${section.code} must be taken with a ${kind} of the same group: ${joinWords(
        options.map((s) => s.code),
        'or',
      )}. Add one to your cart and check out both together.`,
    });
  }
  return findings;
};

/** section_full: no seat this student may take and no room on the wait-list. */
export const capacityRule: Rule = ({ facts, request }, section) => {
  if (request.purpose === 'promote' || section.status === 'cancelled') return [];
  const available = seatsAvailableFor(section, facts.student, facts.now);
  if (available > 0 || section.waitlisted < section.waitlistCapacity) return [];
  const reserved = reservationsHeldFrom(section, facts.student, facts.now).filter(
    (r) => r.seats - r.taken > 0,
  );
  const free = section.capacity - section.enrolled;
  const reservedNote =
    free > 0 && reserved.length > 0
      ? ` The ${free === 1 ? 'free seat is' : `${free} free seats are`} reserved for ${joinWords(
          reserved.map(
            (r) =>
              `${r.label}${r.until ? ` until ${formatInstant(r.until, facts.term.timeZone)}` : ''}`,
          ),
          'and',
        )}.`
      : '';
  const waitlist =
    section.waitlistCapacity > 0
      ? ` and its wait-list is full (${section.waitlisted} of ${section.waitlistCapacity})`
      : ' and has no wait-list';
  return [
    {
      code: 'section_full',
      sectionId: section.id,
      message: `${section.code} is full (${Math.min(section.enrolled, section.capacity)} of ${section.capacity} seats taken)${waitlist}.${reservedNote} Choose another section, or ask the instructor for a permit.`,
    },
  ];
};

/** The rules in the order their blockers are listed. */
export const RULES: readonly Rule[] = [
  cancelledRule,
  windowRule,
  holdRule,
  alreadyRegisteredRule,
  duplicateCourseRule,
  restrictionRule,
  prerequisiteRule,
  corequisiteRule,
  linkedSectionRule,
  timeConflictRule,
  creditLimitRule,
  capacityRule,
];

// ---------------------------------------------------------------------------------------------
// Evaluation

/** Overrides that apply to one section: the staff member's plus the student's permits for it. */
export function overridesFor(request: RegistrationRequest, section: SectionFact): Set<Override> {
  const granted = new Set<Override>(request.overrides);
  for (const permit of section.permits) {
    for (const name of permit.overrides) {
      if ((OVERRIDES as readonly string[]).includes(name)) granted.add(name as Override);
    }
  }
  return granted;
}

/** Runs every rule on every requested section; blockers an override names are waived instead. */
export function evaluateRegistration(
  facts: RegistrationFacts,
  request: RegistrationRequest,
): Evaluation {
  const dropping = new Set(request.dropping);
  const ctx: RuleContext = {
    facts,
    request,
    current: facts.current.filter((r) => !dropping.has(r.id)),
  };
  const sections = request.sections.map((section, index): SectionVerdict => {
    const granted = overridesFor(request, section);
    const blockers: Blocker[] = [];
    const waived: SectionVerdict['waived'] = [];
    for (const rule of RULES) {
      for (const finding of rule(ctx, section, index)) {
        const override = OVERRIDE_FOR[finding.code];
        if (override && granted.has(override)) {
          if (!waived.some((w) => w.code === finding.code))
            waived.push({ code: finding.code, override });
        } else {
          blockers.push(finding);
        }
      }
    }
    return {
      sectionId: section.id,
      blockers,
      waived,
      seatAvailable: seatsAvailableFor(section, facts.student, facts.now) > 0,
    };
  });
  const warnings: Warning[] = [];
  if (request.purpose === 'validate') {
    for (const verdict of sections) {
      const section = request.sections.find((s) => s.id === verdict.sectionId)!;
      if (verdict.blockers.length === 0 && !verdict.seatAvailable && section.status === 'active') {
        warnings.push({
          code: 'will_be_waitlisted',
          sectionId: section.id,
          message: `${section.code} has no free seat: you will join its wait-list at position ${section.waitlisted + 1}.`,
        });
      }
    }
    const total =
      ctx.current.filter(seatHolding).reduce((sum, r) => sum + r.credits, 0) +
      request.sections
        .filter((s) => !ctx.current.some((r) => r.section.id === s.id))
        .reduce((sum, s) => sum + s.credits, 0);
    if (total < facts.term.minCredits) {
      warnings.push({
        code: 'below_minimum_credits',
        message: `These sections bring you to ${formatCredits(total)}; ${facts.term.name} expects at least ${formatCredits(facts.term.minCredits)} (full-time status, aid and visas may depend on it).`,
      });
    }
  }
  return { ok: sections.every((s) => s.blockers.length === 0), sections, warnings };
}

/** Overrides that actually waived something, for the registration row and the audit. */
export function overridesUsed(verdicts: readonly SectionVerdict[]): Override[] {
  return [...new Set(verdicts.flatMap((v) => v.waived.map((w) => w.override)))];
}

// ---------------------------------------------------------------------------------------------
// Drop versus withdraw (C8)

export type DropKind =
  { allowed: true; status: 'dropped' | 'withdrawn' } | { allowed: false; message: string };

/**
 * Until the add/drop deadline a seat is simply dropped; until the withdraw deadline it becomes a
 * withdrawal (a W); after that only an administrator may withdraw a student. Leaving a wait-list
 * or declining an offer is always a plain drop.
 */
export function dropKind(
  term: Pick<TermFact, 'name' | 'timeZone' | 'addDropDeadline' | 'withdrawDeadline'>,
  status: LiveStatus,
  now: Date,
  byAdmin: boolean,
): DropKind {
  if (status === 'waitlisted' || status === 'offered') return { allowed: true, status: 'dropped' };
  if (now.getTime() <= term.addDropDeadline.getTime()) return { allowed: true, status: 'dropped' };
  if (now.getTime() <= term.withdrawDeadline.getTime() || byAdmin) {
    return { allowed: true, status: 'withdrawn' };
  }
  return {
    allowed: false,
    message: `The withdraw deadline for ${term.name} passed ${formatInstant(term.withdrawDeadline, term.timeZone)}. Only the Registrar's office can withdraw you now.`,
  };
}

/**
 * The blocker when the seat was gone by the time the section's row was locked: the facts said
 * there was room, but concurrent registrations took it (or the section was cancelled).
 */
export function seatLostBlocker(
  section: Pick<SectionFact, 'id' | 'code' | 'courseCode'>,
  outcome: 'full' | 'cancelled',
): Blocker {
  if (outcome === 'cancelled') {
    return cancelledRule(
      {} as RuleContext,
      { ...(section as SectionFact), status: 'cancelled' },
      0,
    )[0]!;
  }
  return {
    code: 'section_full',
    sectionId: section.id,
    message: `${section.code} filled up, wait-list included, while your request was in progress. Choose another section, or ask the instructor for a permit.`,
  };
}
