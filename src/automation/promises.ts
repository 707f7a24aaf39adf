// Promised updates (`--next 20:00`): five minutes before the promised time, Herald reminds the post's author
// (a direct message in Slack or Discord, a line at `herald start`'s prompt) and says so in each
// announcement channel. Chat messages for staff only: nothing here writes a post, so nothing reaches the
// site, the feeds or the social networks.
//
// The scheduler's job finds the live promises (src/bot/promises.ts: only an open incident's latest post's)
// whose reminder is due and records step `next-reminder:<post id>` in automation_steps, together with the
// messages it queues, in one transaction: recorded once, never again after a restart. The messages go out
// through the prompt desk (src/automation/prompts.ts), each platform's adapter sending them; a message
// whose promise was cleared (a new post, the incident closed, the post retracted) before it could be sent
// is dropped.

import type { CoreSettings } from '../bot/catalog.js';
import type { NewPrompt, Prompt, PromptKind, Store } from '../bot/ports.js';
import { type LivePromise, reminderDueAt, reminderStep } from '../bot/promises.js';
import type { Platform } from '../bot/types.js';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { ScheduledJob } from '../scheduler.js';
import { authorReminder, channelReminder } from '../templates/promises.js';
import type { PromptKindHandler } from './prompts.js';

/** An announcement channel a reminder is said in: Slack's SLACK_ANNOUNCE_CHANNEL, Discord's. */
export interface ReminderChannel {
  platform: Platform;
  id: string;
}

/** The configured announcement channels: Slack's, then Discord's. */
export function announcementChannels(config: Pick<Config, 'slack' | 'discord'>): ReminderChannel[] {
  const channels: ReminderChannel[] = [];
  if (config.slack?.announceChannel) channels.push({ platform: 'slack', id: config.slack.announceChannel });
  if (config.discord?.announceChannel)
    channels.push({ platform: 'discord', id: config.discord.announceChannel });
  return channels;
}

export interface PromiseDeps {
  store: Store;
  settings: Pick<CoreSettings, 'zones'>;
  /** The configured announcement channels. */
  channels: readonly ReminderChannel[];
  clock: { now(): number };
  log: Logger;
}

/** A channel's message is recorded under its own step, as the prompts table keeps one per step. */
const channelStep = (postId: number, platform: Platform): string =>
  `${reminderStep(postId)}:${platform}-channel`;

const POST_OF_STEP = /^next-reminder:(\d+)(?::|$)/;

export function createPromiseReminderJob(deps: PromiseDeps): ScheduledJob {
  const { store, channels } = deps;
  const log = deps.log.child({ component: 'scheduler', job: 'promises' });

  /** Records the reminder as skipped (once), with why. */
  function skip(promise: LivePromise, dueAt: number, now: number, why: string): void {
    store.transact((repo) => {
      if (repo.step(promise.incidentId, reminderStep(promise.postId))) return;
      repo.recordStep({
        incidentId: promise.incidentId,
        key: reminderStep(promise.postId),
        dueAt,
        doneAt: now,
        outcome: 'skipped',
        postId: null,
        note: why,
      });
    });
    log.info({ incident: promise.incidentId, post: promise.postId, why }, 'promise reminder skipped');
  }

  /** Queues the author's message and each channel's, and records the step, in one transaction. */
  function remind(promise: LivePromise, dueAt: number, now: number): boolean {
    const author = promise.author?.platform === 'herald' ? null : promise.author;
    if (!author && channels.length === 0) {
      skip(
        promise,
        dueAt,
        now,
        'nobody to remind: its author is not known and no announcement channel is set',
      );
      return false;
    }
    const { incidentId, postId } = promise;
    const queued = store.transact((repo) => {
      const key = reminderStep(postId);
      if (repo.step(incidentId, key)) return false;
      const record = (step: string, note: string | null) =>
        repo.recordStep({
          incidentId,
          key: step,
          dueAt,
          doneAt: now,
          outcome: 'prompted',
          postId: null,
          note,
        });
      const queue = (step: string, kind: PromptKind, to: NewPrompt['to']) =>
        repo.queuePrompt({ incidentId, step, kind, to, createdAt: now });
      record(key, author ? null : 'its author is not known: the announcement channels only');
      if (author)
        queue(key, 'next-reminder', { platform: author.platform, id: author.id, name: author.name });
      for (const channel of channels) {
        const step = channelStep(postId, channel.platform);
        record(step, null);
        queue(step, 'next-reminder-channel', {
          platform: channel.platform,
          id: channel.id,
          name: `the ${channel.platform} announcement channel`,
        });
      }
      return true;
    });
    if (queued) {
      log.info(
        { incident: incidentId, post: postId, to: author?.name ?? null, channels: channels.length },
        'reminding of a promised update',
      );
    }
    return queued;
  }

  return {
    name: 'promises',
    run(now) {
      let done = 0;
      let nextAt: number | null = null;
      for (const promise of store.promises()) {
        const dueAt = reminderDueAt(promise);
        const recorded = store.steps(promise.incidentId).some((s) => s.key === reminderStep(promise.postId));
        if (recorded) continue;
        if (dueAt === null) {
          skip(promise, promise.at, now, 'promised less than five minutes ahead');
          done++;
        } else if (dueAt > now) {
          if (nextAt === null || dueAt < nextAt) nextAt = dueAt;
        } else if (remind(promise, dueAt, now)) {
          done++;
        }
      }
      return { done, nextAt };
    },
  };
}

/**
 * The reminders as the prompt desk sends them: rendered at the moment of sending (the time left counted
 * then), or dropped when their promise is no longer live. Nothing to answer.
 */
export function createPromiseReminders(
  deps: Pick<PromiseDeps, 'store' | 'settings' | 'clock'>,
): PromptKindHandler[] {
  const { store, settings, clock } = deps;
  const livePromise = (prompt: Prompt): LivePromise | undefined => {
    const postId = Number(POST_OF_STEP.exec(prompt.step)?.[1]);
    return store.promises().find((p) => p.postId === postId && p.incidentId === prompt.incidentId);
  };
  const handler = (kind: PromptKind, audience: 'person' | 'channel'): PromptKindHandler => ({
    kind,
    render(prompt) {
      const promise = livePromise(prompt);
      const incident = promise && store.incident(promise.incidentId);
      if (!promise || !incident) return null;
      const words = (audience === 'person' ? authorReminder : channelReminder)(
        promise,
        incident,
        clock.now(),
        settings.zones,
      );
      return { prompt, ...words, choices: [], audience };
    },
    mayAnswer: () => false,
    answer: (prompt) => ({
      kind: 'note',
      text: `A reminder has nothing to answer: post the update with /status update ${prompt.incidentId} "…"`,
    }),
  });
  return [handler('next-reminder', 'person'), handler('next-reminder-channel', 'channel')];
}
