// `herald doctor`'s platform checks: each enabled platform's credentials tried against its API, with the
// client the outlet or adapter itself uses (the same library, the same `*_API_URL`, the same timeout), so
// that what passes here is what Herald will do. A platform without credentials is off, not a failure.

import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import {
  type ApiError,
  type ApiStep,
  type Check,
  CheckFailure,
  callApi,
  displayUrl,
  isTimeout,
  networkReason,
} from './check.js';

const off = (name: string, detail: string): Check => ({ name, status: 'off', detail });

function failed(name: string, error: unknown): Check {
  if (error instanceof CheckFailure) return { name, status: 'fail', detail: error.message, fix: error.fix };
  return {
    name,
    status: 'fail',
    detail: `the check itself failed: ${error instanceof Error ? error.message : String(error)}`,
    fix: 'run it again; if it keeps failing, report it with this output',
  };
}

/** A platform's check, ready to call its API; or its result already (off, or its library failed to load). */
type Prepared = Check | (() => Promise<Check>);

/**
 * `load` imports a platform's libraries and builds its client, and gives back the calls to its API, which
 * answer one line of what was found. A CheckFailure, or any error, becomes a failed check.
 */
async function prepare(name: string, load: () => Promise<() => Promise<string>>): Promise<Prepared> {
  try {
    const run = await load();
    return async () => {
      try {
        return { name, status: 'ok', detail: await run() };
      } catch (error) {
        return failed(name, error);
      }
    };
  } catch (error) {
    return failed(name, error);
  }
}

async function checkTwitter(config: Config): Promise<Prepared> {
  const { apiUrl, credentials } = config.social.twitter;
  if (!credentials) return off('twitter', 'off (dry run: the TWITTER_* credentials are not set)');
  if (!config.core.outlets.includes('twitter'))
    return off('twitter', 'off (credentials set, but twitter is not among the outlets in the configuration)');
  return prepare('twitter', async () => {
    const { causeOf, createTwitterClient, reasonOf } = await import('../adapters/outlets/twitter.js');
    const { ApiRequestError, ApiResponseError } = await import('twitter-api-v2');
    const step: ApiStep = {
      platform: 'X',
      url: apiUrl,
      urlVar: 'TWITTER_API_URL',
      timeoutMs: config.requestTimeoutMs,
      refusedFix:
        "check TWITTER_API_KEY and TWITTER_API_SECRET (the app's consumer keys) and TWITTER_ACCESS_TOKEN and " +
        "TWITTER_ACCESS_SECRET (the posting account's token, read and write); regenerate them in X's developer portal",
    };
    const describe = (error: unknown): ApiError => {
      if (error instanceof ApiResponseError)
        return { kind: 'answer', status: error.code, reason: reasonOf(error.data) };
      const cause = error instanceof ApiRequestError ? causeOf(error) : error;
      return isTimeout(cause) ? { kind: 'timeout' } : { kind: 'network', reason: networkReason(cause) };
    };
    const client = createTwitterClient(apiUrl, credentials, config.requestTimeoutMs);
    return async () => {
      const me = await callApi(step, describe, () => client.v2.me());
      return `signed in as @${me.data.username} (${displayUrl(apiUrl)})`;
    };
  });
}

async function checkMastodon(config: Config): Promise<Prepared> {
  const { url, accessToken } = config.social.mastodon;
  if (!(url && accessToken))
    return off('mastodon', 'off (dry run: MASTODON_URL and MASTODON_ACCESS_TOKEN are not set)');
  if (!config.core.outlets.includes('mastodon'))
    return off(
      'mastodon',
      'off (credentials set, but mastodon is not among the outlets in the configuration)',
    );
  return prepare('mastodon', async () => {
    const { createMastodonClient } = await import('../adapters/outlets/mastodon.js');
    const { MastoHttpError, MastoTimeoutError } = await import('masto');
    const step: ApiStep = {
      platform: 'Mastodon',
      url,
      urlVar: 'MASTODON_URL',
      timeoutMs: config.requestTimeoutMs,
      refusedFix:
        'check MASTODON_ACCESS_TOKEN: an access token of the account on MASTODON_URL with the write:statuses ' +
        'scope (Preferences → Development → your application)',
    };
    const describe = (error: unknown): ApiError => {
      if (error instanceof MastoHttpError)
        return { kind: 'answer', status: error.statusCode, reason: error.message };
      if (error instanceof MastoTimeoutError || isTimeout(error)) return { kind: 'timeout' };
      return { kind: 'network', reason: networkReason(error) };
    };
    const client = createMastodonClient(url, accessToken, config.requestTimeoutMs);
    return async () => {
      const account = await callApi(step, describe, () => client.v1.accounts.verifyCredentials());
      return `signed in as @${account.acct} (${displayUrl(url)})`;
    };
  });
}

