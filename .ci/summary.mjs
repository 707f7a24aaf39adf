// Prints vitest's JSON results for CI: the ten slowest test files with their times, then the plain line CI
// reads, "N passed, N failed", which stays the last line.
import fs from 'node:fs';
import path from 'node:path';

const file = process.argv[2];
if (!file || !fs.existsSync(file)) {
  console.log('0 passed, 1 failed');
  console.error(`no test results at ${file}`);
  process.exit(1);
}
const r = JSON.parse(fs.readFileSync(file, 'utf8'));
const files = r.testResults
  .map((t) => ({ name: path.relative(process.cwd(), t.name), ms: t.endTime - t.startTime }))
  .filter((t) => Number.isFinite(t.ms))
  .sort((a, b) => b.ms - a.ms);
const last = Math.max(...r.testResults.map((t) => t.endTime).filter(Number.isFinite));
console.log(
  `The ten slowest test files (of ${files.length}; vitest ran for ${((last - r.startTime) / 1000).toFixed(0)} s):`,
);
for (const t of files.slice(0, 10)) console.log(`  ${(t.ms / 1000).toFixed(1).padStart(6)} s  ${t.name}`);
const failed = r.numFailedTests + (r.numRuntimeErrorTestSuites ?? 0);
console.log(`${r.numPassedTests} passed, ${failed} failed`);
process.exit(failed === 0 && r.numPassedTests > 0 ? 0 : 1);
