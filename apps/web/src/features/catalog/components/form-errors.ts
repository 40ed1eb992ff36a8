// Server validation problems onto the editors' fields: `errors[].path` such as
// `body.meetings.1.endTime` lands on the form field `meetings.1.endTime`, nested lists included.
import { isApiError } from '../../../lib/api.ts';

interface FormWithErrors {
  setErrors(errors: Record<string, string>): void;
}

/**
 * Returns true when at least one problem found its field (then no separate alert is needed).
 * `rename` maps an API field path to the form's own name where they differ.
 */
export function showServerErrors(
  form: FormWithErrors,
  error: unknown,
  rename: (field: string) => string = (field) => field,
): boolean {
  if (!isApiError(error)) return false;
  const errors: Record<string, string> = {};
  for (const item of error.errors) {
    if (!item.path) continue;
    const field = rename(item.path.replace(/^body\.?/, ''));
    if (field && !(field in errors)) errors[field] = item.message;
  }
  if (Object.keys(errors).length === 0) return false;
  form.setErrors(errors);
  return true;
}
