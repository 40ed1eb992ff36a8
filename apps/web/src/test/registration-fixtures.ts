// A term open for registration and one of its sections, as the API returns them: the shared
// starting point of the registration pages' tests.
import type { Registration, Term } from '../features/registration/api/types.ts';

export const TERM_ID = '0192f1c2-0000-7000-8000-0000000000aa';
export const SECTION_ID = '0192f1c2-0000-7000-8000-0000000000bb';

/** Open for registration from 2020 to 2099, so the tests never depend on today's date. */
export const openTerm: Term = {
  id: TERM_ID,
  code: 'FA2026',
  name: 'Fall 2026',
  timeZone: 'America/Chicago',
  startsOn: '2026-08-24',
  endsOn: '2026-12-11',
  registrationOpensAt: '2020-01-01T00:00:00.000Z',
  registrationClosesAt: '2099-01-01T00:00:00.000Z',
  addDropDeadline: '2099-01-01T00:00:00.000Z',
  withdrawDeadline: '2099-01-01T00:00:00.000Z',
  minCredits: 0,
  maxCredits: 18,
  claimWindowHours: null,
};

export const dataStructures: Registration['section'] = {
  id: SECTION_ID,
  code: 'CS 225 AL1',
  crn: '31375',
  termId: TERM_ID,
  courseId: '0192f1c2-0000-7000-8000-0000000000cc',
  courseCode: 'CS 225',
  title: 'Data Structures',
  kind: 'lecture',
  linkedGroup: null,
  credits: 4,
  status: 'active',
  meetings: [
    {
      days: 'MWF',
      startTime: '10:00',
      endTime: '10:50',
      location: null,
      startDate: null,
      endDate: null,
    },
  ],
  instructors: [],
};
