// "Next update by 20:00 UTC (13:00 PDT Vancouver · 22:00 CAT Lusaka)": a promised update as the site, the
// feeds, each social network and each announcement channel show it — the whole Herald publishing through
// the real clients to the local fakes — and cleared by the next update. Then the tweet length budget.
import fs from 'node:fs';
import path from 'node:path';
import { convert } from 'html-to-text';
import twitterText from 'twitter-text';
import { afterEach, describe, expect, it } from 'vitest';
import { FAKE_SLACK } from '../fakes/slack.js';
import { type FakePlatforms, startFakePlatforms } from '../helpers/fake-platforms.js';
import { parseFeed } from '../helpers/feedparser.js';
import { createTestHerald, type TestHerald } from '../helpers/herald.js';

const LINE = 'Next update by 20:00 UTC (13:00 PDT Vancouver · 22:00 CAT Lusaka)';
const DOWN = 'We are once again dealing with a spam problem on NC018 and have shut down the SMTP server.';
const LATER = 'The spam is out of the queue; we are checking the logs before restarting SMTP.';

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

interface World extends FakePlatforms {
  app: TestHerald;
  /** What a reader of the page sees, as text. */
  page(file: string): string;
  html(file: string): string;
  publish(): Promise<void>;
}

async function world(): Promise<World> {
  const fakes = await startFakePlatforms();
  cleanups.push(() => fakes.close());
  const app = createTestHerald({ now: '2012-07-27T19:12:00Z', env: fakes.env });
  cleanups.push(() => app.close());
  const html = (file: string) => fs.readFileSync(path.join(app.config.paths.publicDir, file), 'utf8');
  return {
    ...fakes,
    app,
    html,
    page: (file) => convert(html(file), { wordwrap: false }),
    async publish() {
      await app.herald.publisher.runOnce();
    },
  };
}

const linesWith = (text: string, words: string): string[] =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.includes(words));

