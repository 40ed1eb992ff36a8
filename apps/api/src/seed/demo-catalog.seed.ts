// The demo university's catalog: subjects, terms around the seed date (registration open now for
// the current term), courses with prerequisite chains and sections with realistic meeting
// patterns, rooms, instructors, linked lecture/lab groups and reserved seats. A seeded PRNG makes
// every run with the same date produce the same catalog.
import cliProgress from 'cli-progress';
import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import type { SectionKind } from '../db/tables/catalog.ts';
import {
  insertSections,
  upsertCoursesByCode,
  upsertPrograms,
  upsertSubjects,
  upsertTermByCode,
  type CourseRecord,
  type MeetingRecord,
  type ReservedSeatRecord,
  type SectionRecord,
  type TermRecord,
} from '../modules/catalog/catalog.repo.ts';
import { parseRequisite, printRequisite } from '../modules/catalog/catalog.requisites.ts';
import type { Term } from '../modules/catalog/catalog.schemas.ts';
import { DEMO_PROGRAMS } from './demo-people.seed.ts';
import type { DemoSize } from './demo.seed.ts';

export interface SeedDemoCatalogOptions {
  size: DemoSize;
  /** Draw a progress bar on stderr. */
  progress: boolean;
  /** The seed date: the current term's registration is open at this instant. Default: now. */
  now?: Date;
}

export interface DemoCatalog {
  /** Registration open at the seed date. */
  currentTerm: Term;
  nextTerm: Term;
  /** The two terms before the current one (no sections), for transcripts. */
  pastTerms: Term[];
  courseCount: number;
  sectionCount: number;
}

const SIZES: Record<
  DemoSize,
  { subjects: number; coursesPerSubject: number; currentSections: number; nextSections: number }
> = {
  small: { subjects: 15, coursesPerSubject: 20, currentSections: 600, nextSections: 300 },
  large: { subjects: 40, coursesPerSubject: 40, currentSections: 6_500, nextSections: 3_500 },
};

const SEED = 0xca7a_1062;
const GRADUATE_SEED = 0x9ad_5eed;
/** Graduate sections' CRNs start this far above the term's first CRN (beyond the large size's). */
const GRADUATE_CRN_OFFSET = 9_000;
const CATALOG_TABLES = [
  'courses',
  'sections',
  'section_meetings',
  'section_instructors',
  'section_reserved_seats',
];
const TIME_ZONE = 'America/Chicago';
const BATCH = 500;

