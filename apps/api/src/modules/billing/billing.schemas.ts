// TypeBox request and response schemas of the billing API and their static types. Money is always
// an integer count of the currency's minor unit (cents for USD) next to an ISO 4217 code.
import { Type, type Static, type TSchema } from 'typebox';

const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

const Id = Type.String({ minLength: 1, maxLength: 64, description: 'Opaque identifier' });
const DateOnly = Type.String({ format: 'date', description: 'YYYY-MM-DD' });
const Instant = Type.String({ format: 'date-time', description: 'ISO 8601 with offset' });
const Currency = Type.String({
  pattern: '^[A-Z]{3}$',
  description: 'ISO 4217 code, e.g. USD',
});
const Amount = Type.Integer({
  minimum: 0,
  maximum: 1_000_000_000_00,
  description: 'Minor units of the currency (cents)',
});
const PositiveAmount = Type.Integer({
  minimum: 1,
  maximum: 1_000_000_000_00,
  description: 'Minor units of the currency (cents), at least 1',
});
const SignedAmount = Type.Integer({
  minimum: -1_000_000_000_00,
  maximum: 1_000_000_000_00,
  description: 'Minor units; positive: the student owes more, negative: a credit',
});
const Credits = Type.Number({ minimum: 0, maximum: 99 });

export const PAYMENT_METHODS = ['card', 'cash', 'check', 'bank_transfer', 'other'] as const;
export const REFUND_METHODS = ['original', 'check', 'bank_transfer', 'cash', 'other'] as const;
export const FEE_SCOPES = ['term', 'course', 'section'] as const;
export const LEDGER_KINDS = ['charge', 'payment', 'refund', 'adjustment'] as const;
export const PAYMENT_STATUSES = ['pending', 'succeeded', 'failed', 'expired'] as const;
export const REFUND_STATUSES = ['pending', 'succeeded', 'failed'] as const;
export const PROVIDERS = ['stripe', 'test', 'offline'] as const;

export const TermParams = Type.Object({ termId: Id });
export const StudentParams = Type.Object({ studentId: Id });
export const PaymentParams = Type.Object({ paymentId: Id });
export const CheckoutParams = Type.Object({ sessionId: Type.String({ maxLength: 200 }) });

export const IdempotencyHeaders = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 255,
      description: 'Retries with the same key and body return the first result and do nothing more',
    }),
  ),
});

// ---- tuition setup

export const TuitionBand = Type.Object({
  minCredits: Type.Number({ exclusiveMinimum: 0, maximum: 99 }),
  maxCredits: Credits,
  amount: Amount,
});

export const RefundStep = Type.Object({
  until: Type.String({
    format: 'date',
    description: 'Drops up to the end of this day (term time zone) get `percent` back',
  }),
  percent: Type.Integer({ minimum: 0, maximum: 100 }),
});

export const FeeInput = Type.Object({
  id: Type.Optional(Id),
  scope: Type.Enum(FEE_SCOPES, {
    description: 'term: once per term with any section; course: per course; section: per section',
  }),
  courseId: Type.Optional(Nullable(Id)),
  sectionId: Type.Optional(Nullable(Id)),
  description: Type.String({ minLength: 1, maxLength: 200 }),
  amount: PositiveAmount,
  refundable: Type.Optional(Type.Boolean({ default: true })),
});

export const Fee = Type.Object({
  id: Id,
  scope: Type.Enum(FEE_SCOPES),
  courseId: Nullable(Id),
  sectionId: Nullable(Id),
  target: Nullable(Type.String({ description: 'The course or section code the fee applies to' })),
  description: Type.String(),
  amount: Amount,
  refundable: Type.Boolean(),
});

export const TuitionSetupInput = Type.Object(
  {
    currency: Currency,
    perCreditAmount: Amount,
    bands: Type.Optional(Type.Array(TuitionBand, { maxItems: 20, default: [] })),
    fees: Type.Optional(Type.Array(FeeInput, { maxItems: 500, default: [] })),
    refundSchedule: Type.Optional(Type.Array(RefundStep, { maxItems: 20, default: [] })),
    dueDate: Type.Optional(Nullable(DateOnly)),
    payToEnrol: Type.Optional(Type.Boolean({ default: false })),
    paymentHoldMinutes: Type.Optional(Type.Integer({ minimum: 1, maximum: 10080, default: 30 })),
    financialHoldWhenOverdue: Type.Optional(Type.Boolean({ default: false })),
    reminderDaysBefore: Type.Optional(
      Type.Array(Type.Integer({ minimum: 0, maximum: 120 }), { maxItems: 10, default: [7, 1] }),
    ),
  },
  { additionalProperties: false },
);