describe('--next 20:00 as published', () => {
  it('shows the promise on the incident page, the index, the feeds, each network and each channel', async () => {
    const w = await world();
    w.app.record(`nc018 smtp down "${DOWN}" --next 20:00`);
    await w.publish();

    // The incident page: under the incident's facts (its live promise) and in the post.
    const page = w.page('incidents/1.html');
    expect(linesWith(page, 'Next update by')).toEqual([LINE, LINE]);
    expect(w.html('incidents/1.html')).toContain(
      '<p class="next-update live">Next update by <time datetime="2012-07-27T20:00:00Z">20:00 UTC (13:00 PDT Vancouver · 22:00 CAT Lusaka)</time></p>',
    );
    // The index: with the open incident.
    expect(linesWith(w.page('index.html'), 'Next update by')).toEqual([LINE]);

    // The feeds, as a feed reader reads them.
    const json = JSON.parse(w.html('feed.json')).items[0];
    expect(json.content_text).toBe(`${DOWN}\n\n${LINE}`);
    for (const file of ['rss.xml', 'atom.xml']) {
      const feed = parseFeed(w.html(file));
      expect(feed.bozo).toBe(false);
      expect(feed.entries[0]?.content.map((c) => c.text).join('\n')).toContain(LINE);
    }

    // Each network: the title, the text, the promise, the permalink.
    const link = new URL('incidents/1.html#post-1', w.app.config.site.baseUrl).href;
    const social = `SMTP on NC018 shut down\n\n${DOWN}\n\n${LINE}\n\n${link}`;
    expect(w.twitter.tweets.map((t) => t.text)).toEqual([social]);
    expect(w.mastodon.statuses.map((s) => s.text)).toEqual([social]);
    expect(w.bluesky.posts.map((p) => p.text)).toEqual([social]);
    // Each announcement channel.
    const slack = w.slack.messages.filter((m) => m.channel === FAKE_SLACK.announceChannel);
    expect(JSON.stringify(slack.map((m) => m.blocks))).toContain(`*${LINE}*`);
    expect(w.discord.messages.map((m) => m.content)).toEqual([
      expect.stringContaining(`${DOWN}\n\n**${LINE}**\n\n<${link}>`),
    ]);
  });

  it('is cleared by the next update: no live promise on the page or the index, the first post keeps its words', async () => {
    const w = await world();
    w.app.record(`nc018 smtp down "${DOWN}" --next 20:00`);
    await w.publish();
    w.app.setNow('2012-07-27T19:55:00Z');
    w.app.record(`update 1 "${LATER}"`);
    await w.publish();

    const html = w.html('incidents/1.html');
    expect(html).not.toContain('next-update live');
    // Said in post 1, as it was published; post 2 promises nothing.
    expect(linesWith(w.page('incidents/1.html'), 'Next update by')).toEqual([LINE]);
    expect(html.indexOf('Next update by')).toBeGreaterThan(html.indexOf('id="post-1"'));
    expect(html.indexOf('Next update by')).toBeLessThan(html.indexOf('id="post-2"'));
    expect(w.page('index.html')).not.toContain('Next update by');
    const [update] = JSON.parse(w.html('feed.json')).items;
    expect(update.content_text).toBe(LATER);
    expect(w.twitter.tweets.at(-1)?.text).not.toContain('Next update');

    // A new promise is live again, and the one after a close is not.
    w.app.record('update 1 "Restarting SMTP now." --next 20:30');
    await w.publish();
    const promised = 'Next update by 20:30 UTC (13:30 PDT Vancouver · 22:30 CAT Lusaka)';
    expect(linesWith(w.page('index.html'), 'Next update by')).toEqual([promised]);
    expect(linesWith(w.page('incidents/1.html'), 'Next update by')).toEqual([promised, LINE, promised]);
    w.app.record('resolve 1 "SMTP is back."');
    await w.publish();
    expect(w.html('incidents/1.html')).not.toContain('next-update live');
    expect(w.page('index.html')).not.toContain('Next update by');
  });

  it('shows the date when the promise is on another day than the post', async () => {
    const w = await world();
    w.app.record(`nc018 smtp down "${DOWN}" --next "tomorrow 09:00"`);
    await w.publish();
    expect(linesWith(w.page('index.html'), 'Next update by')).toEqual([
      'Next update by 28 July 2012 09:00 UTC (02:00 PDT Vancouver · 11:00 CAT Lusaka)',
    ]);
  });
});

describe('the tweet length budget', () => {
  it('shortens the text and keeps the promise and the permalink whole; a correction does not repeat it', async () => {
    const w = await world();
    const long = `${DOWN} ${'We are working on this issue as fast as we can. '.repeat(8).trim()}`;
    w.app.record(`nc018 smtp down "${long}" --next 20:00`);
    await w.publish();
    const [tweet] = w.twitter.tweets.map((t) => t.text);
    expect(twitterText.parseTweet(tweet ?? '').weightedLength).toBeLessThanOrEqual(280);
    const [title, body, promise, link] = (tweet ?? '').split('\n\n');
    expect(title).toBe('SMTP on NC018 shut down');
    expect(body?.endsWith('…')).toBe(true);
    expect(long.startsWith(body?.slice(0, -1) ?? '')).toBe(true);
    expect(promise).toBe(LINE);
    expect(link).toBe(new URL('incidents/1.html#post-1', w.app.config.site.baseUrl).href);
    // Mastodon and Bluesky, by their own measures, keep it too.
    expect(w.mastodon.statuses[0]?.text.endsWith(`…\n\n${LINE}\n\n${link}`)).toBe(true);
    expect(w.bluesky.posts[0]?.text.endsWith(`…\n\n${LINE}\n\n${link}`)).toBe(true);

    // A correction, sent later, may come after the promised time: it leaves the promise out.
    w.app.setNow('2012-07-27T19:20:00Z');
    w.app.record('edit 1.1 "We have shut down the SMTP server on NC018 because of spam."');
    await w.publish();
    expect(w.twitter.tweets).toHaveLength(2);
    expect(w.twitter.tweets[1]?.text).toMatch(/^Correction: /);
    expect(w.twitter.tweets[1]?.text).not.toContain('Next update');
  });
});
