import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../provider/index.js';
import { PUBLIC_API_SCOPES } from '../../provider/oidc/index.js';
import { startTestEmulator } from '../support/emulator.js';
import { VISMA_CONNECT_DISCOVERY, VISMA_CONNECT_ISSUER } from '../support/visma-connect-discovery.js';

type Document = Record<string, unknown>;

/**
 * Every way our discovery document may differ from Visma Connect's, each a feature deliberately not
 * emulated (or kept) for the reason given. The README's "Discovery" section lists the same.
 */
const NOT_EMULATED_KEYS: Record<string, string> = {
  device_authorization_endpoint: 'the device flow',
  backchannel_authentication_endpoint: 'CIBA',
  backchannel_token_delivery_modes_supported: 'CIBA',
  backchannel_user_code_parameter_supported: 'CIBA',
  backchannel_authentication_request_signing_alg_values_supported: 'CIBA',
  userinfo_signing_alg_values_supported: 'signed userinfo responses (userinfo answers JSON)',
  introspection_signing_alg_values_supported: 'signed introspection responses (introspection answers JSON)',
};
const OUR_OWN_KEYS: Record<string, string> = {
  acr_values_supported: 'the acr values the fixtures define, for step-up',
  claims_parameter_supported: 'the claims parameter (an essential acr asks for 2FA)',
  request_uri_parameter_supported: 'false: request_uri is not emulated (absent means true)',
};
const NOT_EMULATED_VALUES: Record<string, string[]> = {
  scopes_supported: [
    'address',
    'phone',
    'roles.vismacommunity',
    'nnin',
    'roles.vismanet',
    'roles.vismaonline',
    'snin',
    'custom',
    'idp_claims',
    'dk_ssn',
    'fi_ssn',
    'employee.vismaorganisationmaster',
    'groups',
    'tenant_hierarchy',
    'sub_external_id',
  ],
  claims_supported: [
    'address',
    'picture',
    'created_at',
    'updated_at',
    'name_verified',
    'preferred_theme',
    'phone_number',
    'phone_number_verified',
    'openid',
    'roles.vismacommunity',
    'nnin',
    'roles.vismanet',
    'roles.vismaonline',
    'built_in_roles',
    'applications',
    'features',
    'tenant_external_id',
    'tenant_owner_client_id',
    'snin',
    'custom',
    'docebonl.defaultbranch',
    'idp_claims',
    'dk_ssn',
    'fi_ssn',
    'employee.vismaorganisationmaster',
    'groups',
    'tenant_hierarchy',
    'sub_external_id',
  ],
  grant_types_supported: ['urn:ietf:params:oauth:grant-type:device_code', 'urn:openid:params:grant-type:ciba', 'delegation', 'urn:ietf:params:oauth:grant-type:token-exchange'],
  response_types_supported: ['token'],
  code_challenge_methods_supported: ['plain'],
};
/** The provisioning API's scope, and the Public API's (whose scopes the capture's API-scope trim left out). */
const OUR_OWN_VALUES: Record<string, string[]> = {
  scopes_supported: ['connect:users', ...PUBLIC_API_SCOPES],
};

/** URLs under the issuer become paths, so documents of different hosts compare. */
function relative(document: Document, issuer: string): Document {
  return Object.fromEntries(Object.entries(document).map(([key, value]) => [key, typeof value === 'string' && value.startsWith(issuer) ? value.slice(issuer.length) || '/' : value]));
}

describe('the discovery document, compared with the one Visma Connect publishes', () => {
  let emulator: RunningEmulator;
  let ours: Document;
  const theirs = relative(VISMA_CONNECT_DISCOVERY, VISMA_CONNECT_ISSUER);

  beforeAll(async () => {
    emulator = await startTestEmulator();
    ours = relative((await (await fetch(`${emulator.issuer}/.well-known/openid-configuration`)).json()) as Document, emulator.issuer);
  });
  afterAll(() => emulator.close());

  it('has every key Visma Connect publishes, with the same value, but for the features not emulated', () => {
    const differences: string[] = [];
    for (const [key, value] of Object.entries(theirs)) {
      if (key in NOT_EMULATED_KEYS) {
        if (key in ours) differences.push(`${key} is listed as not emulated, yet present`);
        continue;
      }
      if (!(key in ours)) differences.push(`${key} is missing`);
      else if (Array.isArray(value)) {
        const mine = ours[key] as unknown[];
        const lacking = value.filter((item) => !mine.includes(item));
        const added = mine.filter((item) => !(value as unknown[]).includes(item));
        if (JSON.stringify(lacking) !== JSON.stringify(NOT_EMULATED_VALUES[key] ?? [])) differences.push(`${key} lacks ${JSON.stringify(lacking)}`);
        if (JSON.stringify(added) !== JSON.stringify(OUR_OWN_VALUES[key] ?? [])) differences.push(`${key} adds ${JSON.stringify(added)}`);
      } else if (ours[key] !== value) differences.push(`${key} is ${JSON.stringify(ours[key])}, not ${JSON.stringify(value)}`);
    }
    expect(differences).toEqual([]);
  });

  it('lists nothing of its own beyond the keys it keeps for a reason', () => {
    expect(Object.keys(ours).filter((key) => !(key in theirs))).toEqual(Object.keys(OUR_OWN_KEYS));
  });

  it('serves the check_session_iframe it lists, as a page apps may frame', async () => {
    const response = await fetch(`${emulator.issuer}${String(ours['check_session_iframe'])}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/html');
    expect(response.headers.get('x-frame-options')).toBeNull();
    expect(response.headers.get('content-security-policy') ?? '').not.toContain('frame-ancestors');
    expect(await response.text()).toContain('<script src="/assets/check-session.js"></script>');
    const script = await fetch(`${emulator.issuer}/assets/check-session.js`);
    expect(script.headers.get('content-type')).toContain('text/javascript');
    expect(await script.text()).toMatch(/addEventListener\(\s*'message'/);
  });
});
