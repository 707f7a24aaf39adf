// `herald start`: the shell prompt, every configured chat adapter, the status site's server, the publisher
// and the scheduler, until a signal. One per data folder (the lock in src/ops/data-lock.ts).

import path from 'node:path';
import { createShellAdapter } from '../adapters/chat/shell.js';
import { completeLine } from '../adapters/chat/shell-completion.js';
import { HISTORY_FILE_NAME } from '../adapters/chat/shell-history.js';
import { createChatAdapters, PUBLISH_INTERVAL_MS } from '../app.js';
import type { IncidentStatus } from '../bot/types.js';
import type { Config } from '../config.js';
import { EXIT } from '../exit-codes.js';
import { type InteractiveLog, interactiveLogFile } from '../logger.js';
import { createShellBoard } from '../monitors/shell-board.js';
import { writeDeliveryPlan } from '../ops/delivery-plan.js';
import { guardProcess } from '../process-guard.js';
import { SCHEDULER_POLL_MS } from '../scheduler.js';
import { renderDeliveryNotice, renderReplyText } from '../templates/reply-text.js';
import { type Io, listenOrExit, openHerald, shellActor, untilSignal } from './common.js';

/** The options of `herald start` as parsed by the CLI (none yet). */
export type StartOptions = Record<string, never>;

/** The log file of a Herald started at a terminal, when LOG_FILE is unset. */
export const INTERACTIVE_LOG_NAME = 'herald.log';

/** A person at the prompt: standard input and output are both terminals (not a pipe, not systemd). */
const atTerminal = (io: Io): boolean =>
  (io.stdin as { isTTY?: boolean }).isTTY === true && (io.stdout as { isTTY?: boolean }).isTTY === true;

/**
 * At a terminal the log goes to a file, and warnings and errors are shown above the prompt: on standard
 * error until the shell runs, then through it (`say`), so that they do not overwrite the line being typed.
 */
function promptLog(io: Io): {
  forConfig: (config: Config) => InteractiveLog;
  showWith(say: (t: string) => void): void;
} {
  let show = (text: string): void => {
    io.stderr.write(`${text}\n`);
  };
  return {
    forConfig: (config) => ({
      defaultFile: path.join(config.paths.dataDir, INTERACTIVE_LOG_NAME),
      show: (text) => show(text),
    }),
    showWith(say) {
      show = say;
    },
  };
}

