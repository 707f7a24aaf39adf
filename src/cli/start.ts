// `herald start`: the shell prompt, every configured chat adapter, the status site's server, the publisher
// and the scheduler, until a signal. One per data folder (the lock in src/ops/data-lock.ts).

import { createShellAdapter } from '../adapters/chat/shell.js';
import { createChatAdapters, PUBLISH_INTERVAL_MS } from '../app.js';
import { EXIT } from '../exit-codes.js';
import { writeDeliveryPlan } from '../ops/delivery-plan.js';
import { guardProcess } from '../process-guard.js';
import { SCHEDULER_POLL_MS } from '../scheduler.js';
import { renderDeliveryNotice, renderReplyText } from '../templates/reply-text.js';
import { type Io, listenOrExit, openHerald, shellActor, untilSignal } from './common.js';

/** The options of `herald start` as parsed by the CLI (none yet). */
export type StartOptions = Record<string, never>;

export async function startCommand(io: Io, _options: StartOptions = {}): Promise<number> {
  // One `herald start` per data folder: a second one, or `herald restore`, is refused while it runs.
  const opened = await openHerald(io, { oneShot: false, lock: true });
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
        'End of input (Ctrl-D) closes the shell; Herald serves on until Ctrl-C.',
      ].join('\n'),
    });
    const stopNotices = herald.onDelivery((notice) => {
      const line = renderDeliveryNotice(notice, config.core);
      if (line) io.stdout.write(`\n${line}\n`);
    });
    // Herald's questions to shell users (is the maintenance complete?) are a line at the prompt.
    const stopPrompts = herald.servePrompts('shell', async (question) => {
      io.stdout.write(`\n${question.line}\n`);
    });
    // Once every surface that can be asked a question is on: what fell due while Herald was down is done
    // now, then each step at its time (docs/maintenance.md).
    herald.scheduler.start(SCHEDULER_POLL_MS);
    // The shell ends with its input; the server keeps Herald running until a signal.
    await Promise.race([shell.run(), signal]);
    const got = await signal;
    log.info({ signal: got }, 'stopping');
    stopRebuild.abort();
    await rebuilt;
    shell.close();
    stopNotices();
    await herald.scheduler.stop();
    stopPrompts();
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
