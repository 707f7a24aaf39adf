// The monitors' proposals on Slack (issue 17): the board posts each proposal once in the staff channel and
// updates that same message (chat.update) as its revision or fate changes; its Publish / Edit / Dismiss
// come back through the inbox like a preview's buttons ("acknowledged" means "recorded"). Edit opens the
// preview's modal at once (a trigger_id lives three seconds); the submitted text goes through the inbox too.

import type { App, BlockAction, ButtonAction, RespondFn } from '@slack/bolt';
import type { CoreSettings } from '../../bot/catalog.js';
import type { Clock } from '../../bot/handle-command.js';
import { mayChange } from '../../bot/permissions.js';
import type { Logger } from '../../logger.js';
import type { Proposal, ProposalBoard } from '../../monitors/proposal.js';
import { renderClosedPreview } from '../../templates/slack/blocks.js';
import {
  decodeProposalButton,
  PROPOSAL_ACTIONS,
  PROPOSAL_EDIT_INPUT,
  PROPOSAL_EDIT_VIEW,
  renderProposal,
  renderProposalEditModal,
} from '../../templates/slack/proposal.js';
import { createAnswer } from './slack-answers.js';
import type { GroupLookup } from './slack-groups.js';
import type { SlackPayload } from './slack-surface.js';

type WebClient = App['client'];

/** A message's id on Slack: its channel and ts (a ts alone names nothing outside its channel). */
const remoteIdOf = (channel: string, ts: string) => `${channel}/${ts}`;
function parseRemoteId(remoteId: string): { channel: string; ts: string } | null {
  const at = remoteId.indexOf('/');
  return at > 0 ? { channel: remoteId.slice(0, at), ts: remoteId.slice(at + 1) } : null;
}

export interface SlackProposalBoardOptions {
  client: WebClient;
  /** The staff channel (SLACK_STAFF_CHANNEL). */
  channel: string;
  settings: CoreSettings;
  log: Logger;
}

/**
 * Shows proposals in the staff channel. Shows of one proposal run one after another, and a message this
 * process posted is remembered: a second show that comes before the first's id was stored updates it,
 * never posts a second message.
 */
