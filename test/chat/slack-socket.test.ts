// Slack in Socket Mode: real Bolt opens a connection with the app token (apps.connections.open), takes the
// fake's hello, and acknowledges each envelope over the WebSocket before doing the work.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTIONS } from '../../src/templates/slack/blocks.js';
import { answerText, buttonValue, FAKE_SLACK, type SlackWorld, startSlackWorld } from '../fakes/slack.js';

describe('Slack over Socket Mode', () => {
  let world: SlackWorld;
  const posts = () => world.herald.herald.store.recentPosts(100);

  beforeAll(async () => {
    world = await startSlackWorld({ mode: 'socket', preview: false });
  });
  afterAll(async () => {
    await world.close();
  });

  it('connects with the app token and checks the bot token, with no HTTP route', () => {
    expect(world.adapter.mode).toBe('socket');
    expect(world.adapter.routes).toEqual([]);
    expect(world.fake.sockets()).toBe(1);
    const open = world.fake.calls.find((c) => c.method === 'apps.connections.open');
    expect(open?.token).toBe(FAKE_SLACK.appToken);
    expect(world.fake.calls.find((c) => c.method === 'auth.test')?.token).toBe(FAKE_SLACK.botToken);
  });

  it('acknowledges a slash command envelope, records it once and answers privately', async () => {
    const sent = await world.slash('email smtp down "Outgoing mail queue stuck"');
    expect(sent.ack).toMatchObject({ envelope_id: expect.stringMatching(/^env-/) });
    const answer = await world.answer(sent.key);
    expect(answer.body.response_type).toBe('ephemeral');
    expect(answerText(answer)).toContain('Recorded post 1.1 in incident #1');
    expect(posts()).toHaveLength(1);
  });

  it('records a command delivered three times (retry_attempt) once', async () => {
    const first = await world.slash('email imap degraded "Slow logins"');
    const again = { triggerId: first.triggerId, key: first.key };
    await world.slash('email imap degraded "Slow logins"', { ...again, retryNum: 1 });
    await world.slash('email imap degraded "Slow logins"', { ...again, retryNum: 2 });
    await world.answer(first.key);
    await new Promise((done) => setTimeout(done, 100));
    expect(posts().filter((p) => p.text === 'Slow logins')).toHaveLength(1);
    expect(world.fake.responsesTo(first.key).some((r) => answerText(r).includes('Already'))).toBe(false);
  });
});

describe('Slack previews over Socket Mode', () => {
  let world: SlackWorld;
  beforeAll(async () => {
    world = await startSlackWorld({ mode: 'socket', preview: true });
  });
  afterAll(async () => {
    await world.close();
  });

  it('publishes a preview when its author presses Publish (an interactive envelope)', async () => {
    const sent = await world.slash('nc026 imap down "IMAP restarting"');
    const preview = await world.answer(sent.key);
    expect(world.herald.herald.store.recentPosts(10)).toHaveLength(0);
    const pressed = await world.press(ACTIONS.publish, buttonValue(preview, ACTIONS.publish));
    expect(pressed.ack).toMatchObject({ envelope_id: expect.any(String) });
    expect(answerText(await world.answer(pressed.key))).toContain('Recorded post 1.1');
    expect(world.herald.herald.store.recentPosts(10)).toHaveLength(1);
  });
});
