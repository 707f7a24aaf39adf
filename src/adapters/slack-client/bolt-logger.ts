// Bolt's and the Slack Web API client's log lines, in Herald's log (pino): their levels mapped, their
// arguments joined into one message. Herald's log level rules; Bolt only asks what it is.

import { type Logger as BoltLogger, LogLevel } from '@slack/bolt';
import type { Logger } from '../../logger.js';

const LEVELS: Record<string, LogLevel> = {
  trace: LogLevel.DEBUG,
  debug: LogLevel.DEBUG,
  info: LogLevel.INFO,
  warn: LogLevel.WARN,
};

export function createBoltLogger(log: Logger): BoltLogger {
  const words = (msg: unknown[]) =>
    msg
      .map((m) => (typeof m === 'string' ? m : m instanceof Error ? m.message : JSON.stringify(m)))
      .join(' ');
  return {
    debug: (...msg) => log.debug(words(msg)),
    info: (...msg) => log.info(words(msg)),
    warn: (...msg) => log.warn(words(msg)),
    error: (...msg) => log.error(words(msg)),
    setLevel: () => undefined,
    getLevel: () => LEVELS[log.level] ?? LogLevel.ERROR,
    setName: () => undefined,
  };
}
