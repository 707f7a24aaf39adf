// Issue 14: signed input is hostile input too. 10,000 random JSON values, each signed correctly, to Slack's
// endpoint (as a form's `payload`, and as a JSON body) and to Discord's: never a 5xx, and Herald serves on.
import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDiscordAdapter, DISCORD_INTERACTIONS_PATH } from '../../src/adapters/chat/discord.js';
import { createHttpApp, listen, type RunningServer } from '../../src/server.js';
import {
  createInteractionSigner,
  FAKE_APPLICATION_ID,
  type FakeDiscord,
  postInteraction,
  startFakeDiscord,
} from '../fakes/discord.js';
import { FAKE_SLACK, postSigned, type SlackWorld, startSlackWorld } from '../fakes/slack.js';
import { createTestHerald, type TestHerald } from '../helpers/herald.js';
import { testLog } from '../helpers/log.js';

const RUNS = 10_000;

/** A JSON body signed as Slack signs (Events API requests are JSON). */
async function postSignedJson(url: string, text: string): Promise<{ status: number }> {
  const ts = Math.floor(Date.now() / 1000);
  const signature = `v0=${createHmac('sha256', FAKE_SLACK.signingSecret).update(`v0:${ts}:${text}`).digest('hex')}`;
  const r = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-slack-request-timestamp': String(ts),
      'x-slack-signature': signature,
    },
    body: text,
  });
  await r.arrayBuffer();
  return { status: r.status };
}
/** Interaction-like objects as well as anything at all: the shapes near the real ones reach deeper. */
const interactionLike = fc.record(
  {
    type: fc.oneof(fc.integer({ min: 0, max: 6 }), fc.anything()),
    id: fc.oneof(fc.string(), fc.anything()),
    application_id: fc.oneof(fc.constant(FAKE_APPLICATION_ID), fc.anything()),
    token: fc.oneof(fc.string(), fc.anything()),
    data: fc.anything(),
    member: fc.anything(),
    user: fc.anything(),
    command: fc.oneof(fc.constant('/status'), fc.anything()),
    trigger_id: fc.oneof(fc.string(), fc.anything()),
    user_id: fc.oneof(fc.string(), fc.anything()),
    response_url: fc.anything(),
    actions: fc.anything(),
    view: fc.anything(),
  },
  { requiredKeys: [] },
);
const body = fc.oneof(
  fc.jsonValue(),
  interactionLike.map((v) => JSON.parse(JSON.stringify(v) ?? 'null') as unknown),
);

describe('random signed bodies', () => {
  let slack: SlackWorld;
  let herald: TestHerald;
  let discord: FakeDiscord;
  let server: RunningServer;
  let stopDiscord: () => Promise<void>;
  const signer = createInteractionSigner();

  beforeAll(async () => {
    slack = await startSlackWorld({ mode: 'http', preview: false });
    discord = await startFakeDiscord();
    herald = createTestHerald({
      env: {
        DISCORD_TOKEN: '',
        DISCORD_APPLICATION_ID: FAKE_APPLICATION_ID,
        DISCORD_PUBLIC_KEY: signer.publicKey,
        DISCORD_API_URL: discord.apiUrl,
      },
    });
    const config = herald.config.discord;
    if (!config) throw new Error('Discord is not configured');
    const log = testLog();
    const adapter = createDiscordAdapter({
      config,
      chat: herald.config.chat,
      core: herald.herald,
      settings: herald.herald.settings,
      site: herald.config.site,
      log,
      clock: { now: () => Date.now() },
    });
    server = await listen(
      createHttpApp({
        publicDir: herald.config.paths.publicDir,
        health: () => herald.herald.health(),
        log,
        routes: [
          { path: DISCORD_INTERACTIONS_PATH, router: adapter.router as NonNullable<typeof adapter.router> },
        ],
      }),
      '127.0.0.1',
      0,
    );
    stopDiscord = () => adapter.stop();
  });
  afterAll(async () => {
    await stopDiscord();
    await server.close();
    await herald.close();
    await discord.close();
    await slack.close();
  });

  it(`Slack: ${RUNS.toLocaleString('en')} signed bodies, no 5xx`, async () => {
    const url = slack.eventsUrl ?? '';
    await fc.assert(
      fc.asyncProperty(body, fc.boolean(), async (value, asForm) => {
        const text = JSON.stringify(value) ?? 'null';
        const r = asForm ? await postSigned(url, { payload: text }) : await postSignedJson(url, text);
        expect(r.status).toBeLessThan(500);
      }),
      { numRuns: RUNS },
    );
    // Herald still answers a real command afterwards.
    const sent = await slack.slash('list');
    expect(sent.status).toBe(200);
    await slack.answer(sent.key);
  }, 600_000);

  it(`Discord: ${RUNS.toLocaleString('en')} signed bodies, no 5xx`, async () => {
    const url = new URL(DISCORD_INTERACTIONS_PATH, server.url).href;
    await fc.assert(
      fc.asyncProperty(body, async (value) => {
        const text = JSON.stringify(value) ?? 'null';
        const signed = signer.sign(text);
        const r = await postInteraction(url, text, {
          'x-signature-ed25519': signed.signature,
          'x-signature-timestamp': signed.timestamp,
        });
        expect(r.status).toBeLessThan(500);
      }),
      { numRuns: RUNS },
    );
    const ping = JSON.stringify({ type: 1, id: '1', application_id: FAKE_APPLICATION_ID, token: 't' });
    const signed = signer.sign(ping);
    const r = await postInteraction(url, ping, {
      'x-signature-ed25519': signed.signature,
      'x-signature-timestamp': signed.timestamp,
    });
    expect(r.json).toEqual({ type: 1 });
  }, 600_000);
});
