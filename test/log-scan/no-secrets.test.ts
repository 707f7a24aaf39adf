// Runs after every other test (vitest.config.ts: the "log-scan" project, groupOrder 1): no credential the
// suite gave Herald is in any log line any test produced, in-process or in a spawned `herald`.

import { describe, expect, inject, it } from 'vitest';
import { TEST_SECRET_PATTERNS, TEST_SECRETS } from '../helpers/credentials.js';
import { type ScanReport, scanCapture, summarize } from './scan.js';

// Floors well under what a whole run writes (measured: 49,596 lines in 186 files; in-process 9,268 lines, in
// one file since the test files share their worker process (vitest.config.ts); spawned herald processes 90
// files and 39,863 lines), so that a capture that silently stopped working, or a run of only some of the
// files, fails instead of passing on a near-empty folder.
const MIN_LINES = 8_000;
const MIN_IN_PROCESS = { files: 1, lines: 2_000 };
const MIN_CHILD = { files: 15, lines: 5_000 };

describe('the logs of the whole test suite', () => {
  let report: ScanReport;
  const scanned = (): ScanReport => {
    report ??= scanCapture(inject('logCaptureDir'), TEST_SECRETS, TEST_SECRET_PATTERNS);
    return report;
  };

  it('were captured: enough lines, from tests in-process and from spawned herald processes', () => {
    const r = scanned();
    process.stdout.write(`${summarize(r)}\n`);
    expect(r.lines, summarize(r)).toBeGreaterThanOrEqual(MIN_LINES);
    expect(r.byKind['in-process'].files, summarize(r)).toBeGreaterThanOrEqual(MIN_IN_PROCESS.files);
    expect(r.byKind['in-process'].lines, summarize(r)).toBeGreaterThanOrEqual(MIN_IN_PROCESS.lines);
    expect(r.byKind.child.files, summarize(r)).toBeGreaterThanOrEqual(MIN_CHILD.files);
    expect(r.byKind.child.lines, summarize(r)).toBeGreaterThanOrEqual(MIN_CHILD.lines);
  });

  it('show redaction at work and request ids on their lines', () => {
    const r = scanned();
    expect(r.redactedLines, summarize(r)).toBeGreaterThan(0);
    expect(r.requestIdLines, summarize(r)).toBeGreaterThan(0);
  });

  it('hold no credential of test/helpers/credentials.ts', () => {
    const r = scanned();
    expect(r.leaks.slice(0, 20), summarize(r)).toEqual([]);
  });
});
