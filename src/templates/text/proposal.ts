// The words of a proposal (issue 17), before any surface's markup: what it is, what became of it and who
// decided, and how its hostile parts are bounded. Slack (../slack/proposal.ts) and Discord
// (../discord/proposal.ts) format these, so a fact is worded once. Pure: zones come in with the settings.

import type { CoreSettings } from '../../bot/catalog.js';
import type { Proposal } from '../../monitors/proposal.js';
import { componentName, STATE_WORDS } from '../reply/model.js';
import { formatEventTime } from '../time.js';

/** The most lines of a proposal's text a board shows; the rest is counted ("and N more lines"). */
export const PROPOSAL_MAX_LINES = 25;
/** The most characters of a proposal's text a board shows (thousands of alerts make a long text). */
export const PROPOSAL_MAX_CHARS = 2500;
/** The most components named; the rest are counted. */
const MAX_COMPONENTS = 10;

/** The heading, as a preview's ("Preview: nothing is published yet"). */
export function proposalHeading(p: Proposal): string {
  if (p.fate !== 'open') return 'Proposal from the monitors: settled';
  if (p.informational) return 'For your information: nothing will be published';
  return 'Proposal from the monitors: nothing is published yet';
}

/** What it proposes: a new incident, an update to an open one, or the "back up" update. */
export function proposalKind(p: Proposal): string {
  if (p.resolves)
    return p.incidentId === null ? 'the "back up" post' : `the "back up" update to incident #${p.incidentId}`;
  if (p.incidentId !== null) return `an update to incident #${p.incidentId}`;
  return 'a new incident';
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** `NC018 SMTP: down`, at most ten components named and the rest counted. */
export function proposalComponents(p: Proposal, settings: CoreSettings): string {
  const names = p.components.slice(0, MAX_COMPONENTS).map((c) => componentName(settings.catalog, c));
  const more = p.components.length - names.length;
  return `${names.join(', ')}${more > 0 ? ` and ${more} more` : ''}: ${STATE_WORDS[p.state]}`;
}

/** Where it came from: `3 alerts from alertmanager`. */
export const proposalSource = (p: Proposal): string =>
  `${plural(p.alertCount, 'alert', 'alerts')} from ${p.source}${p.revision > 1 ? ` (revision ${p.revision})` : ''}`;

/**
 * Long text as a bounded list: at most PROPOSAL_MAX_LINES lines and PROPOSAL_MAX_CHARS characters, and
 * "… and N more lines" when cut (a group of thousands of alerts stays one readable message).
 */
export function boundedText(text: string): string {
  const lines = text.split('\n');
  let kept = lines.slice(0, PROPOSAL_MAX_LINES);
  let body = kept.join('\n');
  if (body.length > PROPOSAL_MAX_CHARS) {
    body = body.slice(0, PROPOSAL_MAX_CHARS).replace(/[\uD800-\uDBFF]$/, '');
    const cut = body.lastIndexOf('\n');
    if (cut > PROPOSAL_MAX_CHARS / 2) body = body.slice(0, cut);
    else body = `${body}…`;
    kept = body.split('\n');
  }
  const more = lines.length - kept.length;
  return more > 0 ? `${body}\n… and ${plural(more, 'more line', 'more lines')}` : body;
}

/** Why an informational proposal has only Dismiss. */
export const INFORMATIONAL_WHY =
  'Shown for your information only: the component is in its maintenance window, so Herald does not propose publishing this. Dismiss it when read.';

/** Under an open proposal: who may act, and when it publishes by itself. */
export function openFooter(p: Proposal, settings: CoreSettings): string {
  if (p.informational) return INFORMATIONAL_WHY;
  const auto =
    p.publishAt === null
      ? 'Nothing is published until someone presses Publish.'
      : `If nobody acts, Herald publishes it at ${formatEventTime(p.publishAt, settings.zones)}.`;
  return `Any staff member can publish, edit or dismiss it. ${auto}`;
}

/** Minutes, as said in the channel ("10 min"). */
const minutes = (ms: number) => `${Math.max(1, Math.round(ms / 60_000))} min`;

/**
 * What became of a settled proposal and by whom: "Published by @ana as #42.1", "Dismissed by @bob",
 * "Auto-published after 10 min: nobody acted". `name` escapes `@name` for the surface.
 */
export function fateWords(p: Proposal, name: (raw: string) => string): string {
  // The `@` goes through the escaper with the name: a person called "everyone" must not make `@everyone`.
  const by = p.decidedBy ? ` by ${name(`@${p.decidedBy.name}`)}` : '';
  const as = p.published ? ` as #${p.published.incidentId}.${p.published.postNumber}` : '';
  switch (p.fate) {
    case 'open':
      return 'Open';
    case 'published':
      return `Published${by}${as}`;
    case 'edited':
      return `Edited and published${by}${as}`;
    case 'dismissed':
      return `Dismissed${by}: nothing was published`;
    case 'expired':
      return 'Expired: nobody acted, and nothing was published';
    case 'auto_published': {
      const after = minutes((p.publishAt ?? p.decidedAt ?? p.createdAt) - p.createdAt);
      return `Auto-published after ${after}${as}: nobody acted`;
    }
    case 'superseded':
      return 'Replaced by a newer proposal for the same alerts';
  }
}
