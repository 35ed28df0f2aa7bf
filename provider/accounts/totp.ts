import { createGuardrails, generate, generateSecret, generateURI, verify } from 'otplib';

/**
 * TOTP as every authenticator app does it (SHA-1, 6 digits, 30 s), with one step of tolerance either
 * way. Fixture secrets may be as short as 80 bits, as in most tutorials, so otplib's 128-bit floor
 * is lowered to 10 bytes; secrets made here are 160 bits.
 */
const PERIOD = 30;
const guardrails = createGuardrails({ MIN_SECRET_BYTES: 10 });
export const TOTP_ISSUER = 'Visma Connect';

export const newTotpSecret = (): string => generateSecret({ length: 20 });

export function otpauthUri(email: string, secret: string): string {
  return generateURI({ issuer: TOTP_ISSUER, label: email, secret, period: PERIOD, digits: 6, algorithm: 'sha1' });
}

export function currentTotp(secret: string, nowSeconds: number): Promise<string> {
  return generate({ secret, epoch: nowSeconds, period: PERIOD, guardrails });
}

/** The time step the code belongs to, or undefined when it matches none within the tolerance. */
export async function matchTotp(secret: string, code: string, nowSeconds: number): Promise<number | undefined> {
  if (!/^\d{6}$/.test(code)) return undefined;
  const result = await verify({ secret, token: code, epoch: nowSeconds, period: PERIOD, epochTolerance: PERIOD, guardrails });
  return result.valid && 'timeStep' in result ? result.timeStep : undefined;
}
