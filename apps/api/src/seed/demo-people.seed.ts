// The demo university's people: an admin, advisors, instructors and thousands of students, made
// from a seeded PRNG so every run produces the same names, numbers and records.
import cliProgress from 'cli-progress';
import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import type { ClassStanding } from '../db/tables/identity.ts';
import { newId } from '../lib/ids.ts';
import { hashPassword } from '../modules/identity/identity.password.ts';
import {
  findUserByEmail,
  insertStudents,
  insertUsers,
  reserveStudentNumbers,
  type NewStudent,
  type NewUser,
} from '../modules/identity/identity.repo.ts';
import { classStandingForCredits } from '../modules/identity/identity.service.ts';
import type { DemoLogin, DemoSize } from './demo.seed.ts';

export const DEMO_DOMAIN = 'demo.openregistrar.dev';
export const DEMO_ADMIN_EMAIL = `admin@${DEMO_DOMAIN}`;

/** Printed at first start; demo data only. */
export const DEMO_PASSWORDS = {
  admin: 'Demo-Registrar-2026',
  staff: 'Demo-Faculty-2026',
  student: 'Demo-Campus-2026',
} as const;

/** Programs the demo students study; the catalog seed may add more (codes must stay). */
export const DEMO_PROGRAMS = [
  { code: 'CS-BS', name: 'Computer Science', degree: 'BS' },
  { code: 'DS-BS', name: 'Data Science', degree: 'BS' },
  { code: 'MATH-BS', name: 'Mathematics', degree: 'BS' },
  { code: 'STAT-BS', name: 'Statistics', degree: 'BS' },
  { code: 'ECE-BS', name: 'Electrical and Computer Engineering', degree: 'BS' },
  { code: 'ME-BS', name: 'Mechanical Engineering', degree: 'BS' },
  { code: 'PHYS-BS', name: 'Physics', degree: 'BS' },
  { code: 'BIO-BS', name: 'Biology', degree: 'BS' },
  { code: 'CHEM-BS', name: 'Chemistry', degree: 'BS' },
  { code: 'ECON-BA', name: 'Economics', degree: 'BA' },
  { code: 'PSYC-BA', name: 'Psychology', degree: 'BA' },
  { code: 'ENGL-BA', name: 'English', degree: 'BA' },
  { code: 'HIST-BA', name: 'History', degree: 'BA' },
  { code: 'MUS-BA', name: 'Music', degree: 'BA' },
  { code: 'CS-MS', name: 'Computer Science', degree: 'MS' },
  { code: 'DS-MS', name: 'Data Science', degree: 'MS' },
  { code: 'ECON-MA', name: 'Economics', degree: 'MA' },
] as const;

const UNDERGRADUATE_PROGRAMS = DEMO_PROGRAMS.filter((p) => p.degree.startsWith('B'));
const GRADUATE_PROGRAMS = DEMO_PROGRAMS.filter((p) => p.degree.startsWith('M'));

export const DEMO_INTERESTS = [
  'Artificial Intelligence',
  'Data Science',
  'Robotics',
  'Cybersecurity',
  'Human-Computer Interaction',
  'Entrepreneurship',
  'Sustainability',
  'Climate Science',
  'Public Health',
  'Finance',
  'Game Design',
  'Biotechnology',
  'Music Production',
  'Creative Writing',
  'Ethics and Society',
  'Web Development',
  'Quantum Computing',
  'Photography',
  'Community Service',
  'Research',
] as const;

const FIRST_NAMES = [
  'Aaliyah',
  'Aarav',
  'Abigail',
  'Adrian',
  'Aiko',
  'Alejandro',
  'Amara',
  'Amelia',
  'Andre',
  'Anika',
  'Ava',
  'Benjamin',
  'Bianca',
  'Caleb',
  'Camila',
  'Carlos',
  'Chen',
  'Chloe',
  'Daniel',
  'Deepa',
  'Diego',
  'Elena',
  'Eli',
  'Emeka',
  'Emily',
  'Ethan',
  'Fatima',
  'Felix',
  'Gabriel',
  'Grace',
  'Hana',
  'Hannah',
  'Hiro',
  'Ibrahim',
  'Imani',
  'Isabella',
  'Ivan',
  'Jada',
  'Jamal',
  'Javier',
  'Jia',
  'Jonah',
  'Julia',
  'Kai',
  'Kavya',
  'Kenji',
  'Laila',
  'Liam',
  'Lucas',
  'Lucia',
  'Malik',
  'Maria',
  'Mateo',
  'Maya',
  'Mei',
  'Mohammed',
  'Nadia',
  'Naomi',
  'Nathan',
  'Nia',
  'Noah',
  'Olivia',
  'Omar',
  'Priya',
  'Quinn',
  'Rafael',
  'Ravi',
  'Rosa',
  'Ryan',
  'Sakura',
  'Samuel',
  'Sara',
  'Sebastian',
  'Sofia',
  'Tariq',
  'Thea',
  'Tomas',
  'Valentina',
  'Victor',
  'Wei',
  'Xavier',
  'Yara',
  'Yusuf',
  'Zara',
  'Zoe',
];

