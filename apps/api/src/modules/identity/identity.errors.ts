// Errors of the identity module, each with a stable code clients can rely on.
import {
  AppError,
  ConflictError,
  NotFoundError,
  RateLimitedError,
  UnauthenticatedError,
  ValidationError,
  type ProblemItem,
} from '../../http/errors.ts';

/** The same body for a wrong password and an unknown login, so neither reveals which it was. */
export class InvalidCredentialsError extends UnauthenticatedError {
  constructor() {
    super('The login or password is incorrect.', 'invalid_credentials');
  }
}

export class InvalidRefreshTokenError extends UnauthenticatedError {
  constructor() {
    super('The refresh token is invalid or expired. Sign in again.', 'invalid_refresh_token');
  }
}

/** A refresh token presented a second time: its session was revoked as a precaution. */
export class RefreshTokenReusedError extends UnauthenticatedError {
  constructor() {
    super(
      'This refresh token was already used, so the session has been ended for safety. Sign in again.',
      'refresh_token_reused',
    );
  }
}

export class AccountDisabledError extends AppError {
  constructor() {
    super(403, 'account_disabled', 'This account is disabled. Contact the registrar’s office.');
  }
}

export class LoginThrottledError extends RateLimitedError {
  constructor(retryAfterSeconds: number) {
    super(
      retryAfterSeconds,
      `Too many failed sign-in attempts. Try again in ${Math.max(1, Math.ceil(retryAfterSeconds / 60))} min.`,
    );
  }
}

export class CsrfFailedError extends AppError {
  constructor() {
    super(
      403,
      'csrf_failed',
      'Missing or wrong CSRF token: send the csrf cookie value in X-CSRF-Token.',
    );
  }
}

export class EmailTakenError extends ConflictError {
  constructor() {
    super('email_taken', 'An account with this email address already exists.');
  }
}

export class UsernameTakenError extends ConflictError {
  constructor() {
    super('username_taken', 'This username is already taken.');
  }
}

export class StudentNumberTakenError extends ConflictError {
  constructor() {
    super('student_number_taken', 'Another student already has this student number.');
  }
}

export class LastAdminError extends ConflictError {
  constructor() {
    super(
      'last_admin',
      'This would leave no active administrator. Make someone else an administrator first.',
    );
  }
}

export class TranscriptEntryExistsError extends ConflictError {
  constructor(courseCode: string, termCode: string) {
    super(
      'transcript_entry_exists',
      `The transcript already has ${courseCode} for term ${termCode}.`,
    );
  }
}

export class InvalidResetTokenError extends AppError {
  constructor() {
    super(
      400,
      'invalid_reset_token',
      'This password reset link is invalid, already used or expired. Request a new one.',
      {
        errors: [
          { code: 'invalid_reset_token', message: 'is invalid or expired', path: 'body.token' },
        ],
      },
    );
  }
}

/** Password policy violations, reported per rule on the password field. */
export class WeakPasswordError extends ValidationError {
  constructor(path: string, problems: readonly { code: string; message: string }[]) {
    super(
      problems.map((p) => p.message).join(' '),
      problems.map((p): ProblemItem => ({ code: p.code, message: p.message, path })),
    );
  }
}

export class InvalidFieldError extends ValidationError {
  constructor(path: string, code: string, message: string) {
    super(message, [{ code, message, path }]);
  }
}

export class InvalidCursorError extends InvalidFieldError {
  constructor() {
    super('query.cursor', 'invalid_cursor', 'The cursor is not one this list returned.');
  }
}

export class UserNotFoundError extends NotFoundError {
  constructor() {
    super('The user');
  }
}

export class StudentNotFoundError extends NotFoundError {
  constructor() {
    super('The student');
  }
}
