// Structured logs (pino) on standard error, so that standard output stays the command's answer.

import pino, { type Logger } from 'pino';

export type { Logger };

/** Paths of values that must never reach a log line, whatever object they are in. */
export const REDACT_PATHS = [
  '*.token',
  '*.secret',
  '*.password',
  '*.accessToken',
  '*.accessSecret',
  '*.appSecret',
  '*.signingSecret',
  '*.authorization',
  '*.headers.authorization',
  'token',
  'secret',
];

export function createLogger(
  level: string,
  destination: pino.DestinationStream = pino.destination(2),
): Logger {
  return pino(
    { level, base: { app: 'herald' }, redact: { paths: REDACT_PATHS, censor: '[redacted]' } },
    destination,
  );
}
