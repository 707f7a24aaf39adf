// The core's Outcome as plain text: the shell's and `herald run`'s answer. Pure; chat adapters have their
// own renderers (Block Kit, Discord) built on the same Outcome.

import { type Catalog, type CoreSettings, serviceOf, systemOf } from '../bot/catalog.js';
import type { Outcome } from '../bot/handle-command.js';
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

function deliveryWord(d: Delivery): string {
  if (d.status === 'sent') return `${d.outlet} (sent${d.remoteUrl ? `: ${d.remoteUrl}` : ''})`;
  if (d.status === 'failed') return `${d.outlet} (FAILED: ${d.lastError ?? 'unknown error'})`;
  return d.outlet;
}

export function renderReplyText(outcome: Outcome, settings: CoreSettings): string {
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
          `  ${t.label[0]?.toUpperCase()}${t.label.slice(1)}: ${formatEventTime(t.at, settings.zones, { date: true })}  (read from "${t.input}")`,
        );
      }
      if (incident.components.length && command.kind !== 'edit' && command.kind !== 'retract') {
        lines.push(
          `  Components: ${incident.components.map((c) => componentName(settings.catalog, c)).join(', ')}`,
        );
      }
      for (const note of outcome.notes) lines.push(`  Note: ${note}`);
      if (outcome.deliveries.length)
        lines.push(`  Goes to: ${outcome.deliveries.map(deliveryWord).join(', ')}`);
      return lines.join('\n');
    }
  }
}
