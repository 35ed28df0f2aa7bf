import * as z from 'zod';

const MESSAGE = 'is not one text of at most 4096 characters';
const field = z.string({ error: MESSAGE }).max(4096, { error: MESSAGE }).optional();

/** An authorization response posted back (response_mode form_post): the parameters the debugger reads, each one text. */
export const authorizationResponse = z.object({ state: field, code: field, error: field, error_description: field, iss: field });
