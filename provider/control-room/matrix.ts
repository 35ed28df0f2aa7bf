import { decideTwoFactor, type Decision, type PolicyInput } from '../policy/index.js';
import type { World, WorldApp, WorldUser } from './world.js';

/** The risk a matrix is drawn for: the switches of the control room. */
export interface MatrixRisk {
  trustedNetwork: boolean;
  rememberedDevice: boolean;
  stepUp: boolean;
}

export interface MatrixCell {
  app: WorldApp;
  input: PolicyInput;
  decision: Decision;
}

export interface MatrixRow {
  user: WorldUser;
  cells: MatrixCell[];
}

/** Who gets 2FA where: every user signing in to every app, decided by the policy engine for one risk. */
export interface TwoFactorMatrix {
  risk: MatrixRisk;
  apps: WorldApp[];
  rows: MatrixRow[];
}

/**
 * A fresh sign-in (no session that has done 2FA) of each user to each app users sign in to, as
 * `decideTwoFactor` decides it for the given risk.
 */
export function twoFactorMatrix(world: World, risk: MatrixRisk, nowSeconds: number): TwoFactorMatrix {
  const apps = world.apps.filter((app) => app.signsIn);
  const rows = world.users.map((user) => ({
    user,
    cells: apps.map((app) => {
      const input = policyInput(user, app, risk, nowSeconds);
      return { app, input, decision: decideTwoFactor(input) };
    }),
  }));
  return { risk, apps, rows };
}

function policyInput(user: Pick<WorldUser, 'domainPolicy' | 'enrolled'>, app: Pick<WorldApp, 'twoFactor'>, risk: MatrixRisk, nowSeconds: number): PolicyInput {
  return {
    domainPolicy: user.domainPolicy,
    appPolicy: app.twoFactor,
    enrolled: user.enrolled,
    stepUp: { requested: risk.stepUp },
    sessionTwoFactorAt: undefined,
    now: nowSeconds,
    trustedNetwork: risk.trustedNetwork,
    rememberedDevice: risk.rememberedDevice,
  };
}