export async function startCommand(io: Io, _options: StartOptions = {}): Promise<number> {
  const interactive = atTerminal(io) ? promptLog(io) : null;
  // One `herald start` per data folder: a second one, or `herald restore`, is refused while it runs.
  const opened = await openHerald(io, { oneShot: false, lock: true, interactive: interactive?.forConfig });
  if (typeof opened === 'number') return opened;
  const { config, log, herald, release } = opened;
  // What goes where is this Herald's to decide: `herald run` records for these outlets (docs/contract.md).
  writeDeliveryPlan(config.paths.dataDir, {
    outlets: [...herald.settings.outlets],
    dry: [...herald.dryOutlets],
    pid: process.pid,
    writtenAt: Date.now(),
  });
  const signal = untilSignal();
  // From here on, nothing a request does ends the process (an unexpected failure while starting still
  // reaches main() and exits 3).
  const unguard = guardProcess(log);
  try {
    // Every page is rewritten from the database at start (the site's recovery after a crash), in the
    // background: Herald answers at once however long the history is.
    const stopRebuild = new AbortController();
    const rebuilt = herald.site
      .rebuildInBackground({ signal: stopRebuild.signal })
      .then((files) => log.info({ files }, 'site rebuilt'))
      .catch((error) => log.error({ err: error }, 'rebuilding the site failed'));
    const chat = await createChatAdapters(herald, log);
    const server = await listenOrExit(herald, io, log, chat.routes);
    if (typeof server === 'number') return server;
    herald.publisher.start(PUBLISH_INTERVAL_MS);
    try {
      await chat.start();
    } catch (error) {
      // A chat platform that is down must not keep the shell, the site and the other outlets from running.
      log.error({ err: error }, 'a chat adapter could not start; Herald runs on without it');
    }
    const zones = config.core.zones.map((z) => z.label).join(' and ');
    const shell = createShellAdapter({
      input: io.stdin,
      output: io.stdout,
      actor: shellActor(undefined),
      handle: herald.handle,
      render: (o) => renderReplyText(o, config.core, herald.dryOutlets),
      onError: (error, text, requestId) =>
        log.child({ requestId }).error({ err: error, text }, 'command failed'),
      banner: [
        `Herald: ${config.site.title}`,
        `Status site on ${server.url} (files in ${config.paths.publicDir}); database ${config.paths.database}.`,
        `Times in UTC${zones ? `, with ${zones}` : ''}. Type a command, e.g.  nc018 smtp down "spam cleanup"  or  help.`,
        ...(interactive ? terminalBanner(config, interactive.forConfig(config), io.cwd) : PIPE_BANNER),
      ].join('\n'),
      terminal: interactive
        ? {
            historyFile: path.join(config.paths.dataDir, HISTORY_FILE_NAME),
            complete: (line) =>
              completeLine(
                {
                  settings: herald.settings,
                  openIncidents: () => herald.store.incidents({ status: OPEN_STATUSES }).map((i) => i.id),
                },
                line,
              ),
            onHistoryError: (error) =>
              log.warn({ err: error }, 'the shell history cannot be saved; the shell goes on without it'),
          }
        : undefined,
    });
    interactive?.showWith(shell.say);
    const stopNotices = herald.onDelivery((notice) => {
      const line = renderDeliveryNotice(notice, config.core);
      if (line) shell.say(line);
    });
    // Herald's questions to shell users (is the maintenance complete?) are a line at the prompt.
    const stopPrompts = herald.servePrompts('shell', async (question) => {
      shell.say(question.line);
    });
    // Monitors' proposals (issue 17) are lines at the prompt too.
    const stopBoard = herald.monitors.addBoard(createShellBoard({ write: (t) => shell.say(t) }));
    // Once every surface that can be asked a question is on: what fell due while Herald was down is done
    // now, then each step at its time (docs/maintenance.md).
    herald.scheduler.start(SCHEDULER_POLL_MS);
    // Without a terminal the shell ends with its input, and the server keeps Herald running until a
    // signal; at a terminal, quit, exit, Ctrl-D and Ctrl-C stop Herald.
    const ended = await Promise.race([shell.run(), signal]);
    const got = ended === 'stop' ? 'shell' : await signal;
    log.info({ signal: got }, 'stopping');
    stopRebuild.abort();
    await rebuilt;
    shell.close();
    stopNotices();
    await herald.scheduler.stop();
    stopPrompts();
    stopBoard();
    // Chat first: new requests are refused (not acknowledged: the platforms retry), the inbox's worker
    // finishes the row in hand; the server closes after, and the database last (herald.close()).
    await chat.stop();
    await server.close();
    return EXIT.ok;
  } finally {
    await herald.close();
    unguard();
    release();
  }
}

/** The incidents a command may still name (completion offers their numbers). */
const OPEN_STATUSES: IncidentStatus[] = ['open', 'scheduled', 'in_progress'];

/** How the shell ends without a terminal (standard input a pipe, a file, systemd's /dev/null). */
const PIPE_BANNER = ['End of input (Ctrl-D) closes the shell; Herald serves on until Ctrl-C.'];

function terminalBanner(config: Config, log: InteractiveLog, cwd: string): string[] {
  const absolute = interactiveLogFile(config.logging, log);
  const relative = path.relative(cwd, absolute);
  const file = relative.startsWith('..') || path.isAbsolute(relative) ? absolute : relative;
  return [
    `Logs go to ${file}; warnings and errors also show here.`,
    'Tab completes; Up and Ctrl-R search the history. quit, exit, Ctrl-D or Ctrl-C stops Herald.',
  ];
}
