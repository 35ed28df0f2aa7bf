import * as z from 'zod';
import { emailText } from '../accounts/index.js';
import { choiceOf } from '../http/index.js';
import { schemaOnFirstUse } from '../http/schema-on-first-use.js';

/** Which mail the pressed button asks for: a password reset (also when none says) or a one-time sign-in link. */
export const mailChoice = () => choiceOf(['reset', 'link']).default('reset');

/** "Forgot your password?", in a sign-in or not: the address, and which mail. */
export const forgotForm = schemaOnFirstUse(() => z.object({ Username: emailText(), Choice: mailChoice() }));
