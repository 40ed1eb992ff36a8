// Glue between API problems and Mantine forms: server field errors land on the right input.
import { isApiError } from './api.ts';

interface FormWithErrors {
  setErrors(errors: Record<string, string>): void;
}

/**
 * Puts each `errors[].path` of an ApiError on the form field of the same name (or the name given
 * in `rename`, e.g. `{ newPassword: 'password' }`). Returns true when at least one field got an
 * error, so the caller can skip a duplicate alert.
 */
export function applyServerFieldErrors(
  form: FormWithErrors,
  error: unknown,
  fields: readonly string[],
  rename: Record<string, string> = {},
): boolean {
  if (!isApiError(error)) return false;
  const errors: Record<string, string> = {};
  for (const [path, message] of Object.entries(error.fieldErrors())) {
    const field = rename[path] ?? path;
    if (fields.includes(field)) errors[field] = capitalize(message);
  }
  if (Object.keys(errors).length === 0) return false;
  form.setErrors(errors);
  return true;
}

function capitalize(message: string): string {
  return message.charAt(0).toUpperCase() + message.slice(1);
}

/** Moves keyboard focus to the first invalid input once the errors are on screen. */
export function focusFirstInvalid(root: HTMLElement | null): void {
  if (!root) return;
  requestAnimationFrame(() => {
    root.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  });
}

const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function validateEmail(value: string): string | null {
  if (!value.trim()) return 'Enter your email address';
  return EMAIL_PATTERN.test(value.trim())
    ? null
    : 'Enter a valid email address, like name@university.edu';
}

export const MIN_PASSWORD_LENGTH = 10;

/** The client-side half of the password policy; the server also rejects common passwords. */
export function validateNewPassword(value: string, email?: string): string | null {
  if (!value) return 'Choose a password';
  if (value.length < MIN_PASSWORD_LENGTH) return `Use at least ${MIN_PASSWORD_LENGTH} characters`;
  if (email && value.trim().toLowerCase() === email.trim().toLowerCase())
    return 'Your password cannot be your email address';
  return null;
}
