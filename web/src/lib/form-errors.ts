//! Puts an API error onto a form: field errors next to their fields, the rest in an alert.
import type { FieldValues, Path, UseFormSetError } from 'react-hook-form';
import { errorMessage, isApiError } from './api-client';

/// Sets `errors[]` entries whose `field` is one of `fields` on the form (the API names fields
/// exactly as the request does) and returns the text to show in an alert, or null when every
/// problem was shown on a field.
export function applyServerErrors<T extends FieldValues>(
  error: unknown,
  setError: UseFormSetError<T>,
  fields: readonly Path<T>[],
): string | null {
  if (!isApiError(error)) return errorMessage(error);
  const known = new Set<string>(fields);
  let unmatched = error.fieldErrors.length === 0;
  for (const fieldError of error.fieldErrors) {
    if (known.has(fieldError.field)) {
      setError(fieldError.field as Path<T>, { type: fieldError.code, message: fieldError.message });
    } else {
      unmatched = true;
    }
  }
  return unmatched ? error.detail : null;
}
