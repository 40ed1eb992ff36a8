// The money rules, pure: what a load of credits costs, what a drop gives back, and how amounts
// round. Everything is in integer minor units (cents); nothing here touches the database.
//
// The rules, as a bursar would state them:
// 1. Tuition for a load of C credits is the amount of the flat-rate band that contains C (bands
//    are inclusive at both ends and never overlap); outside every band it is C × the per-credit
//    rate, rounded half up to the minor unit. No credits cost nothing. A course counts its credits
//    once however many of its sections (lecture, lab, discussion) the load holds.
// 2. Every change of a student's load in a term (add, drop, swap, a released pay-to-enrol hold)
//    is priced as one move from the load before to the load after:
//    - tuition: the difference T(after) − T(before). An increase is charged in full. A decrease
//      caused by fewer credits (a drop) is credited at the refund percentage; a decrease with as
//      many credits or more (entering a flat-rate band) is credited in full.
//    - fees: a term fee applies while the load has any section, a course fee while it has a
//      section of that course, a section fee while it has that section. A fee that starts to apply
//      is charged in full; one that stops applying is credited at the refund percentage when it is
//      refundable and not at all otherwise. A fee that applies before and after (a swap between
//      two sections of one course keeps its course fee) nets out: nothing is posted.
// 3. The refund percentage of a drop is that of the first schedule step whose `until` date is on
//    or after the drop's date in the term's time zone (the step's whole last day counts). After
//    the last step it is 0 %. A term without a schedule refunds 100 %.
// 4. A percentage of an amount is rounded half up to the minor unit: 50 % of 1 001 is 501.
// 5. Rates changed after entries were posted apply to later changes only; posted entries stay
//    as they are (staff post an adjustment to re-rate).
import type { FeeScope, RefundStep, TuitionBand } from '../../db/tables/billing.ts';

export interface FeeRule {
  id: string;
  scope: FeeScope;
  courseId: string | null;
  sectionId: string | null;
  description: string;
  amount: number;
  refundable: boolean;
}

export interface TuitionRules {
  currency: string;
  perCreditAmount: number;
  bands: readonly TuitionBand[];
  refundSchedule: readonly RefundStep[];
  fees: readonly FeeRule[];
}

/** One registration in a student's load for a term (enrolled, or holding a seat until paid). */
export interface LoadItem {
  sectionId: string;
  courseId: string;
  credits: number;
}

export interface LoadChange {
  before: readonly LoadItem[];
  after: readonly LoadItem[];
  /** Share credited for what the change takes away, 0–100 (see refundPercentOn). */
  refundPercent: number;
  /** What happened, for descriptions: e.g. "CS 225 AL1 dropped". */
  summary: string;
}

export interface PricedLine {
  kind: 'charge' | 'adjustment';
  /** Stable per change: 'tuition' or 'fee:<feeId>'; part of the entry's source key. */
  component: string;
  amount: number;
  description: string;
  feeId: string | null;
  sectionId: string | null;
}

/** Credits travel as numbers with at most two decimals; sums are done in hundredths. */
function toHundredths(credits: number): number {
  return Math.round(credits * 100);
}

/**
 * A course's credits count once, however many of its sections (a lecture and its lab or
 * discussion) are in the load: the largest of them, in case only one section carries them.
 */
export function totalCredits(load: readonly LoadItem[]): number {
  const byCourse = new Map<string, number>();
  for (const item of load) {
    byCourse.set(
      item.courseId,
      Math.max(byCourse.get(item.courseId) ?? 0, toHundredths(item.credits)),
    );
  }
  return [...byCourse.values()].reduce((sum, hundredths) => sum + hundredths, 0) / 100;
}

export function formatCredits(credits: number): string {
  return Number.isInteger(credits) ? String(credits) : credits.toFixed(2).replace(/0$/, '');
}

