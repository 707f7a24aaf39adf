// The core's Outcome as plain text: the shell's and `herald run`'s answer, from the neutral reply model
// (src/templates/reply/model.ts). Pure.

import type { CoreSettings } from '../../bot/catalog.js';
import type { Outcome } from '../../bot/handle-command.js';
import type { Delivery } from '../../bot/types.js';
import {
  actionNote,
  componentName,
  type DeliveryNotice,
  DRY_WORDS,
  dated,
  type Escape,
  failedWords,
  incidentFacts,
  progressOf,
  recordedHead,
  retryCommand,
  retryingWords,
  STATE_WORDS,
  showsComponents,
  timeEchoes,
} from '../reply/model.js';
import { subscriberLines, subscriberText } from '../reply/subscribers.js';
import { formatEventTime } from '../time.js';

/** An outlet in a list of where a post goes, marked when it only runs dry. */
const outletWord = (outlet: string, dry: ReadonlySet<string>): string =>
  dry.has(outlet) ? `${outlet} (${DRY_WORDS.pending})` : outlet;

/** What the shell prints when a delivery fails or must wait, while staff are at the prompt. */
export function renderDeliveryNotice(notice: DeliveryNotice, settings: CoreSettings): string | null {
  const ref = `${notice.post.incidentId}.${notice.post.number}`;
  const name = `post ${ref} to ${notice.delivery.outlet}`;
  if (notice.status === 'failed') {
    return `${name} FAILED: ${notice.error ?? 'unknown error'}. Fix the cause, then ${retryCommand('', ref)}.`;
  }
  if (notice.status === 'retrying' && notice.delivery.attempts === 1 && notice.nextAttemptAt !== null) {
    return `${name} could not be sent yet (${notice.error ?? 'unknown error'}); trying again at ${formatEventTime(notice.nextAttemptAt, settings.zones)}.`;
  }
  return null;
}

const PLAIN: Escape = { words: (t) => t, time: (t) => t };

/** One delivery, as staff need it: where, what, and what became of it. */
function deliveryLine(d: Delivery, ref: string, settings: CoreSettings, dry: ReadonlySet<string>): string {
  const name = `${d.outlet}${actionNote(d.action)}`;
  switch (progressOf(d, dry)) {
    case 'dry-sent':
      return `${name}: ${DRY_WORDS.sent}`;
    case 'sent':
      return `${name}: sent ${formatEventTime(d.sentAt ?? 0, [], {})}, ${d.remoteUrl ?? d.remoteId ?? 'done'}`;
    case 'failed':
      return `${name}: FAILED${failedWords(d, retryCommand('', ref), PLAIN)}`;
    case 'retrying':
      return `${name}: ${retryingWords(d, settings, PLAIN)}`;
    case 'dry-pending':
      return `${name}: ${DRY_WORDS.pending}`;
    case 'pending':
      return `${name}: pending`;
  }
}

function renderList(outcome: Extract<Outcome, { kind: 'list' }>, settings: CoreSettings): string {
  const lines: string[] = [];
  if (!outcome.components.length) lines.push('All systems operational.');
  for (const c of outcome.components) {
    lines.push(
      `${componentName(settings.catalog, c)}: ${STATE_WORDS[c.state]} since ${dated(c.since, settings)}`,
    );
  }
  if (outcome.incidents.length) {
    lines.push('', 'Open incidents and maintenance:');
    for (const i of outcome.incidents) {
      const f = incidentFacts(i, settings);
      lines.push(`  ${f.ref} ${f.kindAndStatus}: "${f.title}", ${f.when}`);
    }
  }
  if (outcome.failed.length) {
    lines.push('', 'Deliveries that failed:');
    for (const d of outcome.failed)
      lines.push(`  post ${d.postId} to ${d.outlet}: ${d.lastError ?? 'unknown error'}`);
  }
  return lines.join('\n');
}

