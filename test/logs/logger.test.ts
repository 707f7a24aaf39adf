// Herald's logger keeps credentials out of its lines: errors of the platform libraries (as each library
// makes them, against a local platform that refuses with 401 or fails with 500 and sets a session cookie)
// lose their requests, responses and headers; known key names are redacted; and a configured credential
// is cut out of a line wherever it got in.

import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { webApi } from '@slack/bolt';
import { REST, Routes } from 'discord.js';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBlueskyAgent } from '../../src/adapters/outlets/bluesky.js';
import { createMastodonClient } from '../../src/adapters/outlets/mastodon.js';
import { createTwitterClient } from '../../src/adapters/outlets/twitter.js';
import { loadConfig, SECRET_KEYS } from '../../src/config.js';
import { CENSOR, createScrubber, safeUrl } from '../../src/logger.js';
import { root } from '../helpers/cli.js';
import { TEST_CREDENTIALS as C, TEST_SECRETS } from '../helpers/credentials.js';
import { testLog } from '../helpers/log.js';

/** Herald's logger into an array, and (through testLog) into the suite's capture. */
function recorder(secrets?: readonly string[]) {
  const lines: string[] = [];
  const log = testLog({ to: (line) => lines.push(line), ...(secrets ? { secrets } : {}) });
  return { log, lines, text: () => lines.join('') };
}

describe('the logger', () => {
  it('cuts a configured credential out of a line wherever it is: the message, a deep field, an error', () => {
    const r = recorder([C.slack.botToken, C.mastodonToken, 'with "quotes" \\ inside']);
    r.log.info(`calling with ${C.slack.botToken}`);
    r.log.info({ a: { b: { c: { d: `Bearer ${C.mastodonToken}` } } } }, 'deep');
    r.log.error({ err: new Error(`refused ${C.slack.botToken}`) }, 'failed');
    r.log.info({ odd: 'with "quotes" \\ inside' }, 'escaped in JSON');
    expect(r.lines).toHaveLength(4);
    expect(r.text()).not.toContain(C.slack.botToken);
    expect(r.text()).not.toContain(C.mastodonToken);
    expect(r.text()).not.toContain(JSON.stringify('with "quotes" \\ inside').slice(1, -1));
    expect(JSON.parse(r.lines[0] ?? '{}').msg).toBe(`calling with ${CENSOR}`);
    expect(JSON.parse(r.lines[1] ?? '{}').a.b.c.d).toBe(`Bearer ${CENSOR}`);
    expect(JSON.parse(r.lines[2] ?? '{}').err.message).toBe(`refused ${CENSOR}`);
  });

  it('does not cut out values too short to be credentials, which would mangle ordinary words', () => {
    expect(createScrubber(['on', C.discordToken])(`on and on with ${C.discordToken}`)).toBe(
      `on and on with ${CENSOR}`,
    );
  });

  it('redacts credentials under their usual names without being told the values', () => {
    const r = recorder();
    r.log.info({
      token: C.discordToken,
      slack: { botToken: C.slack.botToken, signingSecret: C.slack.signingSecret },
    });
    r.log.info({
      twitter: { credentials: C.twitter },
      request: { headers: { authorization: `Bot ${C.discordToken}` } },
    });
    r.log.info({
      config: { slack: { botToken: C.slack.botToken } },
      res: { headers: { cookie: C.sessionCookie } },
    });
    for (const secret of TEST_SECRETS) expect(r.text()).not.toContain(secret);
    expect(r.text()).not.toContain(C.sessionCookie);
    expect(JSON.parse(r.lines[0] ?? '{}')).toMatchObject({ token: CENSOR, slack: { botToken: CENSOR } });
  });

  it('logs a URL without its query, its user and password, or a Discord webhook token', () => {
    expect(safeUrl(`https://u:${C.blueskyAppPassword}@example.com/a?access_token=${C.mastodonToken}`)).toBe(
      `https://example.com/a?${CENSOR}`,
    );
    expect(safeUrl(`https://discord.com/api/v10/webhooks/11/${C.interactionToken}/messages/@original`)).toBe(
      `https://discord.com/api/v10/webhooks/11/${CENSOR}/messages/@original`,
    );
  });
});

