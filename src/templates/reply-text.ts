// The core's Outcome as plain text: the shell's and `herald run`'s answer. Pure; chat adapters have their
// own renderers (Block Kit, Discord) built on the same Outcome.

import { DRY_RUN } from '../adapters/outlets/dry-run.js';
import type { DeliveryNotice } from '../app.js';
import { type Catalog, type CoreSettings, serviceOf, systemOf } from '../bot/catalog.js';
import type { Outcome } from '../bot/handle-command.js';
import { describeDayShift } from '../bot/parse-time.js';
import type { Component, Delivery, Incident } from '../bot/types.js';
import { formatEventTime } from './time.js';

const STATE_WORDS: Record<Component['state'], string> = {
  operational: 'operational',
  degraded: 'degraded',
  down: 'down',
  maintenance: 'in maintenance',
};

export function componentName(catalog: Catalog, c: { system: string; service: string }): string {
  return `${systemOf(catalog, c.system).name} ${serviceOf(catalog, c.service).name}`;
}

function incidentLine(i: Incident, settings: CoreSettings): string {
  const when =
    i.status === 'scheduled' && i.startsAt !== null
      ? `starts ${formatEventTime(i.startsAt, settings.zones, { date: true })}`
      : `since ${formatEventTime(i.openedAt, settings.zones, { date: true })}`;
  const end =
    i.endsAt !== null ? `; expected end ${formatEventTime(i.endsAt, settings.zones, { date: true })}` : '';
  return `#${i.id} ${i.kind}, ${i.status.replace('_', ' ')}: "${i.title}", ${when}${end}`;
}

function deliveryWord(d: Delivery, dry: ReadonlySet<string>): string {
  if (d.status === 'sent') return `${d.outlet} (sent${d.remoteUrl ? `: ${d.remoteUrl}` : ''})`;
  if (d.status === 'failed') return `${d.outlet} (FAILED: ${d.lastError ?? 'unknown error'})`;
  return dry.has(d.outlet) ? `${d.outlet} (dry run: no credentials)` : d.outlet;
}

/** What the shell prints when a delivery fails or must wait, while staff are at the prompt. */
export function renderDeliveryNotice(notice: DeliveryNotice, settings: CoreSettings): string | null {
  const name = `post ${notice.post.incidentId}.${notice.post.number} to ${notice.delivery.outlet}`;
  if (notice.status === 'failed') {
    return `${name} FAILED: ${notice.error ?? 'unknown error'}. Fix the cause, then \`retry ${notice.post.incidentId}.${notice.post.number}\`.`;
  }
  if (notice.status === 'retrying' && notice.delivery.attempts === 1 && notice.nextAttemptAt !== null) {
    return `${name} could not be sent yet (${notice.error ?? 'unknown error'}); trying again at ${formatEventTime(notice.nextAttemptAt, settings.zones)}.`;
  }
  return null;
}

/** One delivery, as staff need it: where, what, and what became of it. */
function deliveryLine(d: Delivery, settings: CoreSettings): string {
  const what = d.action === 'publish' ? '' : ` (${d.action === 'edit' ? 'correction' : 'retraction'})`;
  if (d.status === 'sent') {
    const where =
      d.remoteId === DRY_RUN ? 'dry run: logged, not sent' : (d.remoteUrl ?? d.remoteId ?? 'done');
    return `${d.outlet}${what}: sent ${formatEventTime(d.sentAt ?? 0, [], {})}, ${where}`;
  }
  if (d.status === 'failed')
    return `${d.outlet}${what}: FAILED after ${d.attempts} attempt(s): ${d.lastError ?? 'unknown error'} (retry with \`retry <post>\`)`;
  const next =
    d.nextAttemptAt === null
      ? ''
      : `, next try ${formatEventTime(d.nextAttemptAt, settings.zones, { date: true })}`;
  return `${d.outlet}${what}: pending${d.attempts ? ` after ${d.attempts} attempt(s)${d.lastError ? `: ${d.lastError}` : ''}` : ''}${next}`;
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
    case 'list': {
      const lines: string[] = [];
      if (!outcome.components.length) lines.push('All systems operational.');
      for (const c of outcome.components) {
        lines.push(
          `${componentName(settings.catalog, c)}: ${STATE_WORDS[c.state]} since ${formatEventTime(c.since, settings.zones, { date: true })}`,
        );
      }
      if (outcome.incidents.length) {
        lines.push('', 'Open incidents and maintenance:');
        for (const i of outcome.incidents) lines.push(`  ${incidentLine(i, settings)}`);
      }
      if (outcome.failed.length) {
        lines.push('', 'Deliveries that failed:');
        for (const d of outcome.failed)
          lines.push(`  post ${d.postId} to ${d.outlet}: ${d.lastError ?? 'unknown error'}`);
      }
      return lines.join('\n');
    }
    case 'deliveries': {
      const { incident, post } = outcome;
      const lines = [`Post ${incident.id}.${post.number} "${post.title}":`];
      if (!outcome.deliveries.length) lines.push('  no deliveries');
      for (const d of outcome.deliveries) lines.push(`  ${deliveryLine(d, settings)}`);
      return lines.join('\n');
    }
    case 'preview': {
      const lines = [
        `Preview (nothing is published yet): ${outcome.post?.title ?? outcome.incident.title}`,
        ...(outcome.post ? outcome.post.text.split('\n').map((l) => `  | ${l}`) : []),
        `  Would go to: ${outcome.outlets.join(', ')}`,
        ...outcome.times.map(
          (t) =>
            `  ${t.label}: ${formatEventTime(t.at, settings.zones, { date: true })} (read from "${t.input}"${describeDayShift(t)})`,
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
    case 'recorded': {
      const { incident, post, command } = outcome;
      const what =
        command.kind === 'edit'
          ? `Corrected post ${incident.id}.${post?.number}`
          : command.kind === 'retract'
            ? `Retracted post ${incident.id}.${post?.number}`
            : `Recorded post ${incident.id}.${post?.number} in incident #${incident.id} (${incident.kind}, ${incident.status.replace('_', ' ')})`;
      const lines = [what, `  Title: ${post?.title ?? incident.title}`];
      lines.push(`  Recorded at: ${formatEventTime(outcome.at, settings.zones, { date: true })}`);
      for (const t of outcome.times) {
        lines.push(
          `  ${t.label[0]?.toUpperCase()}${t.label.slice(1)}: ${formatEventTime(t.at, settings.zones, { date: true })}  (read from "${t.input}"${describeDayShift(t)})`,
        );
      }
      if (incident.components.length && command.kind !== 'edit' && command.kind !== 'retract') {
        lines.push(
          `  Components: ${incident.components.map((c) => componentName(settings.catalog, c)).join(', ')}`,
        );
      }
      for (const note of outcome.notes) lines.push(`  Note: ${note}`);
      if (outcome.deliveries.length)
        lines.push(`  Goes to: ${outcome.deliveries.map((d) => deliveryWord(d, dryOutlets)).join(', ')}`);
      return lines.join('\n');
    }
  }
}
