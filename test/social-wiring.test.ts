// The social outlets as `herald start` wires them from the environment: real clients against the local
// fakes when credentials are set, dry runs (logged, recorded as such) when not; a bad credential reaches
// staff and leaves the other outlets alone.
import { afterEach, describe, expect, it } from 'vitest';
import type { DeliveryNotice } from '../src/app.js';
import { renderDeliveryNotice, renderReplyText } from '../src/templates/reply-text.js';
import { FAKE_TOKEN, type FakeMastodon, startFakeMastodon } from './fakes/mastodon.js';
import { FAKE_TWITTER_CREDENTIALS, type FakeTwitter, startFakeTwitter } from './fakes/twitter.js';
import { ops } from './helpers/core.js';
import { createTestHerald, type TestHerald } from './helpers/herald.js';

let app: TestHerald | undefined;
let twitter: FakeTwitter | undefined;
let mastodon: FakeMastodon | undefined;
afterEach(async () => {
  await app?.close();
  await twitter?.close();
  await mastodon?.close();
  app = twitter = mastodon = undefined;
});

describe('social outlets from the environment', () => {
  it('without credentials each network runs dry: it logs what it would send and records a dry run', async () => {
    const lines: string[] = [];
    app = createTestHerald({ logTo: (l) => lines.push(l) });
    app.record('nc018 smtp down "We are once again dealing with a spam problem on NC018."');
    expect(renderReplyText(app.herald.handle({ text: 'list', actor: ops }), app.config.core)).toContain(
      'NC018 SMTP',
    );
    await app.herald.publisher.runOnce();
    const deliveries = app.herald.store.deliveries();
    expect(deliveries.map((d) => [d.outlet, d.status, d.remoteId])).toEqual([
      ['site', 'sent', null],
      ['twitter', 'sent', 'dry-run'],
      ['mastodon', 'sent', 'dry-run'],
      ['bluesky', 'sent', 'dry-run'],
    ]);
    const dry = lines.map((l) => JSON.parse(l)).filter((l) => /^dry run/.test(l.msg));
    expect(dry.map((l) => l.outlet)).toEqual(['twitter', 'mastodon', 'bluesky']);
    expect(dry[0].text).toBe(
      'SMTP on NC018 shut down\n\nWe are once again dealing with a spam problem on NC018.\n\nhttp://127.0.0.1:8080/incidents/1.html#post-1',
    );
    const shown = renderReplyText(app.herald.handle({ text: 'deliveries 1.1', actor: ops }), app.config.core);
    expect(shown).toContain('twitter: dry run: logged, not sent');
  });

  it('with credentials posts for real, and a bad token fails with the reason, told to staff, others unaffected', async () => {
    twitter = await startFakeTwitter();
    mastodon = await startFakeMastodon();
    app = createTestHerald({
      env: {
        TWITTER_API_KEY: FAKE_TWITTER_CREDENTIALS.appKey,
        TWITTER_API_SECRET: FAKE_TWITTER_CREDENTIALS.appSecret,
        TWITTER_ACCESS_TOKEN: FAKE_TWITTER_CREDENTIALS.accessToken,
        TWITTER_ACCESS_SECRET: FAKE_TWITTER_CREDENTIALS.accessSecret,
        TWITTER_API_URL: twitter.url,
        MASTODON_URL: mastodon.url,
        MASTODON_ACCESS_TOKEN: `${FAKE_TOKEN}-wrong`,
      },
    });
    const notices: DeliveryNotice[] = [];
    app.herald.onDelivery((n) => notices.push(n));
    const reply = renderReplyText(
      app.herald.handle({ text: 'nc018 smtp down "spam cleanup"', actor: ops }),
      app.config.core,
      app.herald.dryOutlets,
    );
    expect(reply).toContain(
      'Goes to: site, twitter, mastodon, bluesky (dry run, no credentials: will be logged, not sent)',
    );
    await app.herald.publisher.runOnce();
    expect(twitter.tweets.map((t) => t.text)).toEqual([
      'SMTP on NC018 shut down\n\nspam cleanup\n\nhttp://127.0.0.1:8080/incidents/1.html#post-1',
    ]);
    expect(mastodon.statuses).toEqual([]);
    const failed = notices.find((n) => n.status === 'failed');
    expect(failed?.delivery.outlet).toBe('mastodon');
    expect(renderDeliveryNotice(failed!, app.config.core)).toBe(
      'post 1.1 to mastodon FAILED: 401 The access token is invalid. Fix the cause, then `retry 1.1`.',
    );
    expect(app.herald.store.deliveries().map((d) => [d.outlet, d.status])).toEqual([
      ['site', 'sent'],
      ['twitter', 'sent'],
      ['mastodon', 'failed'],
      ['bluesky', 'sent'],
    ]);
    expect(renderReplyText(app.herald.handle({ text: 'list', actor: ops }), app.config.core)).toContain(
      'post 1 to mastodon: 401 The access token is invalid',
    );
  });
});

describe('corrections', () => {
  it('each correction carries its own words, not those of a later one', async () => {
    const lines: string[] = [];
    app = createTestHerald({ logTo: (l) => lines.push(l) });
    app.record('nc018 smtp down "spam cleanp"');
    app.record('edit 1.1 "spam cleanup, b"');
    app.record('edit 1.1 "spam cleanup, c"');
    await app.herald.publisher.runOnce();
    const sent = lines
      .map((l) => JSON.parse(l))
      .filter((l) => /^dry run/.test(l.msg) && l.outlet === 'twitter')
      .map((l) => l.text.split('\n\n')[1]);
    expect(sent).toEqual(['spam cleanp', 'spam cleanup, b', 'spam cleanup, c']);
  });
});
