// Imports each real catalog in ../shared/data into a fresh database and checks the result against
// counts taken from the files themselves (with csv/jq outside this code; see the comments), that a
// second import changes nothing, and that broken or wrong-format files write nothing.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { createTestDatabase, type TestDatabase } from '../../test/test-app.ts';
import { CatalogFileError } from './interop.errors.ts';
import { CatalogImportFailedError, importCatalog } from './interop.service.ts';
import {
  HAS_SHARED_DATA,
  catalogFacts,
  dataFile,
  dataPath,
  warnWithoutSharedData,
} from './interop.test-helpers.ts';

warnWithoutSharedData('the real-catalog importer tests');

const SLOW = 300_000;

async function courseRow(database: TestDatabase, code: string) {
  return database.db
    .selectFrom('courses')
    .select([
      'title',
      'credits_min',
      'credits_max',
      'prerequisites',
      'corequisites',
      'restrictions',
    ])
    .where('code', '=', code)
    .executeTakeFirstOrThrow();
}

describe.skipIf(!HAS_SHARED_DATA)('uiuc-csv: UIUC summer 2025 with spring 2025 class sizes', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database.destroy();
  });

  it(
    'imports every CRN once, merging the rows of multi-meeting sections',
    async () => {
      const report = await importCatalog(database.db, { format: 'uiuc-csv', termCode: '2025-su' }, [
        dataFile('uiuc/2025-su.csv'),
        dataFile('uiuc/gpa-sp2025.csv'),
      ]);
      const [file] = report.files;
      // From the CSV (python csv): 1,686 rows, 1,638 distinct CRNs, 1,047 courses, 151 subjects;
      // 1,682 distinct meetings (CRN, start, end, days, room), 1,304 of them ARRANGED.
      expect(file!.sections).toEqual({ created: 1638, updated: 0, unchanged: 0 });
      expect(file!.courses).toEqual({ created: 1047, updated: 0, unchanged: 0 });
      expect(file!.subjects).toEqual({ created: 151, updated: 0, unchanged: 0 });
      expect(file!.term).toMatchObject({
        code: '2025-su',
        name: 'Summer 2025',
        created: true,
        startsOn: '2025-05-15',
        endsOn: '2025-08-10',
        timeZone: 'America/Chicago',
      });
      expect(file!.skippedTotal).toBe(0);
      const facts = await catalogFacts(database.db);
      expect(facts).toMatchObject({
        terms: 1,
        sections: 1638,
        courses: 1047,
        subjects: 151,
        meetings: 1682,
        arrangedMeetings: 1304,
        enrolled: 0,
        reservedRules: 0,
      });
      // Capacities: the median spring class size of 392 sections' courses (sum of A+…F and W per
      // CRN in gpa-sp2025.csv), 30 for the other 1,246: 89,375 seats.
      expect(facts.capacity).toBe(89375);
      expect(file!.source).toMatchObject({
        capacityFromClassSizes: 392,
        capacityDefaulted: 1246,
        totalCapacity: 89375,
      });
    },
    SLOW,
  );

  it('decodes HTML entities, reads credit strings and keeps Thursday as R', async () => {
    const politics = await courseRow(database, 'AAS 201');
    expect(politics.title).toBe('US Racial & Ethnic Politics');
    expect(Number(politics.credits_min)).toBe(3);
    const readings = await courseRow(database, 'AAS 589'); // "1 TO 4 hours."
    expect([Number(readings.credits_min), Number(readings.credits_max)]).toEqual([1, 4]);
    // The prose "Prerequisite: Graduate standing or consent of instructor." is not converted.
    expect(readings.prerequisites).toBeNull();
    const orCredits = await database.db
      .selectFrom('courses')
      .select(['credits_min', 'credits_max'])
      .where('code', '=', 'ECE 329') // "3 hours."
      .executeTakeFirstOrThrow();
    expect(Number(orCredits.credits_max)).toBe(3);
    // CRN 40267 (BSE 636) has three meeting rows: a TR lab and two lecture-discussions.
    const meetings = await sql<{ days: string | null; start_time: string }>`
      select m.days, m.start_time::text as start_time from section_meetings m
      join sections s on s.id = m.section_id where s.crn = '40267' order by m.id`.execute(
      database.db,
    );
    expect(meetings.rows.length).toBe(3);
    expect(meetings.rows[0]).toEqual({ days: 'TR', start_time: '08:00:00' });
    const instructors = await sql<{ name: string }>`
      select i.name from section_instructors i join sections s on s.id = i.section_id
      where s.crn = '40267' order by i.position`.execute(database.db);
    expect(instructors.rows.map((r) => r.name)).toEqual(['Thomas, D', 'Yodh, J']);
  });

  it(
    'changes nothing when the same files are imported again',
    async () => {
      const before = await catalogFacts(database.db);
      const report = await importCatalog(database.db, { format: 'uiuc-csv', termCode: '2025-su' }, [
        dataFile('uiuc/2025-su.csv'),
        dataFile('uiuc/gpa-sp2025.csv'),
      ]);
      expect(report.changed).toBe(false);
      expect(report.files[0]!.sections).toEqual({ created: 0, updated: 0, unchanged: 1638 });
      expect(report.files[0]!.courses).toEqual({ created: 0, updated: 0, unchanged: 1047 });
      expect(report.files[0]!.term?.created).toBe(false);
      expect(await catalogFacts(database.db)).toEqual(before);
    },
    SLOW,
  );

  it(
    'imports the course-level fall 2019 catalog as courses only',
    async () => {
      const before = await catalogFacts(database.db);
      const report = await importCatalog(database.db, { format: 'uiuc-csv', termCode: '2019-fa' }, [
        dataFile('uiuc/2019-fa-detailed.csv'),
      ]);
      const file = report.files[0]!;
      expect(file.hasSections).toBe(false);
      expect(file.term).toBeNull();
      // 8,589 rows, one per course, over 181 subjects (python csv).
      const c = file.courses;
      expect(c.created + c.updated + c.unchanged).toBe(8589);
      expect(file.subjects.created + file.subjects.unchanged).toBe(181);
      const after = await catalogFacts(database.db);
      expect(after.terms).toBe(before.terms);
      expect(after.sections).toBe(before.sections);
      expect(after.courses).toBe(before.courses + c.created);
    },
    SLOW,
  );
});

