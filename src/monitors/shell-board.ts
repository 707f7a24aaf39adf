// The shell's board: each proposal, and each change to it, is a line or two at Herald's prompt. The shell
// has no buttons: the line shows the command exactly as proposed, so that staff at the shell publish it by
// typing (or pasting) it, which records it as their own. Pure text; the shell's output writes it.

import type { Proposal, ProposalBoard } from './proposal.js';

const FATES: Record<Proposal['fate'], string> = {
  open: 'proposed',
  published: 'published',
  edited: 'published with edits',
  dismissed: 'dismissed',
  expired: 'expired',
  auto_published: 'published by Herald',
  superseded: 'withdrawn',
};

/** The lines a proposal is shown as (plain text, bounded: the command is as long as the post allows). */
export function renderProposalLines(p: Proposal): string {
  const by = p.decidedBy ? ` by ${p.decidedBy.name}` : '';
  const what = p.resolves
    ? 'back-up update'
    : p.incidentId !== null
      ? `update to incident ${p.incidentId}`
      : 'new post';
  const head = `Proposal ${p.id}${p.revision > 1 ? ` (revision ${p.revision})` : ''}, ${FATES[p.fate]}${by}: ${what} “${p.title}” from ${p.source}, ${p.alertCount} alert${p.alertCount === 1 ? '' : 's'}.`;
  const lines = [head];
  if (p.note) lines.push(`  ${p.note}`);
  if (p.fate === 'open' && !p.informational) {
    lines.push(`  To publish it as yours, type:  ${p.command}`);
    if (p.publishAt !== null)
      lines.push(
        `  Herald publishes it by itself at ${new Date(p.publishAt).toISOString().slice(11, 16)} UTC if nobody acts.`,
      );
  }
  if (p.published) lines.push(`  Post ${p.published.incidentId}.${p.published.postNumber}.`);
  return lines.join('\n');
}

export function createShellBoard(options: { write(text: string): void }): ProposalBoard {
  let shown = 0;
  return {
    name: 'shell',
    async show(proposal, remoteId) {
      options.write(renderProposalLines(proposal));
      // A line cannot be changed once written: the next one is the update; the id only says it was shown.
      shown++;
      return remoteId ?? `line-${proposal.id}-${shown}`;
    },
  };
}
