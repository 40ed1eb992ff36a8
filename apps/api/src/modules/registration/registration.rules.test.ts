import { describe, expect, it } from 'vitest';
import {
  dropKind,
  effectiveOpensAt,
  evaluateRegistration,
  meetingsOverlap,
  overridesUsed,
  seatsAvailableFor,
  type CurrentRegistrationFact,
  type MeetingFact,
  type RegistrationFacts,
  type RegistrationRequest,
  type SectionFact,
} from './registration.rules.ts';

const NOW = new Date('2026-08-01T15:00:00Z');
const TERM = {
  id: 'term-1',
  code: 'FA2026',
  name: 'Fall 2026',
  timeZone: 'America/Chicago',
  startsOn: '2026-08-24',
  endsOn: '2026-12-11',
  registrationOpensAt: new Date('2026-07-01T13:00:00Z'),
  registrationClosesAt: new Date('2026-09-01T05:00:00Z'),
  addDropDeadline: new Date('2026-09-04T05:00:00Z'),
  withdrawDeadline: new Date('2026-10-30T05:00:00Z'),
  minCredits: 12,
  maxCredits: 18,
  claimWindowHours: 24,
};

function meeting(days: string | null, start: string | null, end: string | null): MeetingFact {
  return { days, startTime: start, endTime: end, location: null, startDate: null, endDate: null };
}

let counter = 0;
function section(overrides: Partial<SectionFact> = {}): SectionFact {
  counter += 1;
  const courseCode = overrides.courseCode ?? `CS ${100 + counter}`;
  return {
    id: `sec-${counter}`,
    code: `${courseCode} A${counter}`,
    courseId: `course-${courseCode}`,
    courseCode,
    courseTitle: 'A course',
    kind: 'lecture',
    linkedGroup: null,
    status: 'active',
    credits: 4,
    capacity: 30,
    waitlistCapacity: 5,
    enrolled: 0,
    waitlisted: 0,
    waitlistMode: 'auto',
    prerequisites: null,
    corequisites: null,
    restrictions: {},
    meetings: [meeting('MWF', '10:00:00', '10:50:00')],
    reservedSeats: [],
    linkedSiblings: [],
    permits: [],
    ...overrides,
  };
}

function held(target: SectionFact, status: CurrentRegistrationFact['status'] = 'enrolled') {
  return {
    id: `reg-${target.id}`,
    status,
    credits: target.credits,
    section: target,
  } satisfies CurrentRegistrationFact;
}

function facts(overrides: Partial<RegistrationFacts> = {}): RegistrationFacts {
  return {
    now: NOW,
    term: TERM,
    student: {
      id: 'stu-1',
      name: 'Ada Student',
      classStanding: 'sophomore',
      programCode: 'CS-BS',
      creditsEarned: 40,
      advisorName: null,
    },
    timeTicket: { studentOpensAt: null, rules: [] },
    holds: [],
    transcript: [],
    inProgressElsewhere: [],
    current: [],
    ...overrides,
  };
}

function request(
  sections: SectionFact[],
  overrides: Partial<RegistrationRequest> = {},
): RegistrationRequest {
  return { sections, overrides: [], dropping: [], purpose: 'register', ...overrides };
}

function blockersOf(f: RegistrationFacts, r: RegistrationRequest, index = 0) {
  return evaluateRegistration(f, r).sections[index]!.blockers;
}

describe('a clean request', () => {
  it('passes with no blockers and reports a free seat', () => {
    const result = evaluateRegistration(facts(), request([section()]));
    expect(result.ok).toBe(true);
    expect(result.sections[0]).toMatchObject({ blockers: [], waived: [], seatAvailable: true });
  });
});

