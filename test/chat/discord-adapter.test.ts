// /status on Discord through the front door: the whole Herald (createTestHerald, the real composition
// root and its publisher) with the Discord adapter, its router mounted on Herald's HTTP server, against a
// local fake of Discord: Ed25519-signed HTTP interactions, and the real discord.js client over a fake
// gateway (HELLO, IDENTIFY, READY, heartbeats, INTERACTION_CREATE). Everything listens on 127.0.0.1.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  createDiscordAdapter,
  DISCORD_INTERACTIONS_PATH,
  type DiscordAdapter,
} from '../../src/adapters/chat/discord.js';
import { createHttpApp, listen, type RunningServer } from '../../src/server.js';
import {
  autocompleteInteraction,
  buttonInteraction,
  commandInteraction,
  createInteractionSigner,
  FAKE_APPLICATION_ID,
  FAKE_DISCORD_TOKEN,
  type FakeDiscord,
  type FakeUser,
  type InteractionSigner,
  modalInteraction,
  postInteraction,
  signedHeaders,
  startFakeDiscord,
} from '../fakes/discord.js';
import { TEST_CREDENTIALS } from '../helpers/credentials.js';
import { createTestHerald, type TestHerald } from '../helpers/herald.js';
import { testLog } from '../helpers/log.js';

const STAFF_ROLE = '1600000000000000001';
const anna: FakeUser = { id: '1500000000000000001', username: 'anna', roles: [STAFF_ROLE] };
const visitor: FakeUser = { id: '1500000000000000009', username: 'visitor', roles: [] };
const silent = testLog();
const MINUTE = 60_000;

interface World {
  fake: FakeDiscord;
  herald: TestHerald;
  signer: InteractionSigner;
  adapter: DiscordAdapter;
  server: RunningServer;
  url: string;
  setNow(at: number): void;
  now(): number;
  /** A second adapter on the same Herald, as after a restart, with its own HTTP server. */
  restart(): Promise<{ adapter: DiscordAdapter; url: string }>;
  /** Posts a signed interaction; returns the HTTP answer. */
  post(interaction: Record<string, unknown>, url?: string): Promise<{ status: number; json: unknown }>;
  posts(): number;
}

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function startWorld(
  options: {
    preview?: boolean;
    gateway?: boolean;
    env?: NodeJS.ProcessEnv;
    /** Appended to the shipped configuration (its last section is `templates:`). */
    moreConfig?: string;
  } = {},
): Promise<World> {
  const fake = await startFakeDiscord();
  cleanups.push(() => fake.close());
  const signer = createInteractionSigner();
  const herald = createTestHerald({
    configText: (shipped) =>
      shipped
        .replace('roles: [] # Discord role ids', `roles: ["${STAFF_ROLE}"]`)
        .replace('preview: true', `preview: ${options.preview ?? false}`) + (options.moreConfig ?? ''),
    env: {
      ...options.env,
      DISCORD_TOKEN: options.gateway ? FAKE_DISCORD_TOKEN : '',
      DISCORD_APPLICATION_ID: FAKE_APPLICATION_ID,
      DISCORD_PUBLIC_KEY: signer.publicKey,
      DISCORD_API_URL: fake.apiUrl,
    },
  });
  cleanups.push(() => herald.close());
  let now = Date.parse('2012-07-27T21:39:27Z');
  const clock = { now: () => now };
  const discord = herald.config.discord;
  if (!discord) throw new Error('Discord is not configured');

  async function mount(): Promise<{ adapter: DiscordAdapter; server: RunningServer; url: string }> {
    const adapter = createDiscordAdapter({
      config: discord as NonNullable<typeof discord>,
      chat: herald.config.chat,
      core: herald.herald,
      settings: herald.config.core,
      site: herald.config.site,
      log: silent,
      clock,
    });
    if (!adapter.router) throw new Error('no router: the public key is not set');
    const app = createHttpApp({
      publicDir: path.join(herald.dir, 'public'),
      health: () => herald.herald.health(),
      log: silent,
      routes: [{ path: DISCORD_INTERACTIONS_PATH, router: adapter.router }],
    });
    const server = await listen(app, '127.0.0.1', 0);
    cleanups.push(async () => {
      await adapter.stop();
      await server.close();
    });
    return { adapter, server, url: new URL(DISCORD_INTERACTIONS_PATH, server.url).href };
  }

  const first = await mount();
  return {
    fake,
    herald,
    signer,
    adapter: first.adapter,
    server: first.server,
    url: first.url,
    setNow(at) {
      now = at;
      herald.setNow(at);
    },
    now: () => now,
    restart: mount,
    async post(interaction, url = first.url) {
      const body = JSON.stringify(interaction);
      const res = await postInteraction(url, body, signedHeaders(signer, body));
      if (res.status === 200) fake.answered(interaction, res.json);
      return res;
    },
    posts: () => herald.herald.store.recentPosts(100).length,
  };
}

