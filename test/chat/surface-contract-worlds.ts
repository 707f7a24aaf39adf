// The three surfaces a person talks to Herald through, each behind one interface so that one scenario table
// (surface-contract-table.ts) runs against all of them: the shell (the real shell adapter reading typed
// lines, wired to the composition root as `herald start` wires it), Slack (real Bolt, signed HTTP requests
// to Herald's own server, a fake Slack taking the answers) and Discord (Ed25519-signed HTTP interactions to
// Herald's server, discord.js's REST client answering a fake Discord). Every Herald is the real composition
// root over a real store, with Twitter/X switched on against its local fake (Mastodon and Bluesky run dry).
// Slack and Discord share one inbox and its worker (createConversation), as createChatAdapters wires them for
// `herald start`; a surface started `held` acknowledges requests without working them, and `restart()`
// starts Herald again on the same data folder, with the same fake platforms.
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { createDiscordAdapter, DISCORD_INTERACTIONS_PATH } from '../../src/adapters/chat/discord.js';
import { RUN_SUBCOMMAND } from '../../src/adapters/chat/discord-commands.js';
import { createConversation } from '../../src/adapters/chat/inbox-worker.js';
import { createShellAdapter } from '../../src/adapters/chat/shell.js';
import { createSlackAdapter } from '../../src/adapters/chat/slack.js';
import { createHttpApp, listen } from '../../src/server.js';
import { renderDeliveryNotice, renderReplyText } from '../../src/templates/reply-text.js';
import { ACTIONS } from '../../src/templates/slack/blocks.js';
import {
  buttonInteraction,
  commandInteraction,
  createInteractionSigner,
  FAKE_APPLICATION_ID,
  type FakeUser,
  postInteraction,
  signedHeaders,
  startFakeDiscord,
} from '../fakes/discord.js';
import {
  buttonPress,
  FAKE_SLACK,
  type FakeResponse,
  interaction,
  newTriggerId,
  postSigned,
  slashCommand,
  startFakeSlack,
} from '../fakes/slack.js';
import { FAKE_TWITTER_CREDENTIALS, type FakeTwitter, startFakeTwitter } from '../fakes/twitter.js';
import { ops } from '../helpers/core.js';
import { createTestHerald, type TestHerald } from '../helpers/herald.js';
import { testLog } from '../helpers/log.js';

export type SurfaceName = 'shell' | 'slack' | 'discord';
export const SURFACES: readonly SurfaceName[] = ['shell', 'slack', 'discord'];

/** One request a person made (a typed line, a slash command, an interaction, a button press). */
export interface Sent {
  /** The request's id on its platform (Slack's trigger_id, Discord's interaction id; a fresh one in the shell). */
  id: string;
}

export interface Surface {
  name: SurfaceName;
  herald: TestHerald;
  twitter: FakeTwitter;
  /** `/status <text>` said by a staff member (the shell's user, Slack's ann, Discord's anna). */
  say(text: string): Promise<Sent>;
  /** The same request delivered again, with the same platform id (a retry, a double delivery). */
  repeat(sent: Sent): Promise<void>;
  /** Every private answer to the request so far, each as the person sees it (plain text). */
  answers(sent: Sent): string[];
  /** Everything the platform received in answer to the request, as sent (JSON for the chat platforms). */
  received(sent: Sent): string;
  /** Waits for an answer to the request that `matches`; returns it. */
  answer(sent: Sent, matches: (text: string) => boolean, what: string): Promise<string>;
  /** Presses a button of the preview that answered `sent` (chat surfaces only). */
  press(sent: Sent, button: 'publish' | 'cancel'): Promise<Sent>;
  /** Moves the clock past the preview's lifetime. */
  expirePreviews(): void;
  /**
   * Stops Herald as SIGTERM does (adapters, server, then the database), moves the clock five minutes on
   * (inside the platforms' 15-minute reply window) and starts it again on the same data folder, with the
   * same fake platforms; the inbox's worker runs from then on (chat surfaces only).
   */
  restart(): Promise<void>;
  close(): Promise<void>;
}

