import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decideTwoFactor, type PolicyInput } from '../../provider/policy/index.js';

const NOW = 1_800_000_000;

interface Row {
  domain: string;
  app: string;
  enrolled: string;
  step_up: string;
  session_2fa: string;
  trusted_network: string;
  remembered_device: string;
  outcome: string;
  rule: string;
}

function readTable(): Row[] {
  const lines = readFileSync(new URL('decision-table.csv', import.meta.url), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('#'));
  const [header, ...rows] = lines.map((line) => line.split(','));
  return rows.map((cells) => Object.fromEntries(header!.map((name, i) => [name, cells[i]])) as unknown as Row);
}

function inputOf(row: Row): PolicyInput {
  const yes = (value: string) => value === 'yes';
  return {
    domainPolicy: row.domain as PolicyInput['domainPolicy'],
    appPolicy: row.app as PolicyInput['appPolicy'],
    enrolled: yes(row.enrolled),
    stepUp: { requested: yes(row.step_up) },
    sessionTwoFactorAt: yes(row.session_2fa) ? NOW - 60 : undefined,
    now: NOW,
    trustedNetwork: yes(row.trusted_network),
    rememberedDevice: yes(row.remembered_device),
  };
}

const base: PolicyInput = {
  domainPolicy: 'optional',
  appPolicy: 'default',
  enrolled: true,
  stepUp: { requested: false },
  now: NOW,
  trustedNetwork: false,
  rememberedDevice: false,
};

describe('the 2FA decision table', () => {
  const table = readTable();

  it('covers every combination of the inputs', () => {
    expect(table).toHaveLength(2 * 4 * 2 * 2 * 2 * 2 * 2);
  });

  it.each(table.map((row) => [Object.values(row).slice(0, 7).join(','), row] as const))('decides %s as the table says', (_name, row) => {
    const decision = decideTwoFactor(inputOf(row));
    expect({ outcome: decision.outcome, rule: decision.rule }).toEqual({ outcome: row.outcome, rule: row.rule });
  });
});

describe("the seed's priority rows", () => {
  it('asks nothing when the domain requires 2FA but the app bypasses it (the exception)', () => {
    const decision = decideTwoFactor({ ...base, domainPolicy: 'required', appPolicy: 'bypass' });
    expect(decision).toMatchObject({ outcome: 'none', rule: 'bypass' });
  });

  it('asks for 2FA when the domain is optional but the app requires it (stronger wins)', () => {
    expect(decideTwoFactor({ ...base, domainPolicy: 'optional', appPolicy: 'required' })).toMatchObject({ outcome: 'challenge', rule: 'required' });
  });

  it('asks for 2FA when the domain requires it even on an adaptive app (domain wins)', () => {
    const decision = decideTwoFactor({ ...base, domainPolicy: 'required', appPolicy: 'adaptive', trustedNetwork: true });
    expect(decision).toMatchObject({ outcome: 'challenge', rule: 'required' });
    expect(decision.reason).toBe('2FA is required by the domain');
  });
});

describe('the decision engine', () => {
  it('traces every rule it looked at, in the table order, up to the one that fired', () => {
    const decision = decideTwoFactor({ ...base, appPolicy: 'adaptive', trustedNetwork: true });
    expect(decision.trace).toEqual([
      { rule: 'step-up', matched: false, because: 'the request does not ask for 2FA' },
      { rule: 'bypass', matched: false, because: 'the app policy is adaptive, not bypass' },
      { rule: 'required', matched: false, because: 'neither the app nor the domain requires 2FA' },
      { rule: 'adaptive', matched: true, because: "adaptive app on one of the tenant's trusted networks" },
    ]);
  });

  it('steps up even on a bypass app, and a remembered device does not satisfy the step-up', () => {
    const decision = decideTwoFactor({ ...base, appPolicy: 'bypass', stepUp: { requested: true }, rememberedDevice: true });
    expect(decision).toMatchObject({ outcome: 'challenge', rule: 'step-up' });
  });

  it('lets a step-up pass when the session did 2FA within max_age, and asks again when it is older', () => {
    const recent = decideTwoFactor({ ...base, stepUp: { requested: true, maxAgeSeconds: 300 }, sessionTwoFactorAt: NOW - 299 });
    expect(recent).toMatchObject({ outcome: 'none', rule: 'step-up' });
    const stale = decideTwoFactor({ ...base, stepUp: { requested: true, maxAgeSeconds: 300 }, sessionTwoFactorAt: NOW - 301 });
    expect(stale).toMatchObject({ outcome: 'challenge', rule: 'step-up' });
  });

  it('sends a user without an authenticator to enrollment that cannot be skipped when the domain requires 2FA', () => {
    expect(decideTwoFactor({ ...base, domainPolicy: 'required', enrolled: false })).toMatchObject({ outcome: 'enroll', rule: 'required' });
  });

  it('offers enrollment with "Remind me later" on an adaptive app off the trusted networks', () => {
    expect(decideTwoFactor({ ...base, appPolicy: 'adaptive', enrolled: false })).toMatchObject({ outcome: 'enroll-optional', rule: 'adaptive' });
  });

  it('names both the app and the domain when both require 2FA', () => {
    expect(decideTwoFactor({ ...base, domainPolicy: 'required', appPolicy: 'required' }).reason).toBe('2FA is required by the app and the domain');
  });
});
