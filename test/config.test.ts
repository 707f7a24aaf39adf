// Configuration is checked once, at start, and every problem is listed at once with its path.
import fs from 'node:fs';
import path from 'node:path';
import { parseEnv } from 'node:util';
import { describe, expect, it } from 'vitest';
import { loadConfig, parseConfigFile } from '../src/config.js';
import { tempDir } from './helpers/core.js';
import { testSettings } from './helpers/settings.js';

const root = path.resolve(import.meta.dirname, '..');
const shipped = fs.readFileSync(path.join(root, 'herald.config.yaml'), 'utf8');

describe('the shipped configuration', () => {
  it('loads, and is the catalog the core tests use', () => {
    const result = loadConfig({}, root);
    if (!result.ok) throw new Error(result.problems.join('\n'));
    expect(result.config.core).toEqual(testSettings);
    expect(result.config.paths.database).toBe(path.join(root, 'data', 'herald.db'));
    expect(result.config.http).toEqual({ host: '127.0.0.1', port: 8080, trustProxy: [] });
    expect(result.config.site.baseUrl).toBe('http://127.0.0.1:8080/');
  });

  it('.env.example lists settings that load as they are', () => {
    const env = parseEnv(fs.readFileSync(path.join(root, '.env.example'), 'utf8'));
    const result = loadConfig(env, root);
    expect(result.ok ? [] : result.problems).toEqual([]);
  });

  it('every variable the code reads from the environment is listed in .env.example', () => {
    const example = fs.readFileSync(path.join(root, '.env.example'), 'utf8');
    const listed = new Set([...example.matchAll(/^#?\s*([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]));
    const source = fs
      .readdirSync(path.join(root, 'src'), { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.ts'))
      .map((f) => fs.readFileSync(path.join(root, 'src', f), 'utf8'))
      .join('\n');
    const read = new Set(
      // Read as env.NAME / env['NAME'], or declared as a key of the environment schema (NAME: z…).
      [
        ...source.matchAll(
          /(?:env\.|env\[['"])((?:HERALD|SLACK|DISCORD|TWITTER|MASTODON|BLUESKY|LOG)_[A-Z0-9_]+)|\b((?:HERALD|SLACK|DISCORD|TWITTER|MASTODON|BLUESKY|LOG)_[A-Z0-9_]+): z\./g,
        ),
      ].map((m) => m[1] ?? m[2]),
    );
    expect([...read].filter((v) => !listed.has(v))).toEqual([]);
  });
});

describe('HERALD_TRUST_PROXY', () => {
  it('takes addresses, CIDR ranges and express names, and refuses anything else, naming the variable', () => {
    const ok = loadConfig({ HERALD_TRUST_PROXY: 'loopback, 10.0.0.0/8,::1' }, root);
    expect(ok.ok && ok.config.http.trustProxy).toEqual(['loopback', '10.0.0.0/8', '::1']);
    for (const bad of ['10.0.0.0/33', 'proxy.example.net', 'true', '1']) {
      const refused = loadConfig({ HERALD_TRUST_PROXY: bad }, root);
      expect(refused.ok ? [] : refused.problems, bad).toEqual([
        expect.stringMatching(/^environment HERALD_TRUST_PROXY: must be a comma-separated list of addresses/),
      ]);
    }
  });
});

describe('a broken configuration', () => {
  it('lists every problem at once, with its path and what was expected', () => {
    const broken = shipped
      .replace('baseUrl: http://127.0.0.1:8080/', 'baseUrl: not a url')
      .replace('zone: Africa/Lusaka', 'zone: Africa/Lusakka')
      .replace('services: [smtp, imap, pop, relay]', 'services: [smtp, imapp]')
      .replace('feedItems: 50', 'feedItems: "fifty"');
    const result = parseConfigFile(broken);
    expect(result.ok).toBe(false);
    const problems = result.ok ? [] : result.problems;
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^herald\.config\.yaml site\.baseUrl: expected an http\(s\) URL/),
        expect.stringMatching(/^herald\.config\.yaml site\.feedItems: .*number/i),
        expect.stringMatching(/^herald\.config\.yaml zones\[1\]\.zone: expected an IANA time zone/),
      ]),
    );
    // Cross-references are checked once the shapes are right.
    const badService = parseConfigFile(
      shipped.replace('services: [smtp, imap, pop, relay]', 'services: [smtp, imapp]'),
    );
    expect(badService.ok ? [] : badService.problems).toEqual([
      'herald.config.yaml systems.email.services[1]: unknown service "imapp"; define it under services (known: smtp, imap, pop, web, dns, ftp, mysql, lists, spam, relay)',
    ]);
  });

  it('refuses a system named like a command word, and a word that names two things', () => {
    const result = parseConfigFile(shipped.replace('aliases: [nc26]', 'aliases: [nc18, update]'));
    expect(result.ok ? [] : result.problems).toEqual([
      'herald.config.yaml systems.nc026: "nc18" already names system nc018',
      'herald.config.yaml systems.nc026: "update" is a command word and cannot name a system',
    ]);
  });

  it('names unreadable YAML, a missing file and a bad port', () => {
    expect(parseConfigFile('site: [unclosed')).toMatchObject({
      ok: false,
      problems: [expect.stringMatching(/^herald\.config\.yaml: not valid YAML/)],
    });
    const dir = tempDir();
    const result = loadConfig({ HERALD_CONFIG: 'missing.yaml', HERALD_PORT: 'eighty' }, dir);
    expect(result.ok ? [] : result.problems).toEqual([
      expect.stringMatching(/^environment HERALD_PORT: /),
      expect.stringMatching(/missing\.yaml: cannot read the configuration \(ENOENT\); set HERALD_CONFIG/),
    ]);
    fs.rmSync(dir, { recursive: true });
  });
});

describe('maintenance reminders', () => {
  it('default to 24 hours and 1 hour before the start, and are read as written', () => {
    const shippedResult = loadConfig({}, root);
    if (!shippedResult.ok) throw new Error(shippedResult.problems.join('\n'));
    expect(shippedResult.config.maintenance.remindersMs).toEqual([86_400_000, 3_600_000]);
    const dir = tempDir();
    const file = path.join(dir, 'herald.config.yaml');
    fs.writeFileSync(file, shipped.replace(/\nmaintenance:\n {2}reminders: \[24h, 1h\]\n/, '\n'));
    const omitted = loadConfig({ HERALD_CONFIG: file }, root);
    expect(omitted.ok && omitted.config.maintenance.remindersMs).toEqual([86_400_000, 3_600_000]);
    fs.writeFileSync(file, shipped.replace('reminders: [24h, 1h]', 'reminders: [2d, 90m]'));
    const chosen = loadConfig({ HERALD_CONFIG: file }, root);
    expect(chosen.ok && chosen.config.maintenance.remindersMs).toEqual([172_800_000, 5_400_000]);
    fs.writeFileSync(file, shipped.replace('reminders: [24h, 1h]', 'reminders: []'));
    const none = loadConfig({ HERALD_CONFIG: file }, root);
    expect(none.ok && none.config.maintenance.remindersMs).toEqual([]);
  });

  it('refuse what is not a duration, each with its path', () => {
    const result = parseConfigFile(shipped.replace('reminders: [24h, 1h]', 'reminders: [24 hours, 0h, 1h]'));
    expect(result.ok ? [] : result.problems).toEqual([
      'herald.config.yaml maintenance.reminders[0]: expected a duration like 24h, 90m or 2d',
      'herald.config.yaml maintenance.reminders[1]: expected a duration like 24h, 90m or 2d',
    ]);
  });
});

describe('social credentials', () => {
  const root = path.resolve(import.meta.dirname, '..');
  it('are all there (the network is on) or none (it runs dry); some but not all is named', () => {
    const none = loadConfig({}, root);
    expect(none.ok && none.config.social.twitter.credentials).toBe(null);
    const all = loadConfig(
      {
        TWITTER_API_KEY: 'k',
        TWITTER_API_SECRET: 's',
        TWITTER_ACCESS_TOKEN: 't',
        TWITTER_ACCESS_SECRET: 'a',
        MASTODON_URL: 'https://mastodon.example',
        MASTODON_ACCESS_TOKEN: 'm',
      },
      root,
    );
    expect(all.ok && all.config.social).toMatchObject({
      twitter: {
        apiUrl: 'https://api.x.com/',
        credentials: { appKey: 'k', appSecret: 's', accessToken: 't', accessSecret: 'a' },
      },
      mastodon: { url: 'https://mastodon.example', accessToken: 'm' },
      bluesky: { serviceUrl: 'https://bsky.social', identifier: null },
    });
    const some = loadConfig({ TWITTER_API_KEY: 'k', BLUESKY_APP_PASSWORD: 'p' }, root);
    expect(some.ok ? [] : some.problems).toEqual([
      'environment: Twitter/X needs TWITTER_API_KEY, TWITTER_API_SECRET, TWITTER_ACCESS_TOKEN, TWITTER_ACCESS_SECRET together; missing TWITTER_API_SECRET, TWITTER_ACCESS_TOKEN, TWITTER_ACCESS_SECRET',
      'environment: Bluesky needs BLUESKY_IDENTIFIER, BLUESKY_APP_PASSWORD together; missing BLUESKY_IDENTIFIER',
    ]);
  });
});
