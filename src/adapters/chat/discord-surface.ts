// Discord's side of the inbox's worker: a row (a /status command, a Publish or Cancel press, an edited
// preview, an answer to one of Herald's questions) becomes the core's work, and the result is edited into
// the interaction's private answer while its token lasts (15 minutes), then again as each delivery
// completes or fails; after that, the author gets the result as a direct message from the bot.

import { MessageFlags, Routes } from 'discord-api-types/v10';
import type { Clock, Outcome } from '../../bot/handle-command.js';
import type { Actor, Delivery } from '../../bot/types.js';
import type { ChatConfig } from '../../config.js';
import type { Logger } from '../../logger.js';
import type { InboxRow } from '../../store/inbox.js';
import {
  type DiscordMessage,
  type DiscordRenderContext,
  renderApology,
  renderOutcome,
} from '../../templates/discord/reply.js';
import { applyNotice } from '../../templates/reply/model.js';
import { discordErrorFields } from '../discord-client/errors.js';
import type { REST } from '../discord-client/rest.js';
import type { DeliveryNotice } from './chat-core.js';
import { renderNote } from './discord-prompts.js';
import { type Done, REPLY_WINDOW_MS, type Surface, type Work } from './inbox-worker.js';

export type DiscordKind = 'command' | 'preview' | 'publish' | 'cancel' | 'edit' | 'prompt' | 'proposal';

/** Where an interaction is answered: its application and token (valid for 15 minutes). */
export interface ReplyAddress {
  applicationId: string;
  token: string;
}

/** What a Discord row carries: the actor, the reply address, and what was asked. */
export type DiscordPayload = ReplyAddress & { actor: Actor } & (
    | { text: string }
    /** A /status the form could not express: refused at the door, answered in turn. */
    | { refusal: string }
    | { previewId: string }
    /** An edited preview: the new text, and whether it came from the preview's own message. */
    | { text: string; replaces: string; inMessage: boolean }
    | { promptId: number; answer: string }
    /** A press on a proposal's button (issue 17); `text` is Edit's command. */
    | { proposal: { id: number; action: 'publish' | 'edit' | 'dismiss'; text?: string } }
  );

type Recorded = Extract<Outcome, { kind: 'recorded' }>;

/** A private answer that follows its deliveries: edited as each completes, while its token lasts. */
interface Tracker {
  address: ReplyAddress;
  outcome: Recorded;
  views: Delivery[];
  until: number;
  dirty: boolean;
  running: Promise<void> | null;
}

/** What the Edit button needs: the preview's text and author (the core keeps them; this is a copy). */
export interface PreviewNote {
  text: string;
  actor: Actor;
  until: number;
}

export interface DiscordSurface extends Surface {
  /** Previews shown by this process, for the Edit button. */
  previews: Map<string, PreviewNote>;
  onDelivery(notice: DeliveryNotice): void;
  /** Waits for edits in flight. */
  settled(): Promise<void>;
}

export interface DiscordSurfaceOptions {
  rest: REST;
  /** Whether the bot's token is set (direct messages need it). */
  canMessage: boolean;
  chat: ChatConfig;
  ctx: DiscordRenderContext;
  clock: Clock;
  log: Logger;
}

/** The three ways to answer on Discord: edit the private answer, a private follow-up, a direct message. */
function createDiscordReplies(rest: REST, canMessage: boolean, log: Logger) {
  async function editOriginal(a: ReplyAddress, body: DiscordMessage): Promise<void> {
    try {
      await rest.patch(Routes.webhookMessage(a.applicationId, a.token, '@original'), { body, auth: false });
    } catch (error) {
      log.warn(
        { error: discordErrorFields(error), platform: 'discord' },
        'could not edit the answer to an interaction',
      );
    }
  }

  async function followUp(a: ReplyAddress, body: DiscordMessage): Promise<void> {
    try {
      await rest.post(Routes.webhook(a.applicationId, a.token), {
        body: { ...body, flags: MessageFlags.Ephemeral },
        auth: false,
      });
    } catch (error) {
      log.warn(
        { error: discordErrorFields(error), platform: 'discord' },
        'could not send a private follow-up',
      );
    }
  }

  /** After the token's 15 minutes: a direct message from the bot to the author. */
  async function direct(actor: Actor, body: DiscordMessage): Promise<void> {
    if (!canMessage) {
      log.warn(
        { user: actor.id },
        'an answer came after its reply window, and without DISCORD_TOKEN no direct message can carry it',
      );
      return;
    }
    try {
      const dm = (await rest.post(Routes.userChannels(), { body: { recipient_id: actor.id } })) as {
        id: string;
      };
      await rest.post(Routes.channelMessages(dm.id), { body: { ...body, components: [] } });
    } catch (error) {
      log.warn(
        { error: discordErrorFields(error), user: actor.id },
        'could not send the answer as a direct message',
      );
    }
  }

  return { editOriginal, followUp, direct };
}