describe.skipIf(!HAS_SHARED_DATA)('gt-scheduler: Georgia Tech spring 2023', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database.destroy();
  });

  it(
    'imports every section with its meetings and converts every prerequisite tree',
    async () => {
      const report = await importCatalog(
        database.db,
        { format: 'gt-scheduler', termCode: '202302' },
        [dataFile('gatech/202302.json')],
      );
      const file = report.files[0]!;
      // jq: [.courses[][1][]] | length = 13204; .courses | length = 2183; 82 subjects;
      // courses with a non-empty prerequisite tree: 872; meeting tuples: 12940 (all distinct),
      // 8141 of them with the period "TBA".
      expect(file.sections).toEqual({ created: 13204, updated: 0, unchanged: 0 });
      expect(file.courses).toEqual({ created: 2183, updated: 0, unchanged: 0 });
      expect(file.subjects).toEqual({ created: 82, updated: 0, unchanged: 0 });
      expect(file.prerequisites).toEqual({ trees: 872, converted: 872, unconvertible: 0 });
      expect(file.term).toMatchObject({
        name: 'Spring 2023',
        startsOn: '2023-01-09',
        endsOn: '2023-05-04',
        timeZone: 'America/New_York',
      });
      const facts = await catalogFacts(database.db);
      expect(facts).toMatchObject({
        sections: 13204,
        courses: 2183,
        subjects: 82,
        meetings: 12940,
        arrangedMeetings: 8141,
        coursesWithPrerequisites: 872,
        // No capacity in the file: the documented default of 30 per section.
        capacity: 13204 * 30,
        enrolled: 0,
      });
      expect((await courseRow(database, 'ACCT 2102')).prerequisites).toBe('ACCT 2101 (D)');
    },
    SLOW,
  );

  it('reads periods, day letters, rooms and date ranges', async () => {
    // ACCT 2101 A: CRN 25096, period 0 "12:30 pm - 1:45 pm", MW, Scheller 103, Jan 09 – May 04.
    const result = await sql<Record<string, string | null>>`
      select m.days, m.start_time::text as start, m.end_time::text as "end", m.location,
        m.start_date::text as from, m.end_date::text as to, s.section_code, s.kind
      from section_meetings m join sections s on s.id = m.section_id where s.crn = '25096'`.execute(
      database.db,
    );
    expect(result.rows).toEqual([
      {
        days: 'MW',
        start: '12:30:00',
        end: '13:45:00',
        location: 'Scheller College of Business 103',
        from: '2023-01-09',
        to: '2023-05-04',
        section_code: 'A',
        kind: 'lecture',
      },
    ]);
  });

  it(
    'changes nothing when the same file is imported again',
    async () => {
      const before = await catalogFacts(database.db);
      const report = await importCatalog(
        database.db,
        { format: 'gt-scheduler', termCode: '202302' },
        [dataFile('gatech/202302.json')],
      );
      expect(report.changed).toBe(false);
      expect(report.files[0]!.sections).toEqual({ created: 0, updated: 0, unchanged: 13204 });
      expect(await catalogFacts(database.db)).toEqual(before);
    },
    SLOW,
  );
});

