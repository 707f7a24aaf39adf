// Slack in HTTP mode, through the front door: signed requests to POST /slack/events on Herald's own server,
// real Bolt behind it, the real core and store, and a fake Slack on 127.0.0.1 taking the answers.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  answerText,
  FAKE_SLACK,
  type FakeResponse,
  postSigned,
  type SlackWorld,
  slashCommand,
  startSlackWorld,
} from '../fakes/slack.js';
import { TEST_CREDENTIALS } from '../helpers/credentials.js';
import { testLog } from '../helpers/log.js';

const ann = { id: 'U0STAFF', name: 'ann' };
const bob = { id: 'U0VISITOR', name: 'bob' };

/** Every text of the answers to `key` once the last one says every delivery is settled. */
async function settled(world: SlackWorld, key: string): Promise<FakeResponse> {
  return world.fake.waitFor('every delivery settled', () =>
    world.fake.responsesTo(key).find((r) => answerText(r).includes('Only you can see this."')),
  );
}

describe('Slack over HTTP, without previews', () => {
  let world: SlackWorld;
  beforeAll(async () => {
    world = await startSlackWorld({ mode: 'http', preview: false });
  });
  afterAll(async () => {
    await world.close();
  });
  afterEach(() => {
    world.fake.setFault(null);
  });

  it('acknowledges a signed /status at once, records it once and answers privately', async () => {
    const sent = await world.slash('nc018 smtp down "spam cleanup under way" --at 21:13');
    expect(sent.status).toBe(200);
    expect(sent.ack).toBe('');
    const first = await world.answer(sent.key);
    expect(first.body.response_type).toBe('ephemeral');
    expect(first.body.replace_original).toBe(false);
    const text = answerText(first);
    expect(text).toContain('Recorded post 1.1 in incident #1');
    expect(text).toContain('SMTP on NC018 shut down');
    // The time as read, in UTC and in the client zones.
    expect(text).toContain('27 July 2012 21:13 UTC (14:13 PDT Vancouver · 23:13 CAT Lusaka)');
    expect(text).toContain('read from “21:13”');
    const posts = world.herald.herald.store.recentPosts(10);
    expect(posts).toHaveLength(1);
    expect(posts[0]?.author).toBe('ann');
    expect(posts[0]?.text).toBe('spam cleanup under way');

    // Shown as the deliveries complete (here they are quick: often already in the first answer), each
    // later answer replacing the one before.
    const last = await settled(world, sent.key);
    const replaced = world.fake.responsesTo(sent.key).map((r) => r.body.replace_original);
    expect(replaced).toEqual(replaced.map((_r, i) => i > 0));
    expect(answerText(last)).toMatch(/Status site\*: :white_check_mark: sent/);
    expect(answerText(last)).toContain('*Twitter/X*: dry run: logged, not sent');
    expect(world.fake.responsesTo(sent.key).every((r) => r.body.response_type === 'ephemeral')).toBe(true);
    expect(world.fake.responsesTo(sent.key).length).toBeLessThanOrEqual(5);
  });

  it.each([
    ['a forged signature', { signature: `v0=${'0'.repeat(64)}` }],
    ['the wrong signing secret', { secret: TEST_CREDENTIALS.wrong.slackSigningSecret }],
    ['a timestamp six minutes old', { timestamp: Math.floor(Date.now() / 1000) - 6 * 60 }],
    ['no signature headers', { unsigned: true }],
  ])('refuses %s with 401 and records nothing', async (_what, sign) => {
    const before = world.herald.herald.store.recentPosts(100).length;
    const key = `forged-${Math.random()}`;
    const form = slashCommand(world.fake, { text: 'nc026 web down "forged"', responseKey: key });
    const r = await postSigned(world.eventsUrl ?? '', form, sign);
    expect(r.status).toBe(401);
    await new Promise((done) => setTimeout(done, 100));
    expect(world.herald.herald.store.recentPosts(100)).toHaveLength(before);
    expect(world.fake.responsesTo(key)).toEqual([]);
  });

  it('records a command delivered three times (Slack retries) once, and answers once', async () => {
    const before = world.herald.herald.store.recentPosts(100).length;
    const first = await world.slash('nc026 dns degraded "slow lookups"');
    const again = { triggerId: first.triggerId, key: first.key };
    const second = await world.slash('nc026 dns degraded "slow lookups"', { ...again, retryNum: 1 });
    const third = await world.slash('nc026 dns degraded "slow lookups"', { ...again, retryNum: 2 });
    expect([first.status, second.status, third.status]).toEqual([200, 200, 200]);
    await settled(world, first.key);
    expect(world.herald.herald.store.recentPosts(100)).toHaveLength(before + 1);
    const texts = world.fake.responsesTo(first.key).map(answerText);
    expect(texts.filter((t) => t.includes('Recorded post')).length).toBe(texts.length);
    expect(texts.some((t) => t.includes('Already'))).toBe(false);
  });

  it('answers a repeat that is not a retry with "already done", changing nothing', async () => {
    const before = world.herald.herald.store.recentPosts(100).length;
    const first = await world.slash('nc018 web degraded "slow pages"');
    await settled(world, first.key);
    const repeat = await world.slash('nc018 web degraded "slow pages"', { triggerId: first.triggerId });
    expect(answerText(await world.answer(repeat.key))).toContain('nothing changed twice');
    expect(world.herald.herald.store.recentPosts(100)).toHaveLength(before + 1);
  });

  it('refuses a change from someone who is not staff, who may still list and ask for help', async () => {
    const before = world.herald.herald.store.recentPosts(100).length;
    const refused = await world.slash('nc018 imap down "not staff"', { user: bob });
    const answer = await world.answer(refused.key);
    expect(answer.body.response_type).toBe('ephemeral');
    expect(answerText(answer)).toContain('Refused:* only staff may change the status');
    expect(world.herald.herald.store.recentPosts(100)).toHaveLength(before);

    const list = await world.answer((await world.slash('list', { user: bob })).key);
    expect(answerText(list)).toContain('NC018 SMTP*: down since');
    const help = await world.answer((await world.slash('help', { user: bob })).key);
    expect(answerText(help)).toContain('/status');
  });

  it('sends typed <!channel> and @here to Slack as plain text, and keeps them as typed', async () => {
    // Slack encodes a typed `<` as &lt; and marks a typed @here up as <!here>.
    const sent = await world.slash('nc026 ftp down "&lt;!channel&gt; and <!here>, also @everyone &amp; co"', {
      user: ann,
    });
    const answers = world.fake.responsesTo(sent.key);
    await settled(world, sent.key);
    const post = world.herald.herald.store.recentPosts(1)[0];
    expect(post?.text).toBe('<!channel> and @here, also @everyone & co');
    for (const a of answers) {
      const text = answerText(a);
      expect(text).not.toMatch(/<!(channel|here|everyone)/);
      expect(text).not.toMatch(/@(channel|here|everyone)/);
      expect(text).toContain('&lt;!channel&gt; and @\u2060here, also @\u2060everyone &amp; co');
    }
  });

  it('answers 503 to a Slack request before the adapter has started', async () => {
    // A second adapter over the same Herald, not started: its router asks Slack to come back.
    const { createSlackAdapter } = await import('../../src/adapters/chat/slack.js');
    const { createHttpApp, listen } = await import('../../src/server.js');
    const idle = createSlackAdapter({
      config: {
        botToken: FAKE_SLACK.botToken,
        signingSecret: FAKE_SLACK.signingSecret,
        appToken: null,
        apiUrl: world.fake.apiUrl,
        announceChannel: null,
      },
      chat: { preview: false, previewTtlMs: 60_000 },
      core: world.herald.herald,
      settings: world.herald.config.core,
      site: world.herald.config.site,
      log: testLog(),
      clock: { now: () => Date.now() },
    });
    const server = await listen(
      createHttpApp({
        publicDir: world.herald.config.paths.publicDir,
        health: () => ({ ok: true }),
        log: testLog(),
        routes: idle.routes,
      }),
      '127.0.0.1',
      0,
    );
    try {
      const form = slashCommand(world.fake, { text: 'list', responseKey: 'idle' });
      expect((await postSigned(`${server.url}slack/events`, form)).status).toBe(503);
    } finally {
      await server.close();
    }
  });
});

