// Errors of catalog import and export, with stable codes for the API and the CLI.
import { AppError, NotFoundError } from '../../http/errors.ts';

/** A file that cannot be imported as given: wrong format, damaged, or missing what is required. */
export class CatalogFileError extends AppError {
  readonly file: string;
  constructor(file: string, message: string) {
    super(422, 'import_file_invalid', `${file}: ${message}`, { extra: { file } });
    this.file = file;
  }
}

/** Options that do not make sense together (unknown format, bad time zone, …). */
export class ImportOptionsError extends AppError {
  constructor(message: string, path?: string) {
    super(400, 'validation_failed', message, {
      errors: [{ code: 'invalid', message, ...(path ? { path } : {}) }],
    });
  }
}

export class TermNotFoundError extends NotFoundError {
  constructor(termCode: string) {
    super(`Term ${termCode}`);
  }
}

export class ImportNotFoundError extends NotFoundError {
  constructor() {
    super('The import');
  }
}
