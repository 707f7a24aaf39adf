// A Herald with the monitors' proposals in chat, as `herald start` wires them (src/app.ts): real Bolt taking
// signed Slack requests and discord.js's REST client taking Ed25519-signed Discord interactions on Herald's
// own server, one shared inbox and worker with the proposals' presses, the Slack and Discord boards added to
// the real monitors service, and fake Slack, Discord and Twitter/X on loopback. Proposals come from the
// monitors service's own front (receive), as the hooks hand it a notification. `restart()` stops Herald as
// SIGTERM does and starts it again on the same data folder; a world started `held` acknowledges presses
// without working them until then.
import path from 'node:path';
import { createDiscordAdapter, DISCORD_INTERACTIONS_PATH } from '../../src/adapters/chat/discord.js';
import { createConversation } from '../../src/adapters/chat/inbox-worker.js';
import { createSlackAdapter } from '../../src/adapters/chat/slack.js';
import { chatProposals } from '../../src/app.js';
import type { MonitorNotice } from '../../src/monitors/monitors.js';
import type { Proposal } from '../../src/monitors/proposal.js';
import { createHttpApp, listen } from '../../src/server.js';
import {
  buttonInteraction,
  createInteractionSigner,
  FAKE_APPLICATION_ID,
  FAKE_DISCORD_TOKEN,
  FAKE_STAFF_CHANNEL_ID,
  type FakeDiscord,
  type FakeUser,
  modalInteraction,
  postInteraction,
  signedHeaders,
  startFakeDiscord,
} from '../fakes/discord.js';
import {
  buttonPress,
  FAKE_SLACK,
  type FakeSlack,
  type FakeSlackUser,
  type FakeView,
  interaction,
  postSigned,
  startFakeSlack,
  viewSubmission,
} from '../fakes/slack.js';
import { FAKE_TWITTER_CREDENTIALS, type FakeTwitter, startFakeTwitter } from '../fakes/twitter.js';
import { createTestHerald, type TestHerald } from '../helpers/herald.js';
import { testLog } from '../helpers/log.js';

export const STAFF_ROLE = '1600000000000000001';
export const anna: FakeUser = { id: '1500000000000000001', username: 'anna', roles: [STAFF_ROLE] };
export const visitor: FakeUser = { id: '1500000000000000002', username: 'visitor', roles: [] };
export const ann: FakeSlackUser = { id: 'U0STAFF', name: 'ann' };
export const bob: FakeSlackUser = { id: 'U0VISITOR', name: 'bob' };
const START = Date.parse('2012-07-27T21:39:27Z');

