// Discord's door: each interaction that asks for work is appended to the inbox and only then acknowledged
// (a deferred answer), so that "acknowledged" means "recorded"; the inbox's worker does the work and edits
// the answer in (discord-surface.ts). A Ping, autocomplete and the Edit button (which opens a form at once)
// change nothing and are answered here. A repeated interaction id is recognised at the door, persistently.

import {
  type APIChatInputApplicationCommandInteraction,
  type APIInteraction,
  type APIInteractionResponse,
  type APIMessageComponentInteraction,
  type APIModalSubmitInteraction,
  ApplicationCommandType,
  InteractionResponseType,
  InteractionType,
  MessageFlags,
} from 'discord-api-types/v10';
import type { Clock } from '../../bot/handle-command.js';
import { mayChange } from '../../bot/permissions.js';
import type { Actor } from '../../bot/types.js';
import type { ChatConfig } from '../../config.js';
import type { Logger } from '../../logger.js';
import type { ChatMetrics } from '../../metrics.js';
import {
  parseProposalButtonId,
  parseProposalModalId,
  proposalEditModal,
} from '../../templates/discord/proposal.js';
import {
  type DiscordMessage,
  type DiscordRenderContext,
  editModal,
  MODAL_TEXT_ID,
  parseButtonId,
  parseModalId,
  renderOutcome,
} from '../../templates/discord/reply.js';
import { type createAutocomplete, subcommandOf } from './discord-autocomplete.js';
import { commandText, STATUS_COMMAND } from './discord-commands.js';
import { parsePromptButtonId } from './discord-prompts.js';
import type { DiscordKind, DiscordPayload, PreviewNote } from './discord-surface.js';
import type { Inbox } from './inbox.js';

/** The first answer to an interaction: the HTTP response itself, or Discord's callback endpoint. */
export type Respond = (response: APIInteractionResponse) => Promise<void>;

