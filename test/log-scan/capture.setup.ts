// vitest globalSetup: a fresh folder for this run's logs (test/helpers/log.ts writes them, the log-scan
// project reads them after every other test), removed at the end of the run. Its own folder per run, since
// several runs may share the checkout.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';

export default function setup(project: TestProject): () => void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'herald-test-logs-'));
  project.provide('logCaptureDir', dir);
  return () => fs.rmSync(dir, { recursive: true, force: true });
}
