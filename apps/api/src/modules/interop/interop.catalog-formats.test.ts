// The catalog readers on small hand-made inputs: the quirks of each format, what is skipped and
// why, and the refusals (these run without the real files).
import { describe, expect, it } from 'vitest';
import {
  gatechSectionKind,
  normalizeDays,
  parseCatalogFiles,
  parseClockTime,
  parseUiucCredits,
  termNameFromCode,
  uiucSectionKind,
  type CatalogBatch,
} from './interop.catalog-formats.ts';
import { CatalogFileError } from './interop.errors.ts';

const OPTIONS = { termCode: '202401', defaultCapacity: 30 };

function refusal(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(CatalogFileError);
    return (error as Error).message;
  }
  throw new Error('expected the file to be refused');
}

describe('field readers', () => {
  it('reads UIUC credit strings', () => {
    expect(parseUiucCredits('3 hours.')).toEqual({ min: 3, max: 3 });
    expect(parseUiucCredits('1 TO 4 hours.')).toEqual({ min: 1, max: 4 });
    expect(parseUiucCredits('3 OR 4 hours.')).toEqual({ min: 3, max: 4 });
    expect(parseUiucCredits('0.5 to 2 hours.')).toEqual({ min: 0.5, max: 2 });
    expect(parseUiucCredits('4 hours')).toEqual({ min: 4, max: 4 });
    expect(parseUiucCredits('4 TO 2 hours.')).toBeUndefined();
    expect(parseUiucCredits('Variable')).toBeUndefined();
    expect(parseUiucCredits('')).toBeUndefined();
  });

  it('reads 12-hour clock times', () => {
    expect(parseClockTime('12:30 pm')).toBe('12:30:00');
    expect(parseClockTime('12:05 AM')).toBe('00:05:00');
    expect(parseClockTime('09:00 AM')).toBe('09:00:00');
    expect(parseClockTime('1:45 pm')).toBe('13:45:00');
    expect(parseClockTime('13:00 pm')).toBeUndefined();
    expect(parseClockTime('TBA')).toBeUndefined();
  });

  it('normalizes day letters, with blanks as arranged', () => {
    expect(normalizeDays('RT')).toBe('TR');
    expect(normalizeDays('M W F')).toBe('MWF');
    expect(normalizeDays('&nbsp;')).toBeNull();
    expect(normalizeDays('')).toBeNull();
    expect(normalizeDays('MX')).toBeUndefined();
  });

  it('names terms from YYYYMM codes', () => {
    expect(termNameFromCode('202302')).toBe('Spring 2023');
    expect(termNameFromCode('202305')).toBe('Summer 2023');
    expect(termNameFromCode('202308')).toBe('Fall 2023');
    expect(termNameFromCode('202409')).toBe('Fall 2024');
    expect(termNameFromCode('2025-su')).toBeUndefined();
  });

  it('maps schedule types to section kinds', () => {
    expect(uiucSectionKind('LCD', 'Lecture-Discussion')).toBe('lecture');
    expect(uiucSectionKind('OLB', 'Online Lab')).toBe('online');
    expect(uiucSectionKind('B1', 'Laboratory')).toBe('lab');
    expect(uiucSectionKind('E2', 'Online')).toBe('online');
    expect(uiucSectionKind('IND', 'Independent Study')).toBe('independent');
    expect(gatechSectionKind('Supervised Laboratory*', 'Georgia Tech-Atlanta *')).toBe('lab');
    expect(gatechSectionKind('Lecture*', 'Online')).toBe('online');
    expect(gatechSectionKind('Recitation*', 'Georgia Tech-Atlanta *')).toBe('discussion');
    expect(gatechSectionKind('Dissertation*', 'Georgia Tech-Atlanta *')).toBe('independent');
  });
});

const UIUC_HEADER =
  'Year,Term,YearTerm,Subject,Number,Name,Description,Credit Hours,Section Info,Degree Attributes,Schedule Information,CRN,Section,Status Code,Part of Term,Section Title,Section Credit Hours,Section Status,Enrollment Status,Type,Type Code,Start Time,End Time,Days of Week,Room,Building,Instructors';