export function actorOf(i: APIInteraction): Actor {
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

/** The text input's value in a submitted modal, in a Label (current) or an action row (older form). */
function modalText(data: APIModalSubmitInteraction['data']): string | null {
  for (const c of data.components) {
    const inner = 'component' in c ? [c.component] : 'components' in c ? c.components : [];
    for (const x of inner) {
      if (x?.custom_id === MODAL_TEXT_ID && 'value' in x && typeof x.value === 'string') return x.value;
    }
  }
  return null;
}

const deferred: APIInteractionResponse = {
  type: InteractionResponseType.DeferredChannelMessageWithSource,
  data: { flags: MessageFlags.Ephemeral },
};
const deferredUpdate: APIInteractionResponse = { type: InteractionResponseType.DeferredMessageUpdate };
const ephemeral = (body: DiscordMessage): APIInteractionResponse => ({
  type: InteractionResponseType.ChannelMessageWithSource,
  data: { ...body, flags: MessageFlags.Ephemeral },
});

export interface DiscordDoorOptions {
  inbox: Inbox;
  chat: ChatConfig;
  ctx: DiscordRenderContext;
  clock: Clock;
  log: Logger;
  /** The choices for a focused option (discord-autocomplete.ts). */
  autocomplete: ReturnType<typeof createAutocomplete>;
  /** Previews this process showed, for the Edit button. */
  previews: ReadonlyMap<string, PreviewNote>;
  metrics?: ChatMetrics;
  /** A proposal's command, for its Edit form (issue 17): the board keeps the ones it shows. */
  proposalCommand?: (proposalId: number) => string | undefined;
}

/** Takes one interaction: answers it, or appends it to the inbox and then acknowledges it. */
export function createDiscordDoor(
  o: DiscordDoorOptions,
): (i: APIInteraction, respond: Respond) => Promise<void> {
  const { inbox, chat, ctx, clock, log } = o;

  async function onCommand(i: APIChatInputApplicationCommandInteraction, respond: Respond, at: number) {
    const sub = i.data.name === STATUS_COMMAND ? subcommandOf(i.data.options) : null;
    const mapped = sub
      ? commandText(sub.name, sub.values)
      : {
          ok: false as const,
          message: `this is Herald's \`/${STATUS_COMMAND}\`; see \`/${STATUS_COMMAND} help\`.`,
        };
    const what = mapped.ok ? { text: mapped.text } : { refusal: mapped.message };
    await append(i, chat.preview ? 'preview' : 'command', what);
    await respond(deferred);
    o.metrics?.acknowledged('discord', (performance.now() - at) / 1000);
  }

  async function append(i: APIInteraction, kind: DiscordKind, what: object): Promise<void> {
    const payload = {
      applicationId: i.application_id,
      token: i.token,
      actor: actorOf(i),
      ...what,
    } as DiscordPayload;
    const { fresh } = await inbox.append({
      requestId: `discord:${i.id}`,
      platform: 'discord',
      kind,
      payload,
      receivedAt: clock.now(),
    });
    if (!fresh) log.info({ interaction: i.id }, 'discord: interaction delivered twice');
  }

  async function onButton(i: APIMessageComponentInteraction, respond: Respond): Promise<void> {
    const question = parsePromptButtonId(i.data.custom_id);
    if (question) {
      await append(i, 'prompt', question);
      return respond(deferredUpdate);
    }
    const proposal = parseProposalButtonId(i.data.custom_id);
    if (proposal) return onProposalButton(i, proposal, respond);
    const button = parseButtonId(i.data.custom_id);
    if (!button) {
      const refusal = { kind: 'refused', code: 'syntax', message: 'this button is not Herald’s' } as const;
      return respond(ephemeral(renderOutcome(refusal, ctx)));
    }
    if (button.action === 'edit') {
      const actor = actorOf(i);
      const note = o.previews.get(button.previewId);
      if (!note || note.actor.id !== actor.id) {
        const message = note
          ? `only ${note.actor.name}, who wrote it, can publish, edit or cancel this preview`
          : 'this preview can no longer be edited (it was published, cancelled, or Herald restarted); run the command again';
        return respond(ephemeral(renderOutcome({ kind: 'refused', code: 'not_author', message }, ctx)));
      }
      return respond({ type: InteractionResponseType.Modal, data: editModal(button.previewId, note.text) });
    }
    await append(i, button.action, { previewId: button.previewId });
    return respond(deferredUpdate);
  }

  /**
   * A proposal's button (issue 17): Publish and Dismiss into the inbox, answered privately; Edit opens the
   * preview's form at once, for staff only (the commands' own check).
   */
  async function onProposalButton(
    i: APIMessageComponentInteraction,
    button: NonNullable<ReturnType<typeof parseProposalButtonId>>,
    respond: Respond,
  ): Promise<void> {
    if (button.action !== 'edit') {
      await append(i, 'proposal', { proposal: { id: button.proposalId, action: button.action } });
      return respond(deferred);
    }
    const allowed = mayChange(actorOf(i), ctx.settings.staff);
    const text = o.proposalCommand?.(button.proposalId);
    if (!allowed.allowed || text === undefined) {
      const message = allowed.allowed
        ? 'this proposal can no longer be edited here (it was settled, or Herald restarted); publish or dismiss it, or type the command yourself'
        : allowed.reason;
      const code = allowed.allowed ? 'syntax' : 'not_staff';
      return respond(ephemeral(renderOutcome({ kind: 'refused', code, message }, ctx)));
    }
    return respond({
      type: InteractionResponseType.Modal,
      data: proposalEditModal(button.proposalId, text),
    });
  }

  /** The Edit form's text: a new preview replaces the old one. */
  async function onModal(i: APIModalSubmitInteraction, respond: Respond): Promise<void> {
    const proposalId = parseProposalModalId(i.data.custom_id);
    if (proposalId !== null) {
      const edited = modalText(i.data)?.trim();
      if (!edited) {
        const refusal = { kind: 'refused', code: 'empty', message: 'type the command to publish' } as const;
        return respond(ephemeral(renderOutcome(refusal, ctx)));
      }
      await append(i, 'proposal', { proposal: { id: proposalId, action: 'edit', text: edited } });
      return respond(deferred);
    }
    const oldId = parseModalId(i.data.custom_id);
    const text = modalText(i.data);
    if (oldId === null || text === null) {
      const refusal = { kind: 'refused', code: 'syntax', message: 'that form is not Herald’s' } as const;
      return respond(ephemeral(renderOutcome(refusal, ctx)));
    }
    await append(i, 'edit', { text: text.trim(), replaces: oldId, inMessage: Boolean(i.message) });
    return respond(i.message ? deferredUpdate : deferred);
  }

  return async (i, respond) => {
    // Reached in the same turn as the interaction arrived (its signature and shape checked, over HTTP).
    const at = performance.now();
    switch (i.type) {
      case InteractionType.Ping:
        return respond({ type: InteractionResponseType.Pong });
      case InteractionType.ApplicationCommand:
        if (i.data.type !== ApplicationCommandType.ChatInput) return;
        return onCommand(i as APIChatInputApplicationCommandInteraction, respond, at);
      case InteractionType.ApplicationCommandAutocomplete:
        return respond({
          type: InteractionResponseType.ApplicationCommandAutocompleteResult,
          data: { choices: o.autocomplete(i.data.options, actorOf(i)) },
        });
      case InteractionType.MessageComponent:
        return onButton(i, respond);
      case InteractionType.ModalSubmit:
        return onModal(i, respond);
    }
  };
}
