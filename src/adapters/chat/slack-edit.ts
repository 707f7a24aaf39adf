// A preview's Edit button and the modal it opens. Not through the inbox: opening a modal must use the
// press's trigger_id within three seconds, and a modal's mistakes are shown in the modal itself, which Slack
// takes only as the acknowledgement; the core's check is synchronous and quick. The new preview replaces the
// old one, which can then no longer be published.

import type { App, BlockAction, ButtonAction, RespondFn } from '@slack/bolt';
import type { Clock, Outcome } from '../../bot/handle-command.js';
import type { Actor } from '../../bot/types.js';
import type { ChatConfig } from '../../config.js';
import type { Logger } from '../../logger.js';
import { newRequestId } from '../../request-id.js';
import {
  ACTIONS,
  type BlockContext,
  decodeButton,
  EDIT_INPUT,
  EDIT_VIEW,
  renderClosedPreview,
  renderEditModal,
  renderOutcome,
  SORRY,
} from '../../templates/slack/blocks.js';
import type { ChatCommands } from './chat-core.js';
import { type Answer, type Answers, createAnswer } from './slack-answers.js';
import type { GroupLookup } from './slack-groups.js';

interface EditMetadata {
  previewId: string;
  requestId: string | null;
  responseUrl: string;
  channel: string | null;
}

function parseMetadata(text: string): EditMetadata | null {
  try {
    const m = JSON.parse(text) as Partial<EditMetadata> | null;
    if (typeof m?.previewId !== 'string' || typeof m.responseUrl !== 'string') return null;
    return {
      previewId: m.previewId,
      requestId: typeof m.requestId === 'string' ? m.requestId : null,
      responseUrl: m.responseUrl,
      channel: typeof m.channel === 'string' ? m.channel : null,
    };
  } catch {
    return null;
  }
}

export interface SlackEditOptions {
  app: App;
  core: ChatCommands;
  chat: ChatConfig;
  answers: Answers;
  groups: GroupLookup;
  ctx: BlockContext;
  log: Logger;
  clock: Clock;
  respondVia(url: string): RespondFn;
}

export function registerSlackEdit(o: SlackEditOptions): void {
  const { app, core, chat, answers, ctx, log, clock } = o;
  const answerFor = (respond: RespondFn): Answer =>
    createAnswer(respond, { replaceFirst: true, log, now: clock.now });

  async function guarded(where: Record<string, unknown>, answer: Answer, work: () => Promise<void>) {
    try {
      await work();
    } catch (error) {
      log.error({ err: error, ...where }, 'slack request failed');
      await answer.whisper({
        text: SORRY,
        blocks: [{ type: 'section', text: { type: 'mrkdwn', text: SORRY } }],
      });
    }
  }

  app.action<BlockAction<ButtonAction>>(
    { action_id: ACTIONS.edit },
    async ({ ack, body, action, respond, client }) => {
      await ack();
      const answer = answerFor(respond);
      const value = decodeButton(action.value);
      if (!value) {
        await answer.whisper(renderClosedPreview('This button no longer works. Run the command again.'));
        return;
      }
      const channel = body.channel?.id ?? (body.container as { channel_id?: string }).channel_id ?? null;
      await guarded({ user: body.user.id, preview: value.previewId }, answer, async () => {
        if (body.user.id !== value.authorId) {
          await answer.whisper(renderClosedPreview('Only the person who wrote this preview can edit it.'));
          return;
        }
        const text = answers.previewText(value.previewId) ?? value.text;
        if (text === undefined) {
          await answer.whisper(
            renderClosedPreview('This preview can no longer be edited. Run the command again.'),
          );
          return;
        }
        const metadata: EditMetadata = {
          previewId: value.previewId,
          requestId: value.requestId,
          responseUrl: body.response_url,
          channel,
        };
        await client.views.open({
          trigger_id: body.trigger_id,
          view: renderEditModal(text, JSON.stringify(metadata)),
        });
      });
    },
  );

  app.view(EDIT_VIEW, async ({ ack, body, view }) => {
    const meta = parseMetadata(view.private_metadata);
    if (!meta) {
      await ack();
      log.warn({ user: body.user.id }, 'an Edit modal without readable metadata was submitted');
      return;
    }
    const answer = answerFor(o.respondVia(meta.responseUrl));
    const text = view.state.values[EDIT_INPUT.block]?.[EDIT_INPUT.action]?.value ?? '';
    let acked = false;
    // A view submission has a trigger_id (a closed view would not).
    const requestId = newRequestId('slack', (body as { trigger_id?: string }).trigger_id);
    await guarded({ requestId, user: body.user.id, preview: meta.previewId }, answer, async () => {
      const found = await o.groups.groupsOf(body.user.id);
      const actor: Actor = {
        platform: 'slack',
        id: body.user.id,
        name: body.user.name,
        ...(meta.channel ? { channel: meta.channel } : {}),
        ...(found ? { groups: found } : {}),
      };
      const input = {
        text,
        actor,
        requestId,
        ...(meta.requestId ? { requestKey: `slack:${meta.requestId}` } : {}),
      };
      const outcome: Outcome = core.preview(input, chat.previewTtlMs);
      if (outcome.kind === 'refused') {
        acked = true;
        await ack({
          response_action: 'errors',
          errors: { [EDIT_INPUT.block]: outcome.message.slice(0, 2000) },
        });
        return;
      }
      acked = true;
      await ack();
      const old = core.cancel({ previewId: meta.previewId, actor });
      if (old.kind !== 'cancelled')
        log.debug({ preview: meta.previewId, outcome: old.kind }, 'edited preview was closed');
      answers.settle(meta.previewId);
      if (outcome.kind === 'preview') {
        await answers.preview(outcome, answer, { requestId: meta.requestId, authorId: actor.id }, text);
      } else if (outcome.kind === 'recorded') {
        await answers.recorded(outcome, answer);
      } else {
        await answer.show(() => renderOutcome(outcome, ctx));
      }
    });
    if (!acked) await ack();
  });
}