function uiucRow(fields: Partial<Record<string, string>>): string {
  const values: Record<string, string> = {
    Year: '2025',
    Term: 'Fall',
    YearTerm: '2025-fa',
    Subject: 'CS',
    Number: '225',
    Name: 'Data Structures',
    Description: 'Lists &amp; trees.',
    'Credit Hours': '4 hours.',
    CRN: '30001',
    Section: 'AL1',
    Type: 'Lecture',
    'Type Code': 'LEC',
    'Start Time': '09:00 AM',
    'End Time': '09:50 AM',
    'Days of Week': 'MWF',
    Room: '1404',
    Building: 'Siebel Center',
    Instructors: 'Smith, A;Jones, B',
    ...fields,
  };
  return UIUC_HEADER.split(',')
    .map((column) => {
      const value = values[column] ?? '';
      return /[",]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
    })
    .join(',');
}

function uiuc(rows: string[], name = 'fa.csv'): CatalogBatch {
  const [batch] = parseCatalogFiles(
    'uiuc-csv',
    [{ name, content: [UIUC_HEADER, ...rows].join('\n') }],
    OPTIONS,
  );
  return batch!;
}

describe('uiuc-csv', () => {
  it('merges the rows of one CRN into one section with several meetings', () => {
    const batch = uiuc([
      uiucRow({}),
      uiucRow({
        'Start Time': '02:00 PM',
        'End Time': '03:50 PM',
        'Days of Week': 'R',
        Type: 'Laboratory',
        'Type Code': 'LAB',
        Instructors: 'Smith, A;Lee, C',
      }),
      uiucRow({}), // an exact repeat
      uiucRow({
        CRN: '30002',
        Section: '',
        'Start Time': 'ARRANGED',
        'End Time': '',
        'Days of Week': '',
        Room: '',
        Building: '',
        Instructors: '',
      }),
    ]);
    expect(batch.courses).toHaveLength(1);
    expect(batch.courses[0]).toMatchObject({
      code: 'CS 225',
      description: 'Lists & trees.',
      creditsMin: 4,
      creditsMax: 4,
      prerequisites: undefined,
    });
    const [lecture, arranged] = batch.sections;
    expect(lecture).toMatchObject({
      crn: '30001',
      sectionCode: 'AL1',
      kind: 'lecture',
      instructors: ['Smith, A', 'Jones, B', 'Lee, C'],
      capacity: 30,
      capacitySource: 'default',
    });
    expect(lecture!.meetings).toEqual([
      {
        days: 'MWF',
        startTime: '09:00:00',
        endTime: '09:50:00',
        location: '1404 Siebel Center',
        startDate: null,
        endDate: null,
      },
      {
        days: 'R',
        startTime: '14:00:00',
        endTime: '15:50:00',
        location: '1404 Siebel Center',
        startDate: null,
        endDate: null,
      },
    ]);
    // No section code: told apart by its CRN; ARRANGED: a meeting without days or times.
    expect(arranged).toMatchObject({ sectionCode: '30002', instructors: [] });
    expect(arranged!.meetings).toEqual([
      {
        days: null,
        startTime: null,
        endTime: null,
        location: null,
        startDate: null,
        endDate: null,
      },
    ]);
    expect(batch.term).toEqual({ name: 'Fall 2025', startsOn: '2025-08-25', endsOn: '2025-12-20' });
    expect(batch.notes.join(' ')).toContain('1 repeated meeting rows were merged');
  });

  it('skips unreadable rows, grouped by reason with examples', () => {
    const batch = uiuc([
      uiucRow({ Subject: 'MATH', Number: '241', 'Credit Hours': 'Variable', CRN: '40001' }),
      uiucRow({ Subject: 'MATH', Number: '241', 'Credit Hours': 'Variable', CRN: '40002' }),
      uiucRow({ CRN: '' }),
      uiucRow({ CRN: '30003', 'Start Time': '10:00 AM', 'End Time': '09:00 AM' }),
      uiucRow({ CRN: '30004', 'Days of Week': 'MQ' }),
    ]);
    expect(batch.skipped.list()).toEqual([
      {
        reason: 'course with unreadable credit hours',
        count: 2,
        examples: ['line 2 (MATH 241: "Variable")', 'line 3 (MATH 241)'],
      },
      { reason: 'row without a CRN', count: 1, examples: ['line 4 (CS 225)'] },
      { reason: 'meeting that ends before it starts', count: 1, examples: ['line 5 (CRN 30003)'] },
      { reason: 'meeting with unknown day letters', count: 1, examples: ['line 6 (CRN 30004)'] },
    ]);
    expect(batch.courses.map((c) => c.code)).toEqual(['CS 225']);
  });

  it('takes capacities from a grade-distribution file when given', () => {
    const grades =
      'CRN,Course Subject,Course Number,Course Title,Course Section,Sched Type,Term,Primary Instructor,A Range,B Range,C Range,D Range,A+,A,A-,B+,B,B-,C+,C,C-,D+,D,D-,F,W,Average Grade\n' +
      '1,CS,225,DS,AL1,LEC,120251,"X, Y",,,,,10,10,10,10,10,0,0,0,0,0,0,0,0,0,3\n' +
      '2,CS,225,DS,AL2,LEC,120251,"X, Y",,,,,20,20,20,20,20,20,0,0,0,0,0,0,0,0,3\n' +
      '3,CS,225,DS,AD1,DIS,120251,"X, Y",,,,,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A\n';
    const [batch] = parseCatalogFiles(
      'uiuc-csv',
      [
        { name: 'fa.csv', content: [UIUC_HEADER, uiucRow({})].join('\n') },
        { name: 'gpa.csv', content: grades },
      ],
      OPTIONS,
    );
    // Sizes 50 and 120 (the N/A section is graded with its lecture): median 85.
    expect(batch!.sections[0]).toMatchObject({ capacity: 85, capacitySource: 'class-size' });
    expect(batch!.companions).toEqual(['gpa.csv']);
  });

  it('reads a course-level catalog without sections', () => {
    const header =
      'Year,Term,YearTerm,Subject,Number,Name,Description,Credit Hours,Section Info,Degree Attributes,Schedule Information';
    const [batch] = parseCatalogFiles(
      'uiuc-csv',
      [
        {
          name: 'detailed.csv',
          content: `${header}\n2019,Fall,2019-fa,CS,125,Intro,"Prerequisite: none.",4 hours.,,,\n`,
        },
      ],
      OPTIONS,
    );
    expect(batch!.hasSections).toBe(false);
    expect(batch!.courses).toHaveLength(1);
    expect(batch!.sections).toHaveLength(0);
  });

  it('refuses files that are not UIUC section CSVs', () => {
    expect(refusal(() => uiuc([], 'x.csv'))).toBe('x.csv: has a header row but no data rows');
    const partial = UIUC_HEADER.replace(',Days of Week', '').replace(',Instructors', '');
    expect(
      refusal(() =>
        parseCatalogFiles('uiuc-csv', [{ name: 'p.csv', content: `${partial}\n` }], OPTIONS),
      ),
    ).toBe(
      'p.csv: is not a UIUC course-catalog CSV: missing columns "Days of Week", "Instructors"',
    );
    expect(
      refusal(() =>
        parseCatalogFiles('uiuc-csv', [{ name: 'j.csv', content: '{"courses": {}}' }], OPTIONS),
      ),
    ).toMatch(/^j\.csv: is JSON, not CSV/);
    expect(
      refusal(() =>
        parseCatalogFiles(
          'uiuc-csv',
          [{ name: 'bin.csv', content: new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0xff, 0xfe]) }],
          OPTIONS,
        ),
      ),
    ).toMatch(/^bin\.csv: is not UTF-8 text/);
  });
});

