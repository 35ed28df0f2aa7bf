import { z } from 'zod';
import { emailText } from '../accounts/index.js';
import { choiceOf } from '../http/index.js';

/** "Forgot your password?" (in a sign-in or not): the address, and which mail the pressed button asks for (a reset mail when none says). */
export const forgotForm = z.object({ Username: emailText(), Choice: choiceOf(['reset', 'link']).default('reset') });
