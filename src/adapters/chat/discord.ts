// Discord: `/status` over the gateway (discord.js, when a bot token is set) or as signed HTTP interactions
// (POST /discord/interactions, when the public key is set). Both hand the same raw interaction to one door
// (discord-door.ts), which appends it to the inbox before acknowledging it; the inbox's worker asks the core
// and answers (discord-surface.ts). This file receives: signature, replay window, body shape, gateway.
// discord.js itself (the gateway client, slow to load) is imported only for the gateway (a bot token).

import type { Client } from 'discord.js';
import {
  type APIInteraction,
  GatewayDispatchEvents,
  GatewayIntentBits,
  InteractionResponseType,
  InteractionType,
  MessageFlags,
  Routes,
} from 'discord-api-types/v10';
import express, { type Router } from 'express';
import type { CoreSettings } from '../../bot/catalog.js';
import type { Clock } from '../../bot/handle-command.js';
import type { ChatConfig, DiscordConfig, SiteConfig } from '../../config.js';
import type { Logger } from '../../logger.js';
import type { ChatMetrics } from '../../metrics.js';
import { newRequestId } from '../../request-id.js';
import { type DiscordRenderContext, renderApology } from '../../templates/discord/reply.js';
import { loggableError } from '../discord-client/errors.js';
import { REST } from '../discord-client/rest.js';
import type { ChatCore } from './chat-core.js';
import { createAutocomplete } from './discord-autocomplete.js';
import { createDiscordDoor, type Respond } from './discord-door.js';
import { createDiscordPromptSender } from './discord-prompts.js';
import { createDiscordProposalBoard, type DiscordProposalBoard } from './discord-proposals.js';
import { readInteraction } from './discord-shape.js';
import { createDiscordSurface } from './discord-surface.js';
import { createInteractionVerifier, SIGNATURE_HEADER, TIMESTAMP_HEADER } from './discord-verify.js';
import { InboxClosedError } from './inbox.js';
import { type Conversation, createConversation } from './inbox-worker.js';
import { wallClock, withinReplayWindow } from './replay-window.js';

export const DISCORD_INTERACTIONS_PATH = '/discord/interactions';

/** The largest interaction body taken (Discord's are a few kilobytes). */
const BODY_LIMIT = '1mb';

export interface DiscordAdapterOptions {
  config: DiscordConfig;
  chat: ChatConfig;
  core: ChatCore;
  settings: CoreSettings;
  site: SiteConfig;
  log: Logger;
  clock: Clock;
  /** The inbox and its worker, shared with Slack; the adapter makes (and runs) its own without one. */
  conversation?: Conversation;
  /** The clock of the replay window (the wall clock by default). */
  requestClock?: Clock;
  /** Told how long each /status took to acknowledge. */
  metrics?: ChatMetrics;
}

export interface DiscordAdapter {
  /** POST /discord/interactions (mount at DISCORD_INTERACTIONS_PATH); null without a public key. */
  router: Router | null;
  /** Logs the gateway client in when a bot token is set; resolves once it is ready. */
  start(): Promise<void>;
  /** Stops taking interactions, waits for answers in flight, and closes the gateway. */
  stop(): Promise<void>;
  /** The monitors' proposals in the staff channel (issue 17); null without DISCORD_STAFF_CHANNEL and a token. */
  proposalBoard: DiscordProposalBoard | null;
}

