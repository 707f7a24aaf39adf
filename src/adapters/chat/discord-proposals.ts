// The monitors' proposals on Discord (issue 17): the board posts each proposal once in the staff channel
// (as the bot, DISCORD_TOKEN) and edits that same message as its revision or fate changes. Its buttons
// come in through the door (discord-door.ts) and the inbox like a preview's.

import { Routes } from 'discord-api-types/v10';
import type { CoreSettings } from '../../bot/catalog.js';
import type { Logger } from '../../logger.js';
import type { Proposal, ProposalBoard } from '../../monitors/proposal.js';
import { renderProposal } from '../../templates/discord/proposal.js';
import { discordErrorFields } from '../discord-client/errors.js';
import type { REST } from '../discord-client/rest.js';

/** A message's id on Discord with its channel (editing needs both). */
const remoteIdOf = (channel: string, id: string) => `${channel}/${id}`;
function parseRemoteId(remoteId: string): { channel: string; id: string } | null {
  const m = /^(\d{1,32})\/(\d{1,32})$/.exec(remoteId);
  return m?.[1] && m[2] ? { channel: m[1], id: m[2] } : null;
}

export interface DiscordProposalBoard extends ProposalBoard {
  /** The command of a proposal this board showed, open: for the Edit button's form. */
  commandOf(proposalId: number): string | undefined;
}

export interface DiscordProposalBoardOptions {
  /** With the bot's token. */
  rest: REST;
  /** The staff channel (DISCORD_STAFF_CHANNEL). */
  channel: string;
  settings: CoreSettings;
  log: Logger;
}

/** Shows of one proposal run one after another; a message this process posted is edited, never doubled. */
export function createDiscordProposalBoard(o: DiscordProposalBoardOptions): DiscordProposalBoard {
  const { rest, channel, settings } = o;
  const log = o.log.child({ component: 'discord-proposals' });
  const chains = new Map<number, Promise<string | null>>();
  const posted = new Map<number, string>();
  const commands = new Map<number, string>();

  async function showOne(p: Proposal, given: string | null): Promise<string | null> {
    if (p.fate === 'open' && !p.informational) commands.set(p.id, p.command);
    else commands.delete(p.id);
    const remoteId = given ?? posted.get(p.id) ?? null;
    const body = renderProposal(p, settings);
    const where = remoteId ? parseRemoteId(remoteId) : null;
    try {
      if (where) {
        await rest.patch(Routes.channelMessage(where.channel, where.id), { body });
        return remoteId;
      }
      const sent = (await rest.post(Routes.channelMessages(channel), { body })) as { id: string };
      const id = remoteIdOf(channel, sent.id);
      posted.set(p.id, id);
      return id;
    } catch (error) {
      log.warn(
        { error: discordErrorFields(error), proposal: p.id, revision: p.revision },
        'could not show a proposal on Discord',
      );
      // Thrown: the monitors service keeps it behind and shows it again (in place) on the next change or start.
      throw error;
    }
  }

  return {
    name: 'discord',
    commandOf: (proposalId) => commands.get(proposalId),
    show(p, remoteId) {
      // One failed show does not stop the next (the monitors service shows it again, in place).
      const before = (chains.get(p.id) ?? Promise.resolve(null)).catch(() => null);
      const next = before.then(() => showOne(p, remoteId));
      chains.set(p.id, next);
      void next
        .catch(() => undefined)
        .finally(() => {
          if (chains.get(p.id) === next) chains.delete(p.id);
        });
      return next;
    },
  };
}
