// Money in the UI: the API speaks integer minor units (cents); people read and type decimals.

/** Digits after the decimal point of a currency's minor unit (2 for USD, 0 for JPY). */
export function currencyExponent(currency: string): number {
  try {
    return (
      new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions()
        .maximumFractionDigits ?? 2
    );
  } catch {
    return 2;
  }
}

/** 123456, 'USD' → '$1,234.56' (in the browser's locale). */
export function formatMoney(amount: number, currency: string): string {
  const exponent = currencyExponent(currency);
  try {
    return new Intl.NumberFormat(undefined, {
      style: 'currency',
      currency,
      minimumFractionDigits: exponent,
      maximumFractionDigits: exponent,
    }).format(amount / 10 ** exponent);
  } catch {
    return `${(amount / 10 ** exponent).toFixed(exponent)} ${currency}`;
  }
}

/** A typed decimal amount (major units) to minor units: 19.99 USD → 1999. */
export function toMinorUnits(value: number, currency: string): number {
  return Math.round(value * 10 ** currencyExponent(currency));
}

/** Minor units to the decimal number an input shows: 1999 USD → 19.99. */
export function toMajorUnits(amount: number, currency: string): number {
  return amount / 10 ** currencyExponent(currency);
}

/** The currency symbol alone, for input prefixes ('$', '€', 'CHF'). */
export function currencySymbol(currency: string): string {
  try {
    const part = new Intl.NumberFormat(undefined, { style: 'currency', currency })
      .formatToParts(0)
      .find((p) => p.type === 'currency');
    return part?.value ?? currency;
  } catch {
    return currency;
  }
}

export const KIND_LABELS: Record<string, string> = {
  charge: 'Charge',
  payment: 'Payment',
  refund: 'Refund',
  adjustment: 'Adjustment',
};

export const PAYMENT_STATUS_COLORS: Record<string, string> = {
  pending: 'yellow',
  succeeded: 'teal',
  failed: 'red',
  expired: 'gray',
};

export const METHOD_LABELS: Record<string, string> = {
  card: 'Card',
  cash: 'Cash',
  check: 'Check',
  bank_transfer: 'Bank transfer',
  other: 'Other',
};

/** A fresh Idempotency-Key for one user action (kept across its retries). */
export function newIdempotencyKey(): string {
  return crypto.randomUUID();
}
