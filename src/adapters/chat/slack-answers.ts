// The private answers of /status. Each goes through a response_url, which Slack takes at most five times
// in thirty minutes: a recorded change is shown at once and re-rendered as its deliveries complete or
// fail (updates coalesce, and stop when the URL is spent); a preview is remembered until it is published,
// cancelled or expires, and then loses its buttons.

import type { RespondArguments, RespondFn } from '@slack/bolt';
import type { Clock, Outcome } from '../../bot/handle-command.js';
import type { Delivery } from '../../bot/types.js';
import type { Logger } from '../../logger.js';
import { applyNotice, type DeliveryNotice } from '../../templates/reply/model.js';
import {
  type BlockContext,
  type ButtonValue,
  renderClosedPreview,
  renderPreview,
  renderRecorded,
  type SlackMessage,
} from '../../templates/slack/blocks.js';

/** Slack's limits on one response_url. */
export const RESPONSE_URL_USES = 5;
export const RESPONSE_URL_LIFETIME_MS = 30 * 60_000;
/** How long a settled preview is remembered, so that a second click on Publish stays quiet. */
const SETTLED_MEMORY_MS = 10 * 60_000;

type Recorded = Extract<Outcome, { kind: 'recorded' }>;
type PreviewOutcome = Extract<Outcome, { kind: 'preview' }>;

/** One response_url: its uses counted, its messages sent in order. */
export interface Answer {
  /**
   * Replaces the message (or posts the first one) with what `render` makes when it is sent. An update
   * that is not `final` is skipped when only one use of the URL is left: that one is kept for the end.
   */
  show(render: () => SlackMessage, final?: boolean): Promise<void>;
  /** A new private message to the person who acted, leaving the answer as it is. */
  whisper(message: SlackMessage): Promise<void>;
}

export function createAnswer(
  respond: RespondFn,
  options: { replaceFirst: boolean; log: Logger; now: () => number },
): Answer {
  const { now } = options;
  const until = now() + RESPONSE_URL_LIFETIME_MS;
  let uses = 0;
  let shown = options.replaceFirst;
  let chain: Promise<void> = Promise.resolve();
  let queued: { render: () => SlackMessage; final: boolean } | null = null;

  const send = async (args: RespondArguments, final = true): Promise<void> => {
    if (!final && uses >= RESPONSE_URL_USES - 1) return;
    if (uses >= RESPONSE_URL_USES || now() > until) {
      options.log.debug('response_url spent: the answer is not updated any more');
      return;
    }
    uses++;
    try {
      await respond(args);
    } catch (error) {
      options.log.warn({ err: error }, 'could not answer through the response_url');
    }
  };

  return {
    show(render, final = true) {
      const waiting = queued !== null;
      queued = { render, final: final || (queued?.final ?? false) };
      // A message already waiting to be sent will render the latest state: one send serves both.
      if (waiting) return chain;
      chain = chain.then(async () => {
        const next = queued;
        queued = null;
        if (!next) return;
        const message = next.render();
        const replace = shown;
        shown = true;
        await send(
          {
            response_type: 'ephemeral',
            replace_original: replace,
            text: message.text,
            blocks: message.blocks,
          },
          next.final,
        );
      });
      return chain;
    },
    whisper(message) {
      chain = chain.then(() =>
        send({
          response_type: 'ephemeral',
          replace_original: false,
          text: message.text,
          blocks: message.blocks,
        }),
      );
      return chain;
    },
  };
}

interface Tracked {
  outcome: Recorded;
  deliveries: Map<number, Delivery>;
  answer: Answer;
  until: number;
}

interface ShownPreview {
  text: string;
  authorId: string;
  requestId: string | null;
  answer: Answer;
  timer: NodeJS.Timeout;
}