/** Subjects in the order they are included; each with topics from introductory to advanced. */
const SUBJECTS: ReadonlyArray<{ code: string; name: string; topics: string[] }> = [
  {
    code: 'CS',
    name: 'Computer Science',
    topics: [
      'Computer Science',
      'Programming',
      'Discrete Structures',
      'Data Structures',
      'Algorithms',
      'Computer Architecture',
      'Operating Systems',
      'Databases',
      'Machine Learning',
      'Computer Security',
    ],
  },
  {
    code: 'MATH',
    name: 'Mathematics',
    topics: [
      'Calculus',
      'Linear Algebra',
      'Differential Equations',
      'Discrete Mathematics',
      'Real Analysis',
      'Abstract Algebra',
      'Probability',
      'Number Theory',
      'Topology',
      'Numerical Analysis',
    ],
  },
  {
    code: 'STAT',
    name: 'Statistics',
    topics: [
      'Statistics',
      'Statistical Computing',
      'Regression',
      'Experimental Design',
      'Bayesian Statistics',
      'Time Series',
      'Statistical Learning',
      'Sampling',
      'Survival Analysis',
      'Multivariate Analysis',
    ],
  },
  {
    code: 'DS',
    name: 'Data Science',
    topics: [
      'Data Science',
      'Data Visualization',
      'Data Engineering',
      'Data Ethics',
      'Predictive Modeling',
      'Text Mining',
      'Network Science',
      'Causal Inference',
      'Deep Learning',
      'Data Science Practicum',
    ],
  },
  {
    code: 'ECE',
    name: 'Electrical and Computer Engineering',
    topics: [
      'Electrical Engineering',
      'Circuits',
      'Digital Systems',
      'Signals and Systems',
      'Electromagnetics',
      'Microprocessors',
      'Control Systems',
      'Communications',
      'Power Systems',
      'Embedded Systems',
    ],
  },
  {
    code: 'ME',
    name: 'Mechanical Engineering',
    topics: [
      'Engineering Graphics',
      'Statics',
      'Dynamics',
      'Thermodynamics',
      'Fluid Mechanics',
      'Heat Transfer',
      'Mechanics of Materials',
      'Machine Design',
      'Robotics',
      'Manufacturing',
    ],
  },
  {
    code: 'PHYS',
    name: 'Physics',
    topics: [
      'Mechanics',
      'Electricity and Magnetism',
      'Waves and Optics',
      'Modern Physics',
      'Quantum Mechanics',
      'Statistical Physics',
      'Astrophysics',
      'Condensed Matter',
      'Particle Physics',
      'Computational Physics',
    ],
  },
  {
    code: 'BIO',
    name: 'Biology',
    topics: [
      'Biology',
      'Cell Biology',
      'Genetics',
      'Ecology',
      'Evolution',
      'Microbiology',
      'Physiology',
      'Molecular Biology',
      'Neurobiology',
      'Bioinformatics',
    ],
  },
  {
    code: 'CHEM',
    name: 'Chemistry',
    topics: [
      'Chemistry',
      'General Chemistry',
      'Organic Chemistry',
      'Analytical Chemistry',
      'Physical Chemistry',
      'Inorganic Chemistry',
      'Biochemistry',
      'Spectroscopy',
      'Polymer Chemistry',
      'Environmental Chemistry',
    ],
  },
  {
    code: 'ECON',
    name: 'Economics',
    topics: [
      'Economics',
      'Microeconomics',
      'Macroeconomics',
      'Econometrics',
      'Labor Economics',
      'Public Economics',
      'International Trade',
      'Development Economics',
      'Game Theory',
      'Behavioral Economics',
    ],
  },
  {
    code: 'PSYC',
    name: 'Psychology',
    topics: [
      'Psychology',
      'Research Methods',
      'Developmental Psychology',
      'Social Psychology',
      'Cognitive Psychology',
      'Abnormal Psychology',
      'Personality',
      'Neuropsychology',
      'Health Psychology',
      'Clinical Psychology',
    ],
  },
  {
    code: 'ENGL',
    name: 'English',
    topics: [
      'Academic Writing',
      'Literature',
      'Creative Writing',
      'Shakespeare',
      'American Literature',
      'British Literature',
      'Poetry',
      'The Novel',
      'Rhetoric',
      'Literary Theory',
    ],
  },
  {
    code: 'HIST',
    name: 'History',
    topics: [
      'World History',
      'American History',
      'European History',
      'Ancient Rome',
      'Medieval Europe',
      'Modern China',
      'Latin American History',
      'History of Science',
      'African History',
      'Historical Methods',
    ],
  },
  {
    code: 'MUS',
    name: 'Music',
    topics: [
      'Music Theory',
      'Aural Skills',
      'Music History',
      'Composition',
      'Orchestration',
      'Jazz',
      'Ethnomusicology',
      'Conducting',
      'Electronic Music',
      'Music Production',
    ],
  },
  {
    code: 'FR',
    name: 'French',
    topics: [
      'Français élémentaire',
      'Français intermédiaire',
      'Conversation française',
      'Littérature française',
      'Civilisation française',
      'Cinéma français',
      'Francophonie',
      'Traduction',
      'Phonétique',
      'Écriture avancée',
    ],
  },
  {
    code: 'SPAN',
    name: 'Spanish',
    topics: [
      'Español elemental',
      'Español intermedio',
      'Conversación',
      'Literatura española',
      'Literatura latinoamericana',
      'Cultura hispánica',
      'Traducción',
      'Lingüística hispánica',
      'Cine español',
      'Escritura académica',
    ],
  },
  {
    code: 'PHIL',
    name: 'Philosophy',
    topics: [
      'Philosophy',
      'Logic',
      'Ethics',
      'Philosophy of Mind',
      'Epistemology',
      'Metaphysics',
      'Political Philosophy',
      'Philosophy of Science',
      'Ancient Philosophy',
      'Aesthetics',
    ],
  },
  {
    code: 'SOC',
    name: 'Sociology',
    topics: [
      'Sociology',
      'Social Problems',
      'Race and Ethnicity',
      'Gender and Society',
      'Urban Sociology',
      'Social Networks',
      'Sociology of Work',
      'Social Theory',
      'Migration',
      'Qualitative Methods',
    ],
  },
  {
    code: 'ART',
    name: 'Art and Design',
    topics: [
      'Drawing',
      'Design',
      'Painting',
      'Sculpture',
      'Photography',
      'Printmaking',
      'Digital Media',
      'Typography',
      'Art History',
      'Studio Practice',
    ],
  },
  {
    code: 'COMM',
    name: 'Communication',
    topics: [
      'Public Speaking',
      'Communication',
      'Interpersonal Communication',
      'Media Studies',
      'Journalism',
      'Persuasion',
      'Organizational Communication',
      'Health Communication',
      'Digital Media',
      'Communication Research',
    ],
  },
  {
    code: 'ANTH',
    name: 'Anthropology',
    topics: [
      'Anthropology',
      'Cultural Anthropology',
      'Archaeology',
      'Biological Anthropology',
      'Linguistic Anthropology',
      'Ethnography',
      'Human Evolution',
      'Medical Anthropology',
      'Museum Studies',
      'Field Methods',
    ],
  },
  {
    code: 'POLS',
    name: 'Political Science',
    topics: [
      'American Government',
      'Comparative Politics',
      'International Relations',
      'Political Theory',
      'Public Policy',
      'Constitutional Law',
      'Elections',
      'Political Economy',
      'Human Rights',
      'Security Studies',
    ],
  },
  {
    code: 'LING',
    name: 'Linguistics',
    topics: [
      'Language',
      'Phonetics',
      'Phonology',
      'Syntax',
      'Semantics',
      'Sociolinguistics',
      'Psycholinguistics',
      'Historical Linguistics',
      'Computational Linguistics',
      'Field Linguistics',
    ],
  },
  {
    code: 'GEOL',
    name: 'Geology',
    topics: [
      'Physical Geology',
      'Earth History',
      'Mineralogy',
      'Petrology',
      'Structural Geology',
      'Hydrogeology',
      'Geochemistry',
      'Geophysics',
      'Sedimentology',
      'Climate Systems',
    ],
  },
  {
    code: 'ASTR',
    name: 'Astronomy',
    topics: [
      'Astronomy',
      'The Solar System',
      'Stars and Galaxies',
      'Cosmology',
      'Observational Astronomy',
      'Planetary Science',
      'Astrobiology',
      'Stellar Astrophysics',
      'Galactic Dynamics',
      'Radio Astronomy',
    ],
  },
  {
    code: 'CE',
    name: 'Civil Engineering',
    topics: [
      'Civil Engineering',
      'Surveying',
      'Structural Analysis',
      'Geotechnical Engineering',
      'Transportation',
      'Water Resources',
      'Construction Management',
      'Steel Design',
      'Concrete Design',
      'Environmental Engineering',
    ],
  },
  {
    code: 'BIOE',
    name: 'Bioengineering',
    topics: [
      'Bioengineering',
      'Biomechanics',
      'Biomaterials',
      'Biosignals',
      'Tissue Engineering',
      'Medical Imaging',
      'Biotransport',
      'Synthetic Biology',
      'Biosensors',
      'Medical Devices',
    ],
  },
  {
    code: 'MSE',
    name: 'Materials Science',
    topics: [
      'Materials Science',
      'Crystallography',
      'Thermodynamics of Materials',
      'Kinetics',
      'Electronic Materials',
      'Polymers',
      'Ceramics',
      'Metals',
      'Nanomaterials',
      'Materials Characterization',
    ],
  },
  {
    code: 'IE',
    name: 'Industrial Engineering',
    topics: [
      'Industrial Engineering',
      'Operations Research',
      'Quality Control',
      'Supply Chains',
      'Simulation',
      'Human Factors',
      'Optimization',
      'Stochastic Processes',
      'Facilities Planning',
      'Systems Engineering',
    ],
  },
  {
    code: 'AE',
    name: 'Aerospace Engineering',
    topics: [
      'Aerospace Engineering',
      'Aerodynamics',
      'Flight Mechanics',
      'Propulsion',
      'Aerospace Structures',
      'Orbital Mechanics',
      'Spacecraft Design',
      'Aircraft Design',
      'Flight Controls',
      'Space Systems',
    ],
  },
  {
    code: 'ACCY',
    name: 'Accountancy',
    topics: [
      'Financial Accounting',
      'Managerial Accounting',
      'Auditing',
      'Taxation',
      'Accounting Systems',
      'Cost Accounting',
      'Forensic Accounting',
      'Governmental Accounting',
      'Accounting Analytics',
      'Accounting Theory',
    ],
  },
  {
    code: 'FIN',
    name: 'Finance',
    topics: [
      'Finance',
      'Corporate Finance',
      'Investments',
      'Financial Markets',
      'Derivatives',
      'Risk Management',
      'Real Estate',
      'Banking',
      'Fintech',
      'Portfolio Management',
    ],
  },
  {
    code: 'MKTG',
    name: 'Marketing',
    topics: [
      'Marketing',
      'Consumer Behavior',
      'Marketing Research',
      'Branding',
      'Digital Marketing',
      'Sales',
      'Pricing',
      'Retailing',
      'Marketing Analytics',
      'Marketing Strategy',
    ],
  },
  {
    code: 'MGMT',
    name: 'Management',
    topics: [
      'Management',
      'Organizational Behavior',
      'Leadership',
      'Entrepreneurship',
      'Negotiation',
      'Strategy',
      'Human Resources',
      'Innovation',
      'Business Ethics',
      'International Business',
    ],
  },
  {
    code: 'EDUC',
    name: 'Education',
    topics: [
      'Education',
      'Learning Sciences',
      'Educational Psychology',
      'Curriculum',
      'Assessment',
      'Special Education',
      'Literacy',
      'Educational Technology',
      'Education Policy',
      'Teaching Practicum',
    ],
  },
  {
    code: 'NURS',
    name: 'Nursing',
    topics: [
      'Nursing',
      'Health Assessment',
      'Pharmacology',
      'Pathophysiology',
      'Adult Health',
      'Pediatric Nursing',
      'Mental Health Nursing',
      'Community Health',
      'Nursing Research',
      'Nursing Leadership',
    ],
  },
  {
    code: 'KIN',
    name: 'Kinesiology',
    topics: [
      'Kinesiology',
      'Anatomy',
      'Exercise Physiology',
      'Motor Control',
      'Sport Psychology',
      'Biomechanics of Movement',
      'Nutrition',
      'Physical Activity',
      'Rehabilitation',
      'Strength and Conditioning',
    ],
  },
  {
    code: 'ARCH',
    name: 'Architecture',
    topics: [
      'Architecture',
      'Architectural Drawing',
      'Architectural History',
      'Building Technology',
      'Structures',
      'Environmental Systems',
      'Urban Design',
      'Landscape',
      'Design Studio',
      'Professional Practice',
    ],
  },
  {
    code: 'THEA',
    name: 'Theatre',
    topics: [
      'Theatre',
      'Acting',
      'Voice and Movement',
      'Stagecraft',
      'Lighting Design',
      'Costume Design',
      'Directing',
      'Playwriting',
      'Dramatic Literature',
      'Theatre Production',
    ],
  },
  {
    code: 'GER',
    name: 'German',
    topics: [
      'Elementary German',
      'Intermediate German',
      'German Conversation',
      'German Literature',
      'German Culture',
      'German Film',
      'Business German',
      'Translation',
      'German Linguistics',
      'Advanced German',
    ],
  },
];

