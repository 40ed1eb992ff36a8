// Billing errors with stable codes (problem+json `code`).
import { AppError, NotFoundError, ValidationError, type ProblemItem } from '../../http/errors.ts';

export class TuitionNotConfiguredError extends AppError {
  constructor() {
    super(404, 'tuition_not_configured', 'This term has no tuition setup yet.');
  }
}

export class InvalidTuitionSetupError extends ValidationError {
  constructor(errors: ProblemItem[]) {
    super('The tuition setup is not consistent.', errors);
  }
}

export class IdempotencyKeyReusedError extends AppError {
  constructor() {
    super(
      422,
      'idempotency_key_reused',
      'This Idempotency-Key was already used with a different request body. Use a new key for a new request.',
    );
  }
}

export class NothingToPayError extends AppError {
  constructor() {
    super(422, 'nothing_to_pay', 'Your account has no balance to pay.');
  }
}

export class PaymentExceedsBalanceError extends AppError {
  constructor(balanceText: string) {
    super(
      422,
      'payment_exceeds_balance',
      `The amount is more than your balance of ${balanceText}. Pay at most the balance.`,
    );
  }
}

export class RefundExceedsCreditError extends AppError {
  constructor(creditText: string) {
    super(
      422,
      'refund_exceeds_credit',
      `The student's credit balance is ${creditText}; a refund cannot be larger.`,
    );
  }
}

export class CurrencyMismatchError extends AppError {
  constructor(expected: string, got: string) {
    super(422, 'currency_mismatch', `This account is billed in ${expected}, not ${got}.`);
  }
}

export class PaymentProviderUnavailableError extends AppError {
  constructor(cause?: unknown) {
    super(
      502,
      'payment_provider_unavailable',
      'The payment provider could not be reached. Try again in a moment with the same Idempotency-Key.',
      { cause },
    );
  }
}

export class InvalidWebhookSignatureError extends AppError {
  constructor() {
    super(400, 'invalid_signature', 'The Stripe-Signature header does not match this body.');
  }
}

export class StripeNotConfiguredError extends NotFoundError {
  constructor() {
    super('Stripe webhook endpoint (Stripe is not configured)');
  }
}

export class CheckoutNotFoundError extends NotFoundError {
  constructor() {
    super('Checkout session');
  }
}

export class PaymentNotFoundError extends NotFoundError {
  constructor() {
    super('Payment');
  }
}

export class StudentAccountNotFoundError extends NotFoundError {
  constructor() {
    super('Student');
  }
}
