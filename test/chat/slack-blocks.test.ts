// Slack's text rules, the answers' updates through a response_url, and the app manifest: the pure parts
// of the Slack adapter, without a network.
import type { RespondArguments } from '@slack/bolt';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { createAnswer, createAnswers, RESPONSE_URL_USES } from '../../src/adapters/chat/slack-answers.js';
import { slackManifest } from '../../src/adapters/chat/slack-manifest.js';
import type { Delivery } from '../../src/bot/types.js';
import { decodeButton, encodeButton } from '../../src/templates/slack/blocks.js';
import { breakBroadcasts, chunk, fromSlackText, mrkdwn } from '../../src/templates/slack/text.js';
import { createTestCore, recorded } from '../helpers/core.js';
import { testLog } from '../helpers/log.js';
import { testSettings } from '../helpers/settings.js';

const log = testLog();

describe('Slack text', () => {
  it.each([
    ['&lt;!channel&gt; typed &amp; kept', '<!channel> typed & kept'],
    ['<!here> and <!channel> and <!everyone>', '@here and @channel and @everyone'],
    ['ask <@U024BE7LH|ann> in <#C0OPS|ops>', 'ask @ann in #ops'],
    ['<!subteam^S0OPS|@ops> on call', '@ops on call'],
    ['see <https://status.example.com/|status.example.com>', 'see https://status.example.com/'],
    ['see <https://example.com/a?b=1&amp;c=2>', 'see https://example.com/a?b=1&c=2'],
    ['mail <mailto:help@example.com|help@example.com>', 'mail help@example.com'],
    ['the <https://example.com/x|notice page>', 'the notice page (https://example.com/x)'],
  ])('reads %s as %s', (slack, typed) => {
    expect(fromSlackText(slack)).toBe(typed);
  });

  it('escapes &, < and > for mrkdwn and breaks every broadcast', () => {
    expect(mrkdwn('<!channel> a & b > c @here @Channel @everyone!')).toBe(
      '&lt;!channel&gt; a &amp; b &gt; c @\u2060here @\u2060Channel @\u2060everyone!',
    );
    // Not a broadcast: an address, or a longer word.
    expect(breakBroadcasts('ops@here.example heresy @heretic')).toBe('ops@here.example heresy @heretic');
  });

  it('cuts long mrkdwn into sections at line breaks, never inside an escape', () => {
    expect(chunk(`${'a'.repeat(2000)}\n${'b'.repeat(2000)}`, 3000)).toEqual([
      'a'.repeat(2000),
      'b'.repeat(2000),
    ]);
    const tight = `${'a'.repeat(2997)}&amp;${'c'.repeat(100)}`;
    const pieces = chunk(tight, 3000);
    expect(pieces).toEqual(['a'.repeat(2997), `&amp;${'c'.repeat(100)}`]);
    const dense = chunk('&amp;'.repeat(700), 3000);
    expect(dense.every((p) => p.length <= 3000 && /^(&amp;)+$/.test(p))).toBe(true);
    expect(dense.join('')).toBe('&amp;'.repeat(700));
  });

  it('round-trips a button value, with the command text only when it fits', () => {
    const button = { previewId: 'p1', requestId: 't1', authorId: 'U1' };
    expect(decodeButton(encodeButton({ ...button, text: 'list' }))).toEqual({ ...button, text: 'list' });
    const long = encodeButton({ ...button, text: 'x'.repeat(3000) });
    expect(long.length).toBeLessThanOrEqual(2000);
    expect(decodeButton(long)).toEqual(button);
    expect(decodeButton('not json')).toBeNull();
  });
});