/** Subjects whose upper-level courses also ask for mathematics. */
const MATH_DEPENDENT = new Set([
  'CS',
  'STAT',
  'DS',
  'ECE',
  'ME',
  'PHYS',
  'CHEM',
  'ECON',
  'CE',
  'AE',
  'IE',
  'BIOE',
  'MSE',
  'FIN',
]);

const BUILDINGS = [
  'Ashby Hall',
  'Birch Hall',
  'Cedar Science Center',
  'Dalton Hall',
  'Elm Auditorium',
  'Foster Engineering',
  'Grant Library',
  'Harper Hall',
  'Irving Arts Building',
  'Juniper Hall',
  'Kepler Physics Building',
  'Lyle Business Center',
];
const TA_FIRST = [
  'Alex',
  'Jordan',
  'Taylor',
  'Morgan',
  'Riley',
  'Casey',
  'Jamie',
  'Avery',
  'Quinn',
  'Rowan',
  'Sasha',
  'Noor',
  'Luca',
  'Mina',
  'Tobias',
  'Ines',
  'Kofi',
  'Yuki',
  'Dara',
  'Emil',
];
const TA_LAST = [
  'Andersen',
  'Barros',
  'Chowdhury',
  'Dimitrov',
  'Eze',
  'Farouk',
  'Gallo',
  'Horvat',
  'Iyer',
  'Jansen',
  'Kovacs',
  'Lindqvist',
  'Moreno',
  'Nakagawa',
  'Ortiz',
  'Pham',
  'Rahman',
  'Santos',
  'Tanaka',
  'Varga',
];