export const TuitionSetup = Type.Object({
  termId: Id,
  currency: Currency,
  perCreditAmount: Amount,
  bands: Type.Array(TuitionBand),
  fees: Type.Array(Fee),
  refundSchedule: Type.Array(RefundStep),
  dueDate: Nullable(DateOnly),
  payToEnrol: Type.Boolean(),
  paymentHoldMinutes: Type.Integer(),
  financialHoldWhenOverdue: Type.Boolean(),
  reminderDaysBefore: Type.Array(Type.Integer()),
  updatedAt: Instant,
});

// ---- ledger and account

export const LedgerEntry = Type.Object({
  id: Id,
  kind: Type.Enum(LEDGER_KINDS),
  amount: SignedAmount,
  currency: Currency,
  description: Type.String(),
  postedAt: Instant,
  termId: Nullable(Id),
  registrationId: Nullable(Id),
  sectionId: Nullable(Id),
  paymentId: Nullable(Id),
  refundId: Nullable(Id),
  balanceAfter: Type.Integer({ description: 'Account balance in this currency after the entry' }),
});

export const LedgerQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  cursor: Type.Optional(Type.String({ maxLength: 500 })),
  termId: Type.Optional(Id),
});

export const LedgerPage = Type.Object({
  items: Type.Array(LedgerEntry),
  nextCursor: Nullable(Type.String()),
});

export const CurrencyBalance = Type.Object({
  currency: Currency,
  balance: SignedAmount,
  pastDue: Amount,
});

export const TermAccount = Type.Object({
  termId: Id,
  termCode: Type.String(),
  termName: Type.String(),
  currency: Currency,
  net: SignedAmount,
  dueDate: Nullable(DateOnly),
});

export const Account = Type.Object({
  studentId: Id,
  student: Type.Object({
    id: Id,
    name: Type.String(),
    email: Type.String(),
    studentNumber: Type.String(),
  }),
  currency: Currency,
  balance: SignedAmount,
  pastDue: Amount,
  balances: Type.Array(CurrencyBalance),
  terms: Type.Array(TermAccount),
  nextDueDate: Nullable(DateOnly),
  heldSeats: Type.Array(
    Type.Object({
      registrationId: Id,
      sectionId: Id,
      code: Type.String(),
      expiresAt: Nullable(Instant),
    }),
    {
      description:
        'Pay-to-enrol seats held until paid; a payment clearing the balance confirms them',
    },
  ),
  testMode: Type.Boolean({ description: 'Online payments use the built-in test provider' }),
});

export const StatementQuery = Type.Object({
  format: Type.Optional(Type.Enum(['json', 'csv', 'html'] as const)),
  from: Type.Optional(DateOnly),
  to: Type.Optional(DateOnly),
});

export const Statement = Type.Object({
  student: Type.Object({ id: Id, name: Type.String(), studentNumber: Type.String() }),
  generatedAt: Instant,
  from: Nullable(DateOnly),
  to: Nullable(DateOnly),
  currency: Currency,
  openingBalance: SignedAmount,
  closingBalance: SignedAmount,
  pastDue: Amount,
  entries: Type.Array(LedgerEntry),
  terms: Type.Array(TermAccount),
});

// ---- payments and refunds

export const Payment = Type.Object({
  id: Id,
  studentId: Id,
  amount: Amount,
  currency: Currency,
  status: Type.Enum(PAYMENT_STATUSES),
  method: Type.Enum(PAYMENT_METHODS),
  provider: Type.Enum(PROVIDERS),
  checkoutUrl: Nullable(Type.String()),
  reference: Nullable(Type.String()),
  refundedAmount: Amount,
  failureReason: Nullable(Type.String()),
  createdAt: Instant,
  completedAt: Nullable(Instant),
});