describe('not_in_window', () => {
  it('says when the time ticket opens, in the term time zone', () => {
    const f = facts({
      timeTicket: { studentOpensAt: new Date('2026-08-03T13:00:00Z'), rules: [] },
    });
    const [blocker] = blockersOf(f, request([section()]));
    expect(blocker).toMatchObject({ code: 'not_in_window', opensAt: '2026-08-03T13:00:00.000Z' });
    expect(blocker!.message).toBe(
      "Your registration time ticket for Fall 2026 opens Mon, Aug 3, 2026, 8:00 AM CDT. Come back then, or ask the Registrar's office if you need to start earlier.",
    );
  });

  it('says when registration closed', () => {
    const f = facts({ now: new Date('2026-09-02T00:00:00Z') });
    const [blocker] = blockersOf(f, request([section()]));
    expect(blocker!.code).toBe('not_in_window');
    expect(blocker!.message).toContain('Registration for Fall 2026 closed');
    expect(blocker!.message).toContain('late add');
  });

  it('is waived by the window override and not applied to promotions', () => {
    const f = facts({ now: new Date('2026-06-01T00:00:00Z') });
    const waived = evaluateRegistration(f, request([section()], { overrides: ['window'] }));
    expect(waived.ok).toBe(true);
    expect(overridesUsed(waived.sections)).toEqual(['window']);
    expect(blockersOf(f, request([section()], { purpose: 'promote' }))).toEqual([]);
  });
});

describe('time tickets', () => {
  const rules = [
    { minCreditsEarned: 90, classStanding: null, opensAt: new Date('2026-07-01T13:00:00Z') },
    { minCreditsEarned: 30, classStanding: null, opensAt: new Date('2026-07-02T13:00:00Z') },
    {
      minCreditsEarned: null,
      classStanding: 'graduate',
      opensAt: new Date('2026-06-30T13:00:00Z'),
    },
    { minCreditsEarned: 60, classStanding: null, opensAt: new Date('2026-07-03T13:00:00Z') },
  ];
  const base = facts();
  it('takes the earliest rule the student matches', () => {
    const f = {
      ...base,
      student: { ...base.student, creditsEarned: 95 },
      timeTicket: { studentOpensAt: null, rules },
    };
    expect(effectiveOpensAt(f).toISOString()).toBe('2026-07-01T13:00:00.000Z');
    const mid = { ...f, student: { ...f.student, creditsEarned: 45 } };
    expect(effectiveOpensAt(mid).toISOString()).toBe('2026-07-02T13:00:00.000Z');
  });
  it('matches class standing rules', () => {
    const f = {
      ...base,
      student: { ...base.student, classStanding: 'graduate' as const, creditsEarned: 0 },
      timeTicket: { studentOpensAt: null, rules },
    };
    expect(effectiveOpensAt(f).toISOString()).toBe('2026-06-30T13:00:00.000Z');
  });
  it('puts students below every threshold last', () => {
    const f = {
      ...base,
      student: { ...base.student, creditsEarned: 3 },
      timeTicket: { studentOpensAt: null, rules },
    };
    expect(effectiveOpensAt(f).toISOString()).toBe('2026-07-03T13:00:00.000Z');
  });
  it('lets a per-student ticket win over the rules, and defaults to the term opening', () => {
    const own = new Date('2026-06-15T13:00:00Z');
    expect(effectiveOpensAt({ ...base, timeTicket: { studentOpensAt: own, rules } })).toEqual(own);
    expect(effectiveOpensAt(base)).toEqual(TERM.registrationOpensAt);
  });
});

describe('hold', () => {
  it('lists every blocking hold with who can lift it', () => {
    const f = facts({
      holds: [
        {
          id: 'h1',
          type: 'financial',
          reason: 'Unpaid tuition',
          blocksRegistration: true,
          placedByName: 'Bursar Bob',
        },
        {
          id: 'h2',
          type: 'advising',
          reason: 'Meet your advisor',
          blocksRegistration: true,
          placedByName: null,
        },
        {
          id: 'h3',
          type: 'academic',
          reason: 'Informational',
          blocksRegistration: false,
          placedByName: null,
        },
      ],
      student: { ...facts().student, advisorName: 'Dr. Grace Hopper' },
    });
    const blockers = blockersOf(f, request([section()]));
    expect(blockers.map((b) => b.code)).toEqual(['hold', 'hold']);
    expect(blockers[0]!.message).toBe(
      "A financial hold (placed by Bursar Bob) blocks registration: Unpaid tuition. It can be lifted by the Bursar's office: pay the balance or arrange a payment plan.",
    );
    expect(blockers[1]!.message).toContain(
      'your advisor, Dr. Grace Hopper, after you meet with them',
    );
    expect(blockers[1]).toMatchObject({ holdId: 'h2', holdType: 'advising' });
  });
  it('names the office for each type', () => {
    for (const [type, office] of [
      ['academic', "Registrar's office (academic standing)"],
      ['disciplinary', 'Office of Student Conduct'],
      ['administrative', "the Registrar's office"],
      ['advising', 'your academic advisor'],
    ] as const) {
      const f = facts({
        holds: [{ id: 'h', type, reason: 'x', blocksRegistration: true, placedByName: null }],
      });
      expect(blockersOf(f, request([section()]))[0]!.message).toContain(office);
    }
  });
  it('is waived by the hold override', () => {
    const f = facts({
      holds: [
        { id: 'h', type: 'financial', reason: 'x', blocksRegistration: true, placedByName: null },
      ],
    });
    expect(evaluateRegistration(f, request([section()], { overrides: ['hold'] })).ok).toBe(true);
  });
});