async function checkBluesky(config: Config): Promise<Prepared> {
  const { serviceUrl, identifier, appPassword } = config.social.bluesky;
  if (!(identifier && appPassword))
    return off('bluesky', 'off (dry run: BLUESKY_IDENTIFIER and BLUESKY_APP_PASSWORD are not set)');
  if (!config.core.outlets.includes('bluesky'))
    return off('bluesky', 'off (credentials set, but bluesky is not among the outlets in the configuration)');
  return prepare('bluesky', async () => {
    const { createBlueskyAgent } = await import('../adapters/outlets/bluesky.js');
    const { XRPCError } = await import('@atproto/api');
    const step: ApiStep = {
      platform: 'Bluesky',
      url: serviceUrl,
      urlVar: 'BLUESKY_SERVICE_URL',
      timeoutMs: config.requestTimeoutMs,
      refused: (a) => a.status === 401 || a.status === 403 || a.code === 'AuthenticationRequired',
      refusedFix:
        'check BLUESKY_IDENTIFIER (the handle or DID) and BLUESKY_APP_PASSWORD (an app password, from ' +
        "Settings → Privacy and security → App passwords; not the account's own password), and " +
        'BLUESKY_SERVICE_URL if the account lives on its own PDS',
    };
    const describe = (error: unknown): ApiError => {
      if (error instanceof XRPCError && error.status !== 1)
        return { kind: 'answer', status: error.status, reason: error.message, code: error.error };
      const cause = error instanceof XRPCError ? error.cause : error;
      return isTimeout(cause) ? { kind: 'timeout' } : { kind: 'network', reason: networkReason(cause) };
    };
    const agent = createBlueskyAgent(serviceUrl, config.requestTimeoutMs);
    return async () => {
      const session = await callApi(step, describe, () => agent.login({ identifier, password: appPassword }));
      return `logged in as ${session.data.handle} (${displayUrl(serviceUrl)})`;
    };
  });
}

const SLACK_REFUSED = new Set([
  'invalid_auth',
  'not_authed',
  'account_inactive',
  'token_revoked',
  'token_expired',
  'not_allowed_token_type',
]);

async function checkSlack(config: Config, log: Logger): Promise<Prepared> {
  const slack = config.slack;
  if (!slack) return off('slack', 'off (SLACK_BOT_TOKEN is not set)');
  return prepare('slack', async () => {
    const { webApi } = await import('@slack/bolt');
    const { createBoltLogger } = await import('../adapters/slack-client/bolt-logger.js');
    const { SLACK_ERROR_HINTS } = await import('../adapters/outlets/slack-announce.js');
    const clientFor = (token: string) =>
      new webApi.WebClient(token, {
        slackApiUrl: slack.apiUrl,
        retryConfig: { retries: 0 },
        rejectRateLimitedCalls: true,
        timeout: config.requestTimeoutMs,
        logger: createBoltLogger(log.child({ component: 'doctor' })),
      });
    const describe = (error: unknown): ApiError => {
      const coded = error as {
        code?: string;
        data?: { error?: string };
        statusCode?: number;
        original?: unknown;
      };
      switch (coded.code) {
        case webApi.ErrorCode.PlatformError: {
          const code = coded.data?.error ?? 'unknown_error';
          return { kind: 'answer', status: 0, reason: code, code };
        }
        case webApi.ErrorCode.HTTPError:
          return { kind: 'answer', status: coded.statusCode ?? 0, reason: 'HTTP error' };
        case webApi.ErrorCode.RateLimitedError:
          return { kind: 'answer', status: 429, reason: 'rate limited' };
        default: {
          const cause = coded.original ?? error;
          return isTimeout(cause) ? { kind: 'timeout' } : { kind: 'network', reason: networkReason(cause) };
        }
      }
    };
    const step = (refusedFix: ApiStep['refusedFix'], refused: (code: string) => boolean): ApiStep => ({
      platform: 'Slack',
      url: slack.apiUrl,
      urlVar: 'SLACK_API_URL',
      timeoutMs: config.requestTimeoutMs,
      refused: (a) => a.status === 401 || a.status === 403 || refused(a.code ?? ''),
      refusedFix,
    });
    return async () => {
      const bot = clientFor(slack.botToken);
      const auth = await callApi(
        step(
          'check SLACK_BOT_TOKEN: the bot token (xoxb-…) under OAuth & Permissions; reinstall the app if it was revoked',
          (code) => SLACK_REFUSED.has(code),
        ),
        describe,
        () => bot.auth.test(),
      );
      const found = [`bot @${auth.user ?? '?'} in ${auth.team ?? 'its workspace'}`];
      if (slack.appToken) {
        const app = clientFor(slack.appToken);
        await callApi(
          step(
            'check SLACK_APP_TOKEN: an app-level token (xapp-…) with the connections:write scope (Basic ' +
              'Information → App-Level Tokens), and that Socket Mode is on',
            (code) => SLACK_REFUSED.has(code),
          ),
          describe,
          () => app.apps.connections.open(),
        );
        found.push('Socket Mode: SLACK_APP_TOKEN accepted');
      } else {
        found.push('HTTP mode: Slack checks SLACK_SIGNING_SECRET on each request to /slack/events');
      }
      const channel = slack.announceChannel;
      if (channel) {
        await callApi(
          step(
            (a) =>
              SLACK_ERROR_HINTS[a.code ?? ''] ??
              'check SLACK_ANNOUNCE_CHANNEL and the app\'s scopes (reinstall it from "herald slack manifest")',
            (code) =>
              code.startsWith('channel_') ||
              ['not_in_channel', 'missing_scope', 'is_archived'].includes(code),
          ),
          describe,
          () => bot.conversations.history({ channel, limit: 1 }),
        );
        found.push('the announcement channel is readable');
      }
      return `${found.join('; ')} (${displayUrl(slack.apiUrl)})`;
    };
  });
}

