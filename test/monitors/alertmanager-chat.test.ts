// The whole path of issue 17 through the front doors: Debian's real Prometheus Alertmanager posts its grouped
// webhook to Herald's POST /hooks/alertmanager; Herald, wired as `herald start` wires it (createChatAdapters:
// real Bolt over HTTP against the fake Slack, discord.js's REST client against the fake Discord), shows one
// proposal in each staff channel and updates that message in place when the group grows; a signed Publish
// press from a staff member on Slack records the post as theirs and publishes it to the site and the social
// fakes; the alerts resolved in Alertmanager propose the "back up" update on the same incident, shown in both
// channels. The tests of this file run in order on one world.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DISCORD_INTERACTIONS_PATH } from '../../src/adapters/chat/discord.js';
import type { Proposal } from '../../src/monitors/proposal.js';
import { PROPOSAL_ACTIONS } from '../../src/templates/slack/proposal.js';
import { discordText, slackText } from '../chat/surface-contract-worlds.js';
import {
  commandInteraction,
  createInteractionSigner,
  FAKE_APPLICATION_ID,
  FAKE_DISCORD_TOKEN,
  FAKE_STAFF_CHANNEL_ID,
  type FakeDiscord,
  type InteractionSigner,
  postInteraction,
  signedHeaders,
  startFakeDiscord,
} from '../fakes/discord.js';
import {
  answerText,
  buttonPress,
  FAKE_SLACK,
  type FakeMessage,
  type FakeSlack,
  interaction,
  postSigned,
  startFakeSlack,
} from '../fakes/slack.js';
import { type RunningAlertmanager, startAlertmanager } from './alertmanager.js';
import { HOOK, type MonitorWorld, startMonitorWorld, waitFor } from './world.js';

const STAFF_ROLE = '1600000000000000001';
const ann = { id: 'U0STAFF', name: 'ann' };
const anna = { id: '1500000000000000001', username: 'anna', roles: [STAFF_ROLE] };

let slack: FakeSlack;
let discord: FakeDiscord;
let world: MonitorWorld;
let am: RunningAlertmanager;
let signer: InteractionSigner;
beforeAll(async () => {
  [slack, discord] = await Promise.all([startFakeSlack(), startFakeDiscord()]);
  signer = createInteractionSigner();
  world = await startMonitorWorld({
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
    },
    configText: (text) =>
      text
        .replace('users: [] # Slack user ids', `users: ["${ann.id}"] # Slack user ids`)
        .replace('roles: [] # Discord role ids', `roles: ["${STAFF_ROLE}"] # Discord role ids`),
  });
  am = await startAlertmanager({ hookUrl: `${world.url}/hooks/alertmanager`, token: HOOK.alertmanagerToken });
});
afterAll(async () => {
  await am?.stop();
  await world?.close();
  await Promise.all([slack?.close(), discord?.close()]);
});

const smtpAlert = (instance: string, endsAt?: string) => ({
  labels: { alertname: 'SMTPDown', instance, job: 'smtp', severity: 'critical' },
  annotations: { summary: `SMTP on ${instance} does not answer` },
  ...(endsAt ? { endsAt } : {}),
});
const proposals = (): Proposal[] => world.herald.proposals.list();

type DiscordBody = Parameters<typeof discordText>[0];
const slackShown = (m: FakeMessage) => slackText({ blocks: m.blocks, text: m.text });
const slackMessagesOf = (id: number) =>
  slack.messages.filter(
    (m) => m.channel === FAKE_SLACK.staffChannel && slackShown(m).includes(`Proposal ${id}`),
  );
const discordMessagesOf = (id: number) =>
  discord.messages.filter(
    (m) =>
      m.channelId === FAKE_STAFF_CHANNEL_ID && discordText(m.body as DiscordBody).includes(`Proposal ${id}`),
  );
function buttonOf(m: FakeMessage, actionId: string): string | undefined {
  const blocks = m.blocks as Array<{ elements?: Array<{ action_id?: string; value?: string }> }>;
  return blocks.flatMap((b) => b.elements ?? []).find((e) => e.action_id === actionId)?.value;
}