export function createDiscordAdapter(options: DiscordAdapterOptions): DiscordAdapter {
  const { config, chat, core, settings, site, log, clock } = options;
  // Interaction callbacks and webhook edits are authorised by the interaction's token, not the bot's.
  const rest = new REST({ api: config.apiUrl });
  if (config.token) rest.setToken(config.token);
  const ctx: DiscordRenderContext = { settings, baseUrl: site.baseUrl, dryOutlets: core.dryOutlets };
  const own = options.conversation ? null : createConversation({ core, clock, log });
  const conversation = options.conversation ?? (own as Conversation);
  const surface = createDiscordSurface({ rest, canMessage: Boolean(config.token), chat, ctx, clock, log });
  // The monitors' proposals (issue 17), posted by the bot in the staff channel.
  const proposalBoard =
    config.staffChannel && config.token
      ? createDiscordProposalBoard({ rest, channel: config.staffChannel, settings, log })
      : null;
  const door = createDiscordDoor({
    inbox: conversation.inbox,
    chat,
    ctx,
    clock,
    log,
    autocomplete: createAutocomplete(settings, core),
    previews: surface.previews,
    ...(proposalBoard ? { proposalCommand: proposalBoard.commandOf } : {}),
    ...(options.metrics ? { metrics: options.metrics } : {}),
  });
  const work = new Set<Promise<unknown>>();
  let client: Client | null = null;
  let accepting = true;
  let stopServing: Array<() => void> = [
    conversation.serve(surface),
    core.onDelivery((notice) => surface.onDelivery(notice)),
    // Herald's questions go as direct messages from the bot, which takes its token.
    config.token ? core.servePrompts('discord', createDiscordPromptSender(rest)) : () => {},
  ];

  // Its own worker (no shared one given) works from the start: the router takes interactions at once.
  own?.start();

  const keep = (p: Promise<unknown>): void => {
    work.add(p);
    void p.finally(() => work.delete(p));
  };

  /** The one place the unexpected is caught at the door: logged with context, answered with an apology. */
  async function handle(i: APIInteraction, respond: Respond): Promise<void> {
    let responded = false;
    const once: Respond = async (response) => {
      responded = true;
      await respond(response);
    };
    try {
      if (!accepting) throw new InboxClosedError();
      await door(i, once);
    } catch (error) {
      if (error instanceof InboxClosedError) throw error;
      log.error(
        {
          err: loggableError(error),
          platform: 'discord',
          requestId: newRequestId('discord', i.id),
          type: i.type,
        },
        'discord interaction failed',
      );
      if (!responded && i.type !== InteractionType.Ping)
        await respond({
          type: InteractionResponseType.ChannelMessageWithSource,
          data: { ...renderApology(), flags: MessageFlags.Ephemeral },
        }).catch(() => undefined);
    }
  }

  function createRouter(publicKey: string): Router {
    const verify = createInteractionVerifier(publicKey);
    const requestClock = options.requestClock ?? wallClock;
    const router = express.Router();
    router.post('/', express.raw({ type: () => true, limit: BODY_LIMIT }), (req, res) => {
      const text = (status: number, body: string) => res.status(status).type('text').send(`${body}\n`);
      if (!accepting) return void text(503, 'Herald is not taking interactions right now');
      const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const timestamp = req.get(TIMESTAMP_HEADER);
      if (!verify(req.get(SIGNATURE_HEADER), timestamp, body))
        return void text(401, 'invalid request signature');
      // Discord's signature covers the timestamp, which says nothing unless someone looks at it.
      if (!withinReplayWindow(timestamp, requestClock))
        return void text(401, 'request timestamp outside the five-minute replay window');
      let parsed: unknown;
      try {
        parsed = JSON.parse(body.toString('utf8'));
      } catch {
        return void text(400, 'not JSON');
      }
      const interaction = readInteraction(parsed);
      if (!interaction) return void text(400, 'not an interaction Herald takes');
      const respond: Respond = (response) =>
        new Promise<void>((resolve) => {
          res.once('finish', resolve);
          res.once('close', resolve);
          res.status(200).json(response);
        });
      keep(
        handle(interaction, respond)
          .catch(() => {
            // Not taken into the inbox (Herald stopping): not acknowledged, Discord tells the person.
            if (!res.headersSent) text(503, 'Herald is stopping');
          })
          .finally(() => {
            if (!res.headersSent) res.status(204).end();
          }),
      );
    });
    return router;
  }

  return {
    router: config.publicKey ? createRouter(config.publicKey) : null,
    proposalBoard,

    async start() {
      if (!config.token || client || !accepting) return;
      const { Client, Events } = await import('discord.js');
      // Asked to start again, or to stop, while discord.js was loading.
      if (client || !accepting) return;
      const c = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: config.apiUrl } });
      c.on(Events.Error, (error) =>
        log.error({ err: loggableError(error), platform: 'discord' }, 'discord client error'),
      );
      // The raw payload, as HTTP interactions bring it: one door for both ways in.
      c.ws.on(GatewayDispatchEvents.InteractionCreate, (raw: unknown) => {
        const interaction = readInteraction(raw);
        if (!interaction)
          return void log.warn({ platform: 'discord' }, 'an unreadable interaction was ignored');
        const respond: Respond = async (response) => {
          await rest.post(Routes.interactionCallback(interaction.id, interaction.token), {
            body: response,
            auth: false,
          });
        };
        keep(handle(interaction, respond).catch(() => undefined));
      });
      client = c;
      try {
        await Promise.all([
          new Promise((resolve) => c.once(Events.ClientReady, resolve)),
          c.login(config.token),
        ]);
      } catch (error) {
        client = null;
        await c.destroy();
        throw error;
      }
      log.info({ platform: 'discord', user: c.user?.tag }, 'discord gateway connected');
    },

    async stop() {
      accepting = false;
      while (work.size) await Promise.allSettled([...work]);
      await conversation.stop();
      await surface.settled();
      for (const stop of stopServing) stop();
      stopServing = [];
      const c = client;
      client = null;
      await c?.destroy();
    },
  };
}
