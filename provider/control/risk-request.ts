import { isIP } from 'node:net';
import { HttpError, onlyFields, optionalBoolean, optionalString } from '../http/index.js';
import type { RiskOverride } from '../risk/index.js';

/** `{trustedNetwork?, clientIp?}`: what the next logins look like; an empty body measures them again. */
export function parseRiskOverride(body: Record<string, unknown>): RiskOverride {
  onlyFields(body, ['trustedNetwork', 'clientIp']);
  const trustedNetwork = optionalBoolean(body, 'trustedNetwork');
  const clientIp = optionalString(body, 'clientIp');
  if (clientIp !== undefined && isIP(clientIp) === 0) throw new HttpError(400, 'invalid_request', 'clientIp must be an IPv4 or IPv6 address');
  return { ...(trustedNetwork !== undefined && { trustedNetwork }), ...(clientIp !== undefined && { clientIp }) };
}