describe('Alertmanager → Herald → Slack and Discord', () => {
  it('shows one grouped notification as one proposal in each staff channel, updated in place when the group grows', async () => {
    await am.post([smtpAlert('nc018.ninernet.net:25'), smtpAlert('nc018.ninernet.net:587')]);
    const p = await waitFor('the proposal', () => proposals()[0]);
    const m = await waitFor('the proposal in Slack', () => slackMessagesOf(p.id)[0]);
    const d = await waitFor('the proposal in Discord', () => discordMessagesOf(p.id)[0]);
    expect(slackShown(m)).toContain('Proposal from the monitors: nothing is published yet');
    expect(slackShown(m)).toContain('2 alerts from alertmanager');
    expect(discordText(d.body as DiscordBody)).toContain(
      'Proposal from the monitors: nothing is published yet',
    );

    await am.post([smtpAlert('nc018.ninernet.net:465')]);
    await waitFor('the Slack message updated', () =>
      slack.updates.some((u) => u.ts === m.ts && slackShown(m).includes('3 alerts from alertmanager')),
    );
    await waitFor('the Discord message edited', () =>
      discord.messageEdits.some(
        (e) => e.messageId === d.id && discordText(d.body as DiscordBody).includes('(revision 2)'),
      ),
    );
    await world.settled();
    expect(proposals()).toHaveLength(1);
    expect(slackMessagesOf(p.id)).toHaveLength(1);
    expect(discordMessagesOf(p.id)).toHaveLength(1);
    expect(world.herald.store.recentPosts(10)).toEqual([]);
  });

  it('a signed Publish press on Slack records the post as the staff member’s, on the site and the social fakes', async () => {
    const [p] = proposals();
    if (!p) throw new Error('no proposal');
    const m = slackMessagesOf(p.id)[0];
    if (!m) throw new Error('no Slack message');
    const payload = buttonPress(slack, {
      actionId: PROPOSAL_ACTIONS.publish,
      value: buttonOf(m, PROPOSAL_ACTIONS.publish) ?? '',
      user: ann,
      responseKey: 'am-publish',
      channel: FAKE_SLACK.staffChannel,
    });
    const r = await postSigned(`${world.url}/slack/events`, interaction(payload));
    expect(r.status).toBe(200);
    await world.settled();
    expect(answerText(await waitFor('the answer', () => slack.responsesTo('am-publish')[0]))).toContain(
      'Recorded',
    );
    const published = world.herald.proposals.list()[0];
    expect(published).toMatchObject({
      fate: 'published',
      decidedBy: { platform: 'slack', id: ann.id, name: 'ann' },
      published: { incidentId: 1, postNumber: 1 },
    });
    const [audit] = world.herald.store.audit();
    expect(audit).toMatchObject({ actor: { platform: 'slack', id: ann.id }, text: p.command, result: 'ok' });
    const [post] = world.herald.store.recentPosts(10);
    expect(post).toMatchObject({ incidentId: 1, author: 'ann', title: 'SMTP on NC018 shut down' });

    await world.herald.publisher.runOnce();
    const page = fs.readFileSync(path.join(world.config.paths.publicDir, 'incidents', '1.html'), 'utf8');
    expect(page).toContain('We are aware of a problem with outgoing mail (SMTP) on server NC018');
    await waitFor('the tweet', () =>
      world.twitter.tweets.some((t) => t.text.startsWith('SMTP on NC018 shut down')),
    );
    await waitFor('the toot', () => world.mastodon.statuses.length === 1);
    await waitFor('the skeet', () => world.bluesky.posts.length === 1);
    // Both channels say who published it.
    await waitFor('Slack settled', () => slackShown(m).includes('Published by @ann as #1.1'));
    const d = discordMessagesOf(p.id)[0];
    await waitFor('Discord settled', () => d && discordText(d.body as DiscordBody).includes('Published by'));
  });

  it('proposes the "back up" update on the same incident when the alerts resolve in Alertmanager, in both channels', async () => {
    const past = new Date(Date.now() - 1000).toISOString();
    await am.post(
      ['nc018.ninernet.net:25', 'nc018.ninernet.net:587', 'nc018.ninernet.net:465'].map((i) =>
        smtpAlert(i, past),
      ),
    );
    const backUp = await waitFor('the back-up proposal', () => proposals().find((p) => p.resolves));
    expect(backUp).toMatchObject({ incidentId: 1, state: 'operational', fate: 'open' });
    expect(backUp.command).toMatch(
      /^resolve 1 "We’ve fixed the problem with SMTP on server NC018 at \d\d:\d\d UTC\. You can now send email again\." --at /,
    );
    const m = await waitFor('the update in Slack', () => slackMessagesOf(backUp.id)[0]);
    const d = await waitFor('the update in Discord', () => discordMessagesOf(backUp.id)[0]);
    expect(slackShown(m)).toContain('Proposal from the monitors: nothing is published yet');
    expect(discordText(d.body as DiscordBody)).toContain(
      'Proposal from the monitors: nothing is published yet',
    );
    expect(buttonOf(m, PROPOSAL_ACTIONS.publish)).toBeTruthy();
    // Nothing is published until staff press Publish.
    expect(world.herald.store.incident(1)?.status).not.toBe('resolved');
  });

  it('a staff member’s structured /status proposals on Discord lists the open back-up proposal and the published one', async () => {
    const backUp = proposals().find((p) => p.resolves);
    if (!backUp) throw new Error('no back-up proposal');
    const body = commandInteraction({ user: anna, channelId: FAKE_STAFF_CHANNEL_ID }, 'proposals', {
      scope: 'all',
    });
    const text = JSON.stringify(body);
    const url = new URL(DISCORD_INTERACTIONS_PATH, `${world.url}/`).href;
    const res = await postInteraction(url, text, signedHeaders(signer, text));
    expect(res.status).toBe(200);
    discord.answered(body, res.json);
    const answer = await waitFor('the answer', () => {
      const a = discord.answer(String(body.token));
      return a ? discordText(a as DiscordBody) : undefined;
    });
    expect(answer).toContain('Open proposals (1):');
    expect(answer).toContain(`${backUp.id}. “`);
    expect(answer).toMatch(/published by ann, post 1\.1/);
    expect(answer).toContain('Decided:');
  });
});
