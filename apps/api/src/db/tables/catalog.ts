// Row types of the catalog tables (subjects, programs, terms, courses, sections and their parts).
import type { ColumnType, Generated, JSONColumnType } from 'kysely';
import type { NullableTimestamp, Timestamp } from './identity.ts';

/** `date` columns travel as YYYY-MM-DD strings; the catalog never needs them as instants. */
export type DateString = ColumnType<string, string, string>;

export type SectionKind =
  'lecture' | 'lab' | 'discussion' | 'seminar' | 'studio' | 'online' | 'independent' | 'other';

export interface CourseRestrictions {
  classStandings?: string[];
  programs?: string[];
}

export interface SubjectsTable {
  code: string;
  name: string;
}

export interface ProgramsTable {
  code: string;
  name: string;
  degree: string | null;
}

export interface TermsTable {
  id: string;
  code: string;
  name: string;
  time_zone: string;
  starts_on: DateString;
  ends_on: DateString;
  registration_opens_at: Timestamp;
  registration_closes_at: Timestamp;
  add_drop_deadline: Timestamp;
  withdraw_deadline: Timestamp;
  min_credits: Generated<number>;
  max_credits: Generated<number>;
  claim_window_hours: number | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface CoursesTable {
  id: string;
  code: string;
  subject_code: string;
  number: string;
  title: string;
  description: Generated<string>;
  credits_min: number;
  credits_max: number;
  prerequisites: string | null;
  corequisites: string | null;
  restrictions: JSONColumnType<CourseRestrictions, string | undefined, string>;
  /** Generated from code, title and description (folded); read only by search. */
  search_vector: ColumnType<string, never, never>;
  /** Generated: the folded title, for sorting. */
  title_key: ColumnType<string, never, never>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface SectionsTable {
  id: string;
  term_id: string;
  course_id: string;
  crn: string;
  section_code: string;
  kind: Generated<SectionKind>;
  title: string | null;
  credits: number | null;
  capacity: number;
  waitlist_capacity: Generated<number>;
  enrolled: Generated<number>;
  waitlisted: Generated<number>;
  waitlist_mode: Generated<'auto' | 'claim'>;
  linked_group: string | null;
  status: Generated<'active' | 'cancelled'>;
  cancelled_at: NullableTimestamp;
  /**
   * Kept by triggers on section_meetings: bit mask of scheduled days (M=1 … U=64), 0 if none.
   * Bulk inserts may give the summary up front (the triggers correct anything else).
   */
  meeting_days: ColumnType<number, number | undefined, never>;
  first_start_time: ColumnType<string | null, string | null | undefined, never>;
  last_end_time: ColumnType<string | null, string | null | undefined, never>;
  /** Copied from the course (by a trigger unless the insert gives it), for ordered index scans. */
  course_code: ColumnType<string, string | undefined, never>;
  /** Generated: the folded section title (null when the course title applies). */
  title_key: ColumnType<string | null, never, never>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface SectionInstructorsTable {
  section_id: string;
  position: number;
  name: string;
  user_id: string | null;
  /** Generated: folded name words for instructor search. */
  name_vector: ColumnType<string, never, never>;
}

export interface SectionMeetingsTable {
  id: string;
  section_id: string;
  days: string | null;
  /** HH:MM:SS as PostgreSQL prints `time`. */
  start_time: string | null;
  end_time: string | null;
  location: string | null;
  start_date: DateString | null;
  end_date: DateString | null;
}

export interface SectionReservedSeatsTable {
  id: string;
  section_id: string;
  group_kind: 'class_standing' | 'program' | 'cohort';
  group_value: string;
  label: string;
  seats: number;
  until: NullableTimestamp;
}

/** Kept by triggers on the part tables: a section's parts as JSON, ready for search pages. */
export interface SectionCardsTable {
  section_id: string;
  instructors: ColumnType<unknown, never, never>;
  meetings: ColumnType<unknown, never, never>;
  reserved_seats: ColumnType<unknown, never, never>;
}

/**
 * One row whose version (with its xmin) changes whenever the catalog facts the registration
 * engine keeps in memory change (migration 2026_12_07_2230).
 */
export interface CatalogVersionTable {
  only_row: Generated<boolean>;
  /** bigint: read as a string. */
  version: Generated<string>;
}

export interface CatalogTables {
  subjects: SubjectsTable;
  programs: ProgramsTable;
  terms: TermsTable;
  courses: CoursesTable;
  sections: SectionsTable;
  section_instructors: SectionInstructorsTable;
  section_meetings: SectionMeetingsTable;
  section_reserved_seats: SectionReservedSeatsTable;
  section_cards: SectionCardsTable;
  catalog_version: CatalogVersionTable;
}