describe('section_cancelled', () => {
  it('points at other sections of the course, and no override waives it', () => {
    const s = section({ status: 'cancelled', courseCode: 'MATH 241', code: 'MATH 241 BL1' });
    const blockers = blockersOf(facts(), request([s], { overrides: ['capacity'] }));
    expect(blockers).toEqual([
      {
        code: 'section_cancelled',
        sectionId: s.id,
        message: 'MATH 241 BL1 was cancelled. Choose another section of MATH 241.',
      },
    ]);
  });
});

describe('already_registered', () => {
  it('says how the student already holds the section', () => {
    const s = section();
    for (const [status, words] of [
      ['enrolled', 'already enrolled in'],
      ['waitlisted', 'already on the wait-list for'],
      ['offered', 'already offered a seat in'],
    ] as const) {
      const blockers = blockersOf(facts({ current: [held(s, status)] }), request([s]));
      expect(blockers.map((b) => b.code)).toContain('already_registered');
      expect(blockers.find((b) => b.code === 'already_registered')!.message).toContain(
        `You are ${words} ${s.code}.`,
      );
    }
  });
});

describe('duplicate_course', () => {
  it('refuses a second lecture of a course and suggests a swap', () => {
    const a = section({ courseCode: 'CS 225', code: 'CS 225 AL1', courseId: 'c225' });
    const b = section({
      courseCode: 'CS 225',
      code: 'CS 225 AL2',
      courseId: 'c225',
      meetings: [meeting('TR', '09:00', '10:15')],
    });
    const [blocker] = blockersOf(facts({ current: [held(a)] }), request([b]));
    expect(blocker).toMatchObject({ code: 'duplicate_course', registrationId: `reg-${a.id}` });
    expect(blocker!.message).toBe(
      'You already hold CS 225 AL1, another lecture of CS 225. To change sections, swap CS 225 AL1 for CS 225 AL2.',
    );
  });
  it('flags two sections of the same kind in one request, but not a lecture with its lab', () => {
    const a = section({ courseCode: 'CS 225', code: 'CS 225 AL1', courseId: 'c225' });
    const b = section({ courseCode: 'CS 225', code: 'CS 225 AL2', courseId: 'c225', meetings: [] });
    const lab = section({
      courseCode: 'CS 225',
      code: 'CS 225 AYA',
      courseId: 'c225',
      kind: 'lab',
      meetings: [],
    });
    const result = evaluateRegistration(facts(), request([a, b]));
    expect(result.sections[0]!.blockers[0]!.message).toBe(
      'CS 225 AL1 and CS 225 AL2 are both lectures of CS 225. Keep only one of them.',
    );
    expect(evaluateRegistration(facts(), request([a, lab])).ok).toBe(true);
  });
  it('does not count the registration a swap drops', () => {
    const a = section({ courseCode: 'CS 225', courseId: 'c225' });
    const b = section({ courseCode: 'CS 225', courseId: 'c225', meetings: [] });
    const r = held(a);
    expect(
      evaluateRegistration(facts({ current: [r] }), request([b], { dropping: [r.id] })).ok,
    ).toBe(true);
  });
});

