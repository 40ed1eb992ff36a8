// Row types of the identity tables (users, sessions, tokens, mail, transcripts).
import type { ColumnType, Generated } from 'kysely';

export type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
export type NullableTimestamp = ColumnType<
  Date | null,
  Date | string | null | undefined,
  Date | string | null
>;

export type Role = 'student' | 'instructor' | 'advisor' | 'admin';
export type ClassStanding = 'freshman' | 'sophomore' | 'junior' | 'senior' | 'graduate';

export interface UsersTable {
  id: string;
  email: string;
  username: string | null;
  name: string;
  password_hash: string | null;
  roles: Role[];
  disabled_at: NullableTimestamp;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface StudentsTable {
  user_id: string;
  student_number: string;
  program_code: string | null;
  class_standing: Generated<ClassStanding>;
  credits_earned: Generated<number>;
  advisor_id: string | null;
  interests: Generated<string[]>;
}

export interface SessionsTable {
  id: string;
  user_id: string;
  created_at: Generated<Date>;
  expires_at: Timestamp;
  revoked_at: NullableTimestamp;
  revoked_reason: string | null;
  ip: string | null;
  user_agent: string | null;
}

export interface RefreshTokensTable {
  token_hash: string;
  session_id: string;
  created_at: Generated<Date>;
  expires_at: Timestamp;
  used_at: NullableTimestamp;
}

export interface PasswordResetTokensTable {
  token_hash: string;
  user_id: string;
  created_at: Generated<Date>;
  expires_at: Timestamp;
  used_at: NullableTimestamp;
}

export interface LoginThrottleTable {
  key: string;
  failures: Generated<number>;
  window_started_at: Generated<Date>;
  locked_until: NullableTimestamp;
}

export interface MailOutboxTable {
  id: string;
  to_address: string;
  subject: string;
  text_body: string;
  html_body: string | null;
  created_at: Generated<Date>;
  sent_at: NullableTimestamp;
  attempts: Generated<number>;
  last_error: string | null;
}

export interface TranscriptEntriesTable {
  id: string;
  student_id: string;
  course_code: string;
  term_code: string;
  grade: string;
  credits: number;
  created_at: Generated<Date>;
}

export interface IdentityTables {
  users: UsersTable;
  students: StudentsTable;
  sessions: SessionsTable;
  refresh_tokens: RefreshTokensTable;
  password_reset_tokens: PasswordResetTokensTable;
  login_throttle: LoginThrottleTable;
  mail_outbox: MailOutboxTable;
  transcript_entries: TranscriptEntriesTable;
}
