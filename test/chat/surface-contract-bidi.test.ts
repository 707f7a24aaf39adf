// Bidirectional controls in what Herald publishes (issue 14): a post whose title and words carry an
// override (the "invoice ‮gpj.exe" spoof) and isolates, published through the composition root to every
// outlet at once, each a real client against its local fake. What each platform received is in typed
// order, without a control; the site keeps the words as typed, isolated in <bdi>. (Private chat answers:
// the surface contract table, surface-contract-table.ts.)
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAKE_CHANNEL_ID } from '../fakes/discord.js';
import { type FakePlatforms, startFakePlatforms } from '../helpers/fake-platforms.js';
import { createTestHerald, type TestHerald } from '../helpers/herald.js';

const BIDI_CONTROL = /[\u202A-\u202E\u2066-\u2069]/;
const TYPED = 'invoice \u202egpj.exe\u202c and \u2067RTL\u2069 text';

describe('bidirectional controls in a published post', () => {
  let fakes: FakePlatforms;
  let app: TestHerald;

  beforeAll(async () => {
    fakes = await startFakePlatforms();
    app = createTestHerald({ env: fakes.env });
    app.record(`nc018 smtp down --title "Mail for \u202egpj.exe" "${TYPED}"`);
    await app.herald.publisher.runOnce();
  });
  afterAll(async () => {
    await app.close();
    await fakes.close();
  });

  it('is sent to every outlet', () => {
    const post = app.herald.store.recentPosts(1)[0];
    expect(post?.text).toBe(TYPED);
    const outlets = app.herald.store.deliveriesOf(post?.id ?? 0).map((d) => `${d.outlet}:${d.status}`);
    expect(outlets.sort()).toEqual([
      'bluesky:sent',
      'discord:sent',
      'mastodon:sent',
      'site:sent',
      'slack:sent',
      'twitter:sent',
    ]);
  });

  it.each([
    ['X', () => fakes.twitter.tweets.map((t) => t.text)],
    ['Mastodon', () => fakes.mastodon.statuses.map((s) => s.text)],
    ['Bluesky', () => fakes.bluesky.posts.map((p) => p.text)],
    ['the Slack channel', () => fakes.slack.messages.map((m) => JSON.stringify([m.text, m.blocks]))],
    ['the Discord channel', () => fakes.discord.messages.map((m) => JSON.stringify(m.body))],
    ['the Discord thread', () => fakes.discord.threads.map((t) => t.name)],
  ])('reaches %s in the order it was typed, without a control', (_where, received) => {
    const texts = received();
    expect(texts).toHaveLength(1);
    const text = texts[0] ?? '';
    expect(text).not.toMatch(BIDI_CONTROL);
    expect(text).toContain('Mail for gpj.exe');
  });

  it('reaches the social networks and the channels with its words in order', () => {
    for (const text of [
      fakes.twitter.tweets[0]?.text,
      fakes.mastodon.statuses[0]?.text,
      fakes.bluesky.posts[0]?.text,
      JSON.stringify(fakes.slack.messages[0]?.blocks),
      fakes.discord.messages.find((m) => m.channelId === FAKE_CHANNEL_ID)?.content,
    ])
      expect(text).toContain('invoice gpj.exe and RTL text');
  });

  it('stays as typed on the site, isolated in <bdi>', () => {
    const page = fs.readFileSync(path.join(app.config.paths.publicDir, 'incidents', '1.html'), 'utf8');
    expect(page).toContain(`<bdi>${TYPED}</bdi>`);
  });
});
