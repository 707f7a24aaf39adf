// The `discord` outlet: each published post announced in one channel, an incident's first post as a
// message that starts a thread, and its later posts (corrections and retractions too) inside that thread.
// The remote id is `<message id>/<thread id>`. A rate limit comes back as a retry at Discord's reset time:
// @discordjs/rest is told to reject rather than wait, so the publisher (which persists the wait) waits.

import { Routes } from 'discord-api-types/v10';
import type { Clock } from '../../bot/handle-command.js';
import type { Logger } from '../../logger.js';
import { formatAnnouncement, threadName } from '../../templates/discord/announcement.js';
import { NO_MENTIONS } from '../../templates/discord/text.js';
import { discordErrorFields } from '../discord-client/errors.js';
import { DiscordAPIError, HTTPError, RateLimitError, REST } from '../discord-client/rest.js';
import type { DeliveryResult, OutboundItem, Outlet } from './outlet.js';

export interface DiscordAnnounceOptions {
  token: string;
  /** Discord's REST API: `https://discord.com/api` (DISCORD_API_URL). */
  apiUrl: string;
  /** The channel (DISCORD_ANNOUNCE_CHANNEL): a text or announcement channel the bot may post and thread in. */
  channelId: string;
  log: Logger;
  clock: Clock;
  /** Where message links point. */
  webUrl?: string;
  requestTimeoutMs?: number;
}

/** 7 days: a thread stays open for a week without posts; a new post reopens it. */
const AUTO_ARCHIVE_MINUTES = 10_080;
/** Discord: "A thread has already been created for this message". */
const THREAD_ALREADY_CREATED = 160_004;

interface Remote {
  messageId: string;
  threadId: string | null;
}

export const encodeRemoteId = (r: Remote): string => `${r.messageId}/${r.threadId ?? ''}`;

export function decodeRemoteId(id: string): Remote | null {
  const m = /^(\d+)\/(\d*)$/.exec(id);
  return m?.[1] ? { messageId: m[1], threadId: m[2] || null } : null;
}

interface SentMessage {
  id: string;
  channel_id: string;
}

type Failure = Extract<DeliveryResult, { ok: false }>;

