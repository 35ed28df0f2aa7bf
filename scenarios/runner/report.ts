import type { ScenarioResult } from './run-scenario.js';
import type { RunSummary } from './runner.js';

/** One line per scenario; a failure shows the step and what was expected against what came. */
export function describeResult(result: ScenarioResult): string {
  const head = `${result.passed ? '✓' : '✗'} ${result.name}  (${result.file}, ${result.ms.toFixed(0)} ms)`;
  const failed = result.steps.find((step) => !step.passed);
  if (!failed) return head;
  return `${head}\n    ${failed.label} failed:\n${failed
    .problem!.split('\n')
    .map((line) => `      ${line}`)
    .join('\n')}`;
}

export function describeSummary(summary: RunSummary): string {
  return `${summary.passed} passed, ${summary.failed} failed (${summary.results.length} scenarios in ${(summary.ms / 1000).toFixed(1)} s)`;
}

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** JUnit XML: one testcase per scenario, its failing step as the failure. */
export function junitXml(summary: RunSummary): string {
  const cases = summary.results.map((result) => {
    const failed = result.steps.find((step) => !step.passed);
    const body = failed ? `\n      <failure message="${escape(`${failed.label} failed`)}">${escape(failed.problem ?? '')}</failure>\n    ` : '';
    return `    <testcase classname="${escape(result.file)}" name="${escape(result.name)}" time="${(result.ms / 1000).toFixed(3)}">${body}</testcase>`;
  });
  const time = (summary.ms / 1000).toFixed(3);
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="mock-visma-connect scenarios" tests="${summary.results.length}" failures="${summary.failed}" time="${time}">\n  <testsuite name="scenarios" tests="${summary.results.length}" failures="${summary.failed}" errors="0" skipped="0" time="${time}">\n${cases.join('\n')}\n  </testsuite>\n</testsuites>\n`;
}
