// `herald doctor` as an operator runs it: the real bin/herald.js in a folder of its own, against the
// platform fakes on 127.0.0.1. It passes on the shipped defaults, names the platform and the variable for a
// bad credential (never its value), a folder it cannot write, a database it cannot use and a broken
// configuration, with the exit codes of the contract.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { type FakeBluesky, startFakeBluesky } from '../fakes/bluesky.js';
import {
  createInteractionSigner,
  FAKE_APPLICATION_ID,
  FAKE_CHANNEL_ID,
  FAKE_DISCORD_TOKEN,
  type FakeDiscord,
  startFakeDiscord,
} from '../fakes/discord.js';
import { type FakeMastodon, startFakeMastodon } from '../fakes/mastodon.js';
import { FAKE_SLACK, type FakeSlack, startFakeSlack } from '../fakes/slack.js';
import { FAKE_TWITTER_CREDENTIALS, type FakeTwitter, startFakeTwitter } from '../fakes/twitter.js';
import {
  type CliResult,
  type CliWorld,
  createCliWorld,
  killRunningHeralds,
  startRunningHerald,
} from '../helpers/cli.js';
import { socialEnv } from '../helpers/social-env.js';

interface Fakes {
  twitter: FakeTwitter;
  mastodon: FakeMastodon;
  bluesky: FakeBluesky;
  slack: FakeSlack;
  discord: FakeDiscord;
  publicKey: string;
}

let world: CliWorld | undefined;
let fakes: Fakes | undefined;
afterEach(async () => {
  killRunningHeralds();
  world?.cleanup();
  if (fakes) {
    const { publicKey: _, ...servers } = fakes;
    await Promise.all(Object.values(servers).map((f) => f.close()));
  }
  world = fakes = undefined;
});

async function startFakes(): Promise<Fakes> {
  const signer = createInteractionSigner();
  const [twitter, mastodon, bluesky, slack, discord] = await Promise.all([
    startFakeTwitter(),
    startFakeMastodon(),
    startFakeBluesky(),
    startFakeSlack(),
    startFakeDiscord({ publicKey: signer.publicKey }),
  ]);
  fakes = { twitter, mastodon, bluesky, slack, discord, publicKey: signer.publicKey };
  return fakes;
}

/** Every platform on, with the credentials each fake accepts. */
function goodEnv(f: Fakes): NodeJS.ProcessEnv {
  return {
    ...socialEnv(f),
    SLACK_BOT_TOKEN: FAKE_SLACK.botToken,
    SLACK_APP_TOKEN: FAKE_SLACK.appToken,
    SLACK_ANNOUNCE_CHANNEL: FAKE_SLACK.announceChannel,
    SLACK_API_URL: f.slack.apiUrl,
    DISCORD_TOKEN: FAKE_DISCORD_TOKEN,
    DISCORD_APPLICATION_ID: FAKE_APPLICATION_ID,
    DISCORD_PUBLIC_KEY: f.publicKey,
    DISCORD_ANNOUNCE_CHANNEL: FAKE_CHANNEL_ID,
    DISCORD_API_URL: f.discord.apiUrl,
  };
}

/** The variables of some platforms only, by prefix. */
const only = (env: NodeJS.ProcessEnv, ...prefixes: string[]): NodeJS.ProcessEnv =>
  Object.fromEntries(Object.entries(env).filter(([key]) => prefixes.some((p) => key.startsWith(p))));

/** The report line of one check (`FAIL twitter …`), and the fix lines under it. */
function section(stdout: string, name: string): string {
  const lines = stdout.split('\n');
  const start = lines.findIndex((l) => new RegExp(`^\\S+\\s+${name} `).test(l));
  if (start < 0) throw new Error(`no "${name}" line in:\n${stdout}`);
  const rest = lines.slice(start + 1);
  const end = rest.findIndex((l) => !l.startsWith('     '));
  return [lines[start], ...rest.slice(0, end < 0 ? undefined : end)].join('\n');
}

function expectNoneOf(result: CliResult, secrets: string[]): void {
  for (const secret of secrets) {
    expect(result.stdout).not.toContain(secret);
    expect(result.stderr).not.toContain(secret);
  }
}

