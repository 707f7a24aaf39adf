// Previews in Slack: /status shows the post as the site and each network will show it, with Publish, Edit
// and Cancel; nothing is published before Publish, only the author's press counts, and it expires.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTIONS } from '../../src/templates/slack/blocks.js';
import {
  answerText,
  buttonValue,
  type FakeResponse,
  type SlackWorld,
  startSlackWorld,
} from '../fakes/slack.js';

const bob = { id: 'U0VISITOR', name: 'bob' };

describe('Slack previews', () => {
  let world: SlackWorld;
  const posts = () => world.herald.herald.store.recentPosts(100);

  /** Runs a command and returns its preview answer. */
  async function preview(text: string): Promise<{ key: string; answer: FakeResponse }> {
    const sent = await world.slash(text);
    expect(sent.status).toBe(200);
    const answer = await world.answer(sent.key);
    expect(answerText(answer)).toContain('Preview: nothing is published yet');
    return { key: sent.key, answer };
  }

  beforeAll(async () => {
    world = await startSlackWorld({ mode: 'http', preview: true });
  });
  afterAll(async () => {
    await world.close();
  });

  it('shows the post as the site and each network will, with the tweet’s weighted length, and publishes nothing', async () => {
    const { answer } = await preview(
      'nc018 smtp down "We have shut down the SMTP server for a spam cleanup."',
    );
    expect(answer.body.response_type).toBe('ephemeral');
    const text = answerText(answer);
    expect(text).toContain('SMTP on NC018 shut down');
    expect(text).toContain('*Status site*');
    expect(text).toMatch(/\*Twitter\/X\* · weighted length \d+ of 280/);
    expect(text).toMatch(/\*Mastodon\* · length \d+ of 500/);
    expect(text).toMatch(/\*Bluesky\* · graphemes \d+ of 300/);
    expect(text).toContain('incidents/1.html#post-1');
    for (const action of Object.values(ACTIONS)) expect(buttonValue(answer, action)).toBeTruthy();
    expect(posts()).toHaveLength(0);
  });

  it('publishes when its author presses Publish, once however often it is pressed', async () => {
    const { answer } = await preview('nc026 web down "Web server restarting"');
    const value = buttonValue(answer, ACTIONS.publish);
    const pressed = await world.press(ACTIONS.publish, value);
    expect(pressed.status).toBe(200);
    const published = await world.answer(pressed.key);
    expect(published.body.replace_original).toBe(true);
    expect(answerText(published)).toContain('Recorded post');
    expect(posts().filter((p) => p.text === 'Web server restarting')).toHaveLength(1);

    const again = await world.press(ACTIONS.publish, value);
    expect(again.status).toBe(200);
    await new Promise((done) => setTimeout(done, 100));
    expect(posts().filter((p) => p.text === 'Web server restarting')).toHaveLength(1);
    // The second click says nothing: the first click's answer stands.
    expect(world.fake.responsesTo(again.key)).toEqual([]);
  });

  it('publishes nothing when someone else presses Publish, and tells only them', async () => {
    const before = posts().length;
    const { answer } = await preview('nc026 mysql degraded "Slow queries"');
    const pressed = await world.press(ACTIONS.publish, buttonValue(answer, ACTIONS.publish), { user: bob });
    const told = await world.answer(pressed.key);
    expect(told.body.replace_original).toBe(false);
    expect(told.body.response_type).toBe('ephemeral');
    expect(answerText(told)).toContain('only ann, who wrote it, can publish or cancel this preview');
    expect(posts()).toHaveLength(before);
    // Nor can they edit it.
    const edit = await world.press(ACTIONS.edit, buttonValue(answer, ACTIONS.edit), { user: bob });
    expect(answerText(await world.answer(edit.key))).toContain(
      'Only the person who wrote this preview can edit it',
    );
    expect(world.fake.views.filter((v) => v.triggerId === edit.triggerId)).toEqual([]);
  });

  it('publishes nothing after Cancel, even if Publish is pressed afterwards', async () => {
    const before = posts().length;
    const { answer } = await preview('email imap down "Mailbox server rebooting"');
    const cancelled = await world.press(ACTIONS.cancel, buttonValue(answer, ACTIONS.cancel));
    const closed = await world.answer(cancelled.key);
    expect(closed.body.replace_original).toBe(true);
    expect(answerText(closed)).toContain('Cancelled: nothing was published.');
    expect(answerText(closed)).not.toContain(ACTIONS.publish);
    const late = await world.press(ACTIONS.publish, buttonValue(answer, ACTIONS.publish));
    expect(answerText(await world.answer(late.key))).toContain(
      'this preview was cancelled; nothing was published',
    );
    expect(posts()).toHaveLength(before);
  });

  it('publishes nothing once it has expired', async () => {
    const before = posts().length;
    const { answer } = await preview('email pop down "POP3 restarting"');
    const start = world.herald.herald.store.preview(
      JSON.parse(buttonValue(answer, ACTIONS.publish)).p,
    )?.createdAt;
    world.setNow((start ?? 0) + world.herald.config.chat.previewTtlMs + 1);
    try {
      const pressed = await world.press(ACTIONS.publish, buttonValue(answer, ACTIONS.publish));
      const closed = await world.answer(pressed.key);
      expect(answerText(closed)).toContain('this preview has expired and nothing was published');
      expect(closed.body.replace_original).toBe(true);
      expect(posts()).toHaveLength(before);
    } finally {
      world.setNow(start ?? 0);
    }
  });

  it('Edit opens a modal with the command text; submitting it makes a new preview that publishes', async () => {
    const original = 'nc018 ftp down "FTP server stoped"';
    const { answer } = await preview(original);
    const edit = await world.press(ACTIONS.edit, buttonValue(answer, ACTIONS.edit));
    const opened = await world.fake.waitFor('views.open', () =>
      world.fake.views.find((v) => v.triggerId === edit.triggerId),
    );
    expect(opened.view.blocks?.[0]?.element?.initial_value).toBe(original);

    // A typo is shown in the modal itself, and nothing changes.
    const typo = await world.submit(opened, 'nc81 ftp down "FTP server stopped"');
    expect(typo.status).toBe(200);
    expect(JSON.parse(String(typo.ack))).toMatchObject({ response_action: 'errors' });
    expect(String(typo.ack)).toContain('nc81');

    const fixed = await world.submit(opened, 'nc018 ftp down "FTP server stopped"');
    expect(fixed.status).toBe(200);
    const renewed = await world.answer(edit.key);
    expect(renewed.body.replace_original).toBe(true);
    expect(answerText(renewed)).toContain('FTP server stopped');
    expect(answerText(renewed)).toContain('Preview: nothing is published yet');

    // The old preview can no longer be published; the new one can.
    const old = await world.press(ACTIONS.publish, buttonValue(answer, ACTIONS.publish));
    expect(answerText(await world.answer(old.key))).toContain('nothing was published');
    const pressed = await world.press(ACTIONS.publish, buttonValue(renewed, ACTIONS.publish));
    expect(answerText(await world.answer(pressed.key))).toContain('Recorded post');
    const ftp = posts().filter((p) => p.text.startsWith('FTP server'));
    expect(ftp.map((p) => p.text)).toEqual(['FTP server stopped']);
  });

  it('shows one preview for a command delivered three times', async () => {
    const first = await world.slash('nc026 lists down "phpList offline"');
    await world.slash('nc026 lists down "phpList offline"', {
      triggerId: first.triggerId,
      key: first.key,
      retryNum: 1,
    });
    await world.slash('nc026 lists down "phpList offline"', {
      triggerId: first.triggerId,
      key: first.key,
      retryNum: 2,
    });
    const answer = await world.answer(first.key);
    await new Promise((done) => setTimeout(done, 100));
    expect(world.fake.responsesTo(first.key)).toHaveLength(1);
    const pressed = await world.press(ACTIONS.publish, buttonValue(answer, ACTIONS.publish));
    expect(answerText(await world.answer(pressed.key))).toContain('Recorded post');
    expect(posts().filter((p) => p.text === 'phpList offline')).toHaveLength(1);
  });

  it('answers read-only commands at once, without a preview', async () => {
    const sent = await world.slash('list');
    const answer = await world.answer(sent.key);
    expect(answerText(answer)).not.toContain('Preview');
    expect(answerText(answer)).toContain('NC026 Web server*: down since');
  });
});
