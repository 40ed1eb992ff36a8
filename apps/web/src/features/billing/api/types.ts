// API shapes of the billing module, taken from its TypeBox schemas. Type-only imports: nothing
// server-side is bundled into the web app.
import type { Static } from 'typebox';
import type {
  BalancesPage as BalancesPageSchema,
  LedgerEntryEnvelope as LedgerEntryEnvelopeSchema,
  PaymentEnvelope as PaymentEnvelopeSchema,
  RefundResult as RefundResultSchema,
  StudentBalance as StudentBalanceSchema,
  TuitionBand as TuitionBandSchema,
  RefundStep as RefundStepSchema,
  FeeInput as FeeInputSchema,
} from '../../../../../api/src/modules/billing/billing.schemas.ts';

export type {
  Account,
  AdjustmentInput,
  LedgerEntry,
  LedgerPage,
  OfflinePaymentInput,
  OnlinePaymentInput,
  Payment,
  PaymentList,
  Refund,
  RefundInput,
  TermAccount,
  TuitionSetup,
  TuitionSetupInput,
} from '../../../../../api/src/modules/billing/billing.schemas.ts';

export type PaymentEnvelope = Static<typeof PaymentEnvelopeSchema>;
export type RefundResult = Static<typeof RefundResultSchema>;
export type LedgerEntryEnvelope = Static<typeof LedgerEntryEnvelopeSchema>;
export type BalancesPage = Static<typeof BalancesPageSchema>;
export type StudentBalance = Static<typeof StudentBalanceSchema>;
export type TuitionBand = Static<typeof TuitionBandSchema>;
export type RefundStep = Static<typeof RefundStepSchema>;
export type FeeInput = Static<typeof FeeInputSchema>;