export function createSlackProposalBoard(o: SlackProposalBoardOptions): ProposalBoard {
  const { client, channel, settings } = o;
  const log = o.log.child({ component: 'slack-proposals' });
  const chains = new Map<number, Promise<string | null>>();
  const posted = new Map<number, string>();

  async function showOne(p: Proposal, given: string | null): Promise<string | null> {
    const remoteId = given ?? posted.get(p.id) ?? null;
    const message = renderProposal(p, settings);
    const where = remoteId ? parseRemoteId(remoteId) : null;
    try {
      if (where) {
        await client.chat.update({
          channel: where.channel,
          ts: where.ts,
          text: message.text,
          blocks: message.blocks,
        });
        return remoteId;
      }
      const sent = await client.chat.postMessage({
        channel,
        text: message.text,
        blocks: message.blocks,
        unfurl_links: false,
        unfurl_media: false,
      });
      if (!sent.ts) throw new Error('Slack answered chat.postMessage without a ts');
      const id = remoteIdOf(sent.channel ?? channel, sent.ts);
      posted.set(p.id, id);
      return id;
    } catch (error) {
      log.warn({ err: error, proposal: p.id, revision: p.revision }, 'could not show a proposal on Slack');
      // Thrown: the monitors service keeps it behind and shows it again (in place) on the next change or start.
      throw error;
    }
  }

  return {
    name: 'slack',
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

interface EditMetadata {
  proposalId: number;
  responseUrl: string;
  channel: string | null;
}

function parseMetadata(text: string): EditMetadata | null {
  try {
    const m = JSON.parse(text) as Partial<EditMetadata> | null;
    if (typeof m?.proposalId !== 'number' || typeof m.responseUrl !== 'string') return null;
    return {
      proposalId: m.proposalId,
      responseUrl: m.responseUrl,
      channel: typeof m.channel === 'string' ? m.channel : null,
    };
  } catch {
    return null;
  }
}

export interface SlackProposalPressesOptions {
  app: App;
  /** The adapter's door: appends to the inbox (false when the request id was there already). */
  take(triggerId: string, payload: SlackPayload): Promise<boolean>;
  groups: GroupLookup;
  settings: CoreSettings;
  clock: Clock;
  log: Logger;
}

type ButtonArgs = Parameters<Parameters<App['action']>[1]>[0] & { action: ButtonAction; body: BlockAction };

/** Publish, Edit and Dismiss on a proposal's message, and the Edit modal's submission. */
export function registerSlackProposalPresses(o: SlackProposalPressesOptions): void {
  const { app, clock } = o;
  const log = o.log.child({ component: 'slack-proposals' });
  const whisper = (respond: RespondFn, why: string) =>
    createAnswer(respond, { replaceFirst: false, log, now: clock.now }).whisper(renderClosedPreview(why));
  const channelOf = (body: BlockAction) =>
    body.channel?.id ?? (body.container as { channel_id?: string }).channel_id ?? null;
  const userOf = (u: { id: string; username?: string; name?: string }) => ({
    id: u.id,
    name: u.username ?? u.name ?? u.id,
  });

  const onPress = (action: 'publish' | 'dismiss') => async (args: ButtonArgs) => {
    const { body } = args;
    const value = decodeProposalButton(args.action.value);
    if (!value) {
      await args.ack();
      log.warn({ user: body.user.id }, 'a proposal button without a readable value was pressed');
      await whisper(args.respond, 'This button no longer works.');
      return;
    }
    await o.take(body.trigger_id, {
      proposal: { id: value.proposalId, action },
      user: userOf(body.user),
      channel: channelOf(body),
      responseUrl: body.response_url,
    });
    await args.ack();
  };
  app.action<BlockAction<ButtonAction>>({ action_id: PROPOSAL_ACTIONS.publish }, (a) =>
    onPress('publish')(a as ButtonArgs),
  );
  app.action<BlockAction<ButtonAction>>({ action_id: PROPOSAL_ACTIONS.dismiss }, (a) =>
    onPress('dismiss')(a as ButtonArgs),
  );

  // Edit opens the modal at once, as a preview's Edit does; only staff get it (the same check as commands).
  app.action<BlockAction<ButtonAction>>(
    { action_id: PROPOSAL_ACTIONS.edit },
    async ({ ack, body, action, respond, client }) => {
      await ack();
      const value = decodeProposalButton(action.value);
      if (!value || value.text === undefined) {
        await whisper(
          respond,
          'This proposal cannot be edited here (its command is too long); publish or dismiss it, or type the command yourself.',
        );
        return;
      }
      const channel = channelOf(body);
      try {
        const groups = await o.groups.groupsOf(body.user.id);
        const allowed = mayChange(
          {
            platform: 'slack',
            id: body.user.id,
            name: body.user.name ?? body.user.id,
            ...(channel ? { channel } : {}),
            ...(groups ? { groups } : {}),
          },
          o.settings.staff,
        );
        if (!allowed.allowed) {
          await whisper(respond, `Refused: ${allowed.reason}. Nothing was changed.`);
          return;
        }
        const metadata: EditMetadata = {
          proposalId: value.proposalId,
          responseUrl: body.response_url,
          channel,
        };
        await client.views.open({
          trigger_id: body.trigger_id,
          view: renderProposalEditModal(value.text, JSON.stringify(metadata)),
        });
      } catch (error) {
        log.error(
          { err: error, user: body.user.id, proposal: value.proposalId },
          'could not open the Edit modal of a proposal',
        );
      }
    },
  );

  app.view(PROPOSAL_EDIT_VIEW, async ({ ack, body, view }) => {
    const meta = parseMetadata(view.private_metadata);
    const text =
      view.state.values[PROPOSAL_EDIT_INPUT.block]?.[PROPOSAL_EDIT_INPUT.action]?.value?.trim() ?? '';
    const triggerId = (body as { trigger_id?: string }).trigger_id;
    if (!meta || !triggerId) {
      await ack();
      log.warn({ user: body.user.id }, 'an Edit modal of a proposal without readable metadata was submitted');
      return;
    }
    if (!text) {
      await ack({
        response_action: 'errors',
        errors: { [PROPOSAL_EDIT_INPUT.block]: 'Type the command to publish.' },
      });
      return;
    }
    await o.take(triggerId, {
      proposal: { id: meta.proposalId, action: 'edit', text },
      user: userOf(body.user),
      channel: meta.channel,
      responseUrl: meta.responseUrl,
    });
    await ack();
  });
}