describe('a private answer kept up to date', () => {
  function world() {
    const core = createTestCore();
    const sent: RespondArguments[] = [];
    const respond = async (m: string | RespondArguments) => {
      sent.push(typeof m === 'string' ? { text: m } : m);
      return new Response('ok');
    };
    const answers = createAnswers({
      ctx: {
        settings: testSettings,
        site: { title: 'S', baseUrl: 'https://status.example.com/', description: '', feedItems: 10 },
        dryOutlets: new Set(),
      },
      clock: { now: core.now },
      log,
      previewTtlMs: 60_000,
    });
    return {
      core,
      sent,
      answers,
      answer: createAnswer(respond, { replaceFirst: false, log, now: core.now }),
    };
  }
  const notice = (d: Delivery, status: 'sent' | 'retrying' | 'failed', attempts = 1) => ({
    delivery: { ...d, attempts },
    status,
    remoteUrl: status === 'sent' ? `https://example.com/${d.outlet}` : null,
    error: status === 'sent' ? null : 'HTTP 503',
    nextAttemptAt: status === 'retrying' ? 1_000 : null,
    post: { id: d.postId } as never,
  });

  it('is updated as deliveries complete, within five uses of the response_url, the last one for the end', async () => {
    const w = world();
    const outcome = recorded(w.core.run('nc018 smtp down "spam"'));
    const [site, twitter, mastodon, bluesky] = outcome.deliveries;
    if (!site || !twitter || !mastodon || !bluesky) throw new Error('expected four deliveries');
    const settle = () => new Promise((done) => setTimeout(done, 5));
    await w.answers.recorded(outcome, w.answer);
    for (const n of [
      notice(site, 'sent'),
      notice(twitter, 'retrying', 1),
      notice(twitter, 'retrying', 2), // the same trouble again: not worth a use
      notice(mastodon, 'sent'),
      notice(twitter, 'failed', 3), // only one use is left: kept for the end
      notice(bluesky, 'sent'),
    ]) {
      w.answers.onDelivery(n);
      await settle();
    }
    expect(w.sent).toHaveLength(RESPONSE_URL_USES);
    expect(JSON.stringify(w.sent[2])).toContain('not sent yet after 1 attempt(s): HTTP 503');
    await new Promise((done) => setTimeout(done, 10));
    expect(w.sent.length).toBeLessThanOrEqual(RESPONSE_URL_USES);
    expect(w.sent[0]?.replace_original).toBe(false);
    expect(w.sent.slice(1).every((m) => m.replace_original === true)).toBe(true);
    const last = JSON.stringify(w.sent.at(-1));
    expect(last).toContain('*Twitter/X*: :x: *failed* after 3 attempt(s): HTTP 503');
    expect(last).toContain('*Bluesky*: :white_check_mark: sent');
    expect(last).toContain('Only you can see this."');
    w.answers.close();
    w.core.close();
  });
});

describe('the Slack app manifest', () => {
  it('asks for Socket Mode, the command, interactivity and the scopes Herald uses', () => {
    const m = parseYaml(slackManifest());
    expect(m.settings).toMatchObject({ socket_mode_enabled: true, interactivity: { is_enabled: true } });
    expect(m.features.slash_commands).toEqual([
      expect.objectContaining({ command: '/status', should_escape: false }),
    ]);
    expect(m.features.slash_commands[0].url).toBeUndefined();
    // Herald's questions arrive as direct messages, in the app's Messages tab.
    expect(m.features.app_home).toEqual({
      home_tab_enabled: false,
      messages_tab_enabled: true,
      messages_tab_read_only_enabled: true,
    });
    expect(m.oauth_config.scopes.bot).toEqual([
      'commands',
      'chat:write',
      'usergroups:read',
      'channels:history',
      'groups:history',
    ]);
  });

  it('points the command and the buttons at /slack/events in HTTP mode', () => {
    const m = JSON.parse(
      slackManifest({
        publicUrl: 'https://herald.example.net/',
        groups: false,
        announce: false,
        format: 'json',
      }),
    );
    expect(m.settings.socket_mode_enabled).toBe(false);
    expect(m.settings.interactivity.request_url).toBe('https://herald.example.net/slack/events');
    expect(m.features.slash_commands[0].url).toBe('https://herald.example.net/slack/events');
    expect(m.oauth_config.scopes.bot).toEqual(['commands', 'chat:write']);
    expect(() => slackManifest({ publicUrl: 'http://herald.example.net/' })).toThrow(/https/);
  });
});