describe.skipIf(!HAS_SHARED_DATA)('quacs: Occidental spring 2024 with its companions', () => {
  let database: TestDatabase;
  const files = () => [
    dataFile('oxy/202401-courses.json'),
    dataFile('oxy/202401-prerequisites.json'),
    dataFile('oxy/202401-catalog.json'),
  ];
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database.destroy();
  });

  it(
    'imports capacities, reserved seats, prerequisites, corequisites and restrictions',
    async () => {
      const report = await importCatalog(
        database.db,
        { format: 'quacs', termCode: '202401', timeZone: 'America/Los_Angeles' },
        files(),
      );
      const file = report.files[0]!;
      // jq over 202401-courses.json: 819 sections, sum(cap) 21936, sum(act) 9183, 87 with act >
      // cap, 534 courses. prerequisites.json: 262 reserved entries, 197 with max > 0 holding 1357
      // seats; 263 CRNs with prerequisites over 195 courses; 59 courses whose corequisites name
      // another course; 29 lab sections numbered N-M.
      expect(file.sections).toEqual({ created: 819, updated: 0, unchanged: 0 });
      expect(file.courses).toEqual({ created: 534, updated: 0, unchanged: 0 });
      expect(file.companions).toEqual(['202401-prerequisites.json', '202401-catalog.json']);
      expect(file.importedEnrolment).toEqual({ sections: 819, students: 9183 });
      expect(file.source.sectionsOverCapacity).toBe(87);
      expect(file.prerequisites).toEqual({ trees: 195, converted: 195, unconvertible: 0 });
      expect(file.skipped).toEqual([
        expect.objectContaining({
          reason: 'reserved seats with a maximum of 0 (nothing held)',
          count: 65,
        }),
      ]);
      const facts = await catalogFacts(database.db);
      expect(facts).toMatchObject({
        sections: 819,
        capacity: 21936,
        // Real enrolment is kept apart: seat counters must equal registration rows (none yet).
        enrolled: 0,
        importedEnrolment: 9183,
        importedEnrolmentSections: 819,
        reservedRules: 197,
        reservedSeats: 1357,
        coursesWithPrerequisites: 195,
        coursesWithCorequisites: 59,
      });
      const labs = await database.db
        .selectFrom('sections')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('kind', '=', 'lab')
        .where('linked_group', 'is not', null)
        .where('section_code', 'like', '%-%')
        .executeTakeFirstOrThrow();
      expect(Number(labs.n)).toBe(29);
      // Class-standing restrictions (python over prerequisites.json: a course is open to a
      // standing when any of its sections is): 531 of the 534 courses are restricted.
      const restricted = await sql<{ n: number }>`
        select count(*)::int as n from courses where restrictions <> '{}'::jsonb`.execute(
        database.db,
      );
      expect(restricted.rows[0]!.n).toBe(531);
    },
    SLOW,
  );

  it('maps QuACS requisites and reservations into the catalog language', async () => {
    // CRN 2009 (CHIN 102): or(CHIN 101, OXCH) — OXCH is a placement test, not a course.
    const chinese = await courseRow(database, 'CHIN 102');
    expect(chinese.prerequisites).toBe('CHIN 101 or test: OXCH');
    // CRN 2001 (AMST 215): may_not_be Graduate.
    const amst = await courseRow(database, 'AMST 215');
    expect(amst.restrictions).toEqual({
      classStandings: ['freshman', 'sophomore', 'junior', 'senior'],
    });
    // CRN 2018: Transfer 0, Major 0, Frosh 20 → one rule of 20 first-year seats.
    const reserved = await sql<{ group_kind: string; group_value: string; seats: number }>`
      select r.group_kind, r.group_value, r.seats from section_reserved_seats r
      join sections s on s.id = r.section_id where s.crn = '2018'`.execute(database.db);
    expect(reserved.rows).toEqual([
      { group_kind: 'class_standing', group_value: 'freshman', seats: 20 },
    ]);
    // CRN 2022 (COGS 243) names its lab course COGS 243L as corequisite.
    expect((await courseRow(database, 'COGS 243')).corequisites).toBe('COGS 243L');
  });

  it(
    'changes nothing on a second import, and updates only what changed on a third',
    async () => {
      const before = await catalogFacts(database.db);
      const again = await importCatalog(
        database.db,
        { format: 'quacs', termCode: '202401' },
        files(),
      );
      expect(again.changed).toBe(false);
      expect(again.files[0]!.sections).toEqual({ created: 0, updated: 0, unchanged: 819 });
      expect(again.files[0]!.courses).toEqual({ created: 0, updated: 0, unchanged: 534 });
      expect(await catalogFacts(database.db)).toEqual(before);

      // CRN 2001 grows from 25 to 30 seats and gains a student.
      const departments = JSON.parse(
        readFileSync(dataPath('oxy/202401-courses.json'), 'utf8'),
      ) as Array<{
        courses: Array<{ sections: Array<{ crn: number; cap: number; act: number }> }>;
      }>;
      const section = departments
        .flatMap((d) => d.courses)
        .flatMap((c) => c.sections)
        .find((s) => s.crn === 2001)!;
      expect(section.cap).toBe(25);
      section.cap = 30;
      section.act += 1;
      // Registration's hook sees the grown section inside the import's transaction.
      const grown: Array<{ crn: string; capacity: number; previous: number; inTx: boolean }> = [];
      const changed = await importCatalog(
        database.db,
        { format: 'quacs', termCode: '202401' },
        [
          { name: '202401-courses.json', content: JSON.stringify(departments) },
          ...files().slice(1),
        ],
        undefined,
        {
          async afterCapacityChanged(tx, row, previous) {
            grown.push({ crn: row.crn, capacity: row.capacity, previous, inTx: tx.isTransaction });
          },
        },
      );
      expect(changed.files[0]!.sections).toEqual({ created: 0, updated: 1, unchanged: 818 });
      expect(grown).toEqual([{ crn: '2001', capacity: 30, previous: 25, inTx: true }]);
      const after = await catalogFacts(database.db);
      expect(after.capacity).toBe(before.capacity + 5);
      expect(after.importedEnrolment).toBe(before.importedEnrolment + 1);
      expect(after.enrolled).toBe(0);
    },
    SLOW,
  );
});

