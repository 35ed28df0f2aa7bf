import { VISMA_FACTS } from '../config/visma-facts.js';

type Otplib = typeof import('otplib');

let loaded: Promise<{ otplib: Otplib; guardrails: ReturnType<Otplib['createGuardrails']> }> | undefined;

/** otplib is loaded on the first 2FA step, not at start-up. */
function otp() {
  loaded ??= import('otplib').then((otplib) => ({ otplib, guardrails: otplib.createGuardrails({ MIN_SECRET_BYTES: 10 }) }));
  return loaded;
}

/**
 * TOTP as every authenticator app does it (SHA-1, 6 digits, 30 s), with one step of tolerance either
 * way. Fixture secrets may be as short as 80 bits, as in most tutorials, so otplib's 128-bit floor
 * is lowered to 10 bytes; secrets made here are 160 bits.
 */
const { periodSeconds: PERIOD, digits, toleranceSteps, issuer } = VISMA_FACTS.twoFactor.totp;
const CODE = new RegExp(`^\\d{${digits}}$`);

export async function newTotpSecret(): Promise<string> {
  return (await otp()).otplib.generateSecret({ length: 20 });
}

export async function otpauthUri(email: string, secret: string): Promise<string> {
  return (await otp()).otplib.generateURI({ issuer, label: email, secret, period: PERIOD, digits, algorithm: 'sha1' });
}

export async function currentTotp(secret: string, nowSeconds: number): Promise<string> {
  const { otplib, guardrails } = await otp();
  return otplib.generate({ secret, epoch: nowSeconds, period: PERIOD, digits, guardrails });
}

/**
 * The time step the code belongs to, or undefined when it matches none within the tolerance. Spaces and
 * dashes are left out first, as ASP.NET Identity's 2FA page does: apps show `642 034`, and people type it so.
 */
export async function matchTotp(secret: string, typed: string, nowSeconds: number): Promise<number | undefined> {
  const code = typed.replace(/[\s-]/g, '');
  if (!CODE.test(code)) return undefined;
  const { otplib, guardrails } = await otp();
  const result = await otplib.verify({ secret, token: code, epoch: nowSeconds, period: PERIOD, digits, epochTolerance: toleranceSteps * PERIOD, guardrails });
  return result.valid && 'timeStep' in result ? result.timeStep : undefined;
}