export const PaymentEnvelope = Type.Object({ payment: Payment });

export const OnlinePaymentInput = Type.Object(
  {
    amount: PositiveAmount,
    currency: Type.Optional(Currency),
  },
  { additionalProperties: false },
);

export const OfflinePaymentInput = Type.Object(
  {
    amount: PositiveAmount,
    currency: Type.Optional(Currency),
    method: Type.Enum(PAYMENT_METHODS),
    reference: Type.Optional(Type.String({ maxLength: 200 })),
    note: Type.Optional(Type.String({ maxLength: 1000 })),
    receivedAt: Type.Optional(Instant),
  },
  { additionalProperties: false },
);

export const Refund = Type.Object({
  id: Id,
  studentId: Id,
  paymentId: Nullable(Id),
  amount: Amount,
  currency: Currency,
  method: Type.Enum(PAYMENT_METHODS),
  provider: Type.Enum(PROVIDERS),
  status: Type.Enum(REFUND_STATUSES),
  origin: Type.Enum(['staff', 'provider'] as const),
  reason: Nullable(Type.String()),
  failureReason: Nullable(Type.String()),
  createdAt: Instant,
  completedAt: Nullable(Instant),
});

export const RefundInput = Type.Object(
  {
    amount: PositiveAmount,
    currency: Type.Optional(Currency),
    method: Type.Optional(
      Type.Enum(REFUND_METHODS, {
        default: 'original',
        description:
          'original: back to the cards the credit was paid with, any rest by check; or one offline method',
      }),
    ),
    reason: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
);

export const RefundResult = Type.Object({ refunds: Type.Array(Refund) });

export const AdjustmentInput = Type.Object(
  {
    amount: Type.Integer({
      minimum: -1_000_000_000_00,
      maximum: 1_000_000_000_00,
      not: { const: 0 },
      description: 'Minor units; positive charges the student, negative credits them',
    }),
    currency: Type.Optional(Currency),
    description: Type.String({ minLength: 1, maxLength: 300 }),
    termId: Type.Optional(Id),
  },
  { additionalProperties: false },
);

export const LedgerEntryEnvelope = Type.Object({ entry: LedgerEntry });

export const PaymentList = Type.Object({
  items: Type.Array(Payment),
  refunds: Type.Array(Refund),
});

export const BalancesQuery = Type.Object({
  q: Type.Optional(Type.String({ maxLength: 100 })),
  pastDue: Type.Optional(Type.Boolean()),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  cursor: Type.Optional(Type.String({ maxLength: 500 })),
});

export const StudentBalance = Type.Object({
  studentId: Id,
  name: Type.String(),
  email: Type.String(),
  studentNumber: Type.String(),
  currency: Currency,
  balance: SignedAmount,
  pastDue: Amount,
});

export const BalancesPage = Type.Object({
  items: Type.Array(StudentBalance),
  nextCursor: Nullable(Type.String()),
});

export const TestCheckoutForm = Type.Object({
  outcome: Type.Enum(['succeed', 'decline'] as const),
});

export const WebhookAck = Type.Object({ received: Type.Boolean(), duplicate: Type.Boolean() });

export type TuitionSetupInput = Static<typeof TuitionSetupInput>;
export type TuitionSetup = Static<typeof TuitionSetup>;
export type LedgerEntry = Static<typeof LedgerEntry>;
export type LedgerPage = Static<typeof LedgerPage>;
export type Account = Static<typeof Account>;
export type TermAccount = Static<typeof TermAccount>;
export type Statement = Static<typeof Statement>;
export type Payment = Static<typeof Payment>;
export type OnlinePaymentInput = Static<typeof OnlinePaymentInput>;
export type OfflinePaymentInput = Static<typeof OfflinePaymentInput>;
export type Refund = Static<typeof Refund>;
export type RefundInput = Static<typeof RefundInput>;
export type AdjustmentInput = Static<typeof AdjustmentInput>;
export type StudentBalance = Static<typeof StudentBalance>;
export type BalancesPage = Static<typeof BalancesPage>;
export type PaymentList = Static<typeof PaymentList>;