describe.skipIf(!HAS_SHARED_DATA)('quacs: a courses.json alone after a full import', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database.destroy();
  });

  it(
    'keeps the prerequisites, corequisites, restrictions and reserved seats it does not carry',
    async () => {
      await importCatalog(database.db, { format: 'quacs', termCode: '202401' }, [
        dataFile('oxy/202401-courses.json'),
        dataFile('oxy/202401-prerequisites.json'),
        dataFile('oxy/202401-catalog.json'),
      ]);
      const before = await catalogFacts(database.db);
      const report = await importCatalog(database.db, { format: 'quacs', termCode: '202401' }, [
        dataFile('oxy/202401-courses.json'),
      ]);
      expect(report.changed).toBe(false);
      expect(report.files[0]!.sections).toEqual({ created: 0, updated: 0, unchanged: 819 });
      expect(report.files[0]!.notes.join(' ')).toContain('No prerequisites.json given');
      expect(await catalogFacts(database.db)).toEqual(before);
      expect(before).toMatchObject({ reservedRules: 197, coursesWithPrerequisites: 195 });
    },
    SLOW,
  );
});

describe.skipIf(!HAS_SHARED_DATA)('broken and wrong-format files', () => {
  let database: TestDatabase;
  let empty: Awaited<ReturnType<typeof catalogFacts>>;
  beforeAll(async () => {
    database = await createTestDatabase();
    empty = await catalogFacts(database.db);
  });
  afterAll(async () => {
    await database.destroy();
  });

  async function refused(promise: Promise<unknown>): Promise<Error> {
    const error = await promise.then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error, 'the import should have been refused').toBeInstanceOf(Error);
    expect(await catalogFacts(database.db)).toEqual(empty);
    return error!;
  }

  it(
    'reports what a dry run would do and keeps nothing',
    async () => {
      const report = await importCatalog(
        database.db,
        { format: 'quacs', termCode: '202401', dryRun: true },
        [dataFile('oxy/202401-courses.json'), dataFile('oxy/202401-prerequisites.json')],
      );
      expect(report.dryRun).toBe(true);
      expect(report.changed).toBe(true);
      expect(report.files[0]!.sections).toEqual({ created: 819, updated: 0, unchanged: 0 });
      expect(report.files[0]!.term?.created).toBe(true);
      expect(await catalogFacts(database.db)).toEqual(empty);
    },
    SLOW,
  );

  it('refuses the Georgia Tech JSON given as uiuc-csv', async () => {
    const error = await refused(
      importCatalog(database.db, { format: 'uiuc-csv', termCode: '202302' }, [
        dataFile('gatech/202302.json'),
      ]),
    );
    expect(error).toBeInstanceOf(CatalogFileError);
    expect(error.message).toMatch(/^202302\.json: is JSON, not CSV/);
  });

  it('refuses a UIUC CSV given as gt-scheduler or quacs', async () => {
    const asGatech = await refused(
      importCatalog(database.db, { format: 'gt-scheduler', termCode: '2025-su' }, [
        dataFile('uiuc/2025-su.csv'),
      ]),
    );
    expect(asGatech.message).toMatch(/2025-su\.csv: is not JSON .*gt-scheduler/);
    const asQuacs = await refused(
      importCatalog(database.db, { format: 'quacs', termCode: '2025-su' }, [
        dataFile('gatech/202302.json'),
      ]),
    );
    expect(asQuacs.message).toMatch(/202302\.json: is not a QuACS file/);
  });

  it('refuses a truncated JSON file', async () => {
    const whole = readFileSync(dataPath('gatech/202302.json'));
    const error = await refused(
      importCatalog(database.db, { format: 'gt-scheduler', termCode: '202302' }, [
        { name: '202302-cut.json', content: whole.subarray(0, Math.floor(whole.length / 2)) },
      ]),
    );
    expect(error.message).toMatch(/202302-cut\.json: is not valid JSON, perhaps truncated/);
  });

  it('refuses a CSV that lacks required columns, naming them', async () => {
    const text = readFileSync(dataPath('uiuc/2025-su.csv'), 'utf8');
    const withoutCrn = text.replace(/^(.*?),CRN,/, '$1,Course Reference,');
    const error = await refused(
      importCatalog(database.db, { format: 'uiuc-csv', termCode: '2025-su' }, [
        { name: 'no-crn.csv', content: withoutCrn },
      ]),
    );
    expect(error.message).toBe(
      'no-crn.csv: is not a UIUC course-catalog CSV: missing column "CRN"',
    );
  });

  it('refuses a CSV cut off inside a quoted field', async () => {
    const text = readFileSync(dataPath('uiuc/2025-su.csv'), 'utf8');
    const cut = text.slice(0, text.indexOf('"Same as AFRO 201') + 10);
    const error = await refused(
      importCatalog(database.db, { format: 'uiuc-csv', termCode: '2025-su' }, [
        { name: 'cut.csv', content: cut },
      ]),
    );
    expect(error.message).toMatch(/^cut\.csv: is not readable CSV \(/);
  });

  it('refuses QuACS companions without their courses file', async () => {
    const error = await refused(
      importCatalog(database.db, { format: 'quacs', termCode: '202401' }, [
        dataFile('oxy/202401-prerequisites.json'),
      ]),
    );
    expect(error.message).toMatch(/companion file; give the courses\.json/);
  });

  it('rolls the whole file back when a write fails part-way', async () => {
    // The last section of the file (CRN 2399, WRD 395) fails at the database, after the term, subjects, courses and most
    // sections were written in the same transaction.
    await sql`create function interop_test_fail() returns trigger language plpgsql as $$
      begin raise exception 'simulated failure on CRN %', new.crn; end $$`.execute(database.db);
    await sql`create trigger interop_test_fail before insert on sections for each row
      when (new.crn = '2399') execute function interop_test_fail()`.execute(database.db);
    try {
      const error = await refused(
        importCatalog(database.db, { format: 'quacs', termCode: '202401' }, [
          dataFile('oxy/202401-courses.json'),
        ]),
      );
      expect(error).toBeInstanceOf(CatalogImportFailedError);
      expect(error.message).toMatch(/nothing from it was written/);
    } finally {
      await sql`drop trigger interop_test_fail on sections`.execute(database.db);
      await sql`drop function interop_test_fail()`.execute(database.db);
    }
  });
});
