// Row types of the billing tables (tuition setup, fees, payments, refunds, the ledger, notices).
import type { ColumnType, Generated, JSONColumnType } from 'kysely';
import type { DateString } from './catalog.ts';
import type { NullableTimestamp, Timestamp } from './identity.ts';

export interface TuitionBand {
  minCredits: number;
  maxCredits: number;
  amount: number;
}

export interface RefundStep {
  /** Local date (term time zone), inclusive. */
  until: string;
  percent: number;
}

export type FeeScope = 'term' | 'course' | 'section';
export type PaymentMethod = 'card' | 'cash' | 'check' | 'bank_transfer' | 'other';
export type PaymentProviderName = 'stripe' | 'test' | 'offline';
export type PaymentStatus = 'pending' | 'succeeded' | 'failed' | 'expired';
export type RefundStatus = 'pending' | 'succeeded' | 'failed';
export type LedgerKind = 'charge' | 'payment' | 'refund' | 'adjustment';

export interface TermTuitionTable {
  term_id: string;
  currency: string;
  per_credit_amount: number;
  bands: JSONColumnType<TuitionBand[], string, string>;
  refund_schedule: JSONColumnType<RefundStep[], string, string>;
  due_on: DateString | null;
  pay_to_enrol: Generated<boolean>;
  payment_hold_minutes: Generated<number>;
  financial_hold_when_overdue: Generated<boolean>;
  reminder_days_before: Generated<number[]>;
  updated_at: Generated<Date>;
  updated_by: string | null;
}

export interface TermFeesTable {
  id: string;
  term_id: string;
  scope: FeeScope;
  course_id: string | null;
  section_id: string | null;
  description: string;
  amount: number;
  refundable: Generated<boolean>;
  position: Generated<number>;
}

export interface PaymentsTable {
  id: string;
  student_id: string;
  amount: number;
  currency: string;
  method: PaymentMethod;
  provider: PaymentProviderName;
  status: Generated<PaymentStatus>;
  checkout_session_id: string | null;
  checkout_url: string | null;
  provider_payment_id: string | null;
  refunded_amount: Generated<number>;
  reference: string | null;
  note: string | null;
  failure_reason: string | null;
  idempotency_key: string | null;
  request_hash: string | null;
  created_by: string;
  created_at: ColumnType<Date, Date | string | undefined, Date | string>;
  completed_at: NullableTimestamp;
}

export interface RefundsTable {
  id: string;
  student_id: string;
  payment_id: string | null;
  amount: number;
  currency: string;
  method: PaymentMethod;
  provider: PaymentProviderName;
  provider_refund_id: string | null;
  status: Generated<RefundStatus>;
  origin: Generated<'staff' | 'provider'>;
  reason: string | null;
  failure_reason: string | null;
  idempotency_key: string | null;
  request_hash: string | null;
  batch_position: Generated<number>;
  created_by: string | null;
  created_at: ColumnType<Date, Date | string | undefined, Date | string>;
  completed_at: NullableTimestamp;
}

export interface LedgerEntriesTable {
  id: string;
  student_id: string;
  term_id: string | null;
  kind: LedgerKind;
  amount: number;
  currency: string;
  description: string;
  posted_at: Timestamp;
  registration_id: string | null;
  section_id: string | null;
  fee_id: string | null;
  payment_id: string | null;
  refund_id: string | null;
  source_key: string | null;
  created_by: string | null;
}

export interface PaymentProviderEventsTable {
  id: string;
  provider: string;
  type: string;
  received_at: Generated<Date>;
  payload: JSONColumnType<object, string, string>;
}

export interface BillingNoticesTable {
  student_id: string;
  kind: string;
  notice_key: string;
  sent_at: Generated<Date>;
}

export interface BillingJobRunsTable {
  job: string;
  run_on: DateString;
  ran_at: Generated<Date>;
}

export interface BillingTables {
  term_tuition: TermTuitionTable;
  term_fees: TermFeesTable;
  payments: PaymentsTable;
  refunds: RefundsTable;
  ledger_entries: LedgerEntriesTable;
  payment_provider_events: PaymentProviderEventsTable;
  billing_notices: BillingNoticesTable;
  billing_job_runs: BillingJobRunsTable;
}