const LAST_NAMES = [
  'Abara',
  'Adams',
  'Ahmed',
  'Alvarez',
  'Anderson',
  'Bauer',
  'Bianchi',
  'Brown',
  'Castillo',
  'Chen',
  'Cohen',
  'Costa',
  'Diaz',
  'Dubois',
  'Edwards',
  'Evans',
  'Fernandez',
  'Fischer',
  'Garcia',
  'Gupta',
  'Haddad',
  'Hall',
  'Hernandez',
  'Hoang',
  'Ibrahim',
  'Ito',
  'Jackson',
  'Johnson',
  'Kaur',
  'Kim',
  'Kowalski',
  'Kumar',
  'Lee',
  'Lopez',
  'Martin',
  'Martinez',
  'Mensah',
  'Miller',
  'Moreau',
  'Murphy',
  'Nakamura',
  'Nguyen',
  'Novak',
  'Okafor',
  'Olsen',
  'Patel',
  'Perez',
  'Petrov',
  'Quinn',
  'Ramirez',
  'Reyes',
  'Rossi',
  'Sato',
  'Schmidt',
  'Silva',
  'Singh',
  'Smith',
  'Sokolov',
  'Suzuki',
  'Tanaka',
  'Taylor',
  'Thompson',
  'Torres',
  'Tran',
  'Walker',
  'Wang',
  'Williams',
  'Wilson',
  'Wong',
  'Yamamoto',
  'Yilmaz',
  'Young',
  'Zhang',
  'Zhou',
];

const COUNTS: Record<DemoSize, { advisors: number; instructors: number; students: number }> = {
  small: { advisors: 12, instructors: 60, students: 5_000 },
  large: { advisors: 60, instructors: 300, students: 50_000 },
};

const BATCH_SIZE = 1_000;
const SHOWCASE_STUDENT: StudentFacts = {
  program: 'CS-BS',
  classStanding: 'sophomore',
  creditsEarned: 34,
};
const SEED = 0x5eed_2026;

export interface DemoPerson {
  id: string;
  name: string;
  email: string;
}

export interface SeedDemoPeopleOptions {
  size: DemoSize;
  /** Draw a progress bar on stderr. */
  progress: boolean;
  /** Tests use smaller populations; the sizes above otherwise. */
  counts?: { advisors: number; instructors: number; students: number };
}

export interface DemoPeople {
  /** One login per role, with its password, for the start-up banner. */
  logins: DemoLogin[];
  admin: DemoPerson;
  advisors: DemoPerson[];
  instructors: DemoPerson[];
  studentCount: number;
  /** The demo student the banner prints (an advisee of the first advisor); none with 0 students. */
  demoStudent: DemoPerson | undefined;
}

/** mulberry32: a small, fast PRNG; the same seed gives the same people on every machine. */
function createRandom(seed: number): {
  next(): number;
  int(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
} {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    pick: (items) => items[Math.floor(next() * items.length)]!,
  };
}

type Random = ReturnType<typeof createRandom>;

function personName(random: Random): { first: string; last: string } {
  return { first: random.pick(FIRST_NAMES), last: random.pick(LAST_NAMES) };
}

/** A campus-style net id: first initial, last name, and a running number that keeps it unique. */
function netId(first: string, last: string, n: number): string {
  return `${first[0]}${last}${n}`.toLowerCase();
}

function interestsFor(random: Random): string[] {
  const count = random.int(0, 3);
  const chosen = new Set<string>();
  while (chosen.size < count) chosen.add(random.pick(DEMO_INTERESTS));
  return [...chosen];
}

interface StudentFacts {
  program: string;
  classStanding: ClassStanding;
  creditsEarned: number;
}

/** Graduate students one in ten; undergraduates spread over four years, standing from credits. */
function studentFacts(random: Random): StudentFacts {
  if (random.next() < 0.1) {
    return {
      program: random.pick(GRADUATE_PROGRAMS).code,
      classStanding: 'graduate',
      creditsEarned: random.int(0, 12) * 3,
    };
  }
  const year = random.int(1, 4);
  const creditsEarned = (year - 1) * 30 + random.int(0, 29);
  return {
    program: random.pick(UNDERGRADUATE_PROGRAMS).code,
    classStanding: classStandingForCredits(creditsEarned),
    creditsEarned,
  };
}

/**
 * Loads the demo people in one transaction (all or nothing), in multi-row batches. Demo students
 * share one precomputed password hash: hashing thousands of argon2 passwords would take minutes.
 */
