// The process-wide guard of a long-running Herald: an error that escapes every handler (a rejected promise
// nobody awaited, an exception thrown from a callback) is logged and Herald serves on. Nothing a request
// does ends the process; each surface already answers its own failures, this is the net under them.

import type { Logger } from './logger.js';

/** Installs the guard; returns the function that removes it. */
export function guardProcess(log: Logger): () => void {
  const onRejection = (reason: unknown) => {
    log.error({ err: reason }, 'an error escaped its handler (unhandled rejection); Herald serves on');
  };
  const onException = (error: Error) => {
    log.error({ err: error }, 'an error escaped its handler (uncaught exception); Herald serves on');
  };
  process.on('unhandledRejection', onRejection);
  process.on('uncaughtException', onException);
  return () => {
    process.off('unhandledRejection', onRejection);
    process.off('uncaughtException', onException);
  };
}