describe('restriction_not_met', () => {
  it('explains class-standing and program restrictions', () => {
    const s = section({
      courseCode: 'CS 498',
      restrictions: { classStandings: ['junior', 'senior'], programs: ['CS-BS', 'CE-BS'] },
    });
    const f = facts({ student: { ...facts().student, programCode: 'MATH-BS' } });
    const blockers = blockersOf(f, request([s]));
    expect(blockers.map((b) => b.message)).toEqual([
      'CS 498 is restricted to juniors and seniors; you are a sophomore. Ask the department for a restriction override.',
      'CS 498 is restricted to students in CS-BS or CE-BS; your program is MATH-BS. Ask the department for a restriction override.',
    ]);
    expect(evaluateRegistration(f, request([s], { overrides: ['restriction'] })).ok).toBe(true);
  });
  it('passes members', () => {
    const s = section({ restrictions: { classStandings: ['sophomore'], programs: ['cs-bs'] } });
    expect(evaluateRegistration(facts(), request([s])).ok).toBe(true);
  });
});

describe('prerequisite_not_met', () => {
  const s = () =>
    section({ courseCode: 'CS 225', prerequisites: 'CS 125 (C) and (CS 173 or MATH 213)' });
  it('names what is missing and who can waive it', () => {
    const f = facts({ transcript: [{ courseCode: 'CS 125', grade: 'B' }] });
    const [blocker] = blockersOf(f, request([s()]));
    expect(blocker).toMatchObject({
      code: 'prerequisite_not_met',
      missing: ['CS 173 or MATH 213'],
    });
    expect(blocker!.message).toBe(
      'CS 225 requires CS 125 (C) and (CS 173 or MATH 213). Missing: CS 173 or MATH 213. If you have equivalent preparation, ask the instructor for a prerequisite permit.',
    );
  });
  it('checks the minimum grade', () => {
    const f = facts({
      transcript: [
        { courseCode: 'CS 125', grade: 'D' },
        { courseCode: 'MATH 213', grade: 'A' },
      ],
    });
    expect(blockersOf(f, request([s()]))[0]!.message).toContain('Missing: CS 125 (C or better)');
  });
  it('passes with the record, and a permit waives it', () => {
    const f = facts({
      transcript: [
        { courseCode: 'CS 125', grade: 'A-' },
        { courseCode: 'CS 173', grade: 'C' },
      ],
    });
    expect(evaluateRegistration(f, request([s()])).ok).toBe(true);
    const permitted = section({
      prerequisites: 'CS 125',
      permits: [{ overrides: ['prerequisite'], grantedBy: 'instructor' }],
    });
    const result = evaluateRegistration(facts(), request([permitted]));
    expect(result.ok).toBe(true);
    expect(result.sections[0]!.waived).toEqual([
      { code: 'prerequisite_not_met', override: 'prerequisite' },
    ]);
  });
  it('lets a concurrent part be met by a course in the same request or already held', () => {
    const physics = section({
      courseCode: 'PHYS 211',
      meetings: [meeting('TR', '08:00', '09:15')],
    });
    const lab = section({ courseCode: 'PHYS 212', prerequisites: 'PHYS 211 [concurrent]' });
    expect(evaluateRegistration(facts(), request([physics, lab])).ok).toBe(true);
    expect(evaluateRegistration(facts({ current: [held(physics)] }), request([lab])).ok).toBe(true);
    expect(blockersOf(facts(), request([lab]))[0]!.code).toBe('prerequisite_not_met');
  });
  it('honours a permission atom granted by a permit', () => {
    const s2 = section({ prerequisites: 'CS 125 or permission: instructor' });
    expect(blockersOf(facts(), request([s2]))[0]!.code).toBe('prerequisite_not_met');
    const withPermit = { ...s2, permits: [{ overrides: [], grantedBy: 'instructor' as const }] };
    expect(evaluateRegistration(facts(), request([withPermit])).ok).toBe(true);
  });
});

describe('corequisite_missing', () => {
  it('asks for the corequisite in the same checkout', () => {
    const s = section({ courseCode: 'CHEM 103', corequisites: 'CHEM 102' });
    const [blocker] = blockersOf(facts(), request([s]));
    expect(blocker!.message).toBe(
      'CHEM 103 must be taken with CHEM 102. Missing: CHEM 102. Add it to your cart and check out together.',
    );
    const chem102 = section({
      courseCode: 'CHEM 102',
      meetings: [meeting('TR', '13:00', '14:15')],
    });
    expect(evaluateRegistration(facts(), request([s, chem102])).ok).toBe(true);
    expect(
      evaluateRegistration(
        facts({ transcript: [{ courseCode: 'CHEM 102', grade: 'B' }] }),
        request([s]),
      ).ok,
    ).toBe(true);
    expect(evaluateRegistration(facts(), request([s], { overrides: ['corequisite'] })).ok).toBe(
      true,
    );
  });
});

