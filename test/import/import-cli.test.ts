// `herald import` as an operator runs it (bin/herald.js): the reference blog's feed, from a file and from a
// URL, brought in once however often it runs, shown on the site and in the feeds with its original stamps,
// and never sent to a social network.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../src/bot/ports.js';
import { openStore } from '../../src/store/sqlite-store.js';
import { closeServer, listenOnLoopback } from '../fakes/loopback.js';
import { FAKE_TWITTER_CREDENTIALS, type FakeTwitter, startFakeTwitter } from '../fakes/twitter.js';
import { bin, type CliWorld, createCliWorld } from '../helpers/cli.js';
import { parseFeed } from '../helpers/feedparser.js';
import { readReferenceBlog } from '../helpers/reference-blog.js';
import { dumpDatabaseFile } from '../store/dump.js';
import { BLOG_URL, type BlogItem, blogFeed, importedText, referenceItems } from './blog-feed.js';

const blog = readReferenceBlog();

let world: CliWorld;
beforeEach(() => {
  world = createCliWorld();
});
afterEach(() => world.cleanup());

function writeFeed(name: string, xml: string): string {
  fs.writeFileSync(path.join(world.dir, name), xml);
  return name;
}

function withStore<T>(read: (store: Store) => T): T {
  const store = openStore(world.database);
  try {
    return read(store);
  } finally {
    store.close();
  }
}

const dump = () => dumpDatabaseFile(world.database);

const publicFile = (file: string) => fs.readFileSync(path.join(world.dir, 'public', file), 'utf8');

