// The site outlet through the front door: commands in, files out, read back as a feed reader and a
// person would read them.
import fs from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { STATUS_BLOG_STORY } from '../src/demo/status-blog.js';
import { createCliWorld } from './helpers/cli.js';
import { parseFeed } from './helpers/feedparser.js';
import { createTestHerald, type TestHerald } from './helpers/herald.js';

let app: TestHerald;
afterEach(async () => {
  await app?.close();
});

const read = (file: string) => fs.readFileSync(path.join(app.config.paths.publicDir, file), 'utf8');
const permalink = (incident: number, post: number) =>
  `http://127.0.0.1:8080/incidents/${incident}.html#post-${post}`;

async function replayStory(): Promise<void> {
  for (const step of STATUS_BLOG_STORY) {
    app.setNow(step.at);
    app.record(step.command);
    await app.herald.publisher.runOnce();
  }
}

describe('the feeds after a scripted session, read by feedparser', () => {
  it('RSS and Atom parse without error, with the right entries, dates, links and tags', async () => {
    app = createTestHerald();
    await replayStory();
    for (const [file, version] of [
      ['rss.xml', 'rss20'],
      ['atom.xml', 'atom10'],
    ] as const) {
      const feed = parseFeed(read(file));
      expect(feed.bozo, `${file}: ${feed.bozoException}`).toBe(false);
      expect(feed.version).toBe(version);
      expect(feed.feed.title?.text).toBe('NinerNet Communications System Status');
      expect(feed.entries).toHaveLength(10);
      const [newest, , , , , , , restart, , first] = feed.entries;
      expect(newest).toMatchObject({
        id: permalink(5, 14),
        link: permalink(5, 14),
        published: '2013-10-29T08:57:36Z',
        tags: ['migration', 'tls', 'spam'],
      });
      expect(newest?.title?.text).toBe('Email migration: Update 14');
      expect(restart?.title?.text).toBe('SMTP on server NC018 restarted');
      expect(restart).toMatchObject({ id: permalink(2, 2), published: '2012-07-27T22:20:51Z' });
      expect(first).toMatchObject({
        id: permalink(1, 1),
        published: '2012-07-26T18:58:12Z',
        tags: ['smtp', 'spam'],
      });
      const restartText = [restart?.summary?.text, ...(restart?.content ?? []).map((c) => c.text)].join(' ');
      expect(restartText).toContain('at 22:13 UTC (15:13 PDT Vancouver · 00:13 CAT Lusaka, 28 July)');
    }
  });

  it('feed.json is JSON Feed 1.1 with one item per post, its id the permalink', async () => {
    app = createTestHerald();
    await replayStory();
    const feed = JSON.parse(read('feed.json'));
    expect(feed.version).toBe('https://jsonfeed.org/version/1.1');
    expect(feed.title).toBe('NinerNet Communications System Status');
    expect(feed.feed_url).toBe('http://127.0.0.1:8080/feed.json');
    expect(feed.items).toHaveLength(10);
    expect(feed.items[0]).toMatchObject({
      id: permalink(5, 14),
      url: permalink(5, 14),
      title: 'Email migration: Update 14',
      date_published: '2013-10-29T08:57:36Z',
      tags: ['migration', 'tls', 'spam'],
    });
    expect(new Set(feed.items.map((i: { id: string }) => i.id)).size).toBe(10);
    for (const item of feed.items) expect(item.content_html ?? item.content_text).toBeTruthy();
  });
});

