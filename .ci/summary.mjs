// Prints the plain line CI reads, "N passed, N failed", from vitest's JSON results; it stays the last line.
// (The ten slowest test files are printed just before it by test/helpers/slowest-reporter.ts, in every run.)
import fs from 'node:fs';

const file = process.argv[2];
if (!file || !fs.existsSync(file)) {
  console.log('0 passed, 1 failed');
  console.error(`no test results at ${file}`);
  process.exit(1);
}
const r = JSON.parse(fs.readFileSync(file, 'utf8'));
const failed = r.numFailedTests + (r.numRuntimeErrorTestSuites ?? 0);
console.log(`${r.numPassedTests} passed, ${failed} failed`);
process.exit(failed === 0 && r.numPassedTests > 0 ? 0 : 1);