/** Rule 1. */
export function tuitionForCredits(
  rules: Pick<TuitionRules, 'bands' | 'perCreditAmount'>,
  credits: number,
): number {
  const hundredths = toHundredths(credits);
  if (hundredths <= 0) return 0;
  const band = rules.bands.find(
    (b) => hundredths >= toHundredths(b.minCredits) && hundredths <= toHundredths(b.maxCredits),
  );
  if (band) return band.amount;
  return Math.round((hundredths * rules.perCreditAmount) / 100);
}

/** Rule 4: `percent` % of a non-negative amount, half up. */
export function percentOf(amount: number, percent: number): number {
  if (amount < 0) return -percentOf(-amount, percent);
  return Math.floor((amount * percent + 50) / 100);
}

// One formatter per time zone: building an Intl.DateTimeFormat costs a drop ~20 µs of CPU.
const DATE_FORMATS = new Map<string, Intl.DateTimeFormat>();

/** The calendar date of an instant in a time zone, as YYYY-MM-DD. */
export function localDate(at: Date, timeZone: string): string {
  let format = DATE_FORMATS.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    });
    DATE_FORMATS.set(timeZone, format);
  }
  const parts = format.formatToParts(at);
  const get = (type: string): string => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}`;
}

/** Rule 3. */
export function refundPercentOn(schedule: readonly RefundStep[], day: string): number {
  if (schedule.length === 0) return 100;
  const step = [...schedule]
    .sort((a, b) => a.until.localeCompare(b.until))
    .find((s) => day <= s.until);
  return step ? step.percent : 0;
}

export function refundPercentAt(
  schedule: readonly RefundStep[],
  at: Date,
  timeZone: string,
): number {
  return refundPercentOn(schedule, localDate(at, timeZone));
}

function feeApplies(fee: FeeRule, load: readonly LoadItem[]): boolean {
  switch (fee.scope) {
    case 'term':
      return load.length > 0;
    case 'course':
      return load.some((item) => item.courseId === fee.courseId);
    case 'section':
      return load.some((item) => item.sectionId === fee.sectionId);
  }
}

/** Rule 2: the ledger lines for one change of load; zero amounts are left out. */
export function priceLoadChange(rules: TuitionRules, change: LoadChange): PricedLine[] {
  const lines: PricedLine[] = [];
  const creditsBefore = totalCredits(change.before);
  const creditsAfter = totalCredits(change.after);
  const tuitionBefore = tuitionForCredits(rules, creditsBefore);
  const tuitionAfter = tuitionForCredits(rules, creditsAfter);
  const delta = tuitionAfter - tuitionBefore;
  const load = `${formatCredits(creditsBefore)} → ${formatCredits(creditsAfter)} credits`;
  const changedSection = (): string | null => {
    const beforeIds = new Set(change.before.map((i) => i.sectionId));
    const afterIds = new Set(change.after.map((i) => i.sectionId));
    const added = change.after.find((i) => !beforeIds.has(i.sectionId));
    const removed = change.before.find((i) => !afterIds.has(i.sectionId));
    return (added ?? removed)?.sectionId ?? null;
  };
  const sectionId = changedSection();

  if (delta > 0) {
    lines.push({
      kind: 'charge',
      component: 'tuition',
      amount: delta,
      description: `Tuition: ${change.summary} (${load})`,
      feeId: null,
      sectionId,
    });
  } else if (delta < 0) {
    const fewerCredits = toHundredths(creditsAfter) < toHundredths(creditsBefore);
    const percent = fewerCredits ? change.refundPercent : 100;
    const credit = percentOf(-delta, percent);
    if (credit > 0) {
      lines.push({
        kind: 'adjustment',
        component: 'tuition',
        amount: -credit,
        description: fewerCredits
          ? `Tuition reversal: ${change.summary} (${load}, ${percent}% refund)`
          : `Tuition adjustment: ${change.summary} (${load}, flat-rate band)`,
        feeId: null,
        sectionId,
      });
    }
  }

  for (const fee of rules.fees) {
    const before = feeApplies(fee, change.before);
    const after = feeApplies(fee, change.after);
    if (before === after) continue;
    if (after) {
      lines.push({
        kind: 'charge',
        component: `fee:${fee.id}`,
        amount: fee.amount,
        description: `${fee.description}: ${change.summary}`,
        feeId: fee.id,
        sectionId: fee.sectionId ?? sectionId,
      });
    } else if (fee.refundable) {
      const credit = percentOf(fee.amount, change.refundPercent);
      if (credit > 0) {
        lines.push({
          kind: 'adjustment',
          component: `fee:${fee.id}`,
          amount: -credit,
          description: `${fee.description} reversal: ${change.summary} (${change.refundPercent}% refund)`,
          feeId: fee.id,
          sectionId: fee.sectionId ?? sectionId,
        });
      }
    }
  }
  return lines;
}

/** Digits after the decimal point of a currency's minor unit (2 for USD, 0 for JPY). */
export function currencyExponent(currency: string): number {
  return (
    new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions()
      .maximumFractionDigits ?? 2
  );
}

export function isKnownCurrency(currency: string): boolean {
  return /^[A-Z]{3}$/.test(currency) && Intl.supportedValuesOf('currency').includes(currency);
}

/** 123456, 'USD' → '$1,234.56'. */
export function formatMoney(amount: number, currency: string): string {
  const exponent = currencyExponent(currency);
  return new Intl.NumberFormat('en-US', {
    style: 'currency',
    currency,
    minimumFractionDigits: exponent,
    maximumFractionDigits: exponent,
  }).format(amount / 10 ** exponent);
}

/** 123456, 'USD' → '1234.56': exact decimal text for CSV. */
export function formatDecimal(amount: number, currency: string): string {
  const exponent = currencyExponent(currency);
  const sign = amount < 0 ? '-' : '';
  const digits = String(Math.abs(amount)).padStart(exponent + 1, '0');
  if (exponent === 0) return `${sign}${digits}`;
  return `${sign}${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`;
}

export interface SetupProblem {
  path: string;
  message: string;
}

/** Bands must not overlap; refund steps go forward in time with non-increasing percentages. */
export function checkTuitionRules(
  rules: Pick<TuitionRules, 'bands' | 'refundSchedule' | 'currency'>,
): SetupProblem[] {
  const problems: SetupProblem[] = [];
  if (!isKnownCurrency(rules.currency)) {
    problems.push({ path: 'body.currency', message: `${rules.currency} is not an ISO 4217 code` });
  }
  const bands = rules.bands
    .map((band, index) => ({ band, index }))
    .sort((a, b) => a.band.minCredits - b.band.minCredits);
  let previous: TuitionBand | undefined;
  for (const { band, index } of bands) {
    if (band.minCredits > band.maxCredits) {
      problems.push({
        path: `body.bands.${index}`,
        message: 'minCredits must not exceed maxCredits',
      });
    }
    if (previous && band.minCredits <= previous.maxCredits) {
      problems.push({
        path: `body.bands.${index}`,
        message: `overlaps the band ${formatCredits(previous.minCredits)}–${formatCredits(previous.maxCredits)}`,
      });
    }
    previous = band;
  }
  rules.refundSchedule.forEach((step, index) => {
    if (!isValidDate(step.until)) {
      problems.push({
        path: `body.refundSchedule.${index}.until`,
        message: 'must be a date YYYY-MM-DD',
      });
    }
    const prior = rules.refundSchedule[index - 1];
    if (prior && step.until <= prior.until) {
      problems.push({
        path: `body.refundSchedule.${index}.until`,
        message: 'steps must be in date order, one per date',
      });
    }
    if (prior && step.percent > prior.percent) {
      problems.push({
        path: `body.refundSchedule.${index}.percent`,
        message: 'a later step cannot refund more than an earlier one',
      });
    }
  });
  return problems;
}

export function isValidDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const parsed = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().startsWith(value);
}

/** The date `days` before a YYYY-MM-DD date. */
export function daysBefore(date: string, days: number): string {
  const at = new Date(`${date}T00:00:00Z`);
  at.setUTCDate(at.getUTCDate() - days);
  return at.toISOString().slice(0, 10);
}
