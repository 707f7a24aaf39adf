// vitest globalSetup, before any test: every Debian package the suite drives is there, or the run stops at
// once with one line per missing package (test/helpers/system-packages.ts), and nothing else: a thrown
// error would come back wrapped in vitest's "no test files found" and a stack trace.
import { missingLine, missingSystemPackages } from './helpers/system-packages.js';

export default function setup(): void {
  const missing = missingSystemPackages();
  if (missing.length === 0) return;
  process.stderr.write(`${missing.map(missingLine).join('\n')}\n(.ci/run installs every one)\n`);
  process.exit(1);
}
