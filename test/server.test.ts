// The site as a browser, a feed reader or a monitor gets it over HTTP: content types, caching headers,
// a 404 page, /healthz, and nothing outside the public folder.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpApp, listen, type RunningServer } from '../src/server.js';
import { tempDir } from './helpers/core.js';
import { testLog } from './helpers/log.js';

/** A raw GET, so that the path reaches the server exactly as written (no client-side normalisation). */
function get(port: number, rawPath: string, headers: http.OutgoingHttpHeaders = {}, method = 'GET') {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }>(
    (resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port, path: rawPath, method, headers }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c) => {
          body += c;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      });
      req.on('error', reject);
      req.end();
    },
  );
}

describe('the HTTP server', () => {
  let dir: string;
  let server: RunningServer;
  let healthy = true;
  beforeAll(async () => {
    dir = tempDir();
    const pub = path.join(dir, 'public');
    fs.mkdirSync(path.join(pub, 'incidents'), { recursive: true });
    fs.writeFileSync(path.join(pub, 'index.html'), '<!doctype html><title>Status</title>');
    fs.writeFileSync(path.join(pub, 'incidents', '1.html'), '<!doctype html><title>Incident 1</title>');
    fs.writeFileSync(path.join(pub, 'style.css'), 'body{}');
    fs.writeFileSync(path.join(pub, 'rss.xml'), '<rss/>');
    fs.writeFileSync(path.join(pub, 'atom.xml'), '<feed/>');
    fs.writeFileSync(path.join(pub, 'feed.json'), '{}');
    fs.writeFileSync(
      path.join(pub, '404.html'),
      '<!doctype html><title>Not found</title><h1>No such page</h1>',
    );
    fs.writeFileSync(path.join(pub, '.secret'), 'hidden');
    fs.writeFileSync(path.join(dir, 'herald.db'), 'outside the public folder');
    const app = createHttpApp({
      publicDir: pub,
      health: () => ({ ok: healthy, database: healthy ? 'ok' : 'unreachable' }),
      log: testLog(),
    });
    server = await listen(app, '127.0.0.1', 0);
  });
  afterAll(async () => {
    await server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it.each([
    ['/', 'text/html; charset=utf-8'],
    ['/index.html', 'text/html; charset=utf-8'],
    ['/incidents/1.html', 'text/html; charset=utf-8'],
    ['/style.css', 'text/css; charset=utf-8'],
    ['/rss.xml', 'application/rss+xml; charset=utf-8'],
    ['/atom.xml', 'application/atom+xml; charset=utf-8'],
    ['/feed.json', 'application/feed+json; charset=utf-8'],
  ])('serves %s as %s with ETag and Last-Modified', async (p, type) => {
    const r = await get(server.port, p);
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe(type);
    expect(r.headers.etag).toBeTruthy();
    expect(r.headers['last-modified']).toBeTruthy();
    expect(r.headers['x-content-type-options']).toBe('nosniff');
    const again = await get(server.port, p, { 'if-none-match': r.headers.etag as string });
    expect(again.status).toBe(304);
  });

  it('answers HEAD with the headers of GET and no body', async () => {
    const full = await get(server.port, '/rss.xml');
    const head = await get(server.port, '/rss.xml', {}, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
    expect(head.headers['content-length']).toBe(String(Buffer.byteLength(full.body)));
    expect(head.headers.etag).toBe(full.headers.etag);
    expect(head.headers['content-type']).toBe('application/rss+xml; charset=utf-8');
  });

  it('answers If-Modified-Since with 304, and a folder without its slash with a redirect', async () => {
    const r = await get(server.port, '/index.html');
    const again = await get(server.port, '/index.html', {
      'if-modified-since': r.headers['last-modified'] as string,
    });
    expect(again.status).toBe(304);
    expect(again.body).toBe('');
    const folder = await get(server.port, '/incidents?x=1');
    expect(folder.status).toBe(301);
    expect(folder.headers.location).toBe('/incidents/?x=1');
    expect(r.headers['content-security-policy']).toContain("default-src 'none'");
    expect(r.headers['cache-control']).toBe('public, max-age=60, must-revalidate');
  });

  it('answers an unknown page with 404 and the 404 page', async () => {
    const r = await get(server.port, '/incidents/999.html');
    expect(r.status).toBe(404);
    expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(r.body).toContain('No such page');
  });

  it.each([
    '/../herald.db',
    '/..%2fherald.db',
    '/incidents/..%2f..%2fherald.db',
    '/%2e%2e/herald.db',
    '/incidents/%2e%2e%2f%2e%2e%2fherald.db',
    '/..\\herald.db',
    '/.secret',
    '/%00index.html',
  ])('refuses %s: nothing outside the public folder, no hidden files', async (p) => {
    const r = await get(server.port, p);
    expect([400, 403, 404]).toContain(r.status);
    expect(r.body).not.toContain('outside the public folder');
    expect(r.body).not.toContain('hidden');
  });

  it('GET /healthz answers 200 while healthy and 503 when not', async () => {
    const ok = await get(server.port, '/healthz');
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body)).toEqual({ ok: true, database: 'ok' });
    healthy = false;
    const bad = await get(server.port, '/healthz');
    expect(bad.status).toBe(503);
    expect(JSON.parse(bad.body)).toMatchObject({ ok: false });
    healthy = true;
  });
});
