// TanStack Query keys of the billing feature, so invalidations name exactly what they refresh.
export const billingKeys = {
  all: ['billing'] as const,
  /** studentId null: the signed-in student's own account (/me). */
  account: (studentId: string | null) => ['billing', 'account', studentId ?? 'me'] as const,
  ledger: (studentId: string | null) => ['billing', 'ledger', studentId ?? 'me'] as const,
  payments: (studentId: string | null) => ['billing', 'payments', studentId ?? 'me'] as const,
  payment: (paymentId: string) => ['billing', 'payment', paymentId] as const,
  balances: (filters: { q: string; pastDue: boolean }) => ['billing', 'balances', filters] as const,
  tuition: (termId: string) => ['billing', 'tuition', termId] as const,
  terms: ['billing', 'terms'] as const,
};

/** The API path of a student's account resources: their own (/me) or, for staff, anyone's. */
export function accountBase(studentId: string | null): string {
  return studentId ? `/api/v1/students/${encodeURIComponent(studentId)}` : '/api/v1/me';
}
