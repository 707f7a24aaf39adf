// Issue 15 case 6: Herald's own server never sends a torn page. The real site outlet rewrites index.html and
// rss.xml (a new file renamed over the old, as every publish does) in a burst while readers fetch them over
// HTTP at the same time; every 200 must be one whole version: as many bytes as its Content-Length says, a
// complete document. express.static failed this (it read the size, then opened the path, which the writer
// had meanwhile renamed over).
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpApp, listen, type RunningServer } from '../src/server.js';
import { createTestHerald, type TestHerald } from './helpers/herald.js';
import { testLog } from './helpers/log.js';

/** At least this many rewrites, and more until every path has been read this often while they went on. */
const MIN_REWRITES = 40;
const READS_PER_PATH = 15;
const MAX_REWRITES = 2_000;
const PATHS = ['/index.html', '/rss.xml', '/'] as const;
const READERS = 4;

interface Fetched {
  path: string;
  status: number;
  declared: number | null;
  body: Buffer;
  /** The connection ended before the response did (fewer bytes than promised). */
  cut: string | null;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: READERS });

function fetchRaw(port: number, path: string): Promise<Fetched> {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path, agent }, (res) => {
      const chunks: Buffer[] = [];
      const declared = res.headers['content-length'] ? Number(res.headers['content-length']) : null;
      const done = (cut: string | null) =>
        resolve({ path, status: res.statusCode ?? 0, declared, body: Buffer.concat(chunks), cut });
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => done(res.complete ? null : 'incomplete'));
      res.on('aborted', () => done('aborted'));
      res.on('error', (e) => done(e.message));
    });
    req.on('error', (e) =>
      resolve({ path, status: 0, declared: null, body: Buffer.alloc(0), cut: e.message }),
    );
  });
}

/** What is wrong with a 200 answer, or null when it is one whole file. */
function tornness(r: Fetched): string | null {
  if (r.cut) return `connection cut (${r.cut}) after ${r.body.length} of ${r.declared} bytes`;
  if (r.declared !== r.body.length) return `${r.body.length} bytes for Content-Length ${r.declared}`;
  const text = r.body.toString('utf8');
  if (r.path === '/rss.xml') {
    if (!text.startsWith('<?xml') || !text.trimEnd().endsWith('</rss>')) return 'not a whole RSS document';
  } else if (!text.startsWith('<!DOCTYPE html>') || !text.trimEnd().endsWith('</html>')) {
    return 'not a whole HTML page';
  }
  return null;
}

describe('serving the site while it is rewritten', () => {
  let app: TestHerald;
  let server: RunningServer;
  beforeAll(async () => {
    app = createTestHerald({ now: '2013-05-03T19:00:00Z' });
    app.record('nc018 smtp down "SMTP on NC018 is down for a spam cleanup."');
    await app.herald.publisher.runOnce();
    server = await listen(
      createHttpApp({
        publicDir: app.config.paths.publicDir,
        health: () => app.herald.health(),
        log: testLog(),
      }),
      '127.0.0.1',
      0,
    );
  });
  afterAll(async () => {
    agent.destroy();
    await server?.close();
    await app?.close();
  });

  it('answers every request with one whole version of index.html and rss.xml during a burst of rewrites', {
    timeout: 120_000,
  }, async () => {
    let writing = true;
    const answers: Fetched[] = [];
    const reader = async (n: number) => {
      for (let i = n; writing; i++) {
        const path = PATHS[i % PATHS.length] as string;
        answers.push(await fetchRaw(server.port, path));
      }
    };
    const writer = async () => {
      try {
        const enough = () => PATHS.every((p) => answers.filter((a) => a.path === p).length >= READS_PER_PATH);
        for (let i = 0; i < MAX_REWRITES && (i < MIN_REWRITES || !enough()); i++) {
          // A post of another length each time, so that consecutive versions of both files differ in size.
          app.setNow(Date.parse('2013-05-03T19:00:00Z') + (i + 1) * 60_000);
          const words = 'the queue is still being cleaned'.repeat(1 + ((i * 7) % 13));
          app.record(`update 1 "Update ${i}: ${words}."`);
          await app.herald.site.publishIncidents([]);
          // Let the readers' requests move on between rewrites, as a running Herald's event loop does.
          await new Promise((resolve) => setImmediate(resolve));
        }
      } finally {
        writing = false;
      }
    };
    await Promise.all([writer(), ...Array.from({ length: READERS }, (_, n) => reader(n))]);

    const ok = answers.filter((a) => a.status === 200);
    const torn = ok.map((a) => ({ path: a.path, problem: tornness(a) })).filter((t) => t.problem !== null);
    expect(answers.filter((a) => a.status !== 200)).toEqual([]);
    expect(torn).toEqual([]);
    // Enough reads of each file overlapped the rewrites for the check to mean something.
    for (const path of PATHS)
      expect(ok.filter((a) => a.path === path).length, path).toBeGreaterThanOrEqual(READS_PER_PATH);
  });
});
