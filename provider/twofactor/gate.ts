import { hasSecondFactor, type Account } from '../accounts/index.js';
import type { Directory } from '../directory/index.js';
import { decideTwoFactor, type AppPolicy, type Decision, type PolicyInput } from '../policy/index.js';
import type { RememberedDevices, RiskOverrides } from '../risk/index.js';
import type { Clock } from '../time/index.js';
import type { AcrRequest } from './acr-request.js';
import type { DecisionLog, DecisionStage, SignInReference } from './decision-log.js';

/** Everything the gate needs to know about one sign-in; `risk` values given here win over what is measured. */
export interface Situation {
  stage: DecisionStage;
  account: Account;
  clientId: string;
  signIn: SignInReference;
  appPolicy: AppPolicy;
  request: AcrRequest;
  /** When the session did 2FA, as oidc-provider holds it (its `loginTs`, on real time). */
  sessionTwoFactorAt: number | undefined;
  clientIp: string | undefined;
  deviceId: string | undefined;
  risk?: { trustedNetwork?: boolean | undefined; rememberedDevice?: boolean | undefined };
}

export interface ExplainedDecision extends Decision {
  input: Omit<PolicyInput, 'now'>;
}

/** The app policy a client's metadata carries (`twoFactor`), `default` when it has none. */
export function appPolicyOf(client: object | undefined): AppPolicy {
  return (client as { twoFactor?: AppPolicy } | undefined)?.twoFactor ?? 'default';
}

export interface GateDependencies {
  directory: Directory;
  devices: RememberedDevices;
  overrides: RiskOverrides;
  log: DecisionLog;
  clock: Clock;
}

/** Gathers the decision table's inputs from the world (the I/O the pure engine must not do), decides and logs. */
export class TwoFactorGate {
  readonly #deps: GateDependencies;

  constructor(deps: GateDependencies) {
    this.#deps = deps;
  }

  /** The decision, with the inputs it was taken on. */
  async decide(situation: Situation): Promise<ExplainedDecision> {
    const { now, ...input } = await this.#inputs(situation);
    const decision = decideTwoFactor({ ...input, now });
    await this.#deps.log.record({
      ...decision,
      at: new Date(now * 1000).toISOString(),
      stage: situation.stage,
      email: situation.account.email,
      clientId: situation.clientId,
      signIn: situation.signIn,
      input,
    });
    return { ...decision, input };
  }

  async #inputs(situation: Situation): Promise<PolicyInput> {
    const { account, request, risk } = situation;
    const [domainPolicy, trustedNetwork, rememberedDevice] = await Promise.all([
      this.#deps.directory.domainPolicy(account.email),
      risk?.trustedNetwork ?? this.#onTrustedNetwork(account, situation.clientIp),
      risk?.rememberedDevice ?? this.#deps.devices.isRemembered(situation.deviceId, account.sub),
    ]);
    return {
      domainPolicy,
      appPolicy: situation.appPolicy,
      enrolled: hasSecondFactor(account),
      stepUp: { requested: request.stepUp, maxAgeSeconds: request.maxAgeSeconds },
      sessionTwoFactorAt: situation.sessionTwoFactorAt === undefined ? undefined : this.#deps.clock.toEmulatorSeconds(situation.sessionTwoFactorAt),
      now: this.#deps.clock.nowSeconds(),
      trustedNetwork,
      rememberedDevice,
    };
  }

  /** The request's address (or the one PUT /_mock/risk gave) against the trusted networks of the user's tenants. */
  async #onTrustedNetwork(account: Account, clientIp: string | undefined): Promise<boolean> {
    const override = await this.#deps.overrides.get();
    if (override.trustedNetwork !== undefined) return override.trustedNetwork;
    const ip = override.clientIp ?? clientIp;
    if (ip === undefined) return false;
    return this.#deps.directory.onTrustedNetwork(account.tenants, ip);
  }
}
