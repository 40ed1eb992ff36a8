// Catalog domain errors with stable codes.
import {
  ConflictError,
  NotFoundError,
  ValidationError,
  type ProblemItem,
} from '../../http/errors.ts';

export class TermNotFoundError extends NotFoundError {
  constructor() {
    super('The term');
  }
}
export class CourseNotFoundError extends NotFoundError {
  constructor() {
    super('The course');
  }
}
export class SectionNotFoundError extends NotFoundError {
  constructor() {
    super('The section');
  }
}
export class SubjectNotFoundError extends NotFoundError {
  constructor(code: string) {
    super(`Subject ${code}`);
  }
}
export class ProgramNotFoundError extends NotFoundError {
  constructor(code: string) {
    super(`Program ${code}`);
  }
}

export class TermCodeTakenError extends ConflictError {
  constructor(code: string) {
    super('term_code_taken', `A term with code ${code} already exists.`);
  }
}
export class SubjectExistsError extends ConflictError {
  constructor(code: string) {
    super('subject_exists', `Subject ${code} already exists.`);
  }
}
export class ProgramExistsError extends ConflictError {
  constructor(code: string) {
    super('program_exists', `Program ${code} already exists.`);
  }
}
export class CourseExistsError extends ConflictError {
  constructor(code: string) {
    super('course_exists', `Course ${code} already exists.`);
  }
}
export class CrnTakenError extends ConflictError {
  constructor(crn: string) {
    super('crn_taken', `CRN ${crn} is already used by another section in this term.`);
  }
}
export class SectionCancelledError extends ConflictError {
  constructor() {
    super('section_cancelled', 'The section is cancelled and can no longer be changed.');
  }
}

/** 400 validation_failed listing every bad field, each with its `path` (e.g. body.endsOn). */
export class CatalogValidationError extends ValidationError {
  constructor(errors: ProblemItem[]) {
    super(
      errors.length === 1
        ? (errors[0]?.message ?? 'Invalid input.')
        : `${errors.length} fields are invalid: ${errors.map((e) => e.message).join(' ')}`,
      errors,
    );
  }
}
