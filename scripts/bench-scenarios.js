// `npm run bench:scenarios`: how long the whole scenario library takes, on one emulator in this
// process and spread over two emulator processes. Prints figures only.
import { buildIfStale } from './build-if-stale.cjs';

buildIfStale();
const { runScenarioFiles } = await import('../dist/scenarios/runner/index.js');
console.log(`scenario library (scenarios/library), Node ${process.version}`);
for (const parallel of [1, 2]) {
  const summary = await runScenarioFiles(['scenarios/library'], { parallel });
  console.log(`  --parallel ${parallel}: ${summary.results.length} scenarios in ${(summary.ms / 1000).toFixed(1)} s (${summary.passed} passed, ${summary.failed} failed, emulator start included)`);
}
