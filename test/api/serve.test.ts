// Herald's server answers the API paths as a script on another origin needs: application/json, CORS open for
// reading (and the preflight), the feeds' caching, a strong ETag and 304 for a conditional GET that matches.
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpApp, listen, type RunningServer } from '../../src/server.js';
import { API_FILES } from '../../src/templates/api/statuspage.js';
import { testLog } from '../helpers/log.js';
import { createTestHerald, type Json, type TestHerald } from './api-world.js';

/**
 * A GET with node:http: fetch() sends `Cache-Control: no-cache` with any conditional header (the Fetch
 * standard's rule for a request that brings its own validators), which rightly defeats a 304.
 */
function get(
  target: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; etag: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(target, { headers }, (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, etag: String(res.headers.etag ?? '') }));
      })
      .on('error', reject);
  });
}

describe('serving the JSON API', () => {
  let app: TestHerald;
  let server: RunningServer;
  const url = (p: string) => new URL(p, server.url).href;

  beforeAll(async () => {
    app = createTestHerald();
    app.record('nc018 smtp down "spam cleanup"');
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
    await server?.close();
    await app?.close();
  });

  it('answers every file with application/json, open to every origin for GET, cached as the feeds are', async () => {
    const feed = await fetch(url('/feed.json'));
    for (const file of Object.values(API_FILES)) {
      const res = await fetch(url(`/${file}`), { headers: { Origin: 'https://intranet.example' } });
      expect(res.status, file).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
      expect(res.headers.get('access-control-allow-origin')).toBe('*');
      expect(res.headers.get('cache-control')).toBe(feed.headers.get('cache-control'));
      expect(res.headers.get('etag')).toMatch(/^"/);
      expect(res.headers.get('last-modified')).toBeTruthy();
      const body = (await res.json()) as Json;
      expect(body.page.name).toBe('NinerNet Communications System Status');
    }
    const summary = (await (await fetch(url(`/${API_FILES.summary}`))).json()) as Json;
    expect(summary.status.indicator).toBe('major');
    expect(summary.incidents[0].name).toBe('SMTP on NC018 shut down');
    // CORS is for the API only; the pages stay as they were.
    expect((await fetch(url('/index.html'))).headers.get('access-control-allow-origin')).toBeNull();
  });

  it('answers the CORS preflight for GET, and takes no other method', async () => {
    const res = await fetch(url(`/${API_FILES.summary}`), {
      method: 'OPTIONS',
      headers: {
        Origin: 'https://intranet.example',
        'Access-Control-Request-Method': 'GET',
        'Access-Control-Request-Headers': 'if-none-match',
      },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-allow-methods')).toBe('GET, HEAD, OPTIONS');
    expect(res.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('if-none-match');
    const post = await fetch(url(`/${API_FILES.summary}`), { method: 'POST', body: '{}' });
    expect(post.status).toBe(404);
    const head = await fetch(url(`/${API_FILES.status}`), { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('a conditional GET gets 304 until a change rewrites the file, then the new version', async () => {
    const { etag } = await get(url(`/${API_FILES.status}`));
    expect(etag).toMatch(/^"/);
    expect((await get(url(`/${API_FILES.status}`), { 'If-None-Match': etag })).status).toBe(304);
    app.setNow('2012-07-27T22:13:00Z');
    app.record('nc018 smtp up "SMTP is back"');
    await app.herald.publisher.runOnce();
    const changed = await get(url(`/${API_FILES.status}`), { 'If-None-Match': etag });
    expect(changed.status).toBe(200);
    expect(changed.etag).not.toBe(etag);
    expect(((await (await fetch(url(`/${API_FILES.status}`))).json()) as Json).status).toEqual({
      indicator: 'none',
      description: 'All systems operational',
    });
  });
});
