/**
 * What went wrong, as the domain names it: a class per kind of failure, and a code a client can act on
 * (`domain_not_allowed`, `invalid_code`, ...), as oidc-provider's errors are. None of them knows HTTP:
 * the edge (http/error-edge.ts) maps the kind to a status and answers in the listener's shape.
 */
export abstract class DomainError extends Error {
  constructor(
    readonly code: string,
    readonly description: string,
  ) {
    super(description);
  }
}

/** The request is malformed or breaks a rule of the domain (a bad field, a domain the tenant does not allow, a wrong code). */
export class InvalidRequest extends DomainError {
  override name = 'InvalidRequest';
  constructor(description: string, code = 'invalid_request') {
    super(code, description);
  }
}

/** No such thing, or none the caller may see (the two look the same). */
export class NotFound extends DomainError {
  override name = 'NotFound';
  constructor(description: string, code = 'not_found') {
    super(code, description);
  }
}

/** The caller did not say who it is, or its credentials are not good. */
export class Unauthenticated extends DomainError {
  override name = 'Unauthenticated';
}

/** The caller is known but may not do this (a scope it lacks, another tenant, a refused origin). */
export class NotAllowed extends DomainError {
  override name = 'NotAllowed';
}

/** The thing is not in a state that allows this (a user without an authenticator). */
export class Conflict extends DomainError {
  override name = 'Conflict';
}

/** It was good once and has expired (a verification code after its lifetime). */
export class Expired extends DomainError {
  override name = 'Expired';
  constructor(description: string, code = 'expired') {
    super(code, description);
  }
}

/** Too many wrong tries: the thing is used up or locked. */
export class TooManyAttempts extends DomainError {
  override name = 'TooManyAttempts';
  constructor(description: string, code = 'too_many_attempts') {
    super(code, description);
  }
}

/** The request body is larger than the emulator reads. */
export class BodyTooLarge extends DomainError {
  override name = 'BodyTooLarge';
  constructor(description: string) {
    super('invalid_request', description);
  }
}

/** The request body is not in a form the endpoint takes. */
export class UnsupportedMediaType extends DomainError {
  override name = 'UnsupportedMediaType';
  constructor(description: string) {
    super('invalid_request', description);
  }
}