function gatech(
  courses: Record<string, unknown>,
  extra: Record<string, unknown> = {},
): CatalogBatch {
  const data = {
    courses,
    caches: {
      periods: ['9:30 am - 10:45 am', 'TBA'],
      dateRanges: ['Jan 09, 2023 - May 04, 2023', 'Feb 27, 2023 - May 04, 2023'],
      scheduleTypes: ['Lecture*', 'Supervised Laboratory*'],
      campuses: ['Georgia Tech-Atlanta *', 'Online'],
      attributes: [],
      gradeBases: [],
      locations: [],
      finalDates: [],
      finalTimes: [],
    },
    updatedAt: '2023-03-22T12:55:13.863Z',
    version: 3,
    ...extra,
  };
  const [batch] = parseCatalogFiles(
    'gt-scheduler',
    [{ name: '202302.json', content: JSON.stringify(data) }],
    {
      ...OPTIONS,
      termCode: '202302',
    },
  );
  return batch!;
}

describe('gt-scheduler', () => {
  it('decodes the tuples: periods, dates, arranged meetings, primary instructors first', () => {
    const batch = gatech({
      'CS 1331': [
        'Intro to Object-Oriented Programming',
        {
          A: [
            '20001',
            [[0, 'TR', 'Klaus 1443', 0, ['Ann Lee', 'Bo Chen (P)'], 0, -1, -1]],
            3,
            0,
            0,
            [],
            0,
          ],
          A01: ['20002', [[1, '&nbsp;', 'TBA', 0, ['Bo Chen (P)'], 1, -1, -1]], 0, 1, 1, [], 0],
        },
        ['and', ['or', { id: 'CS 1301', grade: 'C' }, { id: 'CS 1315', grade: 'C' }]],
        'Java &amp; objects.',
      ],
    });
    expect(batch.courses[0]).toMatchObject({
      code: 'CS 1331',
      description: 'Java & objects.',
      creditsMin: 0,
      creditsMax: 3,
      prerequisites: { kind: 'gatech' },
    });
    expect(batch.sections[0]).toMatchObject({
      crn: '20001',
      kind: 'lecture',
      instructors: ['Bo Chen', 'Ann Lee'],
    });
    expect(batch.sections[0]!.meetings).toEqual([
      {
        days: 'TR',
        startTime: '09:30:00',
        endTime: '10:45:00',
        location: 'Klaus 1443',
        startDate: '2023-01-09',
        endDate: '2023-05-04',
      },
    ]);
    expect(batch.sections[1]).toMatchObject({ crn: '20002', kind: 'lab', credits: 0 });
    expect(batch.sections[1]!.meetings).toEqual([
      {
        days: null,
        startTime: null,
        endTime: null,
        location: null,
        startDate: '2023-02-27',
        endDate: '2023-05-04',
      },
    ]);
    expect(batch.term).toEqual({
      name: 'Spring 2023',
      startsOn: '2023-01-09',
      endsOn: '2023-05-04',
    });
  });

  it('refuses a structurally wrong file, naming where', () => {
    expect(
      refusal(() =>
        gatech({
          'CS 1331': ['Title', { A: ['20001', 'not meetings', 3, 0, 0, [], 0] }, [], null],
        }),
      ),
    ).toBe(
      '202302.json: is not a gt-scheduler term file such as 202302.json: courses["CS 1331"][1]["A"] is not a section tuple [crn, meetings, credits, scheduleType, campus, …]',
    );
    expect(refusal(() => gatech({}, { version: 2 }))).toMatch(/version 2 is not supported/);
    expect(refusal(() => gatech({}, { caches: { periods: 'x' } }))).toMatch(
      /caches\.periods is not a list/,
    );
  });
});

