// The test suite's logs. Every logger a test builds is Herald's own (src/logger.ts, with its redaction) and
// also writes, at debug, into the run's capture folder; every `herald` the tests spawn appends its log there
// too (LOG_FILE at debug), and its standard error. After all other tests, test/log-scan/ reads the whole
// capture and fails if any credential of ./credentials.ts is in it (docs/logs.md).

import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import pino, { type DestinationStream, type LevelWithSilent } from 'pino';
import { inject } from 'vitest';
import { createLogger, type Logger } from '../../src/logger.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The folder test/log-capture.setup.ts made for this run's logs. */
    logCaptureDir: string;
  }
}

/** This run's capture folder; null outside vitest (the benchmarks use the fakes too). */
export function logCaptureDir(): string | null {
  try {
    return inject('logCaptureDir') ?? null;
  } catch {
    return null;
  }
}

let capture: DestinationStream | null | undefined;

/** One file per worker process (the test files share it), written synchronously: a worker may end at any moment. */
function captureStream(): DestinationStream | null {
  if (capture !== undefined) return capture;
  const dir = logCaptureDir();
  capture = dir
    ? pino.destination({ dest: path.join(dir, `in-process-${randomUUID()}.log`), sync: true, mkdir: true })
    : null;
  return capture;
}

export interface TestLogOptions {
  /** Where the test reads the lines (JSON, one per call); without it the test sees nothing. */
  to?: (line: string) => void;
  /** The level of `to`'s lines; the capture always takes debug. Default: debug. */
  level?: LevelWithSilent;
  /**
   * Credentials for the last layer of redaction, as Herald passes its configured ones. Loggers of a
   * configured Herald get them; loggers of a single outlet or adapter do not, so that the scan tests the
   * other layers alone.
   */
  secrets?: readonly string[];
}

/** Herald's logger for a test: silent to the test unless `to` is given, and always into the capture. */
export function testLog(options: TestLogOptions = {}): Logger {
  const to = options.to;
  const stream = captureStream();
  return createLogger({
    level: to ? (options.level ?? 'debug') : 'silent',
    destination: to ? { write: (line: string) => to(line) } : undefined,
    also: stream ? [{ level: 'debug', stream }] : [],
    ...(options.secrets ? { secrets: options.secrets } : {}),
  });
}

/** Environment for a `herald` child process: its log, at debug, appended to a capture file of its own. */
export function captureEnv(): NodeJS.ProcessEnv {
  const dir = logCaptureDir();
  return dir ? { LOG_FILE: path.join(dir, `child-${randomUUID()}.log`), LOG_FILE_LEVEL: 'debug' } : {};
}

/** Keeps what a child process wrote to standard error (its log at LOG_LEVEL, and anything else it said). */
export function captureStderr(text: string): void {
  const dir = logCaptureDir();
  if (dir && text) fs.writeFileSync(path.join(dir, `stderr-${randomUUID()}.log`), text);
}