export function createRandom(seed: number) {
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
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!,
    chance: (p: number) => next() < p,
  };
}
export type Random = ReturnType<typeof createRandom>;

// ---------------------------------------------------------------- terms

const DAY_MS = 86_400_000;

function isoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

function addDays(date: Date, days: number): Date {
  return new Date(date.getTime() + days * DAY_MS);
}

/** The first Monday on or after a date (UTC calendar). */
function mondayOnOrAfter(year: number, month: number, day: number): Date {
  const date = new Date(Date.UTC(year, month, day));
  return addDays(date, (8 - date.getUTCDay()) % 7);
}

interface Semester {
  season: 'SP' | 'FA';
  year: number;
  startsOn: Date;
}

/** Spring starts the Monday on or after 10 January, fall the Monday on or after 24 August. */
function semester(season: 'SP' | 'FA', year: number): Semester {
  return {
    season,
    year,
    startsOn: season === 'SP' ? mondayOnOrAfter(year, 0, 10) : mondayOnOrAfter(year, 7, 24),
  };
}

function following(s: Semester): Semester {
  return s.season === 'SP' ? semester('FA', s.year) : semester('SP', s.year + 1);
}

function preceding(s: Semester): Semester {
  return s.season === 'FA' ? semester('SP', s.year) : semester('FA', s.year - 1);
}

/** 08:00 in Chicago on a date, as an instant (Chicago is UTC-6 in winter, UTC-5 in summer). */
function chicagoMorning(date: Date): Date {
  const utc = new Date(`${isoDate(date)}T14:00:00Z`);
  const hour = Number(
    new Intl.DateTimeFormat('en-US', {
      timeZone: TIME_ZONE,
      hour: 'numeric',
      hourCycle: 'h23',
    }).format(utc),
  );
  return new Date(utc.getTime() - (hour - 8) * 3_600_000);
}

/**
 * A term with the usual calendar: 15 weeks of classes, add/drop at the end of the first week,
 * withdrawal until week 10. `opensAt` is when registration opens.
 */
function termRecord(s: Semester, opensAt: Date): TermRecord {
  const endsOn = addDays(s.startsOn, 15 * 7 - 3);
  const addDrop = chicagoMorning(addDays(s.startsOn, 7));
  return {
    code: `${s.season}${s.year}`,
    name: `${s.season === 'SP' ? 'Spring' : 'Fall'} ${s.year}`,
    timeZone: TIME_ZONE,
    startsOn: isoDate(s.startsOn),
    endsOn: isoDate(endsOn),
    registrationOpensAt: opensAt,
    registrationClosesAt: addDrop,
    addDropDeadline: addDrop,
    withdrawDeadline: chicagoMorning(addDays(s.startsOn, 10 * 7)),
    minCredits: 0,
    maxCredits: 18,
    claimWindowHours: 24,
  };
}

/** The current term is the first semester starting at least two weeks after the seed date. */
function demoTerms(now: Date): { current: TermRecord; next: TermRecord; past: TermRecord[] } {
  const day = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  let current = semester('SP', day.getUTCFullYear());
  while (current.startsOn.getTime() < day.getTime() + 14 * DAY_MS) current = following(current);
  const next = following(current);
  const past1 = preceding(current);
  const past2 = preceding(past1);
  const opened = (s: Semester) => chicagoMorning(addDays(s.startsOn, -70));
  return {
    // Opened a week before the seed date, so a fresh demo can register straight away.
    current: termRecord(current, chicagoMorning(addDays(day, -7))),
    next: termRecord(next, opened(next)),
    past: [termRecord(past2, opened(past2)), termRecord(past1, opened(past1))],
  };
}

// ---------------------------------------------------------------- courses

interface DemoCourse {
  record: CourseRecord;
  code: string;
  level: number;
  /** What sections it gets. */
  shape: 'lecture' | 'lecture-lab' | 'lecture-discussion' | 'seminar' | 'online' | 'independent';
}

const LEVEL_SLOTS = [1, 10, 20, 25, 30, 40, 50, 60, 70, 80];

function courseTitle(topic: string, level: number, variant: number, foreign: boolean): string {
  if (foreign) return level <= 2 ? `${topic} ${level === 1 ? 'I' : 'II'}` : topic;
  const patterns: Record<number, string[]> = {
    1: ['Introduction to {t}', '{t} I', 'Foundations of {t}', 'Principles of {t}'],
    2: ['{t} II', 'Intermediate {t}', '{t}', 'Methods in {t}'],
    3: ['{t}', 'Applied {t}', 'Theory of {t}', '{t} Laboratory'],
    4: ['Advanced {t}', 'Topics in {t}', 'Senior Seminar in {t}', 'Research in {t}'],
  };
  return patterns[level]![variant % 4]!.replace('{t}', topic);
}

