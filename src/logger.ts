// Structured logs (pino) on standard error, so that standard output stays the command's answer. JSON for
// machines; on a terminal, pino-pretty's one-line form for the person at the prompt.

import pino, { type DestinationStream, type Logger } from 'pino';
import pretty from 'pino-pretty';

export type { Logger };

/** Paths of values that must never reach a log line, whatever object they are in. */
export const REDACT_PATHS = [
  '*.token',
  '*.secret',
  '*.password',
  '*.accessToken',
  '*.accessSecret',
  '*.appSecret',
  '*.appPassword',
  '*.signingSecret',
  '*.authorization',
  '*.headers.authorization',
  'token',
  'secret',
];

function defaultDestination(): DestinationStream {
  return process.stderr.isTTY
    ? pretty({
        destination: 2,
        sync: true,
        colorize: true,
        singleLine: true,
        translateTime: 'UTC:HH:MM:ss',
        ignore: 'pid,hostname,app',
      })
    : pino.destination(2);
}

export function createLogger(level: string, destination: DestinationStream = defaultDestination()): Logger {
  return pino(
    { level, base: { app: 'herald' }, redact: { paths: REDACT_PATHS, censor: '[redacted]' } },
    destination,
  );
}
