// `/status proposals`: the open proposals and the latest decided ones, as plain text with backticks for
// code (the chat adapters turn that into their own markup, as they do help). Pure.

import type { Proposal } from './proposal.js';

const FATE_WORDS: Record<Proposal['fate'], string> = {
  open: 'open',
  published: 'published',
  edited: 'published with edits',
  dismissed: 'dismissed',
  expired: 'expired',
  auto_published: 'published by Herald (publish_after)',
  superseded: 'withdrawn',
};

const utc = (at: number): string => `${new Date(at).toISOString().slice(0, 16).replace('T', ' ')} UTC`;

/** `/status proposals` (and `proposals all`): what monitors proposed, and what became of it. */
export function renderProposalList(proposals: readonly Proposal[], all: boolean): string {
  const open = proposals.filter((p) => p.fate === 'open');
  const decided = proposals.filter((p) => p.fate !== 'open').slice(0, all ? 50 : 10);
  if (!open.length && !decided.length) return 'No proposals: no monitor has reported a problem.';
  const line = (p: Proposal) => {
    const by = p.decidedBy ? ` by ${p.decidedBy.name}` : '';
    const post = p.published ? `, post ${p.published.incidentId}.${p.published.postNumber}` : '';
    const info = p.informational ? ' (for information: maintenance)' : '';
    return `  ${p.id}. “${p.title}” from ${p.source}, ${p.alertCount} alert${p.alertCount === 1 ? '' : 's'}, ${utc(p.createdAt)}: ${FATE_WORDS[p.fate]}${by}${post}${info}`;
  };
  const lines: string[] = [];
  lines.push(open.length ? `Open proposals (${open.length}):` : 'No open proposals.');
  for (const p of open) lines.push(line(p), `     \`${p.command}\``);
  if (decided.length) {
    lines.push('', all ? 'Decided:' : 'Lately decided (`/status proposals all` for more):');
    for (const p of decided) lines.push(line(p));
  }
  return lines.join('\n');
}