describe('Slack staff by user group, from configured channels only', () => {
  let world: SlackWorld;
  beforeAll(async () => {
    world = await startSlackWorld({
      mode: 'http',
      preview: false,
      staff: [],
      groups: ['S0OPS'],
      channels: ['C0OPS'],
    });
    world.fake.usergroups.push({ id: 'S0OPS', handle: 'ops', users: ['U0GROUPIE'] });
  });
  afterAll(async () => {
    await world.close();
  });

  it('takes a change from a member of a staff group in a staff channel', async () => {
    const sent = await world.slash('email smtp down "relay queue stuck"', {
      user: { id: 'U0GROUPIE', name: 'gus' },
    });
    expect(answerText(await world.answer(sent.key))).toContain('Recorded post 1.1');
    expect(world.fake.calls.filter((c) => c.method === 'usergroups.list')).toHaveLength(1);
  });

  it('refuses the same member in another channel, and someone outside the group anywhere', async () => {
    const elsewhere = await world.slash('email imap down "x"', {
      user: { id: 'U0GROUPIE', name: 'gus' },
      channel: 'C0RANDOM',
    });
    expect(answerText(await world.answer(elsewhere.key))).toContain('not taken from this channel');
    const outsider = await world.slash('email imap down "x"', { user: ann });
    expect(answerText(await world.answer(outsider.key))).toContain('only staff may change the status');
    expect(world.herald.herald.store.recentPosts(10)).toHaveLength(1);
    // The group list was asked for once and kept.
    expect(world.fake.calls.filter((c) => c.method === 'usergroups.list')).toHaveLength(1);
  });
});

