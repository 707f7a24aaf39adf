// The `slack` outlet: every published post announced in one channel, an incident's follow-ups in the
// thread of its first message. Each message carries the delivery's id as message metadata, so that a retry
// after an answer that never came looks for the message before sending it again. A 429 comes back as a
// retry at Slack's Retry-After, never earlier; Slack's refusals come back with Slack's reason.

import { webApi } from '@slack/bolt';
import type { Clock } from '../../bot/handle-command.js';
import type { SlackConfig } from '../../config.js';
import type { Logger } from '../../logger.js';
import { renderAnnouncement } from '../../templates/slack/announcement.js';
import { createBoltLogger } from '../slack-client/bolt-logger.js';
import {
  type Attempt,
  type CleanAttempts,
  deliverInOrder,
  mayHavePosted,
  type OutboundItem,
  type Outlet,
} from './outlet.js';

export const SLACK_OUTLET = 'slack';
/** The metadata event type Herald's announcements carry. */
export const ANNOUNCEMENT_EVENT = 'herald_status_post';

export interface SlackAnnounceOptions {
  config: Pick<SlackConfig, 'botToken' | 'apiUrl' | 'announceChannel'>;
  log: Logger;
  clock?: Clock;
  /** The longest one request may take. */
  requestTimeoutMs?: number;
}

/** Slack errors that say "not now" rather than "no". */
const TRANSIENT = new Set([
  'ratelimited',
  'internal_error',
  'fatal_error',
  'service_unavailable',
  'request_timeout',
  'team_added_to_org',
]);

/** What to do about Slack's refusals, by Slack's error code (`herald doctor` gives the same advice). */
export const SLACK_ERROR_HINTS: Record<string, string> = {
  not_in_channel: 'invite the bot to the channel (/invite @Herald)',
  channel_not_found: 'check SLACK_ANNOUNCE_CHANNEL (a channel id, C…) and that the bot can see it',
  is_archived: 'the announcement channel is archived',
  invalid_auth: 'check SLACK_BOT_TOKEN',
  not_authed: 'check SLACK_BOT_TOKEN',
  token_revoked: 'the bot token was revoked: reinstall the app and update SLACK_BOT_TOKEN',
  missing_scope: 'the app lacks the chat:write scope: reinstall it from the manifest',
};

interface PostedMessage {
  ts?: string;
  metadata?: { event_type?: string; event_payload?: Record<string, unknown> };
}

export function createSlackAnnounceOutlet(options: SlackAnnounceOptions): Outlet {
  const { config, log } = options;
  const channel: string = config.announceChannel ?? '';
  if (!channel) throw new Error('the slack outlet needs an announcement channel (SLACK_ANNOUNCE_CHANNEL)');
  const clock: Clock = options.clock ?? { now: () => Date.now() };
  // No retries inside the client: the publisher retries with backoff, and a 429 must come back to it.
  const client = new webApi.WebClient(config.botToken, {
    slackApiUrl: config.apiUrl,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: options.requestTimeoutMs ?? 30_000,
    logger: createBoltLogger(log.child({ outlet: SLACK_OUTLET })),
  });
  const cleanAttempts: CleanAttempts = new Map();

  /** The message an earlier attempt of this delivery posted, if the channel (or the thread) shows it. */
  async function findEarlier(item: OutboundItem): Promise<string | undefined> {
    const root = item.thread.root;
    const page = root
      ? await client.conversations.replies({ channel, ts: root, limit: 200, include_all_metadata: true })
      : await client.conversations.history({ channel, limit: 100, include_all_metadata: true });
    const messages = (page.messages ?? []) as PostedMessage[];
    return messages.find(
      (m) =>
        m.metadata?.event_type === ANNOUNCEMENT_EVENT &&
        m.metadata.event_payload?.delivery === item.delivery.id,
    )?.ts;
  }

  function classify(item: OutboundItem, error: unknown, posting: boolean): Attempt {
    const id = item.delivery.id;
    const retry = (message: string, notSent: boolean, retryAt?: number): Attempt => ({
      result: { id, ok: false, retry: true, error: message, ...(retryAt === undefined ? {} : { retryAt }) },
      notSent: notSent || !posting,
      stop: true,
    });
    const coded = error as {
      code?: string;
      retryAfter?: number;
      data?: { error?: string };
      statusCode?: number;
    };
    switch (coded.code) {
      case webApi.ErrorCode.RateLimitedError: {
        const at = clock.now() + (coded.retryAfter ?? 60) * 1000;
        return retry(`Slack API rate limited (Retry-After ${coded.retryAfter ?? '?'} s)`, true, at);
      }
      case webApi.ErrorCode.PlatformError: {
        const reason = coded.data?.error ?? 'unknown_error';
        if (TRANSIENT.has(reason)) return retry(`Slack API: ${reason}`, true);
        const hint = SLACK_ERROR_HINTS[reason];
        return {
          result: {
            id,
            ok: false,
            retry: false,
            error: `Slack refused the announcement: ${reason}${hint ? ` (${hint})` : ''}`,
          },
          notSent: true,
          stop: false,
        };
      }
      case webApi.ErrorCode.HTTPError: {
        const status = coded.statusCode ?? 0;
        if (status >= 500 || status === 408) return retry(`Slack API answered HTTP ${status}`, false);
        return {
          result: { id, ok: false, retry: false, error: `Slack API answered HTTP ${status}` },
          notSent: true,
          stop: false,
        };
      }
      default: {
        const message = error instanceof Error ? error.message : String(error);
        return retry(`Slack API unreachable: ${message}`, false);
      }
    }
  }

  async function attempt(item: OutboundItem): Promise<Attempt> {
    const { id, action, requestId } = item.delivery;
    const sent = (ts: string): Attempt => ({
      result: { id, ok: true, remoteId: ts, remoteUrl: null },
      notSent: false,
      stop: false,
    });
    let posting = false;
    try {
      // Exactly once: an earlier attempt may have posted with its answer lost. Its message says so.
      if (mayHavePosted(cleanAttempts, item.delivery)) {
        try {
          const earlier = await findEarlier(item);
          if (earlier) {
            log.info(
              { outlet: SLACK_OUTLET, delivery: id, requestId, ts: earlier },
              'announcement already in Slack: recorded',
            );
            return sent(earlier);
          }
        } catch (error) {
          // Without the history scopes the check cannot be made; sending is still better than silence.
          if ((error as { code?: string }).code !== webApi.ErrorCode.PlatformError) throw error;
          log.warn({ err: error, delivery: id, requestId }, 'could not look for an earlier announcement');
        }
      }
      posting = true;
      const message = renderAnnouncement(item.post, action);
      const root = item.thread.root;
      const response = await client.chat.postMessage({
        channel,
        text: message.text,
        blocks: message.blocks,
        ...(root ? { thread_ts: root } : {}),
        unfurl_links: false,
        unfurl_media: false,
        metadata: {
          event_type: ANNOUNCEMENT_EVENT,
          event_payload: { delivery: id, post: item.post.id, incident: item.post.incidentId },
        },
      });
      if (!response.ts) throw new Error('Slack answered without a message ts');
      log.info({ outlet: SLACK_OUTLET, delivery: id, requestId, ts: response.ts }, 'announcement posted');
      return sent(response.ts);
    } catch (error) {
      return classify(item, error, posting);
    }
  }

  return {
    name: SLACK_OUTLET,
    threaded: true,
    external: true,
    deliver: (items) => deliverInOrder(items, cleanAttempts, attempt),
  };
}