function describeCourse(topic: string, level: number, random: Random): string {
  const openers = [
    `An ${level === 1 ? 'introductory' : level === 4 ? 'advanced' : 'intermediate'} course in ${topic.toLowerCase()}.`,
    `Covers the core ideas of ${topic.toLowerCase()} with weekly problem sets.`,
    `Students study ${topic.toLowerCase()} through lectures, readings and projects.`,
  ];
  const middles = [
    'Emphasis on problem solving and clear written arguments.',
    'Includes a team project presented at the end of the term.',
    'Draws on case studies and current research.',
    'Hands-on work in small groups every week.',
  ];
  return `${random.pick(openers)} ${random.pick(middles)}`;
}

function canonical(expression: string): string {
  return printRequisite(parseRequisite(expression));
}

function buildCourses(subjectCount: number, perSubject: number, random: Random): DemoCourse[] {
  const courses: DemoCourse[] = [];
  const mathByLevel = new Map<number, string[]>();
  // Mathematics first, so other subjects' prerequisites can name its courses.
  const chosen = SUBJECTS.slice(0, subjectCount);
  const ordered = [
    ...chosen.filter((s) => s.code === 'MATH'),
    ...chosen.filter((s) => s.code !== 'MATH'),
  ];
  for (const subject of ordered) {
    const foreign = subject.code === 'FR' || subject.code === 'SPAN';
    const byLevel = new Map<number, string[]>();
    for (let index = 0; index < perSubject; index += 1) {
      const level = 1 + Math.floor((index * 4) / perSubject);
      const slot = index - Math.ceil(((level - 1) * perSubject) / 4);
      const number = String(
        level * 100 +
          LEVEL_SLOTS[slot % LEVEL_SLOTS.length]! +
          Math.floor(slot / LEVEL_SLOTS.length) * 5,
      );
      const topic = subject.topics[(slot + level - 1) % subject.topics.length]!;
      const code = `${subject.code} ${number}`;
      const isLast = index === perSubject - 1;
      const title = isLast
        ? `Independent Study in ${subject.name}`
        : courseTitle(topic, level, slot, foreign);
      const lower = byLevel.get(level - 1) ?? [];
      let prerequisites: string | null = null;
      if (level > 1 && lower.length > 0 && !isLast) {
        const first = random.pick(lower);
        const second = random.pick(lower);
        const grade = random.chance(0.4) ? ' (C)' : '';
        const roll = random.next();
        if (roll < 0.45 || second === first) prerequisites = `${first}${grade}`;
        else if (roll < 0.7) prerequisites = `${first}${grade} and ${second}`;
        else prerequisites = `${first}${grade} or ${second}`;
        const maths = mathByLevel.get(Math.min(level - 1, 2)) ?? [];
        if (
          MATH_DEPENDENT.has(subject.code) &&
          level >= 3 &&
          maths.length > 1 &&
          random.chance(0.5)
        ) {
          // Grouped: canonical printing drops parentheses that are not needed.
          prerequisites = `(${prerequisites}) and (${random.pick(maths)} or ${random.pick(maths)})`;
        }
        if (level === 4 && random.chance(0.15))
          prerequisites = `(${prerequisites}) and standing: junior`;
      }
      if (isLast) prerequisites = 'permission: instructor';
      const sameLevel = byLevel.get(level) ?? [];
      const corequisites =
        level === 2 && sameLevel.length > 0 && random.chance(0.08)
          ? `${random.pick(sameLevel)} [concurrent]`
          : null;
      const shape: DemoCourse['shape'] = isLast
        ? 'independent'
        : level === 4 && random.chance(0.5)
          ? 'seminar'
          : ['CHEM', 'PHYS', 'BIO', 'ECE', 'GEOL', 'ASTR'].includes(subject.code) &&
              level <= 3 &&
              random.chance(0.6)
            ? 'lecture-lab'
            : level <= 2 && random.chance(0.3)
              ? 'lecture-discussion'
              : random.chance(0.07)
                ? 'online'
                : 'lecture';
      const credits =
        shape === 'independent'
          ? [1, 4]
          : shape === 'lecture-lab'
            ? [4, 4]
            : shape === 'seminar' && random.chance(0.3)
              ? [1, 1]
              : [3, 3];
      const restrictions: CourseRecord['restrictions'] = {};
      if (level === 4 && random.chance(0.2)) restrictions.classStandings = ['junior', 'senior'];
      const majors = DEMO_PROGRAMS.filter((p) => p.code.startsWith(`${subject.code}-`)).map(
        (p) => p.code,
      );
      if (level >= 3 && majors.length > 0 && random.chance(0.15)) restrictions.programs = majors;
      courses.push({
        code,
        level,
        shape,
        record: {
          subject: subject.code,
          number,
          title,
          description: isLast
            ? `Independent study of a topic in ${subject.name.toLowerCase()} under the supervision of a faculty member. Credit varies with the work agreed.`
            : describeCourse(topic, level, random),
          creditsMin: credits[0]!,
          creditsMax: credits[1]!,
          prerequisites: prerequisites === null ? null : canonical(prerequisites),
          corequisites: corequisites === null ? null : canonical(corequisites),
          restrictions,
        },
      });
      byLevel.set(level, [...sameLevel, code]);
      if (subject.code === 'MATH')
        mathByLevel.set(level, [...(mathByLevel.get(level) ?? []), code]);
    }
  }
  return courses;
}

