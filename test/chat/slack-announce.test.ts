// The `slack` outlet: the real core, outbox and publisher with the announcement outlet talking to the fake
// Slack Web API. Every post in the channel, follow-ups threaded under the incident's first message; a 429
// waits for its Retry-After; a lost answer is found again rather than posted twice.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSlackAnnounceOutlet, SLACK_OUTLET } from '../../src/adapters/outlets/slack-announce.js';
import { FAKE_SLACK, type FakeSlack, startFakeSlack } from '../fakes/slack.js';
import { testLog } from '../helpers/log.js';
import { createPublishingWorld, type PublishingWorld } from '../helpers/publishing.js';

describe('the Slack announcement outlet', () => {
  let fake: FakeSlack;
  let world: PublishingWorld;
  const deliveries = () => world.core.store.deliveries({ outlet: SLACK_OUTLET });
  const posted = () => fake.calls.filter((c) => c.method === 'chat.postMessage');

  beforeEach(async () => {
    fake = await startFakeSlack();
    world = createPublishingWorld({
      outlets: [
        createSlackAnnounceOutlet({
          config: {
            botToken: FAKE_SLACK.botToken,
            apiUrl: fake.apiUrl,
            announceChannel: FAKE_SLACK.announceChannel,
          },
          log: testLog(),
          clock: { now: () => world.core.now() },
        }),
      ],
    });
  });
  afterEach(async () => {
    world.close();
    await fake.close();
  });

  it('posts the first message of an incident in the channel and threads the follow-ups under it', async () => {
    world.record('nc018 smtp down "We have shut down the SMTP server."');
    world.record('update nc018 smtp "Still cleaning up."');
    world.record('resolve nc018 smtp "SMTP is back."');
    const [report] = await world.publish();
    expect(report).toMatchObject({ outlet: SLACK_OUTLET, sent: 3, failed: 0 });
    const [first, second, third] = fake.messages;
    expect(first?.thread_ts).toBeNull();
    expect(second?.thread_ts).toBe(first?.ts);
    expect(third?.thread_ts).toBe(first?.ts);
    expect(first?.channel).toBe(FAKE_SLACK.announceChannel);
    expect(JSON.stringify(first?.blocks)).toContain('SMTP on NC018 shut down');
    expect(JSON.stringify(second?.blocks)).toContain('Still cleaning up.');
    // The remote id is the message's ts, so later posts find their thread.
    expect(deliveries().map((d) => d.remoteId)).toEqual(fake.messages.map((m) => m.ts));
    expect(first?.metadata?.event_payload).toMatchObject({ delivery: deliveries()[0]?.id });
  });

  it('retries a 429 from chat.postMessage after its Retry-After, never earlier', async () => {
    world.record('nc026 web down "Web server down."');
    fake.setFault({ method: 'chat.postMessage', kind: 'rate-limit', retryAfter: 30 });
    const start = world.core.now();
    const [report] = await world.publish();
    expect(report).toMatchObject({ sent: 0, retrying: 1 });
    expect(report?.errors[0]).toContain('Retry-After 30');
    const waiting = deliveries()[0];
    expect(waiting?.status).toBe('pending');
    expect(waiting?.nextAttemptAt).toBeGreaterThanOrEqual(start + 30_000);
    expect(fake.messages).toHaveLength(0);

    world.core.setNow(start + 29_000);
    await world.publish();
    expect(posted()).toHaveLength(1);

    world.core.setNow(start + 30_000);
    const [later] = await world.publish();
    expect(later).toMatchObject({ sent: 1 });
    expect(posted()).toHaveLength(2);
    expect(fake.messages).toHaveLength(1);
  });

  it('finds the message of an attempt whose answer was lost instead of posting it twice', async () => {
    world.record('email pop down "POP3 down."');
    fake.setFault({ method: 'chat.postMessage', kind: 'lose-response' });
    const [report] = await world.publish();
    expect(report).toMatchObject({ sent: 0, retrying: 1 });
    expect(fake.messages).toHaveLength(1);
    world.core.setNow(world.core.now() + 60_000);
    const [again] = await world.publish();
    expect(again).toMatchObject({ sent: 1 });
    expect(fake.messages).toHaveLength(1);
    expect(deliveries()[0]?.remoteId).toBe(fake.messages[0]?.ts);
    expect(fake.calls.some((c) => c.method === 'conversations.history')).toBe(true);
  });

  it('gives up with Slack’s reason when the channel is wrong', async () => {
    world.record('email relay down "Relay down."');
    fake.setFault({ method: 'chat.postMessage', kind: 'error', error: 'not_in_channel' });
    const [report] = await world.publish();
    expect(report).toMatchObject({ failed: 1 });
    expect(deliveries()[0]?.lastError).toContain('not_in_channel (invite the bot to the channel');
  });

  it('sends typed <!channel> and @here as plain text that pings nobody', async () => {
    world.record('nc018 dns down "<!channel> DNS is down, @here & @everyone"');
    await world.publish();
    const sent = JSON.stringify(fake.messages[0]);
    expect(sent).not.toMatch(/<!(channel|here|everyone)/);
    expect(sent).not.toMatch(/@(channel|here|everyone)/);
    expect(sent).toContain('&lt;!channel&gt; DNS is down, @\u2060here &amp; @\u2060everyone');
  });
});