export function createDiscordSurface(o: DiscordSurfaceOptions): DiscordSurface {
  const { rest, chat, ctx, clock, log } = o;
  const previews = new Map<string, PreviewNote>();
  const trackers = new Map<number, Tracker>();
  const work = new Set<Promise<unknown>>();
  const keep = (p: Promise<unknown>): void => {
    work.add(p);
    void p.finally(() => work.delete(p));
  };

  const { editOriginal, followUp, direct } = createDiscordReplies(rest, o.canMessage, log);

  /** Edits a tracked answer; edits that pile up while one is in flight become one. */
  function flush(t: Tracker): Promise<void> {
    t.dirty = true;
    if (t.running) return t.running;
    const running = (async () => {
      while (t.dirty) {
        t.dirty = false;
        await editOriginal(t.address, renderOutcome(t.outcome, ctx, t.views));
      }
    })().finally(() => {
      t.running = null;
    });
    t.running = running;
    keep(running);
    return running;
  }

  function track(row: InboxRow, address: ReplyAddress, outcome: Recorded): Promise<void> {
    const t: Tracker = {
      address,
      outcome,
      views: [...outcome.deliveries],
      until: row.receivedAt + REPLY_WINDOW_MS,
      dirty: false,
      running: null,
    };
    for (const v of t.views) trackers.set(v.id, t);
    return flush(t);
  }

  /** Shows what the core answered: in the interaction's private message, or by direct message. */
  async function show(row: InboxRow, p: DiscordPayload, outcome: Outcome, open: boolean): Promise<void> {
    if (outcome.kind === 'preview' && 'text' in p) {
      const now = clock.now();
      for (const [id, n] of previews) if (n.until + REPLY_WINDOW_MS < now) previews.delete(id);
      previews.set(outcome.previewId, { text: p.text, actor: p.actor, until: outcome.expiresAt });
    }
    if (!open) return direct(p.actor, renderOutcome(outcome, ctx));
    if (outcome.kind === 'recorded') return track(row, p, outcome);
    return editOriginal(p, renderOutcome(outcome, ctx));
  }

  const prepare = async (row: InboxRow): Promise<Work> => {
    const p = row.payload as DiscordPayload;
    const ids = { requestKey: row.requestId, requestId: row.requestId };
    if ('refusal' in p)
      return { kind: 'answer', outcome: { kind: 'refused', code: 'syntax', message: p.refusal } };
    if ('promptId' in p)
      return { kind: 'prompt', press: { promptId: p.promptId, answer: p.answer, actor: p.actor, ...ids } };
    if ('proposal' in p) {
      const { id, action, text } = p.proposal;
      const press = {
        proposalId: id,
        action,
        actor: p.actor,
        ...(text === undefined ? {} : { text }),
        ...ids,
      };
      return { kind: 'proposal', press };
    }
    if ('previewId' in p) {
      const action = { previewId: p.previewId, actor: p.actor, ...ids };
      return row.kind === 'publish' ? { kind: 'confirm', action } : { kind: 'cancel', action };
    }
    const input = { text: p.text, actor: p.actor, ...ids };
    if ('replaces' in p)
      return {
        kind: 'preview',
        input,
        ttlMs: chat.previewTtlMs,
        replaces: { previewId: p.replaces, actor: p.actor },
      };
    return row.kind === 'preview'
      ? { kind: 'preview', input, ttlMs: chat.previewTtlMs }
      : { kind: 'handle', input };
  };

  async function answer(row: InboxRow, done: Done, open: boolean): Promise<void> {
    const p = row.payload as DiscordPayload;
    if ('proposal' in p && done.kind === 'prompt') {
      // Said privately to the presser (the deferred answer); the proposal's message says it for everyone.
      const reply = done.reply;
      const body = reply.kind === 'note' ? renderNote(reply.text) : renderOutcome(reply.outcome, ctx);
      if (!open) return direct(p.actor, body);
      if (reply.kind === 'outcome' && reply.outcome.kind === 'recorded') return track(row, p, reply.outcome);
      return editOriginal(p, body);
    }
    if (done.kind === 'prompt') {
      const reply = done.reply;
      // A completion replaces the question (its buttons go); anything else is said privately.
      if (!open)
        return direct(
          p.actor,
          reply.kind === 'note' ? renderNote(reply.text) : renderOutcome(reply.outcome, ctx),
        );
      if (reply.kind === 'note') return followUp(p, renderNote(reply.text));
      if (reply.outcome.kind === 'recorded') return track(row, p, reply.outcome);
      return followUp(p, renderOutcome(reply.outcome, ctx));
    }
    const outcome = done.outcome;
    if ('previewId' in p) {
      // Someone else's press (or a second press) changes nothing and leaves the author's preview alone.
      if ((outcome.kind === 'refused' && outcome.code === 'not_author') || outcome.kind === 'duplicate')
        return open ? followUp(p, renderOutcome(outcome, ctx)) : direct(p.actor, renderOutcome(outcome, ctx));
      previews.delete(p.previewId);
      return show(row, p, outcome, open);
    }
    if ('replaces' in p) {
      // A mistake in the edited text is said privately and the preview stays, to be edited again.
      if (outcome.kind === 'refused' && p.inMessage && open) return followUp(p, renderOutcome(outcome, ctx));
      if (outcome.kind !== 'refused') previews.delete(p.replaces);
    }
    // Recorded by an earlier delivery of this interaction: that one owns the answer.
    if (outcome.kind === 'duplicate') {
      log.info({ requestId: row.requestId }, 'discord: interaction already handled');
      return;
    }
    return show(row, p, outcome, open);
  }

  return {
    platform: 'discord',
    previews,
    prepare,
    answer,
    async apologise(row, open) {
      const p = row.payload as DiscordPayload;
      await (open ? editOriginal(p, renderApology()) : direct(p.actor, renderApology()));
    },
    onDelivery(notice) {
      const now = clock.now();
      for (const [id, t] of trackers) if (t.until < now) trackers.delete(id);
      const t = trackers.get(notice.delivery.id);
      if (!t) return;
      t.views = t.views.map((d) => applyNotice(d, notice, now, ctx.dryOutlets));
      if (notice.status !== 'retrying') trackers.delete(notice.delivery.id);
      void flush(t);
    },
    async settled() {
      while (work.size) await Promise.allSettled([...work]);
    },
  };
}