/** Courses numbered 500 and up, open to graduate standing, in the subjects of graduate programs. */
const GRADUATE_COURSES_PER_SUBJECT = 10;

/**
 * Graduate courses (500-level, 3 credits) for each subject with a graduate program. Their own
 * random stream, so adding them leaves the undergraduate catalog as it was.
 */
function buildGraduateCourses(subjectCount: number, random: Random): DemoCourse[] {
  const graduateSubjects = new Set(
    DEMO_PROGRAMS.filter((p) => p.degree.startsWith('M')).map((p) => p.code.split('-')[0]!),
  );
  const patterns = ['Graduate {t}', 'Seminar in {t}', 'Advanced Topics in {t}', 'Research in {t}'];
  const courses: DemoCourse[] = [];
  for (const subject of SUBJECTS.slice(0, subjectCount)) {
    if (!graduateSubjects.has(subject.code)) continue;
    for (let slot = 0; slot < GRADUATE_COURSES_PER_SUBJECT; slot += 1) {
      const topic = subject.topics[slot % subject.topics.length]!;
      const number = String(500 + slot * 10);
      const shape: DemoCourse['shape'] = random.chance(0.4) ? 'seminar' : 'lecture';
      courses.push({
        code: `${subject.code} ${number}`,
        level: 5,
        shape,
        record: {
          subject: subject.code,
          number,
          title: patterns[slot % patterns.length]!.replace('{t}', topic),
          description: `A graduate course in ${topic.toLowerCase()}: readings from the research literature, ${random.pick(['a term project', 'weekly problem sets', 'a research paper', 'presentations'])} and ${random.pick(['a final exam', 'a final presentation', 'peer review'])}.`,
          creditsMin: 3,
          creditsMax: 3,
          prerequisites: canonical('standing: graduate'),
          corequisites: null,
          restrictions: { classStandings: ['graduate'] },
        },
      });
    }
  }
  return courses;
}

// ---------------------------------------------------------------- sections

type Slot = { days: string; start: string; end: string };

