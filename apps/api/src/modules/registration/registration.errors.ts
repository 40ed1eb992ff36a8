// Registration domain errors with stable codes.
import { AppError, ConflictError, ForbiddenError, NotFoundError } from '../../http/errors.ts';
import type { Blocker } from './registration.rules.ts';

export const REGISTRATION_PROBLEM_TYPE = 'https://openregistrar.dev/problems/registration-blocked';

/** 422 with every blocker in errors[]: the one answer to a refused registration. */
export class RegistrationBlockedError extends AppError {
  readonly blockers: Blocker[];
  constructor(blockers: Blocker[], detail = registrationBlockedDetail(blockers)) {
    super(422, 'registration_blocked', detail, { errors: blockers });
    this.blockers = blockers;
  }
}

export function registrationBlockedDetail(blockers: readonly Blocker[]): string {
  return blockers.length === 1
    ? 'The registration was refused: 1 rule blocks it.'
    : `The registration was refused: ${blockers.length} rules block it.`;
}

/** The problem+json body of a refusal, as stored for Idempotency-Key replays. */
export function registrationBlockedBody(requestId: string, blockers: Blocker[]) {
  return {
    type: REGISTRATION_PROBLEM_TYPE,
    title: 'Unprocessable Content',
    status: 422,
    detail: registrationBlockedDetail(blockers),
    code: 'registration_blocked',
    requestId,
    errors: blockers,
  };
}

export class RegistrationNotFoundError extends NotFoundError {
  constructor() {
    super('The registration');
  }
}
export class StudentNotFoundError extends NotFoundError {
  constructor() {
    super('The student');
  }
}
export class SectionNotFoundError extends NotFoundError {
  constructor() {
    super('The section');
  }
}
export class TermNotFoundError extends NotFoundError {
  constructor() {
    super('The term');
  }
}
export class HoldNotFoundError extends NotFoundError {
  constructor() {
    super('The hold');
  }
}
export class CartItemNotFoundError extends NotFoundError {
  constructor() {
    super('The cart item');
  }
}
export class NotificationNotFoundError extends NotFoundError {
  constructor() {
    super('The notification');
  }
}

export class OfferExpiredError extends ConflictError {
  constructor() {
    super(
      'offer_expired',
      'The offer expired before you accepted it; the seat went to the next student on the wait-list.',
    );
  }
}
export class NotOfferedError extends ConflictError {
  constructor(status: string) {
    super('not_offered', `Only an offered seat can be accepted; this registration is ${status}.`);
  }
}
export class RegistrationNotLiveError extends ConflictError {
  constructor(status: string) {
    super('registration_not_live', `This registration is already ${status}.`);
  }
}
export class DropNotAllowedError extends AppError {
  constructor(message: string) {
    super(422, 'drop_not_allowed', message);
  }
}
export class IdempotencyKeyReusedError extends AppError {
  constructor() {
    super(
      422,
      'idempotency_key_reused',
      'This Idempotency-Key was already used with a different request. Use a new key for a new request.',
    );
  }
}
export class CapacityBelowSeatsError extends ConflictError {
  constructor(seats: number, capacity: number) {
    super(
      'capacity_below_enrolled',
      `${seats} students hold seats in this section, so its capacity cannot be ${capacity}. Release seats first, or choose a capacity of at least ${seats}.`,
    );
  }
}
export class OverrideNotAllowedError extends ForbiddenError {
  constructor(overrides: readonly string[]) {
    super(`Your role cannot grant these overrides: ${overrides.join(', ')}.`);
  }
}
export class HoldTypeNotAllowedError extends ForbiddenError {
  constructor() {
    super('Advisors may place and lift advising holds only.');
  }
}
export class HoldAlreadyLiftedError extends ConflictError {
  constructor() {
    super('hold_already_lifted', 'This hold was already lifted.');
  }
}

/**
 * Another transaction changed what this one read (e.g. a section was cancelled while a drop
 * waited for it). The transaction is rolled back and run again from the start.
 */
export class RetryTransactionError extends Error {
  constructor(reason: string) {
    super(`retry: ${reason}`);
    this.name = 'RetryTransactionError';
  }
}
