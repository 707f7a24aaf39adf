// The reference blog, replayed: one command per post, each at the instant the blog published it. Herald
// must give back the blog's titles, stamps and texts, and the incidents, states and numbers behind them.
import { afterEach, describe, expect, it } from 'vitest';
import { STATUS_BLOG_STORY } from '../src/demo/status-blog.js';
import { formatStamp } from '../src/templates/time.js';
import { createTestCore, recorded, type TestCore } from './helpers/core.js';
import { readReferenceBlog } from './helpers/reference-blog.js';

describe('the reference status blog, replayed command by command', () => {
  let core: TestCore;
  afterEach(() => core.close());

  it('publishes every post of the blog with its title, stamp and text', () => {
    core = createTestCore();
    const blog = readReferenceBlog();
    expect(blog).toHaveLength(STATUS_BLOG_STORY.length);
    const posts = STATUS_BLOG_STORY.map((step) => {
      core.setNow(step.at);
      const out = recorded(core.run(step.command));
      expect(out.post).not.toBeNull();
      return out.post!;
    });
    posts.forEach((post, i) => {
      const original = blog[i]!;
      expect(post.title).toBe(original.title);
      expect(formatStamp(post.publishedAt)).toBe(original.stamp);
      expect(post.text).toBe(original.text);
    });
  });

  it('tells the story as incidents: outages opened and resolved, series numbered as the blog numbers them', () => {
    core = createTestCore();
    for (const step of STATUS_BLOG_STORY) {
      core.setNow(step.at);
      recorded(core.run(step.command));
    }
    const incidents = core.store.incidents().sort((a, b) => a.id - b.id);
    expect(incidents.map((i) => [i.id, i.kind, i.status, i.title, i.lastNumber])).toEqual([
      [1, 'outage', 'resolved', 'SMTP on server NC018 restarted', 1],
      [2, 'outage', 'resolved', 'SMTP on NC018 shut down', 2],
      [3, 'notice', 'open', 'Server NC018 replacement', 6],
      [4, 'notice', 'open', 'Spam defences on server NC018', 3],
      [5, 'notice', 'open', 'Email migration', 14],
    ]);
    // The restart at 22:13 UTC closed the outage opened at 21:39:27.
    expect(incidents[1]!.openedAt).toBe(Date.parse('2012-07-27T21:39:27Z'));
    expect(incidents[1]!.closedAt).toBe(Date.parse('2012-07-27T22:13:00Z'));
    expect(core.store.postsOf(2).map((p) => [p.number, p.state, p.eventAt])).toEqual([
      [1, 'down', null],
      [2, 'operational', Date.parse('2012-07-27T22:13:00Z')],
    ]);
    expect(core.store.postsOf(5).map((p) => p.number)).toEqual([13, 14]);
    expect(core.store.postsOf(3).map((p) => p.number)).toEqual([1, 6]);
    // Every component is back to operational at the end of the story.
    expect(core.store.components().every((c) => c.state === 'operational')).toBe(true);
    expect(core.store.components().map((c) => `${c.system} ${c.service}`)).toEqual(['nc018 smtp']);
  });

  it('creates one pending delivery per enabled outlet for every post', () => {
    core = createTestCore();
    for (const step of STATUS_BLOG_STORY) {
      core.setNow(step.at);
      recorded(core.run(step.command));
    }
    const deliveries = core.store.deliveries();
    expect(deliveries).toHaveLength(STATUS_BLOG_STORY.length * 4);
    expect(new Set(deliveries.map((d) => d.outlet))).toEqual(
      new Set(['site', 'twitter', 'mastodon', 'bluesky']),
    );
    expect(deliveries.every((d) => d.status === 'pending' && d.action === 'publish')).toBe(true);
  });
});