function hhmm(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

function slot(days: string, startMinutes: number, length: number): Slot {
  return { days, start: hhmm(startMinutes), end: hhmm(startMinutes + length) };
}

/** MWF 50-minute hours, TR and MW 75-minute blocks: the classic grid. */
function lectureSlot(random: Random): Slot {
  const roll = random.next();
  if (roll < 0.45) return slot('MWF', random.int(8, 16) * 60, 50);
  const starts = [8 * 60, 9 * 60 + 30, 11 * 60, 12 * 60 + 30, 14 * 60, 15 * 60 + 30];
  if (roll < 0.85) return slot('TR', random.pick(starts), 75);
  if (roll < 0.95) return slot('MW', random.pick(starts), 75);
  return slot(random.pick(['M', 'T', 'W', 'R']), 18 * 60, 170);
}

function labSlot(random: Random): Slot {
  return slot(
    random.pick(['M', 'T', 'W', 'R', 'F']),
    random.pick([8, 11, 14]) * 60,
    random.chance(0.7) ? 170 : 110,
  );
}

function discussionSlot(random: Random): Slot {
  return slot(random.pick(['M', 'T', 'W', 'R', 'F']), random.int(8, 17) * 60, 50);
}

function room(random: Random, lab = false): string {
  const building = random.pick(BUILDINGS);
  return `${building} ${lab ? 'Lab ' : ''}${random.int(1, 4)}${String(random.int(1, 40)).padStart(2, '0')}`;
}

interface SectionContext {
  term: TermRecord;
  random: Random;
  faculty: ReadonlyArray<{ name: string; userId: string | null }>;
  crn: () => string;
}

function meetingOf(
  s: Slot,
  location: string,
  dates?: { start: string; end: string },
): MeetingRecord {
  return {
    days: s.days,
    startTime: s.start,
    endTime: s.end,
    location,
    startDate: dates?.start ?? null,
    endDate: dates?.end ?? null,
  };
}

function arranged(location: string): MeetingRecord {
  return { days: null, startTime: null, endTime: null, location, startDate: null, endDate: null };
}

function taName(random: Random): { name: string; userId: null } {
  return { name: `${random.pick(TA_FIRST)} ${random.pick(TA_LAST)}`, userId: null };
}

function waitlistFor(capacity: number, random: Random): number {
  return random.chance(0.15) ? 0 : Math.max(3, Math.round(capacity * 0.15));
}

function reservedFor(
  course: DemoCourse,
  capacity: number,
  term: TermRecord,
  random: Random,
): ReservedSeatRecord[] {
  const until = new Date(term.registrationOpensAt.getTime() + 14 * DAY_MS);
  if (course.level === 1 && random.chance(0.2)) {
    return [
      {
        groupKind: 'class_standing',
        groupValue: 'freshman',
        label: 'First-year students',
        seats: Math.max(1, Math.floor(capacity / 4)),
        until,
      },
    ];
  }
  const majors = DEMO_PROGRAMS.filter((p) => p.code.startsWith(`${course.record.subject}-B`));
  if (course.level >= 2 && course.level <= 4 && majors.length > 0 && random.chance(0.15)) {
    const program = majors[0]!.code;
    return [
      {
        groupKind: 'program',
        groupValue: program,
        label: `${program} majors`,
        seats: Math.max(1, Math.floor(capacity / 3)),
        until,
      },
    ];
  }
  if (random.chance(0.02)) {
    return [
      {
        groupKind: 'cohort',
        groupValue: 'Honors',
        label: 'Honors cohort',
        seats: Math.min(5, capacity),
        until: null,
      },
    ];
  }
  return [];
}

function baseSection(
  course: DemoCourse,
  courseId: string,
  ctx: SectionContext,
  kind: SectionKind,
  sectionCode: string,
  capacity: number,
  meetings: MeetingRecord[],
  instructors: Array<{ name: string; userId: string | null }>,
  linkedGroup: string | null,
): SectionRecord {
  return {
    courseId,
    crn: ctx.crn(),
    sectionCode,
    kind,
    title: null,
    // A lab or discussion linked to a lecture carries no credits of its own: the lecture carries
    // the course's, so a lecture and its lab count once toward the credit limit and tuition.
    credits: linkedGroup !== null && kind !== 'lecture' ? 0 : null,
    capacity,
    waitlistCapacity: kind === 'independent' ? 0 : waitlistFor(capacity, ctx.random),
    waitlistMode: ctx.random.chance(0.1) ? 'claim' : 'auto',
    linkedGroup,
    instructors,
    meetings,
    reservedSeats:
      kind === 'lecture' || kind === 'online'
        ? reservedFor(course, capacity, ctx.term, ctx.random)
        : [],
  };
}

/** The sections a course gets in a term when offered; `extra` numbers another lecture section. */
function sectionsFor(
  course: DemoCourse,
  courseId: string,
  ctx: SectionContext,
  extra = 0,
): SectionRecord[] {
  const { random } = ctx;
  const professor = () => random.pick(ctx.faculty);
  const halfTerm = (): { start: string; end: string } | undefined => {
    if (!random.chance(0.04)) return undefined;
    const start = new Date(`${ctx.term.startsOn}T00:00:00Z`);
    return random.chance(0.5)
      ? { start: ctx.term.startsOn, end: isoDate(addDays(start, 7 * 8 - 3)) }
      : { start: isoDate(addDays(start, 7 * 8)), end: ctx.term.endsOn };
  };
  if (extra > 0) {
    const capacity = random.pick([30, 35, 40, 45, 60]);
    return [
      baseSection(
        course,
        courseId,
        ctx,
        'lecture',
        String(extra + 1).padStart(3, '0'),
        capacity,
        [meetingOf(lectureSlot(random), room(random), halfTerm())],
        [professor()],
        null,
      ),
    ];
  }
  switch (course.shape) {
    case 'lecture':
      return [
        baseSection(
          course,
          courseId,
          ctx,
          'lecture',
          '001',
          random.pick([30, 35, 40, 45, 60, 80]),
          [meetingOf(lectureSlot(random), room(random), halfTerm())],
          [professor()],
          null,
        ),
      ];
    case 'lecture-lab': {
      const out: SectionRecord[] = [];
      const lectures = random.chance(0.3) ? 2 : 1;
      for (let l = 0; l < lectures; l += 1) {
        const group = String.fromCharCode(65 + l);
        const labs = random.int(2, 4);
        out.push(
          baseSection(
            course,
            courseId,
            ctx,
            'lecture',
            `${group}L1`,
            labs * 24,
            [meetingOf(lectureSlot(random), room(random))],
            [professor()],
            group,
          ),
        );
        for (let k = 0; k < labs; k += 1) {
          out.push(
            baseSection(
              course,
              courseId,
              ctx,
              'lab',
              `${group}Y${String.fromCharCode(65 + k)}`,
              24,
              [meetingOf(labSlot(random), room(random, true))],
              [taName(random)],
              group,
            ),
          );
        }
      }
      return out;
    }
    case 'lecture-discussion': {
      const discussions = random.int(3, 5);
      const out = [
        baseSection(
          course,
          courseId,
          ctx,
          'lecture',
          'AL1',
          discussions * 30,
          [meetingOf(lectureSlot(random), room(random))],
          [professor()],
          'A',
        ),
      ];
      for (let k = 0; k < discussions; k += 1) {
        out.push(
          baseSection(
            course,
            courseId,
            ctx,
            'discussion',
            `AD${k + 1}`,
            30,
            [meetingOf(discussionSlot(random), room(random))],
            [taName(random)],
            'A',
          ),
        );
      }
      return out;
    }
    case 'seminar': {
      const s = random.chance(0.5)
        ? slot(random.pick(['M', 'T', 'W', 'R']), random.pick([13, 15]) * 60, 150)
        : lectureSlot(random);
      return [
        baseSection(
          course,
          courseId,
          ctx,
          'seminar',
          'S01',
          random.int(12, 18),
          [meetingOf(s, room(random))],
          [professor()],
          null,
        ),
      ];
    }
    case 'online':
      return [
        baseSection(
          course,
          courseId,
          ctx,
          'online',
          'ON1',
          random.pick([50, 75, 100]),
          [arranged('Online')],
          [professor()],
          null,
        ),
      ];
    case 'independent':
      return [
        baseSection(
          course,
          courseId,
          ctx,
          'independent',
          'IS1',
          5,
          [arranged('By arrangement')],
          [professor()],
          null,
        ),
      ];
  }
}

/** Every course offered with a probability, then extra lecture sections of lower-level courses until the target. */
function buildTermSections(
  courses: readonly DemoCourse[],
  courseIds: ReadonlyMap<string, string>,
  ctx: SectionContext,
  target: number,
  offerRate: number,
): SectionRecord[] {
  const { random } = ctx;
  const sections: SectionRecord[] = [];
  const popular: DemoCourse[] = [];
  const order = [...courses];
  for (let i = order.length - 1; i > 0; i -= 1) {
    const j = random.int(0, i);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  for (const course of order) {
    if (sections.length >= target) break;
    if (!random.chance(offerRate)) continue;
    sections.push(...sectionsFor(course, courseIds.get(course.code)!, ctx));
    if (course.level <= 2 && course.shape === 'lecture') popular.push(course);
  }
  const extras = new Map<string, number>();
  while (sections.length < target && popular.length > 0) {
    const course = random.pick(popular);
    const n = (extras.get(course.code) ?? 0) + 1;
    extras.set(course.code, n);
    sections.push(...sectionsFor(course, courseIds.get(course.code)!, ctx, n));
  }
  return sections;
}

async function facultyOf(db: Kysely<DB>): Promise<Array<{ name: string; userId: string | null }>> {
  const rows = await db
    .selectFrom('users')
    .select(['id', 'name', 'email'])
    .where(sql<boolean>`'instructor' = any(roles)`)
    .orderBy('email')
    .execute();
  if (rows.length > 0) return rows.map((r) => ({ name: r.name, userId: r.id }));
  // Without the people seed (tests), instructors are names only.
  return Array.from({ length: 40 }, (_, i) => ({
    name: `${TA_FIRST[i % TA_FIRST.length]!} ${TA_LAST[(i * 7) % TA_LAST.length]!}`,
    userId: null,
  }));
}

/**
 * Loads the demo catalog in one transaction, in multi-row batches. Expects an empty catalog (the
 * terms' codes, course codes and CRNs would collide otherwise).
 */
export async function seedDemoCatalog(
  db: Kysely<DB>,
  options: SeedDemoCatalogOptions,
): Promise<DemoCatalog> {
  const size = SIZES[options.size];
  const random = createRandom(SEED);
  const terms = demoTerms(options.now ?? new Date());
  const undergraduate = buildCourses(size.subjects, size.coursesPerSubject, random);
  const graduateRandom = createRandom(GRADUATE_SEED);
  const graduate = buildGraduateCourses(size.subjects, graduateRandom);
  const courses = [...undergraduate, ...graduate];
  const faculty = await facultyOf(db);
  const bar = options.progress
    ? new cliProgress.SingleBar(
        {
          stream: process.stderr,
          format: '  Demo catalog {bar} {value}/{total} courses and sections',
          hideCursor: true,
          clearOnComplete: false,
        },
        cliProgress.Presets.shades_classic,
      )
    : undefined;
  bar?.start(courses.length + size.currentSections + size.nextSections, 0);
  try {
    const catalog = await db.transaction().execute(async (tx) => {
      await upsertPrograms(
        tx,
        DEMO_PROGRAMS.map((p) => ({ code: p.code, name: p.name, degree: p.degree })),
      );
      await upsertSubjects(
        tx,
        SUBJECTS.slice(0, size.subjects).map((s) => ({ code: s.code, name: s.name })),
      );
      const past: Term[] = [];
      for (const record of terms.past) past.push((await upsertTermByCode(tx, record)).term);
      const currentTerm = (await upsertTermByCode(tx, terms.current)).term;
      const nextTerm = (await upsertTermByCode(tx, terms.next)).term;
      const courseIds = new Map<string, string>();
      for (let i = 0; i < courses.length; i += BATCH) {
        const batch = courses.slice(i, i + BATCH);
        const results = await upsertCoursesByCode(
          tx,
          batch.map((c) => c.record),
        );
        for (const r of results) courseIds.set(r.code, r.id);
        bar?.increment(batch.length);
      }
      let sectionCount = 0;
      const plan: Array<{
        term: Term;
        record: TermRecord;
        target: number;
        offer: number;
        firstCrn: number;
      }> = [
        {
          term: currentTerm,
          record: terms.current,
          target: size.currentSections,
          offer: 0.9,
          firstCrn: 30001,
        },
        {
          term: nextTerm,
          record: terms.next,
          target: size.nextSections,
          offer: 0.55,
          firstCrn: 50001,
        },
      ];
      for (const p of plan) {
        let crn = p.firstCrn;
        const ctx: SectionContext = { term: p.record, random, faculty, crn: () => String(crn++) };
        // Graduate sections first, from their own stream and CRN range, within the term's target.
        let graduateCrn = p.firstCrn + GRADUATE_CRN_OFFSET;
        const graduateSections = graduate
          .filter(() => graduateRandom.chance(p.offer))
          .flatMap((course) =>
            sectionsFor(course, courseIds.get(course.code)!, {
              term: p.record,
              random: graduateRandom,
              faculty,
              crn: () => String(graduateCrn++),
            }),
          );
        const sections = [
          ...buildTermSections(
            undergraduate,
            courseIds,
            ctx,
            p.target - graduateSections.length,
            p.offer,
          ),
          ...graduateSections,
        ];
        for (let i = 0; i < sections.length; i += BATCH) {
          const batch = sections.slice(i, i + BATCH);
          await insertSections(tx, p.term.id, batch);
          bar?.increment(batch.length);
        }
        sectionCount += sections.length;
      }
      return { currentTerm, nextTerm, pastTerms: past, courseCount: courses.length, sectionCount };
    });
    // The meeting triggers rewrote every section row once: vacuum so searches scan no dead rows,
    // and analyze so the planner knows the new tables (VACUUM cannot run inside the transaction).
    for (const table of CATALOG_TABLES) await sql`vacuum analyze ${sql.table(table)}`.execute(db);
    return catalog;
  } finally {
    bar?.stop();
  }
}
