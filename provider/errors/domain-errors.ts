/**
 * What went wrong, as the domain names it: a class per kind of failure, and a code a client can act on
 * (`domain_not_allowed`, `invalid_code`, ...), as oidc-provider's errors are; each kind has a default
 * code. None of them knows HTTP: the edge (http/error-edge.ts) maps the kind to a status and answers
 * in the listener's shape.
 */
export abstract class DomainError extends Error {
  static readonly defaultCode: string = 'invalid_request';
  readonly code: string;

  constructor(
    readonly description: string,
    code?: string,
  ) {
    super(description);
    this.name = new.target.name;
    this.code = code ?? new.target.defaultCode;
  }
}

/** The request is malformed or breaks a rule of the domain (a bad field, a domain the tenant does not allow, a wrong code). */
export class InvalidRequest extends DomainError {}

/** No such thing, or none the caller may see (the two look the same). */
export class NotFound extends DomainError {
  static override readonly defaultCode = 'not_found';
}

/** The caller did not say who it is, or its credentials are not good. */
export class Unauthenticated extends DomainError {
  static override readonly defaultCode = 'invalid_token';
}

/** The caller is known but may not do this (a scope it lacks, another tenant, a refused origin). */
export class NotAllowed extends DomainError {
  static override readonly defaultCode = 'access_denied';
}

/** The thing is not in a state that allows this (a user without an authenticator). */
export class Conflict extends DomainError {
  static override readonly defaultCode = 'conflict';
}

/** It was good once and has expired (a verification code after its lifetime). */
export class Expired extends DomainError {
  static override readonly defaultCode = 'expired';
}

/** Too many wrong tries: the thing is used up or locked. */
export class TooManyAttempts extends DomainError {
  static override readonly defaultCode = 'too_many_attempts';
}

/** The request body is larger than the emulator reads. */
export class BodyTooLarge extends DomainError {}

/** The request body is not in a form the endpoint takes. */
export class UnsupportedMediaType extends DomainError {}
