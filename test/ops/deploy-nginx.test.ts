// docs/deploy.md's nginx server block, run as written (only its socket, folder and upstream replaced) in a
// real nginx on a local socket, in front of a site Herald wrote: every file comes with the headers Herald's
// own server gives it, Herald's temporary files stay hidden, and Slack's and Discord's requests reach
// Herald's endpoints with their bodies as sent. nginx must be installed (`apt-get install nginx`).
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bin, type CliWorld, createCliWorld, root } from '../helpers/cli.js';
import { until } from '../helpers/wait.js';

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

interface Forwarded {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** One request, over a TCP address (`http://…`) or nginx's unix socket. */
function request(
  to: { url: string } | { socketPath: string },
  pathname: string,
  options: { method?: string; body?: string; headers?: Record<string, string> } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const target =
      'url' in to ? { host: '127.0.0.1', port: Number(new URL(to.url).port) } : { socketPath: to.socketPath };
    const req = http.request(
      {
        ...target,
        path: pathname,
        method: options.method ?? 'GET',
        headers: { host: 'status.example.com', ...options.headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

function findNginx(): string {
  const dirs = [...(process.env.PATH ?? '').split(':'), '/usr/sbin', '/usr/local/sbin'];
  const found = dirs.map((d) => path.join(d, 'nginx')).find((p) => fs.existsSync(p));
  if (!found) throw new Error('nginx is not installed: apt-get install nginx (.ci/run installs it)');
  return found;
}

/** The page's server block: the one ```nginx block of docs/deploy.md. */
function documentedServerBlock(): string {
  const doc = fs.readFileSync(path.join(root, 'docs', 'deploy.md'), 'utf8');
  const blocks = [...doc.matchAll(/```nginx\n([\s\S]*?)```/g)].map((m) => m[1] as string);
  expect(blocks).toHaveLength(1);
  return blocks[0] as string;
}

/** Replaces what must change to run here, each exactly as often as the page has it. */
function localise(block: string, changes: Array<[from: string, to: string, times: number]>): string {
  let out = block;
  for (const [from, to, times] of changes) {
    expect(out.split(from).length - 1, `"${from}" in docs/deploy.md's nginx block`).toBe(times);
    out = out.split(from).join(to);
  }
  return out;
}

let world: CliWorld;
let dir: string;
let socketPath: string;
let publicDir: string;
let nginx: ChildProcess | undefined;
let herald: ChildProcess | undefined;
let heraldUrl: string;
let upstream: http.Server;
const forwarded: Forwarded[] = [];
let configTest: { status: number | null; stderr: string };

beforeAll(async () => {
  const nginxBin = findNginx();
  world = createCliWorld();
  dir = world.dir;
  const demo = world.run(['demo', '--no-serve', '--dir', 'site']);
  expect(demo.status, demo.stderr).toBe(0);
  publicDir = path.join(dir, 'site', 'public');

  // Herald's own server on the same folder: what nginx must match.
  herald = spawn(process.execPath, [bin, 'serve'], {
    cwd: dir,
    env: { ...world.env, HERALD_DATA_DIR: path.join(dir, 'site', 'data'), HERALD_PUBLIC_DIR: publicDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let heraldOut = '';
  herald.stdout?.setEncoding('utf8').on('data', (d: string) => {
    heraldOut += d;
  });
  heraldUrl = await until('herald serve', () => /on (http:\/\/\S+) /.exec(heraldOut)?.[1], 15_000);

  // Stands in for Herald's chat endpoints behind the proxy: records what arrives.
  upstream = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      forwarded.push({
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  const upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;

  socketPath = path.join(dir, 'nginx.sock');
  const server = localise(documentedServerBlock(), [
    ['listen 80;', `listen unix:${socketPath};`, 1],
    ['    listen [::]:80;\n', '', 1],
    ['root /var/www/herald;', `root ${publicDir};`, 1],
    ['http://127.0.0.1:8080', upstreamUrl, 3],
  ]);
  fs.writeFileSync(path.join(dir, 'herald.conf'), server);
  fs.mkdirSync(path.join(dir, 'nginx-tmp'));
  const temp = (name: string) => `${name}_temp_path ${path.join(dir, 'nginx-tmp', name)};`;
  // As Debian's nginx.conf includes a site: inside http {}, with its mime.types. One process, no user
  // switch, everything in the test's folder.
  fs.writeFileSync(
    path.join(dir, 'nginx.conf'),
    [
      'daemon off;',
      'master_process off;',
      `pid ${path.join(dir, 'nginx.pid')};`,
      `error_log ${path.join(dir, 'nginx-error.log')};`,
      'events {}',
      'http {',
      '  include /etc/nginx/mime.types;',
      '  default_type application/octet-stream;',
      '  access_log off;',
      `  ${temp('client_body')} ${temp('proxy')} ${temp('fastcgi')} ${temp('uwsgi')} ${temp('scgi')}`,
      `  include ${path.join(dir, 'herald.conf')};`,
      '}',
    ].join('\n'),
  );
  const args = ['-e', path.join(dir, 'nginx-error.log'), '-p', dir, '-c', path.join(dir, 'nginx.conf')];
  const tested = spawnSync(nginxBin, ['-t', ...args], { encoding: 'utf8' });
  configTest = { status: tested.status, stderr: tested.stderr };
  if (tested.status !== 0) return;
  nginx = spawn(nginxBin, args, { stdio: 'ignore' });
  await until('nginx listening', () => fs.existsSync(socketPath), 15_000);
});

afterAll(async () => {
  nginx?.kill('SIGTERM');
  herald?.kill('SIGTERM');
  await Promise.all(
    [nginx, herald].map(
      (p) => new Promise((resolve) => (!p || p.exitCode !== null ? resolve(null) : p.once('exit', resolve))),
    ),
  );
  await new Promise((resolve) => upstream?.close(resolve));
  world?.cleanup();
});

describe("docs/deploy.md's nginx configuration", () => {
  it('passes nginx -t', () => {
    expect(configTest.status, configTest.stderr).toBe(0);
  });

  it("serves every file of the site with the content type and headers of Herald's own server", async () => {
    const files = [
      '/',
      '/incidents/1.html',
      '/rss.xml',
      '/atom.xml',
      '/feed.json',
      '/style.css',
      '/favicon.svg',
      '/widget.html',
      '/api/v2/summary.json',
      '/api/v2/incidents/unresolved.json',
      '/badges/nc018.svg',
      '/badges/nc018/smtp.json',
    ];
    for (const file of files) {
      const viaNginx = await request({ socketPath }, file);
      const viaHerald = await request({ url: heraldUrl }, file);
      expect(viaHerald.status, file).toBe(200);
      expect(viaNginx.status, file).toBe(200);
      expect(viaNginx.body, file).toBe(viaHerald.body);
      for (const header of [
        'content-type',
        'cache-control',
        'x-content-type-options',
        'referrer-policy',
        'access-control-allow-origin',
        'access-control-expose-headers',
      ])
        expect(`${file} ${header}: ${viaNginx.headers[header]}`).toBe(
          `${file} ${header}: ${viaHerald.headers[header]}`,
        );
      if (file.endsWith('/') || file.endsWith('.html'))
        expect(viaNginx.headers['content-security-policy']).toBe(
          viaHerald.headers['content-security-policy'],
        );
      // Revalidation after the minute is cheap: nginx answers a matching ETag with 304.
      const again = await request({ socketPath }, file, {
        headers: { 'if-none-match': String(viaNginx.headers.etag) },
      });
      expect(again.status, file).toBe(304);
    }
    expect((await request({ socketPath }, '/feed.json')).headers['content-type']).toBe(
      'application/feed+json; charset=utf-8',
    );
  });

  it("answers the JSON API's CORS preflight as Herald's own server does", async () => {
    const preflight = {
      method: 'OPTIONS',
      headers: {
        origin: 'https://dashboard.example.org',
        'access-control-request-method': 'GET',
        'access-control-request-headers': 'if-none-match',
      },
    };
    const viaNginx = await request({ socketPath }, '/api/v2/status.json', preflight);
    const viaHerald = await request({ url: heraldUrl }, '/api/v2/status.json', preflight);
    expect([viaNginx.status, viaHerald.status]).toEqual([204, 204]);
    const cors = (a: Answer) =>
      Object.fromEntries(
        Object.entries(a.headers)
          .filter(([k]) => k.startsWith('access-control-') || k === 'x-content-type-options')
          .sort(),
      );
    expect(cors(viaNginx)).toEqual(cors(viaHerald));
    expect(cors(viaNginx)['access-control-allow-methods']).toBe('GET, HEAD, OPTIONS');
  });

  it("hides Herald's temporary files, and answers a missing page with the 404 page, not cached", async () => {
    fs.writeFileSync(path.join(publicDir, '.index.html.4242.0badf00d.tmp'), '<p>half a page</p>');
    const temp = await request({ socketPath }, '/.index.html.4242.0badf00d.tmp');
    expect(temp.status).toBe(404);
    expect(temp.body).not.toContain('half a page');
    const missing = await request({ socketPath }, '/incidents/999.html');
    expect(missing.status).toBe(404);
    expect(missing.body).toBe(fs.readFileSync(path.join(publicDir, '404.html'), 'utf8'));
    expect(missing.headers['cache-control']).toBeUndefined();
  });

  it("passes Slack's and Discord's requests to Herald with the body untouched; keeps /healthz and /metrics in", async () => {
    const slackBody = 'token=x&command=%2Fstatus&text=nc018+smtp+down+%22spam%22&trigger_id=1.2.3';
    const slack = await request({ socketPath }, '/slack/events', {
      method: 'POST',
      body: slackBody,
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-slack-signature': 'v0=abc123',
        'x-slack-request-timestamp': '1795800000',
      },
    });
    const discordBody = JSON.stringify({ type: 1, id: '1', token: 't' });
    const discord = await request({ socketPath }, '/discord/interactions', {
      method: 'POST',
      body: discordBody,
      headers: {
        'content-type': 'application/json',
        'x-signature-ed25519': 'f00d',
        'x-signature-timestamp': '1',
      },
    });
    expect([slack.status, slack.body, discord.status]).toEqual([200, '{"ok":true}', 200]);
    expect(forwarded.map((f) => [f.method, f.url, f.body])).toEqual([
      ['POST', '/slack/events', slackBody],
      ['POST', '/discord/interactions', discordBody],
    ]);
    expect(forwarded[0]?.headers['x-slack-signature']).toBe('v0=abc123');
    expect(forwarded[0]?.headers.host).toBe('status.example.com');
    expect(forwarded[1]?.headers['x-signature-ed25519']).toBe('f00d');

    // This client comes through a socket, not from 127.0.0.1: to nginx it is the world.
    for (const inside of ['/healthz', '/metrics'])
      expect((await request({ socketPath }, inside)).status).toBe(403);
    expect(forwarded).toHaveLength(2);
  });

  it('passes the sign-up routes to Herald naming the client as nginx saw it; subscribe.html stays a file', async () => {
    const before = forwarded.length;
    const form = 'email=client%40example.org&components=all';
    const posted = await request({ socketPath }, '/subscribe', {
      method: 'POST',
      body: form,
      // A client's own X-Forwarded-For is replaced, never passed on: it could name anyone.
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': '198.51.100.1' },
    });
    const confirm = await request({ socketPath }, '/subscribe/confirm?token=abc.def');
    const oneClick = await request({ socketPath }, '/unsubscribe?token=abc.def', {
      method: 'POST',
      body: 'List-Unsubscribe=One-Click',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect([posted.status, confirm.status, oneClick.status]).toEqual([200, 200, 200]);
    const passed = forwarded.slice(before);
    expect(passed.map((f) => [f.method, f.url, f.body])).toEqual([
      ['POST', '/subscribe', form],
      ['GET', '/subscribe/confirm?token=abc.def', ''],
      ['POST', '/unsubscribe?token=abc.def', 'List-Unsubscribe=One-Click'],
    ]);
    // Over this test's unix socket nginx's $remote_addr is "unix:"; over TCP it is the client's address.
    expect(passed.map((f) => f.headers['x-forwarded-for'])).toEqual(['unix:', 'unix:', 'unix:']);
    expect(passed[0]?.headers.host).toBe('status.example.com');
    // The page with the form is the site's file, as Herald's own server has it.
    const page = await request({ socketPath }, '/subscribe.html');
    expect(page.status).toBe(200);
    expect(page.body).toBe((await request({ url: heraldUrl }, '/subscribe.html')).body);
    expect(forwarded).toHaveLength(before + 3);
    // A body past the sign-up's 16 KiB is refused at the door.
    const huge = await request({ socketPath }, '/subscribe', {
      method: 'POST',
      body: `email=${'a'.repeat(20_000)}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(huge.status).toBe(413);
    expect(forwarded).toHaveLength(before + 3);
  });
});
