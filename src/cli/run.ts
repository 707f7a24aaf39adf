// `herald run '<command>' [--as NAME]`: one command as typed in chat; the reply on standard output (a
// refusal on standard error, exit 1). It records only: the running `herald start` delivers.

import { EXIT } from '../exit-codes.js';
import { runningHolder } from '../ops/data-lock.js';
import { readDeliveryPlan } from '../ops/delivery-plan.js';
import { newRequestId } from '../request-id.js';
import { renderReplyText } from '../templates/reply-text.js';
import { type Io, openHerald, shellActor } from './common.js';

export interface RunOptions {
  /** The command's words as given (the text's own options, like --at, among them). */
  words: readonly string[];
  /** Who typed it; the user's login name if not given. */
  as?: string;
}

export async function runCommand(options: RunOptions, io: Io): Promise<number> {
  const text = options.words.join(' ');
  if (!text.trim()) {
    io.stderr.write(`herald: nothing to run: give a command, e.g. herald run 'list' or herald run 'help'\n`);
    return EXIT.refused;
  }
  const opened = await openHerald(io, { oneShot: true, publishOnChange: false, followPlan: true });
  if (typeof opened === 'number') return opened;
  const { config, herald } = opened;
  try {
    const outcome = herald.handle({ text, actor: shellActor(options.as), requestId: newRequestId('run') });
    const rendered = renderReplyText(outcome, config.core, herald.dryOutlets);
    if (outcome.kind === 'refused') {
      io.stderr.write(`${rendered}\n`);
      return EXIT.refused;
    }
    io.stdout.write(`${rendered}\n`);
    if (outcome.kind === 'recorded' && outcome.deliveries.length > 0) {
      const waiting = whoDelivers(config.paths.dataDir);
      if (waiting) io.stdout.write(`${waiting}\n`);
    }
    return EXIT.ok;
  } finally {
    await herald.close();
  }
}

/**
 * For `herald run`'s answer: who will deliver what it recorded. The running `herald start` (which wrote the
 * outlets the deliveries were made for), or nobody yet.
 */
function whoDelivers(dataDir: string): string | null {
  const pid = runningHolder(dataDir);
  if (pid !== null) return `  Delivered by the running Herald (pid ${pid}), with its credentials.`;
  const planned = readDeliveryPlan(dataDir) !== null;
  return `  No Herald is running on this data folder: the deliveries wait for \`herald start\` or \`herald publish\`${planned ? ' (made for the outlets the last herald start had)' : ''}.`;
}
