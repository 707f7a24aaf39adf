// A proposal (issue 17) in Block Kit, built like a staff member's own preview (./blocks.ts): a header that
// says nothing is published yet, the post quoted as it would read, the facts, and Publish / Edit / Dismiss
// (Dismiss only when it is for information; no buttons once settled, and the fate in words). Pure. Every
// word that came from a monitor (alert labels are hostile) goes through ./text.ts: markup escaped,
// broadcasts broken, bidirectional controls removed, and the length bounded.

import type { types } from '@slack/bolt';
import type { CoreSettings } from '../../bot/catalog.js';
import type { Proposal } from '../../monitors/proposal.js';
import {
  boundedText,
  fateWords,
  openFooter,
  proposalComponents,
  proposalHeading,
  proposalKind,
  proposalSource,
} from '../text/proposal.js';
import {
  type Block,
  contextBlock,
  fitBlocks,
  header,
  type SlackMessage,
  section,
  sections,
} from './block-kit.js';
import { clip, mrkdwn, quote } from './text.js';

export const PROPOSAL_ACTIONS = {
  publish: 'herald_proposal_publish',
  edit: 'herald_proposal_edit',
  dismiss: 'herald_proposal_dismiss',
} as const;
export type ProposalAction = keyof typeof PROPOSAL_ACTIONS;
export const PROPOSAL_EDIT_VIEW = 'herald_proposal_edit_view';
/** The Edit modal's input, as the preview's. */
export const PROPOSAL_EDIT_INPUT = { block: 'command', action: 'text' } as const;
/** Slack's limits: a button's value, a text input. */
const MAX_VALUE = 2000;
const MAX_EDIT_TEXT = 3000;

/** A button's value: the proposal, its revision when shown, and (for Edit, when it fits) the command. */
export interface ProposalButtonValue {
  proposalId: number;
  revision: number;
  text?: string;
}

export function encodeProposalButton(v: ProposalButtonValue): string {
  const short = JSON.stringify({ q: v.proposalId, v: v.revision });
  if (v.text === undefined) return short;
  const long = JSON.stringify({ q: v.proposalId, v: v.revision, t: v.text });
  return long.length <= MAX_VALUE ? long : short;
}

export function decodeProposalButton(value: string | undefined): ProposalButtonValue | null {
  try {
    const v = JSON.parse(value ?? '') as { q?: unknown; v?: unknown; t?: unknown };
    if (typeof v.q !== 'number' || !Number.isSafeInteger(v.q)) return null;
    return {
      proposalId: v.q,
      revision: typeof v.v === 'number' ? v.v : 0,
      ...(typeof v.t === 'string' ? { text: v.t } : {}),
    };
  } catch {
    return null;
  }
}

function button(action: ProposalAction, label: string, value: string, style?: 'primary' | 'danger') {
  return {
    type: 'button' as const,
    action_id: PROPOSAL_ACTIONS[action],
    text: { type: 'plain_text' as const, text: label },
    value,
    ...(style ? { style } : {}),
  };
}

function buttonsOf(p: Proposal): types.ActionsBlock | null {
  if (p.fate !== 'open') return null;
  const value = encodeProposalButton({ proposalId: p.id, revision: p.revision });
  const dismiss = button('dismiss', 'Dismiss', value, 'danger');
  if (p.informational) return { type: 'actions', block_id: 'herald_proposal', elements: [dismiss] };
  const editable = p.command.length <= MAX_EDIT_TEXT;
  const edit = encodeProposalButton({ proposalId: p.id, revision: p.revision, text: p.command });
  return {
    type: 'actions',
    block_id: 'herald_proposal',
    elements: [
      button('publish', 'Publish', value, 'primary'),
      ...(editable ? [button('edit', 'Edit', edit)] : []),
      dismiss,
    ],
  };
}

/** The proposal in the staff channel: posted once, then updated in place as it changes or settles. */
export function renderProposal(p: Proposal, settings: CoreSettings): SlackMessage {
  const settled = p.fate !== 'open';
  const fate = settled ? fateWords(p, mrkdwn) : '';
  const title = mrkdwn(clip(p.title, 250));
  const body: Block[] = [
    header(proposalHeading(p)),
    section(`*${title}* · ${mrkdwn(proposalKind(p))}`),
    ...sections(quote([`*${title}*`, mrkdwn(boundedText(p.text))].join('\n\n'))),
    { type: 'divider' },
    ...sections(
      [
        `*Components:* ${mrkdwn(proposalComponents(p, settings))}`,
        `*From:* ${mrkdwn(proposalSource(p))}`,
        `*Command:* ${mrkdwn(clip(`/status ${p.command}`.replace(/\s+/g, ' '), 500))}`,
        ...(p.note ? [`*Note:* ${mrkdwn(clip(p.note, 500))}`] : []),
      ].join('\n'),
    ),
  ];
  if (settled)
    body.push(
      section(
        `${p.fate === 'dismissed' || p.fate === 'expired' || p.fate === 'superseded' ? ':no_entry_sign:' : ':white_check_mark:'} *${fate}*`,
      ),
    );
  const footer = contextBlock(
    settled ? `Proposal ${p.id}` : `Proposal ${p.id} · ${mrkdwn(openFooter(p, settings))}`,
  );
  const buttons = buttonsOf(p);
  const fallback = settled ? `${fate}: ${title}` : `${mrkdwn(proposalHeading(p))}: ${title}`;
  return { text: clip(fallback, 3000), blocks: fitBlocks(body, buttons ? [footer, buttons] : [footer]) };
}

/** The Edit modal, as the preview's: the command to change; submitting it publishes the edited text. */
export function renderProposalEditModal(text: string, privateMetadata: string): types.ModalView {
  return {
    type: 'modal',
    callback_id: PROPOSAL_EDIT_VIEW,
    private_metadata: privateMetadata,
    title: { type: 'plain_text', text: 'Edit the proposed post' },
    submit: { type: 'plain_text', text: 'Publish' },
    close: { type: 'plain_text', text: 'Back' },
    blocks: [
      {
        type: 'input',
        block_id: PROPOSAL_EDIT_INPUT.block,
        label: { type: 'plain_text', text: 'Everything after /status' },
        element: {
          type: 'plain_text_input',
          action_id: PROPOSAL_EDIT_INPUT.action,
          multiline: true,
          initial_value: clip(text, MAX_EDIT_TEXT),
          max_length: MAX_EDIT_TEXT,
        },
      },
      contextBlock('Publishing records the edited post as yours; the proposal then says so in the channel.'),
    ],
  };
}