/** Polls until `find` gives a value (messages arrive over loopback, on their own time). */
export async function waitFor<T>(what: string, find: () => T | undefined | null | false): Promise<T> {
  const until = Date.now() + 10_000;
  for (;;) {
    const found = find();
    if (found) return found;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A firing alert group, as the hooks hand it to the monitors service. */
export function firing(
  groupKey: string,
  alerts: Array<{
    component?: string;
    summary: string;
    fingerprint: string;
    labels?: Record<string, string>;
  }>,
): MonitorNotice {
  return {
    source: 'alertmanager',
    groupKey,
    status: 'firing',
    truncated: 0,
    alerts: alerts.map((a) => ({
      status: 'firing',
      labels: {
        alertname: 'SmtpDown',
        severity: 'critical',
        herald_component: a.component ?? 'nc018 smtp',
        ...a.labels,
      },
      annotations: { summary: a.summary },
      startsAt: START - 60_000,
      fingerprint: a.fingerprint,
    })),
  };
}

export interface ProposalsWorld {
  herald: TestHerald;
  slack: FakeSlack;
  discord: FakeDiscord;
  twitter: FakeTwitter;
  /** Hands a notification to the monitors service and waits until every board shows the change. */
  notify(notice: MonitorNotice): Promise<Proposal[]>;
  proposal(id: number): Proposal | undefined;
  /** The Slack message showing a proposal in the staff channel. */
  slackMessages(): FakeSlack['messages'];
  /** A signed press on a button of a Slack message; returns the key of its response_url. */
  pressSlack(actionId: string, value: string, user?: FakeSlackUser, triggerId?: string): Promise<string>;
  submitSlack(view: FakeView, text: string, user?: FakeSlackUser): Promise<void>;
  /** A signed Discord interaction: a button of the proposal's message, or its Edit form. */
  pressDiscord(customId: string, user?: FakeUser): Promise<Record<string, unknown>>;
  submitDiscord(customId: string, text: string, user?: FakeUser): Promise<Record<string, unknown>>;
  /** Waits until the inbox's worker and the boards have nothing left to do. */
  settle(): Promise<void>;
  restart(): Promise<void>;
  close(): Promise<void>;
}

export async function startProposalsWorld(options: { held?: boolean } = {}): Promise<ProposalsWorld> {
  const slack = await startFakeSlack();
  const discord = await startFakeDiscord();
  const twitter = await startFakeTwitter();
  const signer = createInteractionSigner();
  const herald = createTestHerald({
    env: {
      SLACK_BOT_TOKEN: FAKE_SLACK.botToken,
      SLACK_API_URL: slack.apiUrl,
      SLACK_SIGNING_SECRET: FAKE_SLACK.signingSecret,
      SLACK_STAFF_CHANNEL: FAKE_SLACK.staffChannel,
      DISCORD_TOKEN: FAKE_DISCORD_TOKEN,
      DISCORD_APPLICATION_ID: FAKE_APPLICATION_ID,
      DISCORD_PUBLIC_KEY: signer.publicKey,
      DISCORD_API_URL: discord.apiUrl,
      DISCORD_STAFF_CHANNEL: FAKE_STAFF_CHANNEL_ID,
      TWITTER_API_KEY: FAKE_TWITTER_CREDENTIALS.appKey,
      TWITTER_API_SECRET: FAKE_TWITTER_CREDENTIALS.appSecret,
      TWITTER_ACCESS_TOKEN: FAKE_TWITTER_CREDENTIALS.accessToken,
      TWITTER_ACCESS_SECRET: FAKE_TWITTER_CREDENTIALS.accessSecret,
      TWITTER_API_URL: twitter.url,
    },
    configText: (shipped) =>
      shipped
        .replace('users: [] # Slack user ids', 'users: ["U0STAFF"] # Slack user ids')
        .replace('roles: [] # Discord role ids', `roles: ["${STAFF_ROLE}"] # Discord role ids`),
  });
  let now = START;
  herald.setNow(now);
  const clock = { now: () => now };

  /** As createChatAdapters wires them: one inbox and worker, both adapters, both boards on the monitors. */
  const mount = async (held: boolean) => {
    const log = testLog();
    const h = herald.herald;
    const conversation = createConversation({ core: h, clock, log, proposals: chatProposals(h) });
    const common = {
      chat: h.config.chat,
      core: h,
      settings: h.config.core,
      site: h.config.site,
      log,
      clock,
      conversation,
    };
    const slackConfig = h.config.slack;
    const discordConfig = h.config.discord;
    if (!slackConfig || !discordConfig) throw new Error('Slack and Discord must be configured');
    const slackAdapter = createSlackAdapter({ ...common, config: slackConfig });
    const discordAdapter = createDiscordAdapter({ ...common, config: discordConfig });
    if (!discordAdapter.router || !slackAdapter.proposalBoard || !discordAdapter.proposalBoard)
      throw new Error('the staff channels are not configured');
    const server = await listen(
      createHttpApp({
        publicDir: path.join(herald.dir, 'public'),
        health: () => h.health(),
        log,
        routes: [...slackAdapter.routes, { path: DISCORD_INTERACTIONS_PATH, router: discordAdapter.router }],
      }),
      '127.0.0.1',
      0,
    );
    await slackAdapter.start();
    await discordAdapter.start();
    const removers = [
      h.monitors.addBoard(slackAdapter.proposalBoard),
      h.monitors.addBoard(discordAdapter.proposalBoard),
    ];
    if (!held) conversation.start();
    return {
      conversation,
      eventsUrl: `${server.url}slack/events`,
      interactionsUrl: new URL(DISCORD_INTERACTIONS_PATH, server.url).href,
      async stop() {
        for (const remove of removers) remove();
        await slackAdapter.stop();
        await discordAdapter.stop();
        await conversation.stop();
        await server.close();
      },
    };
  };
  let mounted = await mount(options.held ?? false);
  let keys = 0;

  const settle = async () => {
    await mounted.conversation.idle();
    await herald.herald.monitors.idle();
  };

  async function postDiscord(body: Record<string, unknown>): Promise<Record<string, unknown>> {
    const text = JSON.stringify(body);
    const res = await postInteraction(mounted.interactionsUrl, text, signedHeaders(signer, text));
    if (res.status !== 200) throw new Error(`Discord interaction answered ${res.status}: ${res.text}`);
    discord.answered(body, res.json);
    return body;
  }

  return {
    herald,
    slack,
    discord,
    twitter,
    async notify(notice) {
      const receipt = herald.herald.monitors.receive(notice);
      await herald.herald.monitors.idle();
      return receipt.changed.map(
        (id) => herald.herald.monitors.list({ limit: 1000 }).find((p) => p.id === id) as Proposal,
      );
    },
    proposal: (id) => herald.herald.monitors.list({ limit: 1000 }).find((p) => p.id === id),
    slackMessages: () => slack.messages.filter((m) => m.channel === FAKE_SLACK.staffChannel),
    async pressSlack(actionId, value, user = ann, triggerId) {
      const key = `proposal-press-${++keys}`;
      const payload = buttonPress(slack, {
        actionId,
        value,
        user,
        responseKey: key,
        channel: FAKE_SLACK.staffChannel,
      });
      if (triggerId) payload.trigger_id = triggerId;
      const r = await postSigned(mounted.eventsUrl, interaction(payload));
      if (r.status !== 200) throw new Error(`Slack press answered ${r.status}`);
      return key;
    },
    async submitSlack(view, text, user = ann) {
      const r = await postSigned(mounted.eventsUrl, interaction(viewSubmission(view, text, user)));
      if (r.status !== 200) throw new Error(`Slack submission answered ${r.status}`);
    },
    pressDiscord: (customId, user = anna) =>
      postDiscord(buttonInteraction({ user, channelId: FAKE_STAFF_CHANNEL_ID }, customId)),
    submitDiscord: (customId, text, user = anna) =>
      postDiscord(modalInteraction({ user, channelId: FAKE_STAFF_CHANNEL_ID }, customId, 'text', text)),
    settle,
    async restart() {
      await mounted.stop();
      await herald.reopen();
      now += 60_000;
      herald.setNow(now);
      mounted = await mount(false);
      await settle();
    },
    async close() {
      await mounted.stop();
      await herald.close();
      await Promise.all([slack.close(), discord.close(), twitter.close()]);
    },
  };
}
