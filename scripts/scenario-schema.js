// `npm run schema:scenarios`: writes scenarios/scenario.schema.json from the runner's schema (built),
// so editors complete and check scenario files. A test keeps the committed file up to date.
import { writeFileSync } from 'node:fs';
import * as z from 'zod';
import { buildIfStale } from './build-if-stale.cjs';

buildIfStale();
const { scenarioSchema } = await import('../dist/scenarios/runner/schema.js');
const schema = { ...z.toJSONSchema(scenarioSchema, { io: 'input' }), title: 'mock-visma-connect login scenario' };
writeFileSync(new URL('../scenarios/scenario.schema.json', import.meta.url), `${JSON.stringify(schema, null, 2)}\n`);
console.log('wrote scenarios/scenario.schema.json');