describe('templates on Slack', () => {
  let world: SlackWorld;
  beforeAll(async () => {
    world = await startSlackWorld({ mode: 'http', preview: false });
  });
  afterAll(async () => {
    await world.close();
  });

  it('lists the templates on `/status help templates`', async () => {
    const help = answerText(await world.answer((await world.slash('help templates', { user: bob })).key));
    for (const name of ['spam', 'spam-restart', 'reboot', 'spam-defences-on'])
      expect(help).toContain(`\`${name}\``);
    expect(help).toContain('Needs `--with eta=…`');
  });

  it('posts a template filled with --with values, no broadcast pinging anyone, and refuses one unfilled', async () => {
    const before = world.herald.herald.store.recentPosts(100).length;
    const unfilled = await world.slash('nc018 all down --template reboot', { user: ann });
    expect(answerText(await world.answer(unfilled.key))).toContain(
      'Refused:* template `reboot` needs {eta}: add --with eta=….',
    );
    expect(world.herald.herald.store.recentPosts(100)).toHaveLength(before);

    // Slack marks a typed @here up as <!here>.
    const sent = await world.slash(
      'nc018 all down --template reboot --with eta=22:30 UTC <!here> @everyone',
      {
        user: ann,
      },
    );
    await settled(world, sent.key);
    const post = world.herald.herald.store.recentPosts(1)[0];
    expect(post).toMatchObject({
      title: 'Reboot of server NC018',
      text: 'We are rebooting server NC018 at 21:39 UTC. Its services will be unavailable until it is back, which we expect by 22:30 UTC @here @everyone. We apologise for the inconvenience.',
      tags: ['reboot'],
    });
    for (const a of world.fake.responsesTo(sent.key)) {
      const text = answerText(a);
      expect(text).not.toMatch(/<!(channel|here|everyone)/);
      expect(text).not.toMatch(/@(channel|here|everyone)/);
    }
    expect(answerText(await world.answer(sent.key))).toContain('*Note:* message from template \\"reboot\\"');
  });
});