describe('the credentials Herald cuts out of its log', () => {
  it('are every credential variable of .env.example, with the values configured', () => {
    const example = fs.readFileSync(path.join(root, '.env.example'), 'utf8');
    const listed = [...example.matchAll(/^([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1] ?? '');
    // A public key is not a secret: Discord publishes it to verify its own requests.
    const credentials = listed.filter(
      (v) => /(TOKEN|SECRET|PASSWORD|_KEY)$/.test(v) && v !== 'DISCORD_PUBLIC_KEY',
    );
    expect([...SECRET_KEYS].sort()).toEqual(credentials.sort());
    // Each value in the shape its variable asks for (a long key, a Standard Webhooks secret), all distinct.
    const credentialValue = (key: string, i: number) => {
      const value = `value-of-credential-${i}-0123456789abcdef0123456789`;
      return key === 'HERALD_STATUS_HOOK_SECRET' ? `whsec_${Buffer.from(value).toString('base64')}` : value;
    };
    const env = Object.fromEntries(SECRET_KEYS.map((key, i) => [key, credentialValue(key, i)]));
    const others = {
      // Basic auth's user goes with its password (the user is no secret).
      HERALD_ALERTMANAGER_USER: 'alertmanager',
      MASTODON_URL: 'https://mastodon.example',
      BLUESKY_IDENTIFIER: 'status.example',
      DISCORD_APPLICATION_ID: '1100000000000000001',
    };
    const loaded = loadConfig({ ...env, ...others }, root);
    if (!loaded.ok) throw new Error(loaded.problems.join('\n'));
    expect(loaded.config.logging.secrets.sort()).toEqual(Object.values(env).sort());
  });
});

describe('errors of the platform libraries, as Herald logs them', () => {
  let url = '';
  let server: http.Server;
  let status = 401;
  /** What each request carried: its URL, headers and body. */
  const requests: string[] = [];
  beforeAll(async () => {
    // A platform that refuses (401) or fails (500) every request, and sets a session cookie while at it.
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => {
        body += chunk;
      });
      req.on('end', () => {
        requests.push(`${req.url} ${JSON.stringify(req.headers)} ${body}`);
        res.writeHead(status, {
          'content-type': 'application/json',
          'set-cookie': `session=${C.sessionCookie}; HttpOnly`,
        });
        res.end(JSON.stringify({ ok: false, error: 'invalid_auth', message: 'Unauthorized', code: 0 }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  /** Each library's call, with the credential it sends. */
  const calls: Array<[string, string, () => Promise<unknown>]> = [
    [
      'twitter-api-v2',
      C.twitter.accessToken,
      () => createTwitterClient(`${url}/`, { ...C.twitter }, 5_000).v2.tweet('hello'),
    ],
    [
      'masto',
      C.mastodonToken,
      () => createMastodonClient(url, C.mastodonToken, 5_000).v1.statuses.create({ status: 'hello' }),
    ],
    [
      '@atproto/api',
      C.blueskyAppPassword,
      () =>
        createBlueskyAgent(url, 5_000).login({
          identifier: 'status.example',
          password: C.blueskyAppPassword,
        }),
    ],
    [
      '@slack/web-api (Bolt)',
      C.slack.botToken,
      () =>
        new webApi.WebClient(C.slack.botToken, {
          slackApiUrl: `${url}/api/`,
          retryConfig: { retries: 0 },
        }).chat.postMessage({
          channel: 'C0ANNOUNCE',
          text: 'hello',
        }),
    ],
    [
      'discord.js (bot token)',
      C.discordToken,
      () =>
        new REST({ api: url, retries: 0 })
          .setToken(C.discordToken)
          .post(Routes.channelMessages('1'), { body: { content: 'hello' } }),
    ],
    [
      'discord.js (interaction token)',
      C.interactionToken,
      () =>
        new REST({ api: url, retries: 0 }).patch(
          Routes.webhookMessage('11', C.interactionToken, '@original'),
          {
            body: { content: 'hello' },
            auth: false,
          },
        ),
    ],
  ];

  for (const answer of [401, 500]) {
    it(`keep no credential, cookie or header when the platform answers ${answer}, and still say what failed`, async () => {
      status = answer;
      const r = recorder();
      const raw: string[] = [];
      const bare = pino({ level: 'error' }, { write: (line: string) => raw.push(line) });
      for (const [library, credential, call] of calls) {
        requests.length = 0;
        const error = await call().then(
          () => null,
          (e: unknown) => e,
        );
        expect(error, library).toBeInstanceOf(Error);
        expect(requests.join('\n'), `${library} sent its credential`).toContain(credential);
        r.log.error({ err: error, library }, 'platform call failed');
        bare.error({ err: error, library }, 'platform call failed');
        const line = r.lines.at(-1) ?? '';
        expect(line, library).not.toContain(credential);
        expect(line, library).not.toContain(C.sessionCookie);
        expect(line, library).not.toMatch(/set-cookie|authorization/i);
        const logged = JSON.parse(line);
        expect(logged.err.type, library).toMatch(/Error/);
        expect(
          `${logged.err.message} ${logged.err.status ?? logged.err.statusCode ?? logged.err.code ?? ''}`,
          library,
        ).toMatch(new RegExp(`${answer}|Unauthorized|invalid_auth|Internal`));
      }
      // The libraries do keep what the platform answered on their errors: pino's plain serializer writes the
      // session cookie into the line for some of them, which is what Herald's serializer is for.
      expect(raw.filter((line) => line.includes(C.sessionCookie)).length).toBeGreaterThan(0);
    });
  }
});