describe('time_conflict', () => {
  it('names the conflicting section, its times and the shared days', () => {
    const mine = section({
      code: 'CS 225 AL1',
      meetings: [meeting('MWF', '10:00:00', '10:50:00')],
    });
    const theirs = section({
      code: 'MATH 241 BL1',
      meetings: [meeting('MW', '10:30:00', '11:45:00')],
    });
    const [blocker] = blockersOf(facts({ current: [held(theirs)] }), request([mine]));
    expect(blocker).toMatchObject({ code: 'time_conflict', conflictsWith: theirs.id });
    expect(blocker!.message).toBe(
      'CS 225 AL1 (MWF 10:00–10:50) overlaps MATH 241 BL1 (MW 10:30–11:45) on Mon and Wed. Choose another section of one of them.',
    );
  });
  it('checks sections of the same request against each other, both ways', () => {
    const a = section({ meetings: [meeting('TR', '09:00', '10:15')] });
    const b = section({ meetings: [meeting('R', '10:00', '11:00')] });
    const result = evaluateRegistration(facts(), request([a, b]));
    expect(result.sections.map((s) => s.blockers.map((x) => x.code))).toEqual([
      ['time_conflict'],
      ['time_conflict'],
    ]);
  });
  it('ignores wait-listed sections, dropped ones and arranged meetings; is waivable', () => {
    const a = section();
    const b = section();
    expect(evaluateRegistration(facts({ current: [held(b, 'waitlisted')] }), request([a])).ok).toBe(
      true,
    );
    expect(
      evaluateRegistration(
        facts({ current: [held(b)] }),
        request([a], { dropping: [`reg-${b.id}`] }),
      ).ok,
    ).toBe(true);
    const arranged = section({ meetings: [meeting(null, null, null)] });
    expect(evaluateRegistration(facts({ current: [held(b)] }), request([arranged])).ok).toBe(true);
    expect(
      evaluateRegistration(
        facts({ current: [held(b)] }),
        request([a], { overrides: ['time_conflict'] }),
      ).ok,
    ).toBe(true);
  });
});

describe('meetingsOverlap', () => {
  const term = { startsOn: '2026-08-24', endsOn: '2026-12-11' };
  it('needs a shared day, overlapping times and overlapping dates', () => {
    expect(
      meetingsOverlap(meeting('MW', '10:00', '11:00'), meeting('TR', '10:00', '11:00'), term),
    ).toBe(false);
    expect(
      meetingsOverlap(meeting('MW', '10:00', '11:00'), meeting('W', '11:00', '12:00'), term),
    ).toBe(false);
    expect(
      meetingsOverlap(meeting('MW', '10:00', '11:00'), meeting('W', '10:59', '12:00'), term),
    ).toBe(true);
    const firstHalf = { ...meeting('MW', '10:00', '11:00'), endDate: '2026-10-15' };
    const secondHalf = { ...meeting('MW', '10:00', '11:00'), startDate: '2026-10-16' };
    expect(meetingsOverlap(firstHalf, secondHalf, term)).toBe(false);
    expect(meetingsOverlap(firstHalf, meeting('M', '10:30', '10:45'), term)).toBe(true);
    expect(meetingsOverlap(meeting(null, null, null), meeting('M', '10:30', '10:45'), term)).toBe(
      false,
    );
  });
});

describe('credit_limit_exceeded', () => {
  it('counts seats held plus the request, and says how far over', () => {
    const current = [
      section({ credits: 4, meetings: [] }),
      section({ credits: 4, meetings: [] }),
      section({ credits: 4, meetings: [] }),
      section({ credits: 3, meetings: [] }),
    ].map((s) => held(s));
    const s = section({ code: 'CS 225 AL1', credits: 4 });
    const [blocker] = blockersOf(facts({ current }), request([s]));
    expect(blocker).toMatchObject({
      code: 'credit_limit_exceeded',
      totalCredits: 19,
      maxCredits: 18,
    });
    expect(blocker!.message).toBe(
      'Adding CS 225 AL1 (4 credits) brings you to 19 credits; the maximum for Fall 2026 is 18 credits. Drop a course first, or ask your advisor for a credit-limit override.',
    );
    expect(
      evaluateRegistration(facts({ current }), request([s], { overrides: ['credit_limit'] })).ok,
    ).toBe(true);
  });
  it('blocks only the sections past the limit, in request order; wait-lists do not count', () => {
    const sections = [1, 2, 3, 4, 5].map(() => section({ credits: 4, meetings: [] }));
    const result = evaluateRegistration(facts(), request(sections));
    expect(result.sections.map((s) => s.blockers.length)).toEqual([0, 0, 0, 0, 1]);
    const waiting = held(section({ credits: 4, meetings: [] }), 'waitlisted');
    expect(
      evaluateRegistration(facts({ current: [waiting] }), request(sections.slice(0, 4))).ok,
    ).toBe(true);
  });
});

