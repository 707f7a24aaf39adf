// Discord: `/status` over the gateway (discord.js, when a bot token is set) or as signed HTTP interactions
// (POST /discord/interactions, when the public key is set). Both hand the same raw interaction to one
// handler, which acknowledges first (Discord allows 3 seconds), asks the core, and edits its private
// answer in, then again as each delivery completes or fails. It never decides anything itself.

import {
  type APIApplicationCommandAutocompleteInteraction,
  type APIApplicationCommandInteractionDataOption,
  type APIApplicationCommandOptionChoice,
  type APIChatInputApplicationCommandInteraction,
  type APIInteraction,
  type APIInteractionResponse,
  type APIMessageComponentInteraction,
  type APIModalSubmitInteraction,
  ApplicationCommandOptionType,
  ApplicationCommandType,
  Client,
  Events,
  GatewayDispatchEvents,
  GatewayIntentBits,
  InteractionResponseType,
  InteractionType,
  MessageFlags,
  REST,
  Routes,
} from 'discord.js';
import express, { type Router } from 'express';
import { type CoreSettings, findSystem, serviceOf } from '../../bot/catalog.js';
import type { Clock, CommandInput, Outcome } from '../../bot/handle-command.js';
import type { Actor, Delivery } from '../../bot/types.js';
import type { ChatConfig, DiscordConfig, SiteConfig } from '../../config.js';
import type { Logger } from '../../logger.js';
import type { ChatMetrics } from '../../metrics.js';
import { newRequestId } from '../../request-id.js';
import {
  type DiscordMessage,
  type DiscordRenderContext,
  editModal,
  MODAL_TEXT_ID,
  parseButtonId,
  parseModalId,
  renderApology,
  renderOutcome,
} from '../../templates/discord/reply.js';
import { applyNotice } from '../../templates/reply/model.js';
import { discordErrorFields, loggableError } from '../discord-client/errors.js';
import type { ChatCore, DeliveryNotice } from './chat-core.js';
import { commandText, STATUS_COMMAND, templateChoices } from './discord-commands.js';
import { createDiscordPromptSender, parsePromptButtonId, renderNote } from './discord-prompts.js';
import { createInteractionVerifier, SIGNATURE_HEADER, TIMESTAMP_HEADER } from './discord-verify.js';

export const DISCORD_INTERACTIONS_PATH = '/discord/interactions';

/** An interaction's token answers for 15 minutes; after that its message cannot be edited any more. */
const TOKEN_LIFETIME_MS = 15 * 60_000;
const AUTOCOMPLETE_MAX = 25;
const CHOICE_MAX = 100;

export interface DiscordAdapterOptions {
  config: DiscordConfig;
  chat: ChatConfig;
  core: ChatCore;
  settings: CoreSettings;
  site: SiteConfig;
  log: Logger;
  clock: Clock;
  /** Told how long each /status took to acknowledge. */
  metrics?: ChatMetrics;
}

export interface DiscordAdapter {
  /** POST /discord/interactions (mount at DISCORD_INTERACTIONS_PATH); null without a public key. */
  router: Router | null;
  /** Logs the gateway client in when a bot token is set; resolves once it is ready. */
  start(): Promise<void>;
  /** Stops listening, waits for answers in flight, and closes the gateway. */
  stop(): Promise<void>;
}

/** The first answer to an interaction: the HTTP response itself, or Discord's callback endpoint. */
type Respond = (response: APIInteractionResponse) => Promise<void>;

type Recorded = Extract<Outcome, { kind: 'recorded' }>;

/** A private answer that follows its deliveries: edited as each completes, while its token lasts. */
interface Tracker {
  applicationId: string;
  token: string;
  outcome: Recorded;
  views: Delivery[];
  until: number;
  dirty: boolean;
  running: Promise<void> | null;
}

/** What the Edit button needs: the preview's text and author (the core keeps them; this is a copy). */
interface PreviewNote {
  text: string;
  actor: Actor;
  until: number;
}

