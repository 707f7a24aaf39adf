// A proposal (issue 17) as a Discord message, built like a staff member's own preview (./reply.ts): what it
// is in the content, the post as it would read in an embed, and Publish / Edit / Dismiss (Dismiss only when
// it is for information; none once settled, and the fate in words). Pure. A monitor's words (alert labels
// are hostile) are escaped for markdown, every `@` and `<` mention form is broken with a word joiner, bidi
// controls go, the length is bounded, and the message is sent with mentions switched off.

import {
  type APIActionRowComponent,
  type APIButtonComponentWithCustomId,
  type APIModalInteractionResponseCallbackData,
  ButtonStyle,
  ComponentType,
  TextInputStyle,
} from 'discord-api-types/v10';
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
import { clip, type DiscordMessage, escapeText, message } from './text.js';

export type ProposalButton = 'publish' | 'edit' | 'dismiss';
export const PROPOSAL_TEXT_ID = 'text';
const EMBED_TITLE_MAX = 256;
const EMBED_DESCRIPTION_MAX = 4096;
const MODAL_TEXT_MAX = 4000;

export const proposalButtonId = (action: ProposalButton, proposalId: number): string =>
  `herald:proposal:${action}:${proposalId}`;

export function parseProposalButtonId(
  customId: string,
): { action: ProposalButton; proposalId: number } | null {
  const m = /^herald:proposal:(publish|edit|dismiss):(\d{1,15})$/.exec(customId);
  return m?.[1] && m[2] ? { action: m[1] as ProposalButton, proposalId: Number(m[2]) } : null;
}

export const proposalModalId = (proposalId: number): string => `herald:proposal-modal:${proposalId}`;

export function parseProposalModalId(customId: string): number | null {
  const m = /^herald:proposal-modal:(\d{1,15})$/.exec(customId);
  return m?.[1] ? Number(m[1]) : null;
}

/** No mention form (`@everyone`, `<@123>`, `<#123>`) left whole: a word joiner after each `@` and `<`. */
const breakMentions = (text: string): string => text.replace(/([@<])/g, '$1\u2060');

/** A monitor's words in Discord markdown: escaped, and no mention form left whole. */
export const neutralText = (text: string): string => breakMentions(escapeText(text));

function buttons(p: Proposal): APIActionRowComponent<APIButtonComponentWithCustomId>[] {
  if (p.fate !== 'open') return [];
  const b = (action: ProposalButton, label: string, style: APIButtonComponentWithCustomId['style']) => ({
    type: ComponentType.Button as const,
    custom_id: proposalButtonId(action, p.id),
    label,
    style,
  });
  const dismiss = b('dismiss', 'Dismiss', ButtonStyle.Danger);
  return [
    {
      type: ComponentType.ActionRow,
      components: p.informational
        ? [dismiss]
        : [b('publish', 'Publish', ButtonStyle.Success), b('edit', 'Edit', ButtonStyle.Secondary), dismiss],
    },
  ];
}

/** The proposal in the staff channel: posted once, then edited in place as it changes or settles. */
export function renderProposal(p: Proposal, settings: CoreSettings): DiscordMessage {
  const settled = p.fate !== 'open';
  const title = neutralText(clip(p.title, 250));
  const lines = [
    `**${proposalHeading(p)}**: ${title} (${proposalKind(p)})`,
    `**Components:** ${neutralText(proposalComponents(p, settings))}`,
    `**From:** ${neutralText(proposalSource(p))}`,
    `**Command:** ${neutralText(clip(`/status ${p.command}`.replace(/\s+/g, ' '), 500))}`,
    ...(p.note ? [`**Note:** ${neutralText(clip(p.note, 500))}`] : []),
    settled ? `**${fateWords(p, neutralText)}**` : `Proposal ${p.id}. ${openFooter(p, settings)}`,
  ];
  return message(lines.join('\n'), {
    embeds: [
      {
        // An embed's title is not markdown (no escapes), but is still cleared of mentions.
        title: clip(breakMentions(p.title), EMBED_TITLE_MAX),
        description: clip(neutralText(boundedText(p.text)), EMBED_DESCRIPTION_MAX),
        footer: { text: `Proposal ${p.id} · as the status site would show it` },
      },
    ],
    components: buttons(p),
  });
}

/** The Edit form, as the preview's: the command as text; submitting it publishes the edited post. */
export function proposalEditModal(proposalId: number, text: string): APIModalInteractionResponseCallbackData {
  return {
    custom_id: proposalModalId(proposalId),
    title: 'Edit the proposed post',
    components: [
      {
        type: ComponentType.Label,
        label: 'The command, as after /status',
        component: {
          type: ComponentType.TextInput,
          custom_id: PROPOSAL_TEXT_ID,
          style: TextInputStyle.Paragraph,
          value: clip(text, MODAL_TEXT_MAX),
          max_length: MODAL_TEXT_MAX,
          required: true,
        },
      },
    ],
  };
}