describe('linked_section_required', () => {
  it('asks for one section of each other kind in the group', () => {
    const lecture = section({
      courseCode: 'CS 225',
      code: 'CS 225 AL1',
      courseId: 'c225',
      linkedGroup: 'A',
    });
    const labA = { id: 'lab-a', code: 'CS 225 AYA', kind: 'lab' };
    const labB = { id: 'lab-b', code: 'CS 225 AYB', kind: 'lab' };
    lecture.linkedSiblings = [labA, labB];
    const [blocker] = blockersOf(facts(), request([lecture]));
    expect(blocker).toMatchObject({
      code: 'linked_section_required',
      requiredKind: 'lab',
      options: ['lab-a', 'lab-b'],
    });
    expect(blocker!.message).toBe(
      'CS 225 AL1 must be taken with a lab of the same group: CS 225 AYA or CS 225 AYB. Add one to your cart and check out both together.',
    );
    const lab = section({
      id: 'lab-a',
      code: 'CS 225 AYA',
      courseCode: 'CS 225',
      courseId: 'c225',
      kind: 'lab',
      linkedGroup: 'A',
      meetings: [],
    });
    lab.linkedSiblings = [{ id: lecture.id, code: lecture.code, kind: 'lecture' }, labB];
    expect(evaluateRegistration(facts(), request([lecture, lab])).ok).toBe(true);
    expect(
      evaluateRegistration(facts({ current: [held(lab, 'waitlisted')] }), request([lecture])).ok,
    ).toBe(true);
    expect(
      blockersOf(facts(), request([lecture], { overrides: [...['capacity' as const]] }))[0]!.code,
    ).toBe('linked_section_required');
  });
});

describe('section_full and reserved seats', () => {
  it('refuses when no seat and no wait-list room, and the capacity override waives it', () => {
    const s = section({
      code: 'CS 225 AL1',
      capacity: 30,
      enrolled: 30,
      waitlistCapacity: 10,
      waitlisted: 10,
    });
    const [blocker] = blockersOf(facts(), request([s]));
    expect(blocker!.message).toBe(
      'CS 225 AL1 is full (30 of 30 seats taken) and its wait-list is full (10 of 10). Choose another section, or ask the instructor for a permit.',
    );
    expect(evaluateRegistration(facts(), request([s], { overrides: ['capacity'] })).ok).toBe(true);
    const noList = section({ code: 'X 1', capacity: 2, enrolled: 2, waitlistCapacity: 0 });
    expect(blockersOf(facts(), request([noList]))[0]!.message).toContain('and has no wait-list');
  });
  it('lets a full section with wait-list room through, warning at validation', () => {
    const s = section({
      code: 'CS 225 AL1',
      capacity: 30,
      enrolled: 30,
      waitlistCapacity: 10,
      waitlisted: 3,
    });
    const result = evaluateRegistration(facts(), request([s], { purpose: 'validate' }));
    expect(result.ok).toBe(true);
    expect(result.sections[0]!.seatAvailable).toBe(false);
    expect(result.warnings).toContainEqual({
      code: 'will_be_waitlisted',
      sectionId: s.id,
      message: 'CS 225 AL1 has no free seat: you will join its wait-list at position 4.',
    });
  });
  it('holds unused reserved seats from non-members until the release date', () => {
    const until = new Date('2026-08-15T05:00:00Z');
    const s = section({
      code: 'CS 101 A',
      capacity: 10,
      enrolled: 7,
      waitlistCapacity: 0,
      reservedSeats: [
        {
          id: 'r1',
          groupKind: 'class_standing',
          groupValue: 'freshman',
          label: 'first-years',
          seats: 5,
          until,
          taken: 2,
        },
      ],
    });
    expect(seatsAvailableFor(s, facts().student, NOW)).toBe(0);
    const [blocker] = blockersOf(facts(), request([s]));
    expect(blocker!.message).toContain(
      'The 3 free seats are reserved for first-years until Sat, Aug 15, 2026, 12:00 AM CDT.',
    );
    const freshman = { ...facts().student, classStanding: 'freshman' as const };
    expect(seatsAvailableFor(s, freshman, NOW)).toBe(3);
    expect(evaluateRegistration(facts({ student: freshman }), request([s])).ok).toBe(true);
    const later = new Date('2026-08-16T00:00:00Z');
    expect(seatsAvailableFor(s, facts().student, later)).toBe(3);
  });
  it('admits program and cohort members (a cohort by permit)', () => {
    const s = section({
      capacity: 4,
      enrolled: 2,
      waitlistCapacity: 0,
      reservedSeats: [
        {
          id: 'p',
          groupKind: 'program',
          groupValue: 'CS-BS',
          label: 'CS majors',
          seats: 1,
          until: null,
          taken: 0,
        },
        {
          id: 'c',
          groupKind: 'cohort',
          groupValue: 'Honors',
          label: 'Honors',
          seats: 1,
          until: null,
          taken: 0,
        },
      ],
    });
    expect(seatsAvailableFor(s, facts().student, NOW)).toBe(1);
    const withPermit = { ...s, permits: [{ overrides: [], grantedBy: 'instructor' as const }] };
    expect(seatsAvailableFor(withPermit, facts().student, NOW)).toBe(2);
  });
});