function actorOf(i: APIInteraction): Actor {
  const user = i.member?.user ?? i.user;
  const id = user?.id ?? 'unknown';
  const name = i.member?.nick ?? user?.global_name ?? user?.username ?? id;
  return {
    platform: 'discord',
    id,
    name,
    groups: i.member?.roles ?? [],
    guild: i.guild_id,
    channel: i.channel?.id ?? i.channel_id,
  };
}

/** The subcommand and its option values, by name. */
function subcommandOf(options: readonly APIApplicationCommandInteractionDataOption[] | undefined): {
  name: string;
  values: Map<string, string | number | boolean>;
  focused: { name: string; value: string } | null;
} | null {
  const sub = options?.[0];
  if (!sub || sub.type !== ApplicationCommandOptionType.Subcommand) return null;
  const values = new Map<string, string | number | boolean>();
  let focused: { name: string; value: string } | null = null;
  for (const o of sub.options ?? []) {
    if (!('value' in o)) continue;
    values.set(o.name, o.value);
    if ('focused' in o && o.focused) focused = { name: o.name, value: String(o.value) };
  }
  return { name: sub.name, values, focused };
}

/** The text input's value in a submitted modal, in a Label (current) or an action row (older form). */
function modalText(data: APIModalSubmitInteraction['data']): string | null {
  for (const c of data.components) {
    const inner = 'component' in c ? [c.component] : 'components' in c ? c.components : [];
    for (const x of inner) {
      if (x.custom_id === MODAL_TEXT_ID && 'value' in x && typeof x.value === 'string') return x.value;
    }
  }
  return null;
}

const isAlreadyAcknowledged = (error: unknown): boolean =>
  typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 40060;