export async function seedDemoPeople(
  db: Kysely<DB>,
  options: SeedDemoPeopleOptions,
): Promise<DemoPeople> {
  if (await findUserByEmail(db, DEMO_ADMIN_EMAIL)) {
    throw new Error(`The demo people are already loaded (${DEMO_ADMIN_EMAIL} exists).`);
  }
  const counts = options.counts ?? COUNTS[options.size];
  const random = createRandom(SEED);
  const [adminHash, staffHash, studentHash] = await Promise.all([
    hashPassword(DEMO_PASSWORDS.admin),
    hashPassword(DEMO_PASSWORDS.staff),
    hashPassword(DEMO_PASSWORDS.student),
  ]);

  let serial = 0;
  const staffMember = (role: 'advisor' | 'instructor', index: number): NewUser => {
    serial += 1;
    const { first, last } = personName(random);
    const isShowcase = index === 0;
    return {
      id: newId(),
      name: `${first} ${last}`,
      email: isShowcase
        ? `${role}@${DEMO_DOMAIN}`
        : `${first}.${last}.${serial}@${DEMO_DOMAIN}`.toLowerCase(),
      username: isShowcase ? role : netId(first, last, serial),
      passwordHash: staffHash,
      roles: [role],
    };
  };

  const admin: NewUser = {
    id: newId(),
    name: 'Riley Registrar',
    email: DEMO_ADMIN_EMAIL,
    username: 'admin',
    passwordHash: adminHash,
    roles: ['admin'],
  };
  const advisors = Array.from({ length: counts.advisors }, (_, i) => staffMember('advisor', i));
  const instructors = Array.from({ length: counts.instructors }, (_, i) =>
    staffMember('instructor', i),
  );
  const total = 1 + advisors.length + instructors.length + counts.students;
  const bar = options.progress
    ? new cliProgress.SingleBar(
        {
          stream: process.stderr,
          format: '  Demo people  {bar} {value}/{total}',
          hideCursor: true,
          clearOnComplete: false,
        },
        cliProgress.Presets.shades_classic,
      )
    : undefined;
  bar?.start(total, 0);

  let demoStudent: DemoPerson | undefined;
  try {
    await db.transaction().execute(async (tx) => {
      await tx
        .insertInto('programs')
        .values(DEMO_PROGRAMS.map((p) => ({ code: p.code, name: p.name, degree: p.degree })))
        .onConflict((oc) => oc.column('code').doNothing())
        .execute();
      await insertUsers(tx, [admin, ...advisors, ...instructors]);
      bar?.increment(1 + advisors.length + instructors.length);

      const firstNumber =
        counts.students > 0 ? await reserveStudentNumbers(tx, counts.students) : 0;
      for (let start = 0; start < counts.students; start += BATCH_SIZE) {
        const users: NewUser[] = [];
        const students: NewStudent[] = [];
        const end = Math.min(counts.students, start + BATCH_SIZE);
        for (let index = start; index < end; index += 1) {
          serial += 1;
          const { first, last } = personName(random);
          const facts = studentFacts(random);
          const advisor = advisors.length > 0 ? random.pick(advisors) : undefined;
          const interests = interestsFor(random);
          const isShowcase = index === 0;
          const user: NewUser = {
            id: newId(),
            name: `${first} ${last}`,
            email: isShowcase
              ? `student@${DEMO_DOMAIN}`
              : `${first}.${last}.${serial}@${DEMO_DOMAIN}`.toLowerCase(),
            username: isShowcase ? 'student' : netId(first, last, serial),
            passwordHash: studentHash,
            roles: ['student'],
          };
          users.push(user);
          students.push({
            userId: user.id,
            studentNumber: String(firstNumber + index),
            // The showcase student is a sophomore advisee of the showcase advisor.
            ...(isShowcase ? SHOWCASE_STUDENT : facts),
            interests: isShowcase ? ['Artificial Intelligence', 'Robotics'] : interests,
            advisorId: isShowcase ? (advisors[0]?.id ?? null) : (advisor?.id ?? null),
          });
          if (isShowcase) demoStudent = { id: user.id, name: user.name, email: user.email };
        }
        await insertUsers(tx, users);
        await insertStudents(tx, students);
        bar?.increment(users.length);
      }
      // Planner statistics for the freshly loaded tables, so the first queries plan well.
      await sql`analyze users`.execute(tx);
      await sql`analyze students`.execute(tx);
    });
  } finally {
    bar?.stop();
  }

  const person = (user: NewUser): DemoPerson => ({
    id: user.id,
    name: user.name,
    email: user.email,
  });
  const logins: DemoLogin[] = [
    { role: 'admin', login: admin.email, password: DEMO_PASSWORDS.admin },
  ];
  if (advisors[0])
    logins.push({ role: 'advisor', login: advisors[0].email, password: DEMO_PASSWORDS.staff });
  if (instructors[0]) {
    logins.push({
      role: 'instructor',
      login: instructors[0].email,
      password: DEMO_PASSWORDS.staff,
    });
  }
  if (demoStudent)
    logins.push({ role: 'student', login: demoStudent.email, password: DEMO_PASSWORDS.student });
  return {
    logins,
    admin: person(admin),
    advisors: advisors.map(person),
    instructors: instructors.map(person),
    studentCount: counts.students,
    demoStudent,
  };
}