describe('every blocker at once', () => {
  it('lists all of them for one section', () => {
    const theirs = section({ meetings: [meeting('MWF', '10:00', '10:50')], credits: 16 });
    const s = section({
      status: 'active',
      capacity: 1,
      enrolled: 1,
      waitlistCapacity: 0,
      prerequisites: 'CS 125',
      corequisites: 'CS 126',
      restrictions: { classStandings: ['senior'] },
    });
    const f = facts({
      now: new Date('2026-06-01T00:00:00Z'),
      holds: [
        { id: 'h', type: 'financial', reason: 'x', blocksRegistration: true, placedByName: null },
      ],
      current: [held(theirs)],
    });
    expect(blockersOf(f, request([s])).map((b) => b.code)).toEqual([
      'not_in_window',
      'hold',
      'restriction_not_met',
      'prerequisite_not_met',
      'corequisite_missing',
      'time_conflict',
      'credit_limit_exceeded',
      'section_full',
    ]);
  });
});

describe('validation warnings', () => {
  it('warns below the minimum credits without blocking', () => {
    const result = evaluateRegistration(
      facts(),
      request([section({ credits: 3 })], { purpose: 'validate' }),
    );
    expect(result.ok).toBe(true);
    expect(result.warnings).toEqual([
      {
        code: 'below_minimum_credits',
        message:
          'These sections bring you to 3 credits; Fall 2026 expects at least 12 credits (full-time status, aid and visas may depend on it).',
      },
    ]);
  });
});

describe('drop versus withdraw', () => {
  it('drops before the add/drop deadline, withdraws until the withdraw deadline, then only admins', () => {
    expect(dropKind(TERM, 'enrolled', new Date('2026-09-01T00:00:00Z'), false)).toEqual({
      allowed: true,
      status: 'dropped',
    });
    expect(dropKind(TERM, 'enrolled', new Date('2026-09-10T00:00:00Z'), false)).toEqual({
      allowed: true,
      status: 'withdrawn',
    });
    const late = dropKind(TERM, 'enrolled', new Date('2026-11-10T00:00:00Z'), false);
    expect(late).toMatchObject({ allowed: false });
    expect(late.allowed ? '' : late.message).toContain(
      "Only the Registrar's office can withdraw you now.",
    );
    expect(dropKind(TERM, 'enrolled', new Date('2026-11-10T00:00:00Z'), true)).toEqual({
      allowed: true,
      status: 'withdrawn',
    });
    expect(dropKind(TERM, 'waitlisted', new Date('2026-11-10T00:00:00Z'), false)).toEqual({
      allowed: true,
      status: 'dropped',
    });
  });
});
