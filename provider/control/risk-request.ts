import { isIP } from 'node:net';
import * as z from 'zod';
import { parseBody } from '../errors/index.js';
import type { RiskOverride } from '../risk/index.js';
import { schemaOnFirstUse } from '../http/schema-on-first-use.js';

const riskSchema = schemaOnFirstUse(() =>
  z.strictObject({
    trustedNetwork: z.boolean({ error: 'must be true or false' }).optional(),
    clientIp: z
      .string({ error: 'must be a string' })
      .refine((ip) => isIP(ip) !== 0, { error: 'must be an IPv4 or IPv6 address' })
      .optional(),
  }),
);

/** `{trustedNetwork?, clientIp?}`: what the next logins look like; an empty body measures them again. */
export function parseRiskOverride(body: unknown): RiskOverride {
  const { trustedNetwork, clientIp } = parseBody(riskSchema(), body);
  return { ...(trustedNetwork !== undefined && { trustedNetwork }), ...(clientIp !== undefined && { clientIp }) };
}