describe('writing the site', () => {
  it('rewrites only what a change affects: its incident page, the index and the feeds', async () => {
    app = createTestHerald();
    app.record('nc018 smtp down "spam cleanup"');
    app.record('nc026 web down "websites are down"');
    await app.herald.publisher.runOnce();
    const page2 = path.join(app.config.paths.publicDir, 'incidents', '2.html');
    const before = fs.statSync(page2).mtimeMs;
    const written = await app.herald.site.publishIncidents([1]);
    // No badge and no widget.html: no component changed state and the same incidents are open.
    expect(written.sort()).toEqual(['atom.xml', 'feed.json', 'incidents/1.html', 'index.html', 'rss.xml']);
    expect(fs.statSync(page2).mtimeMs).toBe(before);
    expect(app.herald.site.rebuild()).toEqual(
      expect.arrayContaining(['incidents/1.html', 'incidents/2.html']),
    );
  });

  it('removes the temporary files of writes a crash interrupted when it rebuilds', async () => {
    app = createTestHerald();
    app.record('nc018 smtp down "spam cleanup"');
    await app.herald.publisher.runOnce();
    const leftover = path.join(app.config.paths.publicDir, 'incidents', '.1.html.4242.deadbeef.tmp');
    fs.writeFileSync(leftover, '<!doctype html><p>half');
    app.herald.site.rebuild();
    expect(fs.existsSync(leftover)).toBe(false);
    expect(fs.existsSync(path.join(app.config.paths.publicDir, 'incidents', '1.html'))).toBe(true);
  });

  it('marks the site deliveries sent, with the permalink', async () => {
    app = createTestHerald();
    app.record('nc018 smtp down "spam cleanup"');
    const reports = await app.herald.publisher.runOnce();
    expect(reports.find((r) => r.outlet === 'site')).toMatchObject({ outlet: 'site', sent: 1 });
    expect(app.herald.store.deliveries({ outlet: 'site' })).toEqual([
      expect.objectContaining({ status: 'sent', remoteUrl: permalink(1, 1) }),
    ]);
  });

  it('writes atomically: a reader in another thread never sees part of a file, and no temporary file is left', async () => {
    app = createTestHerald();
    app.record(`nc018 smtp down "${'a long message. '.repeat(200)}"`);
    await app.herald.publisher.runOnce();
    const dir = app.config.paths.publicDir;
    // A reader on its own thread, polling the files as fast as it can while this thread rewrites them.
    const reader = new Worker(
      `const { parentPort, workerData } = require('node:worker_threads');
       const fs = require('node:fs');
       const path = require('node:path');
       const ends = { 'index.html': '</html>', 'incidents/1.html': '</html>', 'rss.xml': '</rss>', 'atom.xml': '</feed>' };
       let reads = 0; const torn = [];
       parentPort.on('message', () => { parentPort.postMessage({ reads, torn }); process.exit(0); });
       (function loop() {
         for (let i = 0; i < 50; i++) {
           for (const [file, end] of Object.entries(ends)) {
             const text = fs.readFileSync(path.join(workerData, file), 'utf8');
             reads++;
             if (!text.trimEnd().endsWith(end)) torn.push(file + ' (' + text.length + ' bytes)');
           }
           try { JSON.parse(fs.readFileSync(path.join(workerData, 'feed.json'), 'utf8')); reads++; }
           catch { torn.push('feed.json'); }
         }
         setImmediate(loop);
       })();`,
      { eval: true, workerData: dir },
    );
    try {
      for (let round = 0; round < 40; round++) {
        app.setNow(Date.parse('2012-07-27T21:40:00Z') + round * 1000);
        app.record(`nc018 smtp down "update ${round}: ${'more words. '.repeat(100 + round * 5)}"`);
        await app.herald.publisher.runOnce();
      }
    } catch (error) {
      await reader.terminate();
      throw error;
    }
    const result = await new Promise<{ reads: number; torn: string[] }>((resolve) => {
      reader.once('message', resolve);
      reader.postMessage('stop');
    });
    expect(result.reads).toBeGreaterThan(100);
    expect(result.torn).toEqual([]);
    const leftovers = fs
      .readdirSync(dir, { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.tmp'));
    expect(leftovers).toEqual([]);
  });
});

describe('a new Herald, before any incident', () => {
  it('shows the 89 days before today as no data, not as 100% uptime', async () => {
    app = createTestHerald();
    app.herald.site.rebuild();
    const index = read('index.html');
    expect(index.match(/No data \(before the first record\)/g)?.length).toBe(3 * 89);
    expect(index).toContain('89 days without data');
  });
});

describe('a hostile message, through the front door', () => {
  const word = 'x'.repeat(2000);
  const hostile = `<script>alert("pwned")</script> & ]]> 'single' "double" 😀 \u202Eevil ${word}`;
  const command = `nc018 smtp down "${hostile.replaceAll('"', '\\"')}" --title "<b>bold</b> & ]]>"`;

  it('comes out escaped and intact in the HTML, RSS, Atom and JSON', async () => {
    app = createTestHerald();
    app.record(command);
    await app.herald.publisher.runOnce();
    for (const file of ['index.html', 'incidents/1.html']) {
      const html = read(file);
      expect(html).not.toContain('<script');
      expect(html).not.toContain('<b>bold');
      expect(html).toContain('&lt;script&gt;alert(');
      expect(html).toContain('😀');
      expect(html).toContain('\u202Eevil');
      expect(html).toMatch(/<bdi[^>]*>[^<]*\u202Eevil/);
    }
    expect(read('incidents/1.html')).toContain(word);
    for (const file of ['rss.xml', 'atom.xml']) {
      const feed = parseFeed(read(file));
      expect(feed.bozo, `${file}: ${feed.bozoException}`).toBe(false);
      const [entry] = feed.entries;
      expect(entry?.title?.text).toBe('<b>bold</b> & ]]>');
      const text = (entry?.content ?? []).map((c) => c.text).join(' ') || entry?.summary?.text || '';
      expect(text).toContain(hostile);
      expect(fs.readFileSync(path.join(app.config.paths.publicDir, file), 'utf8')).not.toContain('<script');
    }
    const json = JSON.parse(read('feed.json'));
    expect(json.items[0].title).toBe('<b>bold</b> & ]]>');
    expect(json.items[0].content_text).toContain(hostile);
    expect(json.items[0].content_html).not.toContain('<script');
  });
});

describe('herald publish and herald demo', () => {
  it('herald publish delivers what is pending once; --rebuild rewrites every page', () => {
    const world = createCliWorld();
    try {
      expect(world.run(['run', 'nc018 smtp down "spam cleanup"']).status).toBe(0);
      const first = world.run(['publish']);
      expect(first.status).toBe(0);
      expect(first.stdout).toContain('site: 1 sent, 0 to retry, 0 failed');
      expect(fs.readFileSync(path.join(world.dir, 'public', 'incidents', '1.html'), 'utf8')).toContain(
        'spam cleanup',
      );
      expect(world.run(['publish']).stdout).toContain('site: 0 sent');
      fs.rmSync(path.join(world.dir, 'public'), { recursive: true });
      const rebuilt = world.run(['publish', '--rebuild']);
      expect(rebuilt.stdout).toMatch(/site: rebuilt \d+ files/);
      expect(fs.existsSync(path.join(world.dir, 'public', 'incidents', '1.html'))).toBe(true);
      expect(fs.existsSync(path.join(world.dir, 'public', 'index.html'))).toBe(true);
    } finally {
      world.cleanup();
    }
  });

  it('herald demo fills a fresh folder with the reference blog, published to the site only', () => {
    const world = createCliWorld();
    try {
      const r = world.run(['demo', '--no-serve']);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(r.stdout).toContain('Demo: 10 posts of the reference blog');
      const index = fs.readFileSync(path.join(world.dir, 'demo', 'public', 'index.html'), 'utf8');
      expect(index).toContain('Email migration: Update 14');
      // Built today, the demo must not show 2013's notices as open now: the story's notices are closed.
      expect(index).toContain('There are no open incidents.');
      expect(index).toContain('All systems operational');
      const notice = fs.readFileSync(path.join(world.dir, 'demo', 'public', 'incidents', '5.html'), 'utf8');
      expect(notice).toMatch(/<dt>Status<\/dt><dd>Resolved<\/dd>/);
      expect(notice).toContain('Posted by <bdi>NinerNet staff</bdi>');
      expect(index + notice).not.toMatch(/Posted by NinerNet<|Posted by <bdi>NinerNet<\/bdi>/);
      expect(fs.existsSync(path.join(world.dir, 'demo', 'public', 'incidents', '5.html'))).toBe(true);
      // A finished demo is used again as it is (test/cli-demo.test.ts: the retry after a busy port).
      const again = world.run(['demo', '--no-serve']);
      expect(again.status).toBe(0);
      expect(again.stdout).toContain('is used as it is');
    } finally {
      world.cleanup();
    }
  });
});

describe('the rebuild at start', () => {
  it('runs in the background in batches, and rewrites what a full rebuild does', async () => {
    app = createTestHerald();
    for (let i = 0; i < 5; i++) app.record(`nc026 web ${i % 2 ? 'up' : 'down'} "round ${i}"`);
    await app.herald.publisher.runOnce();
    fs.rmSync(app.config.paths.publicDir, { recursive: true });
    let turns = 0;
    const ticking = setInterval(() => turns++, 0);
    const files = await app.herald.site.rebuildInBackground({ batch: 1 });
    clearInterval(ticking);
    expect(files).toBe(app.herald.site.rebuild().length);
    expect(fs.existsSync(path.join(app.config.paths.publicDir, 'incidents', '3.html'))).toBe(true);
    // It let the event loop run between incidents.
    expect(turns).toBeGreaterThan(0);
    const aborted = new AbortController();
    aborted.abort();
    expect(await app.herald.site.rebuildInBackground({ batch: 1, signal: aborted.signal })).toBeLessThan(
      files,
    );
  });
});