describe('herald doctor', () => {
  it('passes on the shipped defaults in a fresh folder, every platform off, and changes nothing', async () => {
    world = createCliWorld();
    const r = await world.runAsync(['doctor']);
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(section(r.stdout, 'configuration')).toMatch(
      /^ok\s+configuration\s+.*herald\.config\.yaml: 3 systems/,
    );
    expect(section(r.stdout, 'data folder')).toContain('not there yet; Herald creates it');
    expect(section(r.stdout, 'database')).toContain('not there yet; herald start creates it');
    for (const platform of ['twitter', 'mastodon', 'bluesky', 'slack', 'discord'])
      expect(section(r.stdout, platform)).toMatch(new RegExp(`^-\\s+${platform}\\s+off \\(`));
    expect(r.stdout).toContain('All is well');
    expect(r.stdout).not.toMatch(/FAIL/);
    expect(fs.readdirSync(world.dir).sort()).toEqual([]);
  });

  it('a Herald already running on the data folder and port: both named, with its pid and a fix, exit 1', async () => {
    world = createCliWorld();
    const running = await startRunningHerald(world);
    const port = new URL(running.url).port;
    const r = await world.runAsync(['doctor'], { env: { HERALD_PORT: port } });
    expect(r.status, r.stdout + r.stderr).toBe(1);
    const herald = section(r.stdout, 'running herald');
    expect(herald).toMatch(
      new RegExp(`^FAIL\\s+running herald\\s+a Herald is already running on .*data \\(pid ${running.pid}\\)`),
    );
    expect(herald).toContain(`fix: stop it first (kill ${running.pid};`);
    const taken = section(r.stdout, 'port');
    expect(taken).toMatch(
      new RegExp(
        `^FAIL\\s+port\\s+.*:${port} is taken by another program \\(the Herald with pid ${running.pid}`,
      ),
    );
    expect(taken).toContain('fix: stop what listens there');
    expect(taken).toContain('or set HERALD_PORT');
    expect(r.stdout).toMatch(/2 problem\(s\): running herald, port\n$/);
    expect(r.stdout).not.toContain('All is well');
    // Once it has stopped, nothing is in the way.
    await running.stop();
    const after = await world.runAsync(['doctor'], { env: { HERALD_PORT: port } });
    expect(section(after.stdout, 'running herald')).toMatch(/^ok\s+running herald\s+none on /);
    expect(section(after.stdout, 'port')).toMatch(new RegExp(`^ok\\s+port\\s+.*:${port} is free`));
    expect(after.status, after.stdout).toBe(0);
  });

  it('with every credential right: each platform signed in through its API, the database and folders checked', async () => {
    const f = await startFakes();
    world = createCliWorld();
    expect(world.run(['run', 'nc018 smtp down "spam cleanup"']).status).toBe(0);
    fs.mkdirSync(world.env.HERALD_PUBLIC_DIR as string);
    const r = await world.runAsync(['doctor'], { env: goodEnv(f) });
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(section(r.stdout, 'twitter')).toMatch(/^ok\s+twitter\s+signed in as @heraldstatus/);
    expect(section(r.stdout, 'mastodon')).toMatch(/^ok\s+mastodon\s+signed in as @herald/);
    expect(section(r.stdout, 'bluesky')).toMatch(/^ok\s+bluesky\s+logged in as status\.ninernet\.example/);
    expect(section(r.stdout, 'slack')).toMatch(
      /^ok\s+slack\s+bot @herald in Herald test; Socket Mode: SLACK_APP_TOKEN accepted; the announcement channel is readable/,
    );
    expect(section(r.stdout, 'discord')).toMatch(
      new RegExp(
        `^ok\\s+discord\\s+bot herald of application ${FAKE_APPLICATION_ID}; the announcement channel`,
      ),
    );
    expect(section(r.stdout, 'database')).toMatch(/integrity ok, schema version \d+$/);
    expect(section(r.stdout, 'public folder')).toContain('writable (a test file was created and removed)');
    expect(fs.readdirSync(world.env.HERALD_PUBLIC_DIR as string)).toEqual([]);
    // The checks are real calls to each API, with the configured addresses.
    expect(f.twitter.requests.map((q) => `${q.method} ${q.path} ${q.outcome}`)).toEqual([
      'GET /2/users/me 200',
    ]);
    expect(f.mastodon.requests.map((q) => `${q.method} ${q.path}`)).toEqual([
      'GET /api/v1/accounts/verify_credentials',
    ]);
    expect(f.discord.requests.map((q) => `${q.route} ${q.status}`)).toEqual([
      'GET /users/@me 200',
      'GET /applications/@me 200',
      'GET /channels/:id 200',
    ]);
    expect(f.slack.calls.map((c) => c.method)).toEqual([
      'auth.test',
      'apps.connections.open',
      'conversations.history',
    ]);
    expect(f.twitter.tweets).toEqual([]);
  });

  it('a wrong token on each platform: exit 1, each names the platform and its variables, and no value is printed', async () => {
    const f = await startFakes();
    world = createCliWorld();
    const wrong = {
      TWITTER_ACCESS_SECRET: 'wrong-twitter-secret-7c1f',
      MASTODON_ACCESS_TOKEN: 'wrong-mastodon-token-9d2e',
      BLUESKY_APP_PASSWORD: 'wrong-bsky-pass-4a8b',
      SLACK_BOT_TOKEN: 'xoxb-wrong-slack-token-3f6a',
      DISCORD_TOKEN: 'wrong.discord.token-5e0c',
    };
    const r = await world.runAsync(['doctor'], { env: { ...goodEnv(f), ...wrong } });
    expect(r.status, r.stdout + r.stderr).toBe(1);
    const twitter = section(r.stdout, 'twitter');
    expect(twitter).toMatch(/^FAIL\s+twitter\s+X refused: 401 Unauthorized/);
    expect(twitter).toContain('fix: check TWITTER_API_KEY and TWITTER_API_SECRET');
    expect(twitter).toContain('TWITTER_ACCESS_SECRET');
    const mastodon = section(r.stdout, 'mastodon');
    expect(mastodon).toMatch(/^FAIL\s+mastodon\s+Mastodon refused: 401 The access token is invalid/);
    expect(mastodon).toContain('fix: check MASTODON_ACCESS_TOKEN');
    const bluesky = section(r.stdout, 'bluesky');
    expect(bluesky).toMatch(/^FAIL\s+bluesky\s+Bluesky refused: 401 Invalid identifier or password/);
    expect(bluesky).toContain('BLUESKY_APP_PASSWORD');
    const slack = section(r.stdout, 'slack');
    expect(slack).toMatch(/^FAIL\s+slack\s+Slack refused: invalid_auth/);
    expect(slack).toContain('fix: check SLACK_BOT_TOKEN');
    const discord = section(r.stdout, 'discord');
    expect(discord).toMatch(/^FAIL\s+discord\s+Discord refused: 401/);
    expect(discord).toContain('fix: check DISCORD_TOKEN');
    expect(r.stdout).toContain('5 problem(s): twitter, mastodon, bluesky, slack, discord');
    expectNoneOf(r, [...Object.values(wrong), FAKE_TWITTER_CREDENTIALS.appSecret, FAKE_SLACK.appToken]);
  });

  it('right tokens with the wrong application id, public key or channel name that variable', async () => {
    const f = await startFakes();
    world = createCliWorld();
    const env = {
      ...goodEnv(f),
      DISCORD_APPLICATION_ID: '1100000000000000999',
      SLACK_ANNOUNCE_CHANNEL: 'C0NOPE',
    };
    const r = await world.runAsync(['doctor'], { env });
    expect(r.status, r.stdout + r.stderr).toBe(1);
    expect(section(r.stdout, 'discord')).toMatch(
      /^FAIL\s+discord\s+DISCORD_APPLICATION_ID is not the application of this bot token/,
    );
    const slack = section(r.stdout, 'slack');
    expect(slack).toMatch(/^FAIL\s+slack\s+Slack refused: channel_not_found/);
    expect(slack).toContain('fix: check SLACK_ANNOUNCE_CHANNEL');
    expect(r.stdout).toContain('2 problem(s): slack, discord');

    const otherKey = createInteractionSigner().publicKey;
    const again = await world.runAsync(['doctor'], { env: { ...goodEnv(f), DISCORD_PUBLIC_KEY: otherKey } });
    expect(again.status).toBe(1);
    expect(section(again.stdout, 'discord')).toMatch(
      /^FAIL\s+discord\s+DISCORD_PUBLIC_KEY is not this application's/,
    );
    expect(again.stdout).not.toContain(otherKey);
  });

  it('an API that is not there, or does not answer in time, names its address variable', async () => {
    const f = await startFakes();
    world = createCliWorld();
    await f.twitter.setFault({ kind: 'hang', route: 'GET /2/users/me', times: Infinity });
    await f.mastodon.setFault({ kind: 'refuse' });
    // Only the two under test: every other platform's call would have to answer within the short timeout too.
    const env = { ...only(goodEnv(f), 'TWITTER_', 'MASTODON_'), HERALD_REQUEST_TIMEOUT_MS: '300' };
    const r = await world.runAsync(['doctor'], { env });
    expect(r.status, r.stdout + r.stderr).toBe(1);
    const twitter = section(r.stdout, 'twitter');
    expect(twitter).toMatch(/^FAIL\s+twitter\s+no answer from http:\/\/127\.0\.0\.1:\d+\/ within 300 ms/);
    expect(twitter).toContain(`fix: check TWITTER_API_URL (now ${f.twitter.url})`);
    expect(twitter).toContain('raise HERALD_REQUEST_TIMEOUT_MS');
    const mastodon = section(r.stdout, 'mastodon');
    expect(mastodon).toMatch(/^FAIL\s+mastodon\s+cannot reach http:\/\/127\.0\.0\.1:\d+\/: .*ECONNREFUSED/);
    expect(mastodon).toContain(`fix: check MASTODON_URL (now ${f.mastodon.url}/)`);
    expect(r.stdout).toContain('2 problem(s): twitter, mastodon');
  });

  it('a public folder Herald cannot write: exit 1, the path and the fix', async () => {
    world = createCliWorld();
    const publicDir = world.env.HERALD_PUBLIC_DIR as string;
    fs.mkdirSync(publicDir, { mode: 0o555 });
    fs.chmodSync(publicDir, 0o555);
    // Root (and CAP_DAC_OVERRIDE) writes through permission bits: there, a file standing where the
    // folder's parent must be is what makes every write fail, for any user.
    const bitsBind = !writable(publicDir);
    const env: NodeJS.ProcessEnv = {};
    if (!bitsBind) {
      fs.writeFileSync(path.join(world.dir, 'site'), 'a file, not a folder\n');
      env.HERALD_PUBLIC_DIR = path.join(world.dir, 'site', 'public');
    }
    const r = await world.runAsync(['doctor'], { env });
    expect(r.status, r.stdout + r.stderr).toBe(1);
    const line = section(r.stdout, 'public folder');
    if (bitsBind) {
      expect(line).toContain(`FAIL public folder  ${publicDir}: cannot write in ${publicDir} (EACCES)`);
      expect(line).toMatch(/fix: let \S+ \(the user Herald runs as\) write there: chown \S+ /);
    } else {
      expect(line).toContain(
        `FAIL public folder  ${env.HERALD_PUBLIC_DIR}: ${path.join(world.dir, 'site')} is a file`,
      );
      expect(line).toContain('fix: a file stands where a folder must be');
    }
    expect(line).toContain('HERALD_PUBLIC_DIR');
    expect(section(r.stdout, 'data folder')).toMatch(/^ok/);
    expect(r.stdout).toContain('1 problem(s): public folder');
  });

  it('a database from a newer Herald, and a file that is not a database, are named problems', async () => {
    world = createCliWorld();
    fs.mkdirSync(path.dirname(world.database));
    const db = new Database(world.database);
    db.pragma('user_version = 99');
    db.close();
    const future = await world.runAsync(['doctor']);
    expect(future.status, future.stdout + future.stderr).toBe(1);
    const line = section(future.stdout, 'database');
    expect(line).toMatch(
      /^FAIL\s+database\s+.*herald\.db: herald\.db is at schema version 99 but this Herald knows/,
    );
    expect(line).toContain('fix: run the Herald version that wrote it, or restore the latest backup');
    expect(fs.readFileSync(world.database).subarray(60, 64).readUInt32BE()).toBe(99);

    fs.writeFileSync(world.database, 'this is not a database, but a note someone saved here\n'.repeat(200));
    const garbage = await world.runAsync(['doctor']);
    expect(garbage.status).toBe(1);
    expect(section(garbage.stdout, 'database')).toMatch(
      /cannot be opened \(SQLITE_NOTADB .*\n.*fix: it is not a SQLite database/,
    );
  });

  it('a damaged database fails the integrity check', async () => {
    world = createCliWorld();
    expect(world.run(['run', 'nc018 smtp down "spam cleanup"']).status).toBe(0);
    damageAnIndex(world.database);
    const r = await world.runAsync(['doctor']);
    expect(r.status, r.stdout + r.stderr).toBe(1);
    const line = section(r.stdout, 'database');
    expect(line).toMatch(/^FAIL\s+database\s+.*the integrity check failed: /);
    expect(line).toContain('fix: stop Herald and restore the latest backup (docs/backups.md)');
  });

  it('a configuration that cannot be read: exit 2 with each problem named', async () => {
    world = createCliWorld({ config: 'site:\n  title: [unclosed\n' });
    const yaml = await world.runAsync(['doctor']);
    expect(yaml.status, yaml.stdout + yaml.stderr).toBe(2);
    expect(yaml.stdout).toMatch(
      /^FAIL configuration\s+cannot be read: 1 problem\(s\)\n\s+- herald\.config\.yaml: not valid YAML/,
    );
    expect(yaml.stdout).toContain('fix: correct the file HERALD_CONFIG names');
    world.cleanup();

    const shipped = fs.readFileSync(path.join(import.meta.dirname, '../../herald.config.yaml'), 'utf8');
    world = createCliWorld({
      config: shipped.replace('baseUrl: http://127.0.0.1:8080/', 'baseUrl: not-a-url'),
    });
    const schema = await world.runAsync(['doctor'], {
      env: { TWITTER_API_KEY: 'lonely-twitter-key-1234' },
    });
    expect(schema.status).toBe(2);
    expect(schema.stdout).toContain('cannot be read: 2 problem(s)');
    expect(schema.stdout).toContain('- herald.config.yaml site.baseUrl: expected an http(s) URL');
    expect(schema.stdout).toContain('- environment: Twitter/X needs TWITTER_API_KEY, TWITTER_API_SECRET');
    expectNoneOf(schema, ['lonely-twitter-key-1234']);
  });
});

function writable(dir: string): boolean {
  const probe = path.join(dir, 'probe');
  try {
    fs.writeFileSync(probe, '');
    fs.rmSync(probe);
    return true;
  } catch {
    return false;
  }
}

/**
 * Changes the key of the only entry in the index of posts by time (a leaf page: SQLite's file format), so
 * that the index no longer matches its table, as a bad disk or a careless copy leaves a database.
 */
function damageAnIndex(file: string): void {
  const db = new Database(file);
  db.pragma('wal_checkpoint(TRUNCATE)');
  const { rootpage } = db
    .prepare("SELECT rootpage FROM sqlite_master WHERE name = 'posts_by_published_at'")
    .get() as { rootpage: number };
  const pageSize = db.pragma('page_size', { simple: true }) as number;
  db.close();
  const bytes = fs.readFileSync(file);
  const page = (rootpage - 1) * pageSize;
  expect(bytes[page]).toBe(0x0a); // a leaf page of an index
  const cell = page + bytes.readUInt16BE(page + 8);
  // The cell: its payload size (one byte here), the record's header (its own size first), then the key.
  const key = cell + 1 + (bytes[cell + 1] as number);
  bytes[key + 7] = (bytes[key + 7] as number) ^ 0xff;
  fs.writeFileSync(file, bytes);
}
