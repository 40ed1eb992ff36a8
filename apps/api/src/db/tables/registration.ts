// Row types of the registration tables (see the migration 2026_11_22_0410_create_registration).
import type { ColumnType, Generated, JSONColumnType } from 'kysely';
import type { ClassStanding, NullableTimestamp, Timestamp } from './identity.ts';

export type RegistrationStatus =
  'enrolled' | 'waitlisted' | 'offered' | 'pending_payment' | 'dropped' | 'withdrawn';

/** Statuses that hold a place in a section (the unique index covers exactly these). */
export const LIVE_STATUSES = ['enrolled', 'waitlisted', 'offered', 'pending_payment'] as const;
/** Statuses counted by sections.enrolled: they occupy a seat. */
export const SEAT_STATUSES = ['enrolled', 'offered', 'pending_payment'] as const;

export type HoldType = 'academic' | 'financial' | 'advising' | 'disciplinary' | 'administrative';

export type OverrideName =
  | 'capacity'
  | 'prerequisite'
  | 'corequisite'
  | 'time_conflict'
  | 'credit_limit'
  | 'hold'
  | 'window'
  | 'restriction';

export interface StudentTermsTable {
  student_id: string;
  term_id: string;
  opens_at: NullableTimestamp;
  version: Generated<number>;
}

export interface RegistrationsTable {
  id: string;
  student_id: string;
  section_id: string;
  term_id: string;
  status: RegistrationStatus;
  credits: number;
  joined_at: Generated<Date>;
  offer_expires_at: NullableTimestamp;
  overrides: Generated<string[]>;
  swap_drop_registration_id: string | null;
  created_by: string | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  enrolled_at: NullableTimestamp;
  dropped_at: NullableTimestamp;
  drop_reason: string | null;
}

export interface HoldsTable {
  id: string;
  student_id: string;
  type: HoldType;
  reason: string;
  blocks_registration: Generated<boolean>;
  placed_by: string | null;
  placed_at: Generated<Date>;
  lifted_by: string | null;
  lifted_at: NullableTimestamp;
  lift_note: string | null;
}

export interface TimeTicketRulesTable {
  id: string;
  term_id: string;
  position: number;
  min_credits_earned: number | null;
  class_standing: ClassStanding | null;
  opens_at: Timestamp;
}

export interface PermitsTable {
  id: string;
  section_id: string;
  student_id: string;
  overrides: string[];
  note: string | null;
  granted_by: string | null;
  granted_at: Generated<Date>;
  revoked_at: NullableTimestamp;
}

export interface RegistrationAuditTable {
  id: string;
  at: Timestamp;
  actor_id: string | null;
  student_id: string | null;
  section_id: string | null;
  term_id: string | null;
  registration_id: string | null;
  action: string;
  outcome: string;
  blocker_codes: Generated<string[]>;
  details: JSONColumnType<Record<string, unknown>, string | undefined, string>;
  request_id: string | null;
}

export interface IdempotencyKeysTable {
  user_id: string;
  key: string;
  request_hash: string;
  status_code: number;
  response: JSONColumnType<Record<string, unknown>, string, string>;
  created_at: Timestamp;
}

export interface CartItemsTable {
  id: string;
  student_id: string;
  term_id: string;
  section_id: string;
  added_at: Generated<Date>;
}

export interface NotificationsTable {
  id: string;
  user_id: string;
  kind: string;
  title: string;
  body: string;
  data: JSONColumnType<Record<string, unknown>, string | undefined, string>;
  created_at: ColumnType<Date, Date | string | undefined, never>;
  read_at: NullableTimestamp;
}

export interface RegistrationTables {
  student_terms: StudentTermsTable;
  registrations: RegistrationsTable;
  holds: HoldsTable;
  time_ticket_rules: TimeTicketRulesTable;
  permits: PermitsTable;
  registration_audit: RegistrationAuditTable;
  idempotency_keys: IdempotencyKeysTable;
  cart_items: CartItemsTable;
  notifications: NotificationsTable;
}