export function createDiscordAnnounceOutlet(options: DiscordAnnounceOptions): Outlet {
  const { channelId, log, clock } = options;
  const webUrl = (options.webUrl ?? 'https://discord.com').replace(/\/$/, '');
  const rest = new REST({
    api: options.apiUrl,
    // The publisher retries with its own backoff and persists Discord's reset time: the library must not wait.
    rejectOnRateLimit: () => true,
    retries: 0,
    timeout: options.requestTimeoutMs ?? 15_000,
  }).setToken(options.token);
  /** The guild of the channel, for message links; asked once. */
  let guild: Promise<string | null> | null = null;
  /** Threads this process started late (after a first message whose thread could not be made). */
  const lateThreads = new Map<string, string>();

  function guildId(): Promise<string | null> {
    guild ??= (rest.get(Routes.channel(channelId)) as Promise<{ guild_id?: string }>).then(
      (c) => c.guild_id ?? null,
      (error) => {
        guild = null;
        log.warn(
          { error: discordErrorFields(error), outlet: 'discord' },
          'could not read the announcement channel',
        );
        return null;
      },
    );
    return guild;
  }

  async function linkTo(where: string, messageId: string): Promise<string | null> {
    const g = await guildId();
    return g ? `${webUrl}/channels/${g}/${where}/${messageId}` : null;
  }

  function send(where: string, content: string, deliveryId: number): Promise<SentMessage> {
    return rest.post(Routes.channelMessages(where), {
      body: {
        content,
        allowed_mentions: NO_MENTIONS,
        // A retry within minutes of an attempt that landed gets the same message back, not a second one.
        nonce: `herald-${deliveryId}`,
        enforce_nonce: true,
      },
    }) as Promise<SentMessage>;
  }

  async function startThread(messageId: string, name: string): Promise<string> {
    try {
      const thread = (await rest.post(Routes.threads(channelId, messageId), {
        body: { name, auto_archive_duration: AUTO_ARCHIVE_MINUTES },
      })) as { id: string };
      return thread.id;
    } catch (error) {
      // A thread started from a message has the message's id.
      if (error instanceof DiscordAPIError && error.code === THREAD_ALREADY_CREATED) return messageId;
      throw error;
    }
  }

  function failure(item: OutboundItem, error: unknown): Failure {
    const id = item.delivery.id;
    if (error instanceof RateLimitError) {
      const wait = Math.max(error.retryAfter, error.timeToReset, 0);
      return {
        id,
        ok: false,
        retry: true,
        error: `Discord rate limit on ${error.route}${error.global ? ' (global)' : ''}: retry in ${Math.ceil(wait / 1000)} s`,
        retryAt: clock.now() + wait,
      };
    }
    if (error instanceof DiscordAPIError) {
      const said = `Discord ${error.status} (code ${error.code}): ${error.message}`;
      if (error.status >= 500 || error.status === 408) return { id, ok: false, retry: true, error: said };
      const hint =
        error.status === 403 || error.status === 404
          ? ` Check that the bot is in the server and may view ${channelId}, send messages and create public threads there.`
          : '';
      return { id, ok: false, retry: false, error: `${said}.${hint}` };
    }
    if (error instanceof HTTPError)
      return { id, ok: false, retry: true, error: `Discord ${error.status}: ${error.message}` };
    const message = error instanceof Error ? error.message : String(error);
    return { id, ok: false, retry: true, error: `Discord unreachable: ${message}` };
  }

  /** The thread an incident's later posts go to: the one its first message started, or one started now. */
  async function threadOf(item: OutboundItem): Promise<string> {
    const root = item.thread.root && decodeRemoteId(item.thread.root);
    if (!root)
      throw new Error(`the incident's first Discord message has an unreadable id: ${item.thread.root}`);
    if (root.threadId) return root.threadId;
    const known = lateThreads.get(root.messageId);
    if (known) return known;
    const thread = await startThread(root.messageId, threadName(item.post));
    lateThreads.set(root.messageId, thread);
    return thread;
  }

  async function deliverOne(item: OutboundItem): Promise<DeliveryResult> {
    const { id, action, requestId } = item.delivery;
    const content = formatAnnouncement(item.post, action);
    if (item.thread.root === null) {
      const sent = await send(channelId, content, id);
      let threadId: string | null = null;
      try {
        threadId = await startThread(sent.id, threadName(item.post));
      } catch (error) {
        // The message is out: record it; the incident's next post starts the thread.
        log.warn(
          { error: discordErrorFields(error), outlet: 'discord', delivery: id, requestId },
          'announced, but the thread could not be started',
        );
      }
      log.info(
        { outlet: 'discord', delivery: id, requestId, message: sent.id, thread: threadId },
        'announced on discord',
      );
      return {
        id,
        ok: true,
        remoteId: encodeRemoteId({ messageId: sent.id, threadId }),
        remoteUrl: await linkTo(channelId, sent.id),
      };
    }
    const threadId = await threadOf(item);
    const sent = await send(threadId, content, id);
    log.info(
      { outlet: 'discord', delivery: id, requestId, message: sent.id, thread: threadId },
      'posted in the discord thread',
    );
    return {
      id,
      ok: true,
      remoteId: encodeRemoteId({ messageId: sent.id, threadId }),
      remoteUrl: await linkTo(threadId, sent.id),
    };
  }

  return {
    name: 'discord',
    threaded: true,
    external: true,
    async deliver(items) {
      const results: DeliveryResult[] = [];
      /** Once Discord limits or cannot be reached, the rest of the batch waits as long. */
      let halt: Failure | null = null;
      for (const item of items) {
        if (halt?.retry) {
          results.push({ ...halt, id: item.delivery.id, error: `not tried: ${halt.error}` });
          continue;
        }
        try {
          results.push(await deliverOne(item));
        } catch (error) {
          const failed = failure(item, error);
          if (failed.retry) halt = failed;
          results.push(failed);
        }
      }
      return results;
    },
  };
}