describe('herald import of the reference blog', () => {
  it('brings in every post once, with its stamp, text and tags, however often it runs', () => {
    const rss = writeFeed('blog.rss', blogFeed(referenceItems(), 'rss'));
    const first = world.run(['import', rss]);
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    expect(first.stdout).toContain(
      'Imported 10 new posts into 5 incidents (0 skipped, 0 already imported)\n',
    );
    expect(first.stdout).toMatch(/site: rebuilt \d+ files in /);
    // Not a terminal: the summary alone, no progress bar.
    expect(first.stdout).not.toMatch(/Reading|Writing/);
    const once = dump();

    const again = world.run(['import', rss]);
    expect(again.status).toBe(0);
    expect(again.stdout).toBe('Imported 0 new posts into 0 incidents (0 skipped, 10 already imported)\n');
    // The same blog's Atom feed carries the same ids.
    const atom = world.run(['import', writeFeed('blog.atom', blogFeed(referenceItems(), 'atom'))]);
    expect(atom.stdout).toBe('Imported 0 new posts into 0 incidents (0 skipped, 10 already imported)\n');
    expect(dump()).toBe(once);

    withStore((store) => {
      const incidents = store.incidents().sort((a, b) => a.id - b.id);
      expect(incidents.map((i) => [i.title, i.kind, i.status, i.lastNumber, i.tags])).toEqual([
        ['SMTP on server NC018 restarted', 'notice', 'resolved', 2, ['smtp', 'spam']],
        ['SMTP on NC018 shut down', 'notice', 'resolved', 1, ['smtp', 'spam']],
        ['Server NC018 replacement', 'notice', 'resolved', 6, ['migration', 'performance']],
        ['Spam defences on server NC018', 'notice', 'resolved', 3, ['spam', 'spamassassin']],
        ['Email migration', 'notice', 'resolved', 14, ['email-delivery', 'migration']],
      ]);
      const posts = incidents
        .flatMap((i) => store.postsOf(i.id))
        .sort((a, b) => a.publishedAt - b.publishedAt);
      expect(posts).toHaveLength(blog.length);
      // A post keeps the number its title gives: staff's next `update` continues the blog's count.
      expect(posts.find((p) => p.title === 'Email migration: Update 14')?.number).toBe(14);
      expect(posts.map((p) => [p.title, p.text])).toEqual(blog.map((b) => [b.title, importedText(b.text)]));
      const migration = incidents[4];
      expect(migration?.openedAt).toBe(Date.parse('2013-10-16T10:09:43Z'));
      expect(migration?.closedAt).toBe(Date.parse('2013-10-29T08:57:36Z'));
      // "Systems at a glance" is left as it was: no component changed.
      expect(store.components()).toEqual([]);
      expect(posts.every((p) => p.state === null)).toBe(true);
      // One delivery per post, to the site, done by the import's rebuild.
      const deliveries = store.deliveries();
      expect(deliveries).toHaveLength(blog.length);
      expect(deliveries.every((d) => d.outlet === 'site' && d.status === 'sent')).toBe(true);
      expect(store.audit().filter((a) => a.code === 'import')).toHaveLength(blog.length);
    });
  });

  it('shows the history on the site and in the feeds with the original stamps', () => {
    expect(world.run(['import', writeFeed('blog.rss', blogFeed(referenceItems(), 'rss'))]).status).toBe(0);
    const migration = withStore((store) => store.incidents().find((i) => i.title === 'Email migration'));
    const page = publicFile(`incidents/${migration?.id}.html`);
    expect(page).toContain('Email migration: Update 13');
    expect(page).toContain('Email migration: Update 14');
    expect(page).toContain('16 October 2013 10:09:43 +0000');
    expect(page).toContain('29 October 2013 08:57:36 +0000');
    expect(page).toContain('#554 5.7.1 &lt;senderdomain.local&gt;: Helo command rejected');
    expect(page.indexOf('Update 13')).toBeLessThan(page.indexOf('Update 14'));

    const index = publicFile('index.html');
    for (const post of blog) expect(index).toContain(post.title);

    const json = JSON.parse(publicFile('feed.json')) as {
      items: Array<{ title: string; date_published: string; tags?: string[]; url: string }>;
    };
    expect(json.items).toHaveLength(blog.length);
    expect(json.items[0]).toMatchObject({
      title: expect.stringContaining('Email migration: Update 14'),
      date_published: '2013-10-29T08:57:36Z',
      tags: ['email-delivery', 'migration'],
    });
    const rss = parseFeed(publicFile('rss.xml'));
    expect(rss.bozo).toBe(false);
    expect(rss.entries.map((e) => e.published)).toEqual(
      [...blog]
        .reverse()
        .map((b) => new Date(b.stamp.replace(' +0000', ' UTC')).toISOString().replace('.000', '')),
    );
    expect(rss.entries[0]?.title?.text).toContain('Email migration: Update 14');
    expect(rss.entries[0]?.tags).toEqual(['email-delivery', 'migration']);
  });

  it('sends nothing to the social networks: herald publish with Twitter configured posts only what comes after', async () => {
    const twitter: FakeTwitter = await startFakeTwitter();
    try {
      const env = {
        TWITTER_API_KEY: FAKE_TWITTER_CREDENTIALS.appKey,
        TWITTER_API_SECRET: FAKE_TWITTER_CREDENTIALS.appSecret,
        TWITTER_ACCESS_TOKEN: FAKE_TWITTER_CREDENTIALS.accessToken,
        TWITTER_ACCESS_SECRET: FAKE_TWITTER_CREDENTIALS.accessSecret,
        TWITTER_API_URL: twitter.url,
      };
      const imported = await world.runAsync(
        ['import', writeFeed('blog.rss', blogFeed(referenceItems(), 'rss'))],
        {
          env,
        },
      );
      expect(imported.status).toBe(0);
      const published = await world.runAsync(['publish'], { env });
      expect(published.status).toBe(0);
      expect(twitter.requests).toEqual([]);
      withStore((store) =>
        expect(new Set(store.deliveries().map((d) => d.outlet))).toEqual(new Set(['site'])),
      );

      // The same wiring does post a new command: the silence above is the import's, not a broken outlet.
      expect(world.run(['run', 'nc018 smtp down "spam cleanup"']).status).toBe(0);
      expect((await world.runAsync(['publish'], { env })).status).toBe(0);
      expect(twitter.tweets.map((t) => t.text)).toEqual([expect.stringContaining('spam cleanup')]);
    } finally {
      await twitter.close();
    }
  });

  it('keeps hostile HTML as text, escaped on the site', () => {
    const hostile: BlogItem = {
      title: 'Maintenance <b>tonight</b> @everyone',
      html:
        '<p>Hello <script>alert("pwned")</script>@everyone <img src=x onerror="alert(2)" alt="">.</p>' +
        '<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>',
      date: new Date('2014-02-03T04:05:06Z'),
      categories: ['Maintenance'],
      guid: `${BLOG_URL}?p=666`,
      link: `${BLOG_URL}hostile/`,
    };
    expect(world.run(['import', writeFeed('hostile.rss', blogFeed([hostile], 'rss'))]).status).toBe(0);
    const post = withStore((store) => store.recentPosts(1)[0]);
    expect(post?.text).toBe('Hello @everyone .\n\n<script>alert(1)</script>');
    const page = publicFile(`incidents/${post?.incidentId}.html`);
    const index = publicFile('index.html');
    for (const html of [page, index]) {
      expect(html).not.toMatch(/<script>alert|<b>tonight|onerror/);
      expect(html).toContain('Maintenance &lt;b&gt;tonight&lt;/b&gt; @everyone');
    }
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('draws a progress bar on a terminal', () => {
    const rss = writeFeed('blog.rss', blogFeed(referenceItems(), 'rss'));
    // util-linux's script(1) runs the command on a pseudo-terminal and copies what it drew.
    const r = spawnSync('script', ['-qec', `${process.execPath} ${bin} import ${rss}`, '/dev/null'], {
      cwd: world.dir,
      env: world.env,
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(r.status).toBe(0);
    // The first frame of each stage, and the last, which stop() draws.
    expect(r.stdout).toMatch(/Reading items [░█]+ 1\/10/);
    expect(r.stdout).toMatch(/Reading items █+ 10\/10/);
    expect(r.stdout).toMatch(/Writing posts ░+ 0\/10/);
    expect(r.stdout).toMatch(/Writing posts █+ 10\/10/);
    expect(r.stdout).toContain('Imported 10 new posts into 5 incidents (0 skipped, 0 already imported)');
  });
});

describe('herald import from a URL', () => {
  let server: http.Server;
  let base: string;
  beforeEach(async () => {
    const atom = blogFeed(referenceItems(), 'atom');
    server = http.createServer((req, res) => {
      if (req.url === '/feed/atom/') {
        res.writeHead(200, { 'content-type': 'application/atom+xml; charset=UTF-8' }).end(atom);
      } else if (req.url === '/hang/') {
        // Never answers: the client's timeout ends it.
      } else if (req.url === '/page/') {
        res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>Status</title>');
      } else res.writeHead(404, 'Not Found').end('no such page');
    });
    await listenOnLoopback(server, 0);
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(() => closeServer(server));

  it('fetches the feed and imports it, once', async () => {
    const first = await world.runAsync(['import', `${base}/feed/atom/`]);
    expect(first.stderr).toBe('');
    expect(first.stdout).toContain('Imported 10 new posts into 5 incidents (0 skipped, 0 already imported)');
    const again = await world.runAsync(['import', `${base}/feed/atom/`]);
    expect(again.stdout).toBe('Imported 0 new posts into 0 incidents (0 skipped, 10 already imported)\n');
    withStore((store) => {
      const posts = store.recentPosts(100);
      expect(posts.map((p) => p.title).reverse()).toEqual(blog.map((b) => b.title));
      expect(posts.find((p) => p.title === 'Email migration: Update 14')?.tags).toEqual([
        'email-delivery',
        'migration',
      ]);
    });
  });

  it.each([
    ['/missing/', 'answered 404 Not Found'],
    ['/page/', 'it is not an RSS or Atom feed'],
    ['/hang/', 'no answer within 300 ms (HERALD_REQUEST_TIMEOUT_MS)'],
  ])('refuses %s with exit 1, writing nothing', async (route, reason) => {
    const r = await world.runAsync(['import', `${base}${route}`], {
      env: { HERALD_REQUEST_TIMEOUT_MS: '300' },
    });
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(reason);
    expect(r.stderr).toContain('nothing was imported');
    expect(fs.existsSync(world.database)).toBe(false);
  });
});

describe('herald import refuses', () => {
  it.each([
    ['a missing file', () => 'nowhere.rss', 'nowhere.rss: no such file'],
    [
      'a file that is not a feed',
      () => writeFeed('page.html', '<html><body>Status</body></html>'),
      'it is not an RSS or Atom feed',
    ],
    [
      'a feed cut short',
      () => writeFeed('cut.rss', blogFeed(referenceItems(), 'rss').slice(0, 3000)),
      'it is not well-formed XML',
    ],
    ['a feed without items', () => writeFeed('empty.rss', blogFeed([], 'rss')), 'the feed holds no items'],
  ])('%s with exit 1 and writes nothing', (_, feed, reason) => {
    expect(
      world.run(['import', writeFeed('blog.rss', blogFeed(referenceItems().slice(0, 2), 'rss'))]).status,
    ).toBe(0);
    const before = dump();
    const r = world.run(['import', feed()]);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(reason);
    expect(dump()).toBe(before);
  });

  it('nothing on a fresh folder: no database, no site', () => {
    const r = world.run(['import', writeFeed('page.html', '<html><body>Status</body></html>')]);
    expect(r.status).toBe(1);
    expect(fs.existsSync(path.join(world.dir, 'data'))).toBe(false);
    expect(fs.existsSync(path.join(world.dir, 'public'))).toBe(false);
  });

  it('names and counts a malformed item, and imports the rest', () => {
    const xml = blogFeed(referenceItems(), 'rss').replace(
      /(<title><!\[CDATA\[Spam defences on server NC018\]\]><\/title>[\s\S]*?)<pubDate>[^<]*<\/pubDate>/,
      '$1<pubDate>sometime in May</pubDate>',
    );
    const r = world.run(['import', writeFeed('blog.rss', xml)]);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe(
      `herald import: skipped item 3 "Spam defences on server NC018" (${BLOG_URL}?p=108): it has no date that can be read (pubDate, published or updated)\n`,
    );
    expect(r.stdout).toContain('Imported 9 new posts into 5 incidents (1 skipped, 0 already imported)');
  });

  it('a usage error with exit 2', () => {
    expect(world.run(['import']).status).toBe(2);
    expect(world.run(['import', 'a.rss', 'b.rss']).status).toBe(2);
    const r = world.run(['import', '--since', 'a.rss']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("herald: unknown option '--since'");
    expect(r.stderr).toContain('usage: herald import [options] <feed>');
  });
});