async function checkDiscord(config: Config): Promise<Prepared> {
  const discord = config.discord;
  if (!discord) return off('discord', 'off (DISCORD_TOKEN and DISCORD_PUBLIC_KEY are not set)');
  const { token, applicationId, publicKey, announceChannel } = discord;
  if (!token) {
    return {
      name: 'discord',
      status: 'ok',
      detail:
        'interactions endpoint only (no DISCORD_TOKEN, so nothing to try against the API): Discord checks ' +
        'DISCORD_PUBLIC_KEY when it calls /discord/interactions',
    };
  }
  return prepare('discord', async () => {
    const [{ DiscordAPIError, HTTPError, RateLimitError, REST }, { Routes }] = await Promise.all([
      import('../adapters/discord-client/rest.js'),
      import('discord-api-types/v10'),
    ]);
    const rest = new REST({
      api: discord.apiUrl,
      retries: 0,
      timeout: config.requestTimeoutMs,
      rejectOnRateLimit: () => true,
    }).setToken(token);
    const describe = (error: unknown): ApiError => {
      if (error instanceof DiscordAPIError)
        return { kind: 'answer', status: error.status, reason: error.message, code: String(error.code) };
      if (error instanceof HTTPError) return { kind: 'answer', status: error.status, reason: error.message };
      if (error instanceof RateLimitError) return { kind: 'answer', status: 429, reason: 'rate limited' };
      return isTimeout(error) ? { kind: 'timeout' } : { kind: 'network', reason: networkReason(error) };
    };
    const step = (refusedFix: string, refused?: ApiStep['refused']): ApiStep => ({
      platform: 'Discord',
      url: discord.apiUrl,
      urlVar: 'DISCORD_API_URL',
      timeoutMs: config.requestTimeoutMs,
      refusedFix,
      ...(refused ? { refused } : {}),
    });
    const tokenStep = step(
      'check DISCORD_TOKEN: the bot token (Developer Portal → your application → Bot → Reset Token)',
    );
    return async () => {
      const user = (await callApi(tokenStep, describe, () => rest.get(Routes.user()))) as {
        username?: string;
      };
      const app = (await callApi(tokenStep, describe, () => rest.get(Routes.currentApplication()))) as {
        id?: string;
        verify_key?: string;
      };
      if (applicationId && app.id !== applicationId) {
        throw new CheckFailure(
          `DISCORD_APPLICATION_ID is not the application of this bot token (that is ${app.id ?? '?'})`,
          'set DISCORD_APPLICATION_ID to the Application ID under General Information, or DISCORD_TOKEN to ' +
            "that application's bot token",
        );
      }
      if (publicKey && app.verify_key?.toLowerCase() !== publicKey.toLowerCase()) {
        throw new CheckFailure(
          "DISCORD_PUBLIC_KEY is not this application's public key: Discord's signed requests would be refused",
          'copy the Public Key under General Information into DISCORD_PUBLIC_KEY',
        );
      }
      const found = [`bot ${user.username ?? '?'} of application ${app.id ?? '?'}`];
      if (announceChannel) {
        const channelStep = step(
          'check DISCORD_ANNOUNCE_CHANNEL (with Developer Mode on: right-click the channel → Copy Channel ID) and ' +
            'that the bot may see the channel (View Channel, Send Messages, Create Public Threads)',
          (a) => a.status === 403 || a.status === 404,
        );
        await callApi(channelStep, describe, () => rest.get(Routes.channel(announceChannel)));
        found.push('the announcement channel is visible');
      }
      return `${found.join('; ')} (${displayUrl(discord.apiUrl)})`;
    };
  });
}

/**
 * Every platform's check, at the same time; in a fixed order. Loading a client library holds the event loop
 * for a moment, so all are loaded before the first request: no check's timeout runs while another loads.
 */
export async function checkPlatforms(config: Config, log: Logger): Promise<Check[]> {
  const prepared = await Promise.all([
    checkTwitter(config),
    checkMastodon(config),
    checkBluesky(config),
    checkSlack(config, log),
    checkDiscord(config),
  ]);
  return Promise.all(prepared.map((p) => (typeof p === 'function' ? p() : p)));
}