export interface Answers {
  /** Shows a recorded change and keeps it up to date as its deliveries complete or fail. */
  recorded(outcome: Recorded, answer: Answer): Promise<void>;
  /** Shows a preview with its buttons; it loses them when it expires. */
  preview(
    outcome: PreviewOutcome,
    answer: Answer,
    button: Omit<ButtonValue, 'text' | 'previewId'>,
    text: string,
  ): Promise<void>;
  /** The command text of a preview shown by this process. */
  previewText(previewId: string): string | undefined;
  /** The preview was published, cancelled or replaced: forget it (and stop its expiry). */
  settle(previewId: string): void;
  wasSettled(previewId: string): boolean;
  /** Feeds a delivery's result in (ChatCore.onDelivery). */
  onDelivery(notice: DeliveryNotice): void;
  close(): void;
}

export function createAnswers(options: {
  ctx: BlockContext;
  clock: Clock;
  log: Logger;
  /** How long a preview can be published, as the core was told. */
  previewTtlMs: number;
}): Answers {
  const { ctx, clock, log, previewTtlMs } = options;
  const byDelivery = new Map<number, Tracked>();
  const previews = new Map<string, ShownPreview>();
  const settled = new Map<string, number>();

  const forget = (t: Tracked) => {
    for (const id of t.deliveries.keys()) byDelivery.delete(id);
  };
  const sweep = () => {
    const now = clock.now();
    for (const t of new Set(byDelivery.values())) if (now > t.until) forget(t);
    for (const [id, at] of settled) if (now - at > SETTLED_MEMORY_MS) settled.delete(id);
  };
  const render = (t: Tracked) => () => renderRecorded(t.outcome, [...t.deliveries.values()], ctx);

  return {
    recorded(outcome, answer) {
      sweep();
      const t: Tracked = {
        outcome,
        deliveries: new Map(outcome.deliveries.map((d) => [d.id, d])),
        answer,
        until: clock.now() + RESPONSE_URL_LIFETIME_MS,
      };
      for (const id of t.deliveries.keys()) byDelivery.set(id, t);
      return answer.show(render(t));
    },

    preview(outcome, answer, button, text) {
      sweep();
      const previewId = outcome.previewId;
      const left = Math.max(0, outcome.expiresAt - clock.now());
      // Real time for the timer (the core's clock may be a test's); never longer than the TTL it was given.
      const timer = setTimeout(() => {
        if (!previews.has(previewId)) return;
        previews.delete(previewId);
        void answer.show(() =>
          renderClosedPreview('This preview expired and nothing was published. Run the command again.'),
        );
      }, Math.min(left, previewTtlMs) + 1_000);
      timer.unref();
      previews.set(previewId, {
        text,
        authorId: button.authorId,
        requestId: button.requestId,
        answer,
        timer,
      });
      return answer.show(() => renderPreview(outcome, ctx, { button: { ...button, previewId }, text }));
    },

    previewText: (previewId) => previews.get(previewId)?.text,

    settle(previewId) {
      const p = previews.get(previewId);
      if (p) clearTimeout(p.timer);
      previews.delete(previewId);
      settled.set(previewId, clock.now());
    },

    wasSettled: (previewId) => settled.has(previewId),

    onDelivery(notice) {
      const t = byDelivery.get(notice.delivery.id);
      if (!t) return;
      const before = t.deliveries.get(notice.delivery.id) ?? notice.delivery;
      t.deliveries.set(notice.delivery.id, applyNotice(before, notice, clock.now(), ctx.dryOutlets));
      const done = [...t.deliveries.values()].every((d) => d.status !== 'pending');
      if (done) forget(t);
      // A delivery that keeps retrying is shown the first time only: each retry would spend one of the
      // URL's five uses. The last use is kept for the moment every delivery is settled.
      if (notice.status === 'retrying' && notice.delivery.attempts > 1) return;
      void t.answer.show(render(t), done);
    },

    close() {
      for (const p of previews.values()) clearTimeout(p.timer);
      previews.clear();
      byDelivery.clear();
      settled.clear();
      log.debug('slack answers closed');
    },
  };
}