export interface StartOptions {
  /** Whether the chat surfaces show a preview before publishing. */
  preview: boolean;
  /**
   * The inbox's worker is not started: requests are appended and acknowledged, and nothing works them, as
   * when Herald is stopped right after an acknowledgement (until `restart()`).
   */
  held?: boolean;
  /** More settings for Herald (subscriptions on, for one). */
  env?: NodeJS.ProcessEnv;
}

/** How far the clock moves while Herald is down in `restart()`: well inside the 15-minute reply window. */
export const DOWNTIME_MS = 5 * 60_000;

const STAFF_ROLE = '1600000000000000001';
const anna: FakeUser = { id: '1500000000000000001', username: 'anna', roles: [STAFF_ROLE] };
const START = Date.parse('2012-07-27T21:39:27Z');

/** Polls until `find` gives a value (answers arrive over loopback, on their own time). */
async function waitFor<T>(what: string, find: () => T | undefined | null | false): Promise<T> {
  const until = Date.now() + 10_000;
  for (;;) {
    const found = find();
    if (found) return found;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

function swap(text: string, from: string, to: string): string {
  if (!text.includes(from)) throw new Error(`the shipped config no longer holds "${from}"`);
  return text.replace(from, to);
}

async function startHerald(
  preview: boolean,
  env: NodeJS.ProcessEnv,
): Promise<{ herald: TestHerald; twitter: FakeTwitter; clock: { now(): number }; setNow(at: number): void }> {
  const twitter = await startFakeTwitter();
  const herald = createTestHerald({
    env: {
      ...env,
      TWITTER_API_KEY: FAKE_TWITTER_CREDENTIALS.appKey,
      TWITTER_API_SECRET: FAKE_TWITTER_CREDENTIALS.appSecret,
      TWITTER_ACCESS_TOKEN: FAKE_TWITTER_CREDENTIALS.accessToken,
      TWITTER_ACCESS_SECRET: FAKE_TWITTER_CREDENTIALS.accessSecret,
      TWITTER_API_URL: twitter.url,
    },
    configText: (shipped) => {
      let text = swap(shipped, 'users: [] # Slack user ids', 'users: ["U0STAFF"] # Slack user ids');
      text = swap(text, 'roles: [] # Discord role ids', `roles: ["${STAFF_ROLE}"] # Discord role ids`);
      return swap(text, 'preview: true', `preview: ${preview}`);
    },
  });
  let now = START;
  return {
    herald,
    twitter,
    clock: { now: () => now },
    setNow(at) {
      now = at;
      herald.setNow(at);
    },
  };
}

// ------------------------------------------------------------------------------------------ the shell

async function startShell(env: NodeJS.ProcessEnv = {}): Promise<Surface> {
  const { herald, twitter } = await startHerald(false, env);
  const input = new PassThrough();
  const output = new PassThrough();
  let printed = '';
  output.setEncoding('utf8');
  output.on('data', (d: string) => {
    printed += d;
  });
  const h = herald.herald;
  // As src/cli.ts wires the shell of `herald start`: the core's handle, the text renderer, the notices.
  const shell = createShellAdapter({
    input,
    output,
    actor: ops,
    handle: h.handle,
    render: (o) => renderReplyText(o, h.config.core, h.dryOutlets),
    onError: () => undefined,
  });
  const stopNotices = h.onDelivery((notice) => {
    const line = renderDeliveryNotice(notice, h.config.core);
    if (line) output.write(`\n${line}\n`);
  });
  const running = shell.run();
  /** Where each typed line's output starts in what the shell printed. */
  const starts = new Map<string, number>();
  let lines = 0;
  const prompt = 'herald> ';
  /** Everything the shell printed after the line, up to the next line typed: the answer and any notice. */
  const answersOf = (sent: Sent): string[] => {
    const from = starts.get(sent.id) ?? 0;
    const later = [...starts.values()].filter((s) => s > from);
    const to = later.length ? Math.min(...later) : printed.length;
    const said = printed.slice(from, to).split(prompt).join('').trim();
    return said ? [said] : [];
  };
  return {
    name: 'shell',
    herald,
    twitter,
    async say(text) {
      const id = `line-${++lines}`;
      const start = printed.length;
      starts.set(id, start);
      input.write(`${text}\n`);
      // The answer is printed whole, then the next prompt.
      await waitFor('the answer', () => printed.slice(start).includes(prompt));
      return { id };
    },
    async repeat() {
      throw new Error('the shell has no platform request to deliver twice');
    },
    answers: answersOf,
    received: (sent) => answersOf(sent).join('\n'),
    answer(sent, matches, what) {
      return waitFor(what, () => answersOf(sent).find(matches));
    },
    async press() {
      throw new Error('the shell shows no preview');
    },
    expirePreviews() {
      throw new Error('the shell shows no preview');
    },
    async restart() {
      throw new Error('the shell acknowledges nothing before its work: there is nothing left to finish');
    },
    async close() {
      stopNotices();
      input.end();
      shell.close();
      await running;
      await herald.close();
      await twitter.close();
    },
  };
}

// ------------------------------------------------------------------------------------------------ Slack

/** What a Slack answer shows: its blocks' texts (the fallback `text` is for notifications). */
export function slackText(body: Record<string, unknown>): string {
  const blocks = (body.blocks ?? []) as Array<{
    type: string;
    text?: { text: string };
    elements?: Array<{ text?: string | { text: string } }>;
  }>;
  if (!blocks.length) return String(body.text ?? '');
  return blocks
    .map((b) => {
      if (b.type === 'divider') return '---';
      if (b.type === 'actions')
        return `[${(b.elements ?? []).map((e) => (typeof e.text === 'object' ? e.text.text : '')).join('] [')}]`;
      if (b.text) return b.text.text;
      return (b.elements ?? [])
        .map((e) => (typeof e.text === 'string' ? e.text : (e.text?.text ?? '')))
        .join(' ');
    })
    .join('\n');
}

async function startSlack(options: StartOptions): Promise<Surface> {
  const fake = await startFakeSlack();
  const { herald, twitter, clock, setNow } = await startHerald(options.preview, {
    ...options.env,
    SLACK_BOT_TOKEN: FAKE_SLACK.botToken,
    SLACK_API_URL: fake.apiUrl,
    SLACK_SIGNING_SECRET: FAKE_SLACK.signingSecret,
  });
  const config = herald.config.slack;
  if (!config) throw new Error('Slack is not configured');

  /** Herald's Slack side on the Herald open now: the adapter, its server, the worker (unless held). */
  const mount = async (held: boolean) => {
    const log = testLog();
    const conversation = createConversation({ core: herald.herald, clock, log });
    const adapter = createSlackAdapter({
      config,
      chat: herald.config.chat,
      core: herald.herald,
      settings: herald.config.core,
      site: herald.config.site,
      log,
      clock,
      conversation,
    });
    const server = await listen(
      createHttpApp({
        publicDir: herald.config.paths.publicDir,
        health: () => herald.herald.health(),
        log,
        routes: adapter.routes,
      }),
      '127.0.0.1',
      0,
    );
    await adapter.start();
    if (!held) conversation.start();
    return {
      eventsUrl: `${server.url}slack/events`,
      async stop() {
        // As `herald start` stops: nothing new taken, the row in hand finished, the database closed last.
        await adapter.stop();
        await server.close();
      },
    };
  };
  let mounted = await mount(options.held ?? false);
  /** Each request: the form Slack posted, and the key of its response_url on the fake. */
  const requests = new Map<string, { form: Record<string, string>; key: string }>();
  let keys = 0;

  async function post(id: string, form: Record<string, string>, key: string, retryNum?: number) {
    requests.set(id, { form, key });
    const r = await postSigned(mounted.eventsUrl, form, retryNum ? { retryNum } : {});
    if (r.status !== 200) throw new Error(`Slack request answered ${r.status}`);
  }
  const responses = (sent: Sent): FakeResponse[] => fake.responsesTo(requests.get(sent.id)?.key ?? '');
  const answersOf = (sent: Sent): string[] => responses(sent).map((r) => slackText(r.body));

  return {
    name: 'slack',
    herald,
    twitter,
    async say(text) {
      const key = `say-${++keys}`;
      const form = slashCommand(fake, { text, responseKey: key, triggerId: newTriggerId() });
      const id = form.trigger_id ?? '';
      await post(id, form, key);
      return { id };
    },
    async repeat(sent) {
      const r = requests.get(sent.id);
      if (!r) throw new Error('no such request');
      const again = await postSigned(mounted.eventsUrl, r.form, { retryNum: 1 });
      if (again.status !== 200) throw new Error(`Slack retry answered ${again.status}`);
    },
    answers: answersOf,
    received: (sent) => JSON.stringify(responses(sent).map((r) => r.body)),
    answer(sent, matches, what) {
      return waitFor(what, () => answersOf(sent).find(matches));
    },
    async press(sent, button) {
      const shown = await waitFor('the preview', () => responses(sent).find((r) => r.body.blocks));
      const blocks = (shown.body.blocks ?? []) as Array<{
        elements?: Array<{ action_id?: string; value?: string }>;
      }>;
      const value = blocks
        .flatMap((b) => b.elements ?? [])
        .find((e) => e.action_id === ACTIONS[button])?.value;
      if (!value) throw new Error(`no ${button} button`);
      const key = `press-${++keys}`;
      const payload = buttonPress(fake, { actionId: ACTIONS[button], value, responseKey: key });
      const id = String(payload.trigger_id);
      await post(id, interaction(payload), key);
      return { id };
    },
    expirePreviews() {
      setNow(clock.now() + herald.config.chat.previewTtlMs + 1);
    },
    async restart() {
      await mounted.stop();
      await herald.reopen();
      setNow(clock.now() + DOWNTIME_MS);
      mounted = await mount(false);
    },
    async close() {
      await mounted.stop();
      await herald.close();
      await Promise.all([fake.close(), twitter.close()]);
    },
  };
}

// ---------------------------------------------------------------------------------------------- Discord

type DiscordBody = {
  content?: string;
  embeds?: Array<{ title?: string; description?: string; footer?: { text: string } }>;
  components?: Array<{ components: Array<{ custom_id: string; label: string }> }>;
};

/** What a Discord answer shows: its content, each embed (title, text, footer) and its buttons. */
export function discordText(body: DiscordBody): string {
  const parts = [body.content ?? ''];
  for (const e of body.embeds ?? [])
    parts.push(
      ['[embed]', e.title ?? '', e.description ?? '', e.footer?.text ?? ''].filter(Boolean).join('\n'),
    );
  for (const row of body.components ?? []) parts.push(`[${row.components.map((c) => c.label).join('] [')}]`);
  return parts.filter(Boolean).join('\n');
}

async function startDiscord(options: StartOptions): Promise<Surface> {
  const fake = await startFakeDiscord();
  const signer = createInteractionSigner();
  const { herald, twitter, clock, setNow } = await startHerald(options.preview, {
    ...options.env,
    DISCORD_TOKEN: '',
    DISCORD_APPLICATION_ID: FAKE_APPLICATION_ID,
    DISCORD_PUBLIC_KEY: signer.publicKey,
    DISCORD_API_URL: fake.apiUrl,
  });
  const config = herald.config.discord;
  if (!config) throw new Error('Discord is not configured');

  /** Herald's Discord side on the Herald open now: the adapter, its server, the worker (unless held). */
  const mount = async (held: boolean) => {
    const log = testLog();
    const conversation = createConversation({ core: herald.herald, clock, log });
    const adapter = createDiscordAdapter({
      config,
      chat: herald.config.chat,
      core: herald.herald,
      settings: herald.config.core,
      site: herald.config.site,
      log,
      clock,
      conversation,
    });
    if (!adapter.router) throw new Error('no router: the public key is not set');
    const server = await listen(
      createHttpApp({
        publicDir: path.join(herald.dir, 'public'),
        health: () => herald.herald.health(),
        log,
        routes: [{ path: DISCORD_INTERACTIONS_PATH, router: adapter.router }],
      }),
      '127.0.0.1',
      0,
    );
    await adapter.start();
    if (!held) conversation.start();
    return {
      url: new URL(DISCORD_INTERACTIONS_PATH, server.url).href,
      async stop() {
        // As `herald start` stops: nothing new taken, the row in hand finished, the database closed last.
        await adapter.stop();
        await server.close();
      },
    };
  };
  let mounted = await mount(options.held ?? false);
  const interactions = new Map<string, Record<string, unknown>>();

  async function post(sent: Record<string, unknown>): Promise<Sent> {
    const id = String(sent.id);
    interactions.set(id, sent);
    const body = JSON.stringify(sent);
    const res = await postInteraction(mounted.url, body, signedHeaders(signer, body));
    if (res.status !== 200) throw new Error(`Discord interaction answered ${res.status}`);
    fake.answered(sent, res.json);
    return { id };
  }
  const tokenOf = (sent: Sent) => String(interactions.get(sent.id)?.token ?? '');
  /** The first answer (the callback), its edits and the follow-ups, by the interaction's token. */
  const bodiesOf = (sent: Sent): DiscordBody[] => {
    const token = tokenOf(sent);
    return [
      ...fake.callbacks.filter((c) => c.token === token).map((c) => (c.body.data ?? {}) as DiscordBody),
      ...fake.edits.filter((e) => e.token === token).map((e) => e.body as DiscordBody),
      ...fake.followUps.filter((f) => f.token === token).map((f) => f.body as DiscordBody),
    ];
  };
  const answersOf = (sent: Sent): string[] => bodiesOf(sent).map(discordText).filter(Boolean);

  return {
    name: 'discord',
    herald,
    twitter,
    say: (text) => post(commandInteraction({ user: anna }, RUN_SUBCOMMAND, { text })),
    async repeat(sent) {
      const again = interactions.get(sent.id);
      if (!again) throw new Error('no such interaction');
      await post(again);
    },
    answers: answersOf,
    received: (sent) => JSON.stringify(bodiesOf(sent)),
    answer(sent, matches, what) {
      return waitFor(what, () => answersOf(sent).find(matches));
    },
    async press(sent, button) {
      const token = tokenOf(sent);
      const shown = await waitFor('the preview', () => {
        const body = fake.answer(token) as DiscordBody | undefined;
        return body?.components?.length ? body : undefined;
      });
      const customId = shown.components
        ?.flatMap((r) => r.components)
        .find((c) => c.custom_id.startsWith(`herald:${button}:`))?.custom_id;
      if (!customId) throw new Error(`no ${button} button`);
      return post(buttonInteraction({ user: anna }, customId));
    },
    expirePreviews() {
      setNow(clock.now() + herald.config.chat.previewTtlMs + 1);
    },
    async restart() {
      await mounted.stop();
      await herald.reopen();
      setNow(clock.now() + DOWNTIME_MS);
      mounted = await mount(false);
    },
    async close() {
      await mounted.stop();
      await herald.close();
      await Promise.all([fake.close(), twitter.close()]);
    },
  };
}

export function startSurface(name: SurfaceName, options: StartOptions): Promise<Surface> {
  if (name === 'shell') {
    if (options.held) throw new Error('the shell has no inbox: its worker cannot be held');
    return startShell(options.env);
  }
  return name === 'slack' ? startSlack(options) : startDiscord(options);
}

/** An answer as a snapshot keeps it: ids that change from run to run (tweets, messages) made stable. */
export function stable(text: string): string {
  return text.replace(/\d{10,}/g, '<id>').replace(/127\.0\.0\.1:\d+/g, '127.0.0.1:<port>');
}