export function createDiscordAdapter(options: DiscordAdapterOptions): DiscordAdapter {
  const { config, chat, core, settings, site, log, clock } = options;
  // Interaction callbacks and webhook edits are authorised by the interaction's token, not the bot's.
  const rest = new REST({ api: config.apiUrl });
  if (config.token) rest.setToken(config.token);
  const ctx: DiscordRenderContext = { settings, baseUrl: site.baseUrl, dryOutlets: core.dryOutlets };
  const seen = new Map<string, number>();
  const previews = new Map<string, PreviewNote>();
  const trackers = new Map<number, Tracker>();
  const work = new Set<Promise<unknown>>();
  let client: Client | null = null;
  let stopped = false;

  const keep = (p: Promise<unknown>): void => {
    work.add(p);
    void p.finally(() => work.delete(p));
  };

  /** True the first time this process sees an interaction id (a redelivery is answered once). */
  function firstTime(id: string): boolean {
    const now = clock.now();
    if (seen.size > 1000) for (const [k, at] of seen) if (now - at > TOKEN_LIFETIME_MS) seen.delete(k);
    if (seen.has(id)) return false;
    seen.set(id, now);
    return true;
  }

  async function editOriginal(
    i: { application_id: string; token: string },
    body: DiscordMessage,
  ): Promise<void> {
    try {
      await rest.patch(Routes.webhookMessage(i.application_id, i.token, '@original'), { body, auth: false });
    } catch (error) {
      log.warn(
        { error: discordErrorFields(error), platform: 'discord' },
        'could not edit the answer to an interaction',
      );
    }
  }

  async function followUp(i: APIInteraction, body: DiscordMessage): Promise<void> {
    try {
      await rest.post(Routes.webhook(i.application_id, i.token), {
        body: { ...body, flags: MessageFlags.Ephemeral },
        auth: false,
      });
    } catch (error) {
      log.warn(
        { error: discordErrorFields(error), platform: 'discord' },
        'could not send a private follow-up',
      );
    }
  }

  /** Edits a tracked answer; edits that pile up while one is in flight become one. */
  function flush(t: Tracker): Promise<void> {
    t.dirty = true;
    if (t.running) return t.running;
    const running = (async () => {
      while (t.dirty) {
        t.dirty = false;
        await editOriginal(
          { application_id: t.applicationId, token: t.token },
          renderOutcome(t.outcome, ctx, t.views),
        );
      }
    })().finally(() => {
      t.running = null;
    });
    t.running = running;
    keep(running);
    return running;
  }

  function track(i: APIInteraction, outcome: Recorded): Promise<void> {
    const t: Tracker = {
      applicationId: i.application_id,
      token: i.token,
      outcome,
      views: [...outcome.deliveries],
      until: clock.now() + TOKEN_LIFETIME_MS,
      dirty: false,
      running: null,
    };
    for (const v of t.views) trackers.set(v.id, t);
    return flush(t);
  }

  function onNotice(notice: DeliveryNotice): void {
    const now = clock.now();
    for (const [id, t] of trackers) if (t.until < now) trackers.delete(id);
    const t = trackers.get(notice.delivery.id);
    if (!t) return;
    t.views = t.views.map((d) => applyNotice(d, notice, now, core.dryOutlets));
    if (notice.status !== 'retrying') trackers.delete(notice.delivery.id);
    void flush(t);
  }
  const unsubscribe = core.onDelivery(onNotice);
  // Herald's questions go as direct messages from the bot, which takes its token.
  const stopPrompts = config.token ? core.servePrompts('discord', createDiscordPromptSender(rest)) : () => {};

  /** Shows what the core answered in the interaction's private message. */
  async function answer(i: APIInteraction, outcome: Outcome, input: CommandInput): Promise<void> {
    if (outcome.kind === 'preview') {
      const now = clock.now();
      for (const [id, p] of previews) if (p.until + TOKEN_LIFETIME_MS < now) previews.delete(id);
      previews.set(outcome.previewId, { text: input.text, actor: input.actor, until: outcome.expiresAt });
    }
    if (outcome.kind === 'recorded') await track(i, outcome);
    else await editOriginal(i, renderOutcome(outcome, ctx));
  }

  // ------------------------------------------------------------------------------------------ commands

  async function onCommand(i: APIChatInputApplicationCommandInteraction, respond: Respond): Promise<void> {
    // Reached in the same turn as the interaction arrived (its signature checked, over HTTP).
    const receivedAt = performance.now();
    const fresh = firstTime(i.id);
    try {
      await respond({
        type: InteractionResponseType.DeferredChannelMessageWithSource,
        data: { flags: MessageFlags.Ephemeral },
      });
      options.metrics?.acknowledged('discord', (performance.now() - receivedAt) / 1000);
    } catch (error) {
      // Not acknowledged: Discord tells the person it failed. Nothing is recorded that they could not see.
      if (isAlreadyAcknowledged(error))
        log.info({ interaction: i.id }, 'discord: interaction delivered twice');
      else
        log.warn(
          { error: discordErrorFields(error), interaction: i.id },
          'discord: could not acknowledge an interaction',
        );
      return;
    }
    if (!fresh) {
      log.info({ interaction: i.id }, 'discord: interaction delivered twice');
      return;
    }
    const actor = actorOf(i);
    const sub = i.data.name === STATUS_COMMAND ? subcommandOf(i.data.options) : null;
    const mapped = sub
      ? commandText(sub.name, sub.values)
      : {
          ok: false as const,
          message: `this is Herald's \`/${STATUS_COMMAND}\`; see \`/${STATUS_COMMAND} help\`.`,
        };
    if (!mapped.ok) {
      log.info(
        {
          platform: 'discord',
          requestId: newRequestId('discord', i.id),
          actor: actor.id,
          reason: mapped.message,
        },
        'command refused',
      );
      await editOriginal(i, renderOutcome({ kind: 'refused', code: 'syntax', message: mapped.message }, ctx));
      return;
    }
    const input: CommandInput = {
      text: mapped.text,
      actor,
      requestKey: `discord:${i.id}`,
      requestId: newRequestId('discord', i.id),
    };
    const outcome = await (chat.preview ? core.preview(input, chat.previewTtlMs) : core.handle(input));
    // Recorded by an earlier delivery of this interaction (another process, before a restart): that one
    // owns the answer.
    if (outcome.kind === 'duplicate') {
      log.info({ interaction: i.id }, 'discord: interaction already handled');
      return;
    }
    await answer(i, outcome, input);
  }

  // -------------------------------------------------------------------------------------- autocomplete

  type Choice = APIApplicationCommandOptionChoice<string>;
  const norm = (s: string) => s.trim().toLowerCase();
  const matches = (typed: string, words: readonly string[]) =>
    typed === '' || words.some((w) => norm(w).includes(typed));

  function systemChoices(typed: string): Choice[] {
    const t = norm(typed);
    return settings.catalog.systems
      .filter((s) => matches(t, [s.id, s.name, ...s.aliases]))
      .map((s) => ({ name: `${s.name} (${s.id})`, value: s.id }));
  }

  /** Services of the chosen system (all of them if none is chosen yet), completing the last of a list. */
  function serviceChoices(systemWord: string | undefined, typed: string): Choice[] {
    const system = systemWord ? findSystem(settings.catalog, systemWord) : undefined;
    const pieces = typed.split(',');
    const last = norm(pieces.pop() ?? '');
    const before = pieces.map((p) => p.trim()).filter(Boolean);
    const ids = system ? system.services : settings.catalog.services.map((s) => s.id);
    const choices = ids
      .map((id) => serviceOf(settings.catalog, id))
      .filter((s) => !before.includes(s.id) && matches(last, [s.id, s.name, ...s.aliases]))
      .map((s) => {
        const value = [...before, s.id].join(',');
        return { name: `${value} (${s.name})`, value };
      });
    if (!before.length && matches(last, ['all']))
      choices.push({ name: 'all (every service it runs)', value: 'all' });
    return choices;
  }

  async function incidentChoices(actor: Actor, typed: string): Promise<Choice[]> {
    const listed = await core.handle({ text: 'list', actor });
    if (listed.kind !== 'list') return [];
    const t = norm(typed).replace(/^#/, '');
    return listed.incidents
      .filter((i) => matches(t, [String(i.id), i.title]))
      .map((i) => ({ name: `#${i.id} ${i.title}`, value: String(i.id) }));
  }

  async function onAutocomplete(
    i: APIApplicationCommandAutocompleteInteraction,
    respond: Respond,
  ): Promise<void> {
    const sub = subcommandOf(i.data.options);
    const focused = sub?.focused;
    let choices: Choice[] = [];
    if (sub && focused) {
      const system = sub.values.get('system');
      if (focused.name === 'system') choices = systemChoices(focused.value);
      else if (focused.name === 'services')
        choices = serviceChoices(system === undefined ? undefined : String(system), focused.value);
      else if (focused.name === 'incident') choices = await incidentChoices(actorOf(i), focused.value);
      // More templates than Discord's 25 choices are registered for autocomplete instead.
      else if (focused.name === 'template') choices = templateChoices(settings.templates, focused.value);
    }
    const clipped = choices.slice(0, AUTOCOMPLETE_MAX).map((c) => ({
      name: c.name.length > CHOICE_MAX ? `${c.name.slice(0, CHOICE_MAX - 1)}…` : c.name,
      value: c.value.slice(0, CHOICE_MAX),
    }));
    return respond({
      type: InteractionResponseType.ApplicationCommandAutocompleteResult,
      data: { choices: clipped },
    });
  }

  // ----------------------------------------------------------------------------------- preview buttons

  const ephemeral = (body: DiscordMessage): APIInteractionResponse => ({
    type: InteractionResponseType.ChannelMessageWithSource,
    data: { ...body, flags: MessageFlags.Ephemeral },
  });

  /** A button of Herald's question (is the maintenance complete?), in the direct message it sent. */
  async function onPromptButton(
    i: APIMessageComponentInteraction,
    respond: Respond,
    button: { promptId: number; answer: string },
  ): Promise<void> {
    const fresh = firstTime(i.id);
    await respond({ type: InteractionResponseType.DeferredMessageUpdate });
    if (!fresh) return;
    const reply = await core.answerPrompt({
      ...button,
      actor: actorOf(i),
      requestKey: `discord:${i.id}`,
      requestId: newRequestId('discord', i.id),
    });
    // A completion replaces the question (its buttons go); anything else is said privately.
    if (reply.kind === 'note') await followUp(i, renderNote(reply.text));
    else if (reply.outcome.kind === 'recorded') await track(i, reply.outcome);
    else await followUp(i, renderOutcome(reply.outcome, ctx));
  }

  async function onButton(i: APIMessageComponentInteraction, respond: Respond): Promise<void> {
    const question = parsePromptButtonId(i.data.custom_id);
    if (question) return onPromptButton(i, respond, question);
    const button = parseButtonId(i.data.custom_id);
    const actor = actorOf(i);
    if (!button) {
      await respond(
        ephemeral(
          renderOutcome({ kind: 'refused', code: 'syntax', message: 'this button is not Herald’s' }, ctx),
        ),
      );
      return;
    }
    if (button.action === 'edit') {
      const note = previews.get(button.previewId);
      if (!note || note.actor.id !== actor.id) {
        const message = note
          ? `only ${note.actor.name}, who wrote it, can publish, edit or cancel this preview`
          : 'this preview can no longer be edited (it was published, cancelled, or Herald restarted); run the command again';
        await respond(ephemeral(renderOutcome({ kind: 'refused', code: 'not_author', message }, ctx)));
        return;
      }
      await respond({ type: InteractionResponseType.Modal, data: editModal(button.previewId, note.text) });
      return;
    }
    const fresh = firstTime(i.id);
    try {
      await respond({ type: InteractionResponseType.DeferredMessageUpdate });
    } catch (error) {
      log.warn(
        { error: discordErrorFields(error), interaction: i.id },
        'discord: could not acknowledge a button',
      );
      return;
    }
    if (!fresh) return;
    const action = {
      previewId: button.previewId,
      actor,
      requestKey: `discord:${i.id}`,
      requestId: newRequestId('discord', i.id),
    };
    const outcome = await (button.action === 'publish' ? core.confirm(action) : core.cancel(action));
    // Someone else's press (or a second press) changes nothing and leaves the author's preview alone.
    if ((outcome.kind === 'refused' && outcome.code === 'not_author') || outcome.kind === 'duplicate') {
      await followUp(i, renderOutcome(outcome, ctx));
      return;
    }
    previews.delete(button.previewId);
    if (outcome.kind === 'recorded') await track(i, outcome);
    else await editOriginal(i, renderOutcome(outcome, ctx));
  }

  /** The Edit modal's text: the old preview is cancelled and a new one shown in its place. */
  async function onModal(i: APIModalSubmitInteraction, respond: Respond): Promise<void> {
    const oldId = parseModalId(i.data.custom_id);
    const text = modalText(i.data);
    const fresh = firstTime(i.id);
    await respond(
      i.message
        ? { type: InteractionResponseType.DeferredMessageUpdate }
        : {
            type: InteractionResponseType.DeferredChannelMessageWithSource,
            data: { flags: MessageFlags.Ephemeral },
          },
    );
    if (!fresh) return;
    const actor = actorOf(i);
    if (oldId === null || text === null) {
      await editOriginal(
        i,
        renderOutcome({ kind: 'refused', code: 'syntax', message: 'that form is not Herald’s' }, ctx),
      );
      return;
    }
    const input: CommandInput = {
      text: text.trim(),
      actor,
      requestKey: `discord:${i.id}`,
      requestId: newRequestId('discord', i.id),
    };
    const outcome = await core.preview(input, chat.previewTtlMs);
    // A mistake in the edited text is said privately and the preview stays, to be edited again.
    if (outcome.kind === 'refused' && i.message) {
      await followUp(i, renderOutcome(outcome, ctx));
      return;
    }
    const old = previews.get(oldId);
    if (old && old.actor.id === actor.id) {
      await core.cancel({ previewId: oldId, actor });
      previews.delete(oldId);
    }
    await answer(i, outcome, input);
  }

  // -------------------------------------------------------------------------------------------- the edge

  async function dispatch(i: APIInteraction, respond: Respond): Promise<void> {
    switch (i.type) {
      case InteractionType.Ping:
        return respond({ type: InteractionResponseType.Pong });
      case InteractionType.ApplicationCommand:
        if (i.data.type !== ApplicationCommandType.ChatInput) return;
        return onCommand(i as APIChatInputApplicationCommandInteraction, respond);
      case InteractionType.ApplicationCommandAutocomplete:
        return onAutocomplete(i, respond);
      case InteractionType.MessageComponent:
        return onButton(i, respond);
      case InteractionType.ModalSubmit:
        return onModal(i, respond);
    }
  }

  /** The one place the unexpected is caught: logged with context, answered with an apology. */
  async function handle(i: APIInteraction, respond: Respond): Promise<void> {
    let responded = false;
    const once: Respond = async (response) => {
      responded = true;
      await respond(response);
    };
    try {
      await dispatch(i, once);
    } catch (error) {
      log.error(
        {
          err: loggableError(error),
          platform: 'discord',
          requestId: newRequestId('discord', i.id),
          interaction: i.id,
          type: i.type,
        },
        'discord interaction failed',
      );
      if (!responded) await respond(ephemeral(renderApology())).catch(() => undefined);
      else if (i.type !== InteractionType.ApplicationCommandAutocomplete)
        await editOriginal(i, renderApology());
    }
  }

  function createRouter(publicKey: string): Router {
    const verify = createInteractionVerifier(publicKey);
    const router = express.Router();
    router.post('/', express.raw({ type: () => true, limit: '1mb' }), (req, res) => {
      const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      if (!verify(req.get(SIGNATURE_HEADER), req.get(TIMESTAMP_HEADER), body)) {
        res.status(401).type('text').send('invalid request signature\n');
        return;
      }
      let interaction: APIInteraction;
      try {
        interaction = JSON.parse(body.toString('utf8')) as APIInteraction;
      } catch {
        res.status(400).type('text').send('not JSON\n');
        return;
      }
      const respond: Respond = (response) =>
        new Promise<void>((resolve) => {
          res.once('finish', resolve);
          res.once('close', resolve);
          res.status(200).json(response);
        });
      keep(
        handle(interaction, respond).finally(() => {
          if (!res.headersSent) res.status(204).end();
        }),
      );
    });
    return router;
  }

  return {
    router: config.publicKey ? createRouter(config.publicKey) : null,

    async start() {
      if (!config.token || client || stopped) return;
      const c = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: config.apiUrl } });
      c.on(Events.Error, (error) =>
        log.error({ err: loggableError(error), platform: 'discord' }, 'discord client error'),
      );
      // The raw payload, as HTTP interactions bring it: one handler for both ways in.
      c.ws.on(GatewayDispatchEvents.InteractionCreate, (raw: APIInteraction) => {
        const respond: Respond = async (response) => {
          await rest.post(Routes.interactionCallback(raw.id, raw.token), { body: response, auth: false });
        };
        keep(handle(raw, respond));
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
      stopped = true;
      unsubscribe();
      stopPrompts();
      while (work.size) await Promise.allSettled([...work]);
      const c = client;
      client = null;
      await c?.destroy();
    },
  };
}