function renderRecordedText(
  outcome: Extract<Outcome, { kind: 'recorded' }>,
  settings: CoreSettings,
  dry: ReadonlySet<string>,
): string {
  const { incident, post, command } = outcome;
  const { what, where } = recordedHead(command, incident, post);
  const status = where ? ` (${incidentFacts(incident, settings).kindAndStatus})` : '';
  const lines = [`${what}${where}${status}`, `  Title: ${post?.title ?? incident.title}`];
  lines.push(`  Recorded at: ${dated(outcome.at, settings)}`);
  for (const t of timeEchoes(outcome.times, settings))
    lines.push(`  ${t.label}: ${t.when}  (read from "${t.input}"${t.note})`);
  if (showsComponents(command, incident)) {
    lines.push(
      `  Components: ${incident.components.map((c) => componentName(settings.catalog, c)).join(', ')}`,
    );
  }
  for (const note of outcome.notes) lines.push(`  Note: ${note}`);
  if (outcome.deliveries.length) {
    const words = outcome.deliveries.map((d) => {
      const p = progressOf(d, dry);
      if (p === 'sent') return `${d.outlet} (sent${d.remoteUrl ? `: ${d.remoteUrl}` : ''})`;
      if (p === 'dry-sent') return `${d.outlet} (${DRY_WORDS.sent})`;
      if (p === 'failed') return `${d.outlet} (FAILED: ${d.lastError ?? 'unknown error'})`;
      return outletWord(d.outlet, dry);
    });
    lines.push(`  Goes to: ${words.join(', ')}`);
  }
  return lines.join('\n');
}

export function renderReplyText(
  outcome: Outcome,
  settings: CoreSettings,
  dryOutlets: ReadonlySet<string> = new Set(),
): string {
  switch (outcome.kind) {
    case 'refused':
      return `Refused: ${outcome.message}`;
    case 'help':
      return outcome.text;
    case 'list':
      return renderList(outcome, settings);
    case 'subscribers':
      return subscriberText(subscriberLines(outcome.summary, settings.catalog));
    case 'deliveries': {
      const { incident, post } = outcome;
      const lines = [`Post ${incident.id}.${post.number} "${post.title}":`];
      if (!outcome.deliveries.length) lines.push('  no deliveries');
      for (const d of outcome.deliveries)
        lines.push(`  ${deliveryLine(d, `${incident.id}.${post.number}`, settings, dryOutlets)}`);
      return lines.join('\n');
    }
    case 'preview': {
      const lines = [
        `Preview (nothing is published yet): ${outcome.post?.title ?? outcome.incident.title}`,
        ...(outcome.post ? outcome.post.text.split('\n').map((l) => `  | ${l}`) : []),
        `  Would go to: ${outcome.outlets.map((o) => outletWord(o, dryOutlets)).join(', ')}`,
        ...timeEchoes(outcome.times, settings).map(
          (t) => `  ${t.label}: ${t.when} (read from "${t.input}"${t.note})`,
        ),
        ...outcome.notes.map((n) => `  Note: ${n}`),
        `  Expires ${formatEventTime(outcome.expiresAt, settings.zones)}.`,
      ];
      return lines.join('\n');
    }
    case 'duplicate':
      return outcome.postId === null
        ? 'Already done: this request was handled before, and nothing changed twice.'
        : `Already published (post id ${outcome.postId}): nothing changed twice.`;
    case 'cancelled':
      return 'Cancelled: nothing was published.';
    case 'retried':
      return outcome.count
        ? `Queued ${outcome.count} failed deliver${outcome.count === 1 ? 'y' : 'ies'} again${outcome.post ? ` for post ${outcome.post.incidentId}.${outcome.post.number}` : ''}.`
        : `Nothing to retry${outcome.post ? ` for post ${outcome.post.incidentId}.${outcome.post.number}` : ''}: no delivery has failed.`;
    case 'recorded':
      return renderRecordedText(outcome, settings, dryOutlets);
  }
}
