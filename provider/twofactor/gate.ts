import type { Account } from '../accounts/index.js';
import { domainKey, tenantKey, type DomainFixture, type TenantFixture } from '../fixtures/index.js';
import { decideTwoFactor, type AppPolicy, type Decision, type DomainPolicy, type PolicyInput } from '../policy/index.js';
import { inNetworks, type RememberedDevices, type RiskOverrides } from '../risk/index.js';
import type { Store } from '../store/index.js';
import type { AcrRequest } from './acr-request.js';
import type { DecisionLog, DecisionStage } from './decision-log.js';

/** Everything the gate needs to know about one sign-in; `risk` values given here win over what is measured. */
export interface Situation {
  stage: DecisionStage;
  account: Account;
  clientId: string;
  appPolicy: AppPolicy;
  request: AcrRequest;
  sessionTwoFactorAt: number | undefined;
  clientIp: string | undefined;
  deviceId: string | undefined;
  /** The sign-in the decision belongs to, as the control room shows it: `interaction <uid>` or `session <uid>`. */
  signIn?: string | undefined;
  risk?: { trustedNetwork?: boolean | undefined; rememberedDevice?: boolean | undefined };
}

export interface ExplainedDecision extends Decision {
  input: Omit<PolicyInput, 'now'>;
}

/** The app policy a client's metadata carries (`twoFactor`), `default` when it has none. */
export function appPolicyOf(client: object | undefined): AppPolicy {
  return ((client as { twoFactor?: AppPolicy } | undefined)?.twoFactor) ?? 'default';
}

/** The 2FA policy of the user's e-mail domain, `optional` when the domain has none. */
export async function domainPolicyOf(store: Store, email: string): Promise<DomainPolicy> {
  const domain = email.slice(email.lastIndexOf('@') + 1);
  return (await store.get<DomainFixture>(domainKey(domain)))?.twoFactor ?? 'optional';
}

export interface GateDependencies {
  store: Store;
  devices: RememberedDevices;
  overrides: RiskOverrides;
  log: DecisionLog;
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
      ...(situation.signIn !== undefined && { signIn: situation.signIn }),
      input,
    });
    return { ...decision, input };
  }

  async #inputs(situation: Situation): Promise<PolicyInput> {
    const { account, request, risk } = situation;
    const [domainPolicy, trustedNetwork, rememberedDevice] = await Promise.all([
      domainPolicyOf(this.#deps.store, account.email),
      risk?.trustedNetwork ?? this.#onTrustedNetwork(account, situation.clientIp),
      risk?.rememberedDevice ?? this.#deps.devices.isRemembered(situation.deviceId, account.sub),
    ]);
    return {
      domainPolicy,
      appPolicy: situation.appPolicy,
      enrolled: account.totpSecret !== undefined,
      stepUp: { requested: request.stepUp, maxAgeSeconds: request.maxAgeSeconds },
      sessionTwoFactorAt: situation.sessionTwoFactorAt,
      now: Math.floor(Date.now() / 1000),
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
    const tenants = await Promise.all(account.tenants.map((id) => this.#deps.store.get<TenantFixture>(tenantKey(id))));
    return tenants.some((tenant) => tenant !== undefined && inNetworks(ip, tenant.trustedNetworks));
  }
}
