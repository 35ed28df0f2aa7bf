import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import * as z from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { junitXml, loadScenarios, runScenarios, scenarioSchema, ScenarioFileError } from '../../scenarios/runner/index.js';

function scenarioFile(yaml: string, name = 'scenario.yaml'): string {
  const path = join(mkdtempSync(join(tmpdir(), 'mvc-scenario-')), name);
  writeFileSync(path, yaml);
  return relative(process.cwd(), path);
}

describe('scenario files', () => {
  it('have a JSON Schema for editors that matches the runner', () => {
    const committed = JSON.parse(readFileSync('scenarios/scenario.schema.json', 'utf8'));
    expect(committed).toEqual({ ...z.toJSONSchema(scenarioSchema, { io: 'input' }), title: 'mock-visma-connect login scenario' });
  });

  it.each([
    ['an unknown step', 'name: x\nsteps:\n  - login: { client: a, user: b }\n  - teleport: { to: moon }\n', 'step 2: is not a known step'],
    ['a missing name', 'steps:\n  - clock: { advance: 1 }\n', 'name: '],
    ['no steps', 'name: x\nsteps: []\n', 'steps: '],
    ['not YAML', 'name: [x\n', 'is not valid YAML'],
    ['a wrong field of a known step', 'name: x\nsteps:\n  - clock: { advance: 1 }\n  - twoFactor: { code: right, remember: yes }\n', 'step 2 (twoFactor.remember): Invalid input: expected boolean, received string'],
    [
      'fixtures the emulator would refuse',
      'name: x\nfixtures:\n  clients: [{ clientId: a, twoFactor: sometimes, redirectUris: ["http://localhost/cb"] }]\nsteps:\n  - clock: { advance: 1 }\n',
      'fixtures.clients.0.twoFactor: must be one of default, bypass, adaptive, required',
    ],
    ['a fixtures step the emulator would refuse', 'name: x\nsteps:\n  - fixtures: { users: [{ email: not-an-address }] }\n', 'step 1 (fixtures.users.0.email): must be an e-mail address'],
  ])('are refused with file, step and reason for %s', async (_name, yaml, message) => {
    const file = scenarioFile(yaml);
    const failure = loadScenarios([file]).catch((error: unknown) => error);
    await expect(failure).resolves.toBeInstanceOf(ScenarioFileError);
    await expect(failure).resolves.toMatchObject({ message: expect.stringContaining(`${file}: `) });
    await expect(failure).resolves.toMatchObject({ message: expect.stringContaining(message) });
  });
});

describe('a step that answers a page before the browser has one', () => {
  it.each([
    ['twoFactor', '  - twoFactor: { code: right }\n'],
    ['enroll', '  - enroll: { code: right }\n'],
    ['setPassword', '  - setPassword: { password: "Vinter2026!x" }\n'],
  ])('fails %s with what comes first, not an internal error', async (kind, step) => {
    const summary = await runScenarios(await loadScenarios([scenarioFile(`name: ${kind} first\nsteps:\n${step}`)]));
    expect(summary.results[0]!.steps[0]).toMatchObject({ label: `step 1 (${kind})`, passed: false, problem: 'this browser has no page yet: a login or open step comes first' });
  });
});

describe('a scenario whose expectation is wrong', () => {
  let summary: Awaited<ReturnType<typeof runScenarios>>;
  beforeAll(async () => {
    const file = scenarioFile(`name: Bypass asks for a code (it does not)
fixtures:
  clients: [{ clientId: directory, clientSecret: s, redirectUris: ["http://localhost:4001/cb"], twoFactor: bypass }]
  users: [{ email: olle@fri.se, password: "Sommar2025!x", totpSecret: JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP }]
steps:
  - clock: { advance: 1 }
  - name: sign in to the directory
    login: { client: directory, user: olle@fri.se }
    expect: { prompt: challenge }
  - twoFactor: { code: right }
`);
    summary = await runScenarios(await loadScenarios([file]));
  });
  afterAll(() => undefined);

  it('fails, naming the step and what was expected against what came', () => {
    expect(summary).toMatchObject({ passed: 0, failed: 1 });
    const [result] = summary.results;
    expect(result!.steps.map((step) => [step.label, step.passed])).toEqual([
      ['step 1 (clock)', true],
      ['step 2 (sign in to the directory)', false],
    ]);
    expect(result!.steps[1]!.problem).toBe('expected prompt challenge, got none');
  });

  it('is a failed testcase in the JUnit report', () => {
    const xml = junitXml(summary);
    expect(xml).toContain('<testsuites name="mock-visma-connect scenarios" tests="1" failures="1"');
    expect(xml).toMatch(
      /<testcase classname="[^"]+scenario\.yaml" name="Bypass asks for a code \(it does not\)" time="[\d.]+">\s*<failure message="step 2 \(sign in to the directory\) failed">expected prompt challenge, got none<\/failure>/,
    );
  });
});