describe('quacs', () => {
  const courses = [
    {
      name: 'Biology',
      code: 'BIO',
      courses: [
        {
          title: 'Intro Bio',
          subj: 'BIO',
          crse: '105',
          id: 'BIO-105',
          sections: [
            {
              crn: 1,
              subj: 'BIO',
              crse: '105',
              sec: '01',
              credMin: 4,
              credMax: 4,
              title: 'Intro Bio',
              cap: 40,
              act: 41,
              rem: -1,
              attribute: '',
              timeslots: [
                {
                  days: ['M', 'W', 'F'],
                  instructor: 'A B',
                  location: 'Hall 1',
                  timeStart: 900,
                  timeEnd: 950,
                  dateStart: '1/19',
                  dateEnd: '4/27',
                },
              ],
            },
            {
              crn: 2,
              subj: 'BIO',
              crse: '105',
              sec: '1-1',
              credMin: 0,
              credMax: 0,
              title: 'Intro Bio',
              cap: 20,
              act: 20,
              rem: 0,
              attribute: '',
              timeslots: [
                {
                  days: ['T'],
                  instructor: 'C D',
                  location: '',
                  timeStart: -1,
                  timeEnd: -1,
                  dateStart: '1/19',
                  dateEnd: '4/27',
                },
              ],
            },
          ],
        },
      ],
    },
  ];
  const requisites = {
    '1': {
      prerequisites: {
        type: 'or',
        nested: [
          { type: 'course', course: 'BIO 100' },
          { type: 'course', course: 'APBI' },
        ],
      },
      corequisites: ['BIO-105', 'CHEM-120'],
      reserved: [
        { reservedFor: 'Frosh', max: '10', open: '0' },
        { reservedFor: 'Major', max: '5', open: '1' },
        { reservedFor: 'Transfer', max: '0', open: '0' },
      ],
      restrictions: { classification: { may_not_be: ['Graduate', 'Frosh'] } },
    },
    '2': { restrictions: { classification: { must_be: ['Junior', 'Senior'] } } },
  };

  it('folds requisites, reservations, restrictions and lab links into the batch', () => {
    const [batch] = parseCatalogFiles(
      'quacs',
      [
        { name: '202401-courses.json', content: JSON.stringify(courses) },
        { name: '202401-prerequisites.json', content: JSON.stringify(requisites) },
      ],
      OPTIONS,
    );
    const [course] = batch!.courses;
    expect(course).toMatchObject({
      code: 'BIO 105',
      creditsMin: 0,
      creditsMax: 4,
      prerequisites: { kind: 'quacs' },
      corequisites: ['CHEM 120'],
      // Open to whoever any section admits: sophomores to seniors.
      restrictions: { classStandings: ['sophomore', 'junior', 'senior'] },
    });
    const [lecture, lab] = batch!.sections;
    expect(lecture).toMatchObject({
      kind: 'lecture',
      linkedGroup: '1',
      capacity: 40,
      importedEnrolment: 41,
      capacitySource: 'file',
    });
    expect(lecture!.reservedSeats).toEqual([
      {
        groupKind: 'class_standing',
        groupValue: 'freshman',
        label: 'First-year students',
        seats: 10,
      },
      { groupKind: 'program', groupValue: 'BIO', label: 'BIO majors', seats: 5 },
    ]);
    expect(lab).toMatchObject({ kind: 'lab', linkedGroup: '1', reservedSeats: [] });
    expect(lab!.meetings[0]).toMatchObject({
      days: 'T',
      startTime: null,
      endTime: null,
      startDate: '2024-01-19',
    });
    expect(batch!.skipped.list()).toEqual([
      {
        reason: 'reserved seats with a maximum of 0 (nothing held)',
        count: 1,
        examples: ['CRN 1'],
      },
    ]);
    expect(batch!.stats).toMatchObject({
      totalCapacity: 60,
      reportedEnrolment: 61,
      sectionsOverCapacity: 1,
      reservedSeatRules: 2,
    });
  });

  it('refuses companions alone, unknown JSON and dates without a year', () => {
    expect(
      refusal(() =>
        parseCatalogFiles(
          'quacs',
          [{ name: 'p.json', content: JSON.stringify(requisites) }],
          OPTIONS,
        ),
      ),
    ).toMatch(/^p\.json: is a QuACS companion file/);
    expect(
      refusal(() => parseCatalogFiles('quacs', [{ name: 'x.json', content: '{"a": 1}' }], OPTIONS)),
    ).toMatch(/^x\.json: is not a QuACS file/);
    expect(
      refusal(() =>
        parseCatalogFiles('quacs', [{ name: 'courses.json', content: JSON.stringify(courses) }], {
          ...OPTIONS,
          termCode: 'spring',
        }),
      ),
    ).toMatch(/dates have no year/);
  });
});
