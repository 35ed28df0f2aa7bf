import { z } from 'zod';

const emailSchema = z.email().max(254);

export type EmailProblem = 'emailRequired' | 'emailInvalid';

/** The identifier page accepts any well-formed address: whether an account exists is never revealed. */
export function checkEmail(value: string | undefined): EmailProblem | undefined {
  const email = value?.trim() ?? '';
  if (email === '') return 'emailRequired';
  return emailSchema.safeParse(email).success ? undefined : 'emailInvalid';
}