type Body = Record<string, unknown> & {
  content?: string;
  embeds?: Array<{ title?: string; description?: string; footer?: { text: string } }>;
  components?: Array<{ components: Array<{ custom_id: string; label: string }> }>;
  allowed_mentions?: unknown;
};

/** Waits until the interaction's answer (its latest edit) matches. */
async function answerOf(fake: FakeDiscord, token: string, pattern: RegExp): Promise<Body> {
  return vi.waitFor(
    () => {
      const body = fake.answer(token) as Body | undefined;
      expect(body?.content ?? '').toMatch(pattern);
      return body as Body;
    },
    { timeout: 5_000, interval: 20 },
  );
}

const change = (user: FakeUser, values: Record<string, string | number>, extra: { id?: string } = {}) =>
  commandInteraction({ user, ...extra }, 'change', values);

const SMTP_DOWN = {
  system: 'nc018',
  services: 'smtp',
  state: 'down',
  message: 'Spam problem on NC018.',
  at: '21:39',
};

describe('Discord over signed HTTP interactions', () => {
  it('answers PING, and refuses a forged signature, a tampered body or missing headers with 401', async () => {
    const w = await startWorld();
    const ping = await w.post({
      id: '1',
      application_id: FAKE_APPLICATION_ID,
      type: 1,
      token: 't',
      version: 1,
    });
    expect(ping).toMatchObject({ status: 200, json: { type: 1 } });

    const command = JSON.stringify(change(anna, SMTP_DOWN));
    const forger = createInteractionSigner();
    const forged = await postInteraction(w.url, command, signedHeaders(forger, command));
    const tampered = await postInteraction(
      w.url,
      command.replace('Spam problem', 'Spam problems'),
      signedHeaders(w.signer, command),
    );
    const missing = await postInteraction(w.url, command, {});
    const stale = signedHeaders(w.signer, command);
    const wrongTime = await postInteraction(w.url, command, {
      ...stale,
      'x-signature-timestamp': String(Number(stale['x-signature-timestamp']) + 1),
    });
    expect([forged.status, tampered.status, missing.status, wrongTime.status]).toEqual([401, 401, 401, 401]);
    await new Promise((r) => setTimeout(r, 100));
    expect(w.posts()).toBe(0);
    expect(w.fake.callbacks.map((c) => c.body)).toEqual([{ type: 1 }]);
    expect(w.fake.edits).toEqual([]);
  });

  it('defers a command privately, records it once, and edits the answer in as deliveries complete', async () => {
    const w = await startWorld();
    const interaction = change(anna, SMTP_DOWN);
    const res = await w.post(interaction);
    expect(res).toMatchObject({ status: 200, json: { type: 5, data: { flags: 64 } } });

    const token = String(interaction.token);
    const first = await answerOf(w.fake, token, /Recorded post 1\.1/);
    expect(first.content).toContain('in incident #1 (outage, open)');
    expect(first.content).toContain(
      '**Event time:** 27 July 2012 21:39 UTC (14:39 PDT Vancouver · 23:39 CAT Lusaka)',
    );
    expect(first.content).toContain('read from “21:39”');
    expect(first.content).toContain('**Components:** NC018 SMTP');
    expect(first.content).toContain('**Goes to:**');
    const done = await answerOf(
      w.fake,
      token,
      /• \*\*site\*\*: sent[\s\S]*• \*\*bluesky\*\*: dry run: logged, not sent/,
    );
    expect(done.content).toContain('• **twitter**: dry run: logged, not sent');

    expect(w.posts()).toBe(1);
    const post = w.herald.herald.store.recentPosts(1)[0];
    expect(post).toMatchObject({ author: 'anna', text: 'Spam problem on NC018.' });
    for (const e of w.fake.edits) expect(e.body.allowed_mentions).toEqual({ parse: [] });
  });

  it('shows a delivery that could not be sent yet, with its next try', async () => {
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const deadPort = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const w = await startWorld({
      env: {
        TWITTER_API_KEY: TEST_CREDENTIALS.twitter.appKey,
        TWITTER_API_SECRET: TEST_CREDENTIALS.twitter.appSecret,
        TWITTER_ACCESS_TOKEN: TEST_CREDENTIALS.twitter.accessToken,
        TWITTER_ACCESS_SECRET: TEST_CREDENTIALS.twitter.accessSecret,
        TWITTER_API_URL: `http://127.0.0.1:${deadPort}/`,
      },
    });
    const interaction = change(anna, { ...SMTP_DOWN, title: 'SMTP **down** @everyone' });
    await w.post(interaction);
    const body = await answerOf(
      w.fake,
      String(interaction.token),
      /• \*\*twitter\*\*: not sent yet after 1 attempt\(s\): X API unreachable: [^\n]*; next try 27 July 2012 21:\d\d UTC \(14:\d\d PDT Vancouver/,
    );
    expect(body.content).toContain('**Title:** SMTP \\*\\*down\\*\\* @everyone');
    expect(body.allowed_mentions).toEqual({ parse: [] });
  });

  it('lets anyone list and ask for help; only staff change anything', async () => {
    const w = await startWorld();
    const refused = change(visitor, SMTP_DOWN);
    await w.post(refused);
    await answerOf(w.fake, String(refused.token), /\*\*Refused:\*\* only staff may change the status/);
    const list = commandInteraction({ user: visitor }, 'list');
    await w.post(list);
    await answerOf(w.fake, String(list.token), /All systems operational\./);
    const help = commandInteraction({ user: visitor }, 'help', { topic: 'times' });
    await w.post(help);
    await vi.waitFor(() =>
      expect((w.fake.answer(String(help.token)) as Body).embeds?.[0]?.description).toContain(
        'yesterday 21:39',
      ),
    );
    expect(w.posts()).toBe(0);
  });

  it('offers the catalog’s systems and services as autocomplete choices', async () => {
    const w = await startWorld();
    const choices = async (values: Record<string, string>, focused: string) => {
      const res = await w.post(autocompleteInteraction({ user: anna }, 'change', values, focused));
      expect(res).toMatchObject({ status: 200, json: { type: 8 } });
      return (res.json as { data: { choices: Array<{ name: string; value: string }> } }).data.choices;
    };
    expect(await choices({ system: '' }, 'system')).toEqual([
      { name: 'NC018 (nc018)', value: 'nc018' },
      { name: 'NC026 (nc026)', value: 'nc026' },
      { name: 'Email (email)', value: 'email' },
    ]);
    expect((await choices({ system: 'mail' }, 'system')).map((c) => c.value)).toEqual(['email']);
    expect((await choices({ system: 'email', services: '' }, 'services')).map((c) => c.value)).toEqual([
      'smtp',
      'imap',
      'pop',
      'relay',
      'all',
    ]);
    expect(await choices({ system: 'nc018', services: 'smtp,ima' }, 'services')).toEqual([
      { name: 'smtp,imap (IMAP)', value: 'smtp,imap' },
    ]);
    w.herald.record('nc018 smtp down "Spam."');
    const incidents = await w.post(
      autocompleteInteraction({ user: anna }, 'update', { incident: '' }, 'incident'),
    );
    expect(incidents.json).toEqual({
      type: 8,
      data: { choices: [{ name: '#1 SMTP on NC018 shut down', value: '1' }] },
    });
  });

  it('refuses an unknown choice clearly, and records nothing', async () => {
    const w = await startWorld();
    const typo = change(anna, { ...SMTP_DOWN, system: 'nc81' });
    await w.post(typo);
    await answerOf(
      w.fake,
      String(typo.token),
      /\*\*Refused:\*\* unknown system "nc81": did you mean "nc018"\?/,
    );
    const injected = change(anna, { ...SMTP_DOWN, services: 'smtp --at 10:00' });
    await w.post(injected);
    await answerOf(w.fake, String(injected.token), /takes words, not an option: "--at"/);
    expect(w.posts()).toBe(0);
  });

  it('publishes once when the same interaction comes twice, even to a restarted Herald', async () => {
    const w = await startWorld();
    const interaction = change(anna, SMTP_DOWN);
    await w.post(interaction);
    await answerOf(w.fake, String(interaction.token), /Recorded post 1\.1/);
    await w.post(interaction);
    const again = await w.restart();
    const res = await w.post(interaction, again.url);
    expect(res.status).toBe(200);
    await new Promise((r) => setTimeout(r, 200));
    expect(w.posts()).toBe(1);
    expect(w.herald.herald.store.outbox.due(Number.MAX_SAFE_INTEGER, {}).length).toBe(0);
    const recorded = w.fake.edits.filter((e) => String(e.body.content).includes('Recorded post'));
    expect(new Set(recorded.map((e) => e.token))).toEqual(new Set([interaction.token]));
    expect(w.fake.edits.some((e) => String(e.body.content).includes('Already'))).toBe(false);
  });

  describe('the preview', () => {
    async function preview(w: World, values = SMTP_DOWN) {
      const interaction = change(anna, values);
      await w.post(interaction);
      const body = await answerOf(w.fake, String(interaction.token), /\*\*Preview\*\*/);
      const ids = body.components?.[0]?.components.map((c) => c.custom_id) ?? [];
      const id = (action: string) => ids.find((c) => c.startsWith(`herald:${action}:`)) ?? '';
      return { body, publish: id('publish'), edit: id('edit'), cancel: id('cancel') };
    }

    it('shows the post as the site and each network will, with Publish, Edit and Cancel', async () => {
      const w = await startWorld({ preview: true });
      const { body } = await preview(w);
      expect(body.components?.[0]?.components.map((c) => c.label)).toEqual(['Publish', 'Edit', 'Cancel']);
      expect(body.content).toContain(
        '**Would go to:** site, twitter (dry run, no credentials: will be logged, not sent), mastodon (dry run, no credentials: will be logged, not sent), bluesky (dry run, no credentials: will be logged, not sent)',
      );
      expect(body.content).toContain('**Event time:** 27 July 2012 21:39 UTC');
      expect(body.embeds?.map((e) => e.title)).toEqual([
        'SMTP on NC018 shut down',
        'X (Twitter)',
        'Mastodon',
        'Bluesky',
      ]);
      expect(body.embeds?.[0]?.description).toContain('Spam problem on NC018.');
      expect(body.embeds?.[1]?.footer?.text).toMatch(/^\d+\/280 weighted characters, as X counts$/);
      expect(w.posts()).toBe(0);
    });

    it('publishes when its author presses Publish, once', async () => {
      const w = await startWorld({ preview: true });
      const { publish } = await preview(w);
      const press = buttonInteraction({ user: anna }, publish);
      expect(await w.post(press)).toMatchObject({ status: 200, json: { type: 6 } });
      await answerOf(w.fake, String(press.token), /Recorded post 1\.1/);
      expect(w.posts()).toBe(1);
      const again = buttonInteraction({ user: anna }, publish);
      await w.post(again);
      await vi.waitFor(() =>
        expect(w.fake.followUps.map((f) => f.body.content)).toContain(
          'Already published (post id 1): nothing changed twice.',
        ),
      );
      await w.post(press);
      await new Promise((r) => setTimeout(r, 100));
      expect(w.posts()).toBe(1);
    });

    it('publishes nothing when someone else presses Publish, on Cancel, or once it has expired', async () => {
      const w = await startWorld({ preview: true });
      const first = await preview(w);
      const stranger = buttonInteraction({ user: visitor }, first.publish);
      await w.post(stranger);
      await vi.waitFor(() =>
        expect(w.fake.followUps.find((f) => f.token === stranger.token)?.body).toMatchObject({
          content: expect.stringContaining('only anna, who wrote it, can publish or cancel this preview'),
          flags: 64,
        }),
      );
      expect(w.fake.answer(String(stranger.token))).toBeUndefined();

      const cancel = buttonInteraction({ user: anna }, first.cancel);
      await w.post(cancel);
      const cancelled = await answerOf(w.fake, String(cancel.token), /Cancelled: nothing was published\./);
      expect(cancelled.components).toEqual([]);
      const late = buttonInteraction({ user: anna }, first.publish);
      await w.post(late);
      await answerOf(w.fake, String(late.token), /this preview was cancelled; nothing was published/);

      const second = await preview(w);
      w.setNow(w.now() + 16 * MINUTE);
      const expired = buttonInteraction({ user: anna }, second.publish);
      await w.post(expired);
      await answerOf(w.fake, String(expired.token), /this preview has expired and nothing was published/);
      expect(w.posts()).toBe(0);
    });

    it('Edit opens the command text in a modal; its submission makes a new preview', async () => {
      const w = await startWorld({ preview: true });
      const first = await preview(w);
      const strangerEdit = buttonInteraction({ user: visitor }, first.edit);
      expect((await w.post(strangerEdit)).json).toMatchObject({
        type: 4,
        data: { flags: 64, content: expect.stringContaining('only anna, who wrote it') },
      });
      const edit = buttonInteraction({ user: anna }, first.edit);
      const modal = (await w.post(edit)).json as {
        type: number;
        data: { custom_id: string; components: Array<{ component: { custom_id: string; value: string } }> };
      };
      expect(modal.type).toBe(9);
      const input = modal.data.components[0]?.component;
      expect(input?.value).toBe('nc018 smtp down "Spam problem on NC018." --at "21:39"');

      const typo = modalInteraction(
        { user: anna },
        modal.data.custom_id,
        input?.custom_id ?? '',
        'nc81 smtp down "x"',
      );
      await w.post(typo);
      await vi.waitFor(() =>
        expect(w.fake.followUps.find((f) => f.token === typo.token)?.body.content).toContain(
          'unknown system "nc81": did you mean "nc018"?',
        ),
      );
      expect(w.fake.answer(String(typo.token))).toBeUndefined();

      const submit = modalInteraction(
        { user: anna },
        modal.data.custom_id,
        input?.custom_id ?? '',
        'nc018 smtp down "Spam problem on NC018; we are on it." --at 21:39',
      );
      expect((await w.post(submit)).json).toEqual({ type: 6 });
      const renewed = await answerOf(w.fake, String(submit.token), /\*\*Preview\*\*/);
      expect(renewed.embeds?.[0]?.description).toContain('we are on it.');
      const publish = renewed.components?.[0]?.components[0]?.custom_id ?? '';
      expect(publish).not.toBe(first.publish);

      const old = buttonInteraction({ user: anna }, first.publish);
      await w.post(old);
      await answerOf(w.fake, String(old.token), /cancelled; nothing was published/);
      const press = buttonInteraction({ user: anna }, publish);
      await w.post(press);
      await answerOf(w.fake, String(press.token), /Recorded post 1\.1/);
      expect(w.herald.herald.store.recentPosts(5).map((p) => p.text)).toEqual([
        'Spam problem on NC018; we are on it.',
      ]);
    });
  });
});

describe('Discord over the gateway (discord.js)', () => {
  async function connect(options: { preview?: boolean } = {}) {
    const w = await startWorld({ ...options, gateway: true });
    await w.adapter.start();
    expect(w.fake.identifies[0]).toMatchObject({ token: FAKE_DISCORD_TOKEN, intents: 1 });
    expect(w.fake.sessions()).toBe(1);
    return w;
  }

  it('logs in (HELLO, IDENTIFY, READY), keeps its heartbeat, and answers a command', async () => {
    const w = await connect();
    await vi.waitFor(() => expect(w.fake.heartbeats).toBeGreaterThan(0), { timeout: 3_000 });
    const interaction = change(anna, SMTP_DOWN);
    w.fake.dispatch('INTERACTION_CREATE', interaction);
    const token = String(interaction.token);
    await answerOf(w.fake, token, /Recorded post 1\.1/);
    expect(w.fake.callbacks).toEqual([
      { interactionId: interaction.id, token, body: { type: 5, data: { flags: 64 } } },
    ]);
    const callback = w.fake.requests.find((r) => r.route === 'POST /interactions/:id/:token/callback');
    expect(callback?.authorization).toBeNull();
    await answerOf(w.fake, token, /• \*\*site\*\*: sent/);
    expect(w.posts()).toBe(1);
  });

  it('publishes once when the gateway delivers the same interaction twice', async () => {
    const w = await connect();
    const interaction = change(anna, SMTP_DOWN);
    w.fake.dispatch('INTERACTION_CREATE', interaction);
    await answerOf(w.fake, String(interaction.token), /Recorded post 1\.1/);
    w.fake.dispatch('INTERACTION_CREATE', interaction);
    await vi.waitFor(() =>
      expect(
        w.fake.requests
          .filter((r) => r.route === 'POST /interactions/:id/:token/callback')
          .map((r) => r.status),
      ).toEqual([204, 400]),
    );
    await new Promise((r) => setTimeout(r, 100));
    expect(w.posts()).toBe(1);
  });

  it('answers autocomplete, and a preview’s Publish', async () => {
    const w = await connect({ preview: true });
    const typing = autocompleteInteraction({ user: anna }, 'change', { system: 'nc0' }, 'system');
    w.fake.dispatch('INTERACTION_CREATE', typing);
    await vi.waitFor(() =>
      expect(w.fake.callbacks.find((c) => c.interactionId === typing.id)?.body).toEqual({
        type: 8,
        data: {
          choices: [
            { name: 'NC018 (nc018)', value: 'nc018' },
            { name: 'NC026 (nc026)', value: 'nc026' },
          ],
        },
      }),
    );
    const command = change(anna, SMTP_DOWN);
    w.fake.dispatch('INTERACTION_CREATE', command);
    const shown = await answerOf(w.fake, String(command.token), /\*\*Preview\*\*/);
    const press = buttonInteraction({ user: anna }, shown.components?.[0]?.components[0]?.custom_id ?? '');
    w.fake.dispatch('INTERACTION_CREATE', press);
    await answerOf(w.fake, String(press.token), /Recorded post 1\.1/);
    expect(w.posts()).toBe(1);
  });
});

describe('templates on Discord', () => {
  const SPAM =
    'We are once again dealing with a spam problem on NC018 and have shut down the SMTP server. This means that you will not be able to send email for now. We are working on this issue as fast as we can.';

  it('records the template chosen in the form, filled, without a message', async () => {
    const w = await startWorld();
    const interaction = change(anna, { system: 'nc018', services: 'smtp', state: 'down', template: 'spam' });
    await w.post(interaction);
    const body = await answerOf(w.fake, String(interaction.token), /Recorded post 1\.1/);
    expect(body.content).toContain('message from template "spam"');
    expect(w.herald.herald.store.recentPosts(1)).toEqual([
      expect.objectContaining({
        author: 'anna',
        title: 'SMTP on NC018 shut down',
        text: SPAM,
        tags: ['spam', 'smtp'],
      }),
    ]);
  });

  it('fills the `with` values, keeps @everyone from pinging, and refuses a placeholder left unfilled', async () => {
    const w = await startWorld({ preview: true });
    const unfilled = change(anna, { system: 'nc018', services: 'all', state: 'down', template: 'reboot' });
    await w.post(unfilled);
    await answerOf(
      w.fake,
      String(unfilled.token),
      /\*\*Refused:\*\* template `reboot` needs \{eta\}: add --with eta=…\./,
    );
    const filled = change(anna, {
      system: 'nc018',
      services: 'all',
      state: 'down',
      template: 'reboot',
      with: 'eta=22:30 UTC @everyone',
    });
    await w.post(filled);
    const preview = await answerOf(w.fake, String(filled.token), /Preview/i);
    expect(JSON.stringify(preview.embeds)).toContain('which we expect by 22:30 UTC');
    expect(preview.allowed_mentions).toEqual({ parse: [] });
    const publish = preview.components?.[0]?.components.find((c) => c.label === 'Publish')?.custom_id;
    const press = buttonInteraction({ user: anna }, String(publish));
    await w.post(press);
    await answerOf(w.fake, String(press.token), /Recorded post 1\.1/);
    expect(w.herald.herald.store.recentPosts(1)[0]).toMatchObject({
      title: 'Reboot of server NC018',
      text: 'We are rebooting server NC018 at 21:39 UTC. Its services will be unavailable until it is back, which we expect by 22:30 UTC @everyone. We apologise for the inconvenience.',
    });
    for (const e of w.fake.edits) expect(e.body.allowed_mentions).toEqual({ parse: [] });
  });

  it('offers more templates than Discord’s 25 choices by autocomplete', async () => {
    const many = Array.from(
      { length: 26 },
      (_, i) => `  canned-${i}:\n    message: Canned notice ${i} for {system}.\n`,
    );
    const w = await startWorld({ moreConfig: many.join('') });
    const res = await w.post(
      autocompleteInteraction(
        { user: anna },
        'change',
        { system: 'nc018', template: 'canned-2' },
        'template',
      ),
    );
    expect(res.json).toEqual({
      type: 8,
      data: {
        choices: ['2', '20', '21', '22', '23', '24', '25'].map((n) => ({
          name: `canned-${n}: Canned notice ${n} for {system}.`,
          value: `canned-${n}`,
        })),
      },
    });
    const chosen = change(anna, { system: 'nc026', services: 'web', state: 'down', template: 'canned-25' });
    await w.post(chosen);
    await answerOf(w.fake, String(chosen.token), /Recorded post 1\.1/);
    expect(w.herald.herald.store.recentPosts(1)[0]?.text).toBe('Canned notice 25 for NC026.');
  });
});
