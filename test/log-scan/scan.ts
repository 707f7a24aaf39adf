// Looks for credentials in captured log files: each one as written, as it looks inside a JSON string, and
// percent-encoded (as in a URL or a form body), plus the patterns of credentials the fakes make up.

import fs from 'node:fs';
import path from 'node:path';

export interface Leak {
  file: string;
  /** 1-based. */
  line: number;
  /** The credential, shortened: the report must not spread it further. */
  credential: string;
}

export type CaptureKind = 'in-process' | 'child' | 'stderr';

export interface ScanReport {
  files: number;
  lines: number;
  /** Files and lines by where they came from: test/helpers/log.ts names each file by its kind. */
  byKind: Record<CaptureKind, { files: number; lines: number }>;
  /** Lines where Herald cut something out ([redacted]): the scan saw redaction at work, not just quiet logs. */
  redactedLines: number;
  /** Lines that carry a request id. */
  requestIdLines: number;
  leaks: Leak[];
}

const shorten = (secret: string): string => `${secret.slice(0, 4)}… (${secret.length} characters)`;

/** Every form a credential may take in a log line. */
function formsOf(secret: string): string[] {
  return [...new Set([secret, JSON.stringify(secret).slice(1, -1), encodeURIComponent(secret)])];
}

/** The credentials (shortened) that `line` holds. */
export function credentialsIn(
  line: string,
  secrets: readonly string[],
  patterns: readonly RegExp[] = [],
): string[] {
  const found = secrets.filter((s) => formsOf(s).some((form) => line.includes(form)));
  for (const pattern of patterns) {
    const match = new RegExp(pattern.source, pattern.flags.replace('g', '')).exec(line);
    if (match) found.push(match[0]);
  }
  return found.map(shorten);
}

const kindOf = (file: string): CaptureKind | null =>
  file.startsWith('in-process-')
    ? 'in-process'
    : file.startsWith('child-')
      ? 'child'
      : file.startsWith('stderr-')
        ? 'stderr'
        : null;

/** Reads every capture file of `dir` and reports what it holds. */
export function scanCapture(
  dir: string,
  secrets: readonly string[],
  patterns: readonly RegExp[] = [],
): ScanReport {
  const report: ScanReport = {
    files: 0,
    lines: 0,
    byKind: {
      'in-process': { files: 0, lines: 0 },
      child: { files: 0, lines: 0 },
      stderr: { files: 0, lines: 0 },
    },
    redactedLines: 0,
    requestIdLines: 0,
    leaks: [],
  };
  for (const file of fs.readdirSync(dir).sort()) {
    const kind = kindOf(file);
    if (!kind) continue;
    const lines = fs.readFileSync(path.join(dir, file), 'utf8').split('\n');
    if (lines.at(-1) === '') lines.pop();
    report.files++;
    report.lines += lines.length;
    report.byKind[kind].files++;
    report.byKind[kind].lines += lines.length;
    lines.forEach((line, index) => {
      if (line.includes('[redacted]')) report.redactedLines++;
      if (line.includes('"requestId":')) report.requestIdLines++;
      for (const credential of credentialsIn(line, secrets, patterns))
        report.leaks.push({ file, line: index + 1, credential });
    });
  }
  return report;
}

export function summarize(report: ScanReport): string {
  const kinds = Object.entries(report.byKind)
    .map(([kind, n]) => `${kind} ${n.files} files / ${n.lines} lines`)
    .join(', ');
  return (
    `log scan: ${report.lines} lines in ${report.files} files (${kinds}); ` +
    `${report.redactedLines} lines with something redacted, ${report.requestIdLines} with a request id; ` +
    `${report.leaks.length} credentials found`
  );
}
