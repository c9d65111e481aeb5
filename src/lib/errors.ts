/**
 * Typed errors with stable codes. Services throw them; the one error handler in lib/problem.ts turns them into
 * RFC 9457 problem+json. Anything else that escapes becomes a 500 that shows only the request id.
 */
export interface FieldError {
  /** JSON path of the field, dotted: `address.city`, `identifiers.0.value`. */
  field: string;
  /** Stable machine code: `required`, `invalid_checksum`, `unknown_field` … */
  code: string;
  message: string;
}

export abstract class AppError extends Error {
  abstract readonly status: number;
  abstract readonly title: string;

  constructor(
    readonly code: string,
    detail: string,
    readonly errors: FieldError[] = [],
  ) {
    super(detail);
  }

  get detail(): string {
    return this.message;
  }
}

export class Invalid extends AppError {
  readonly status = 400;
  readonly title = 'Invalid request';
}

export class Unauthenticated extends AppError {
  readonly status = 401;
  readonly title = 'Authentication required';
}

export class Forbidden extends AppError {
  readonly status = 403;
  readonly title = 'Not allowed';
}

export class NotFound extends AppError {
  readonly status = 404;
  readonly title = 'Not found';
}

export class Conflict extends AppError {
  readonly status = 409;
  readonly title = 'Conflict';
}

/** Something that existed and is no longer usable (an expired link). */
export class Gone extends AppError {
  readonly status = 410;
  readonly title = 'Gone';
}

export class TooLarge extends AppError {
  readonly status = 413;
  readonly title = 'Request too large';
}

export class Unprocessable extends AppError {
  readonly status = 422;
  readonly title = 'Cannot be processed';
}

export class TooManyRequests extends AppError {
  readonly status = 429;
  readonly title = 'Too many requests';

  constructor(
    code: string,
    detail: string,
    readonly retryAfterSeconds: number,
  ) {
    super(code, detail);
  }
}

/** Raises one Invalid listing every field problem, or nothing when the list is empty. */
export function assertNoFieldErrors(code: string, errors: FieldError[]): void {
  if (errors.length > 0) {
    throw new Invalid(code, errors.map((e) => `${e.field}: ${e.message}`).join('; '), errors);
  }
}
