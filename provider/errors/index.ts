export { DomainError, InvalidRequest, NotFound, Unauthenticated, NotAllowed, Conflict, Expired, TooManyAttempts, BodyTooLarge, UnsupportedMediaType } from './domain-errors.js';
export { parseBody, type ParseOptions } from './parse-body.js';
