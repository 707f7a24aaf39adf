// `/status subscribers` in words, once for every surface (text, Slack, Discord format the same lines):
// per channel how many are active, pending, disabled and unsubscribed, and who fails; then the active
// subscribers per followed component. Only counts and the catalogue's names: no address is ever shown.

import type { Catalog } from '../../bot/catalog.js';
import type { SubscriberSummary } from '../../bot/ports.js';

export interface SubscriberLines {
  heading: string;
  channels: string[];
  /** Empty when nobody follows anything. */
  components: string[];
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

function componentLabel(catalog: Catalog, system: string | null, service: string | null): string {
  if (system === null) return 'every component';
  const sys = catalog.systems.find((s) => s.id === system)?.name ?? system;
  if (service === null) return `${sys} (all of it)`;
  return `${catalog.services.find((s) => s.id === service)?.name ?? service} on ${sys}`;
}

export function subscriberLines(summary: SubscriberSummary | null, catalog: Catalog): SubscriberLines {
  if (!summary)
    return {
      heading: 'Subscriptions are off: SMTP_URL is not set (docs/subscribers.md).',
      channels: [],
      components: [],
    };
  const channels = summary.byChannel.map((c) => {
    const parts = [
      `${c.active} active`,
      `${c.pending} pending`,
      `${c.disabled} disabled`,
      `${c.unsubscribed} unsubscribed`,
    ];
    const failing =
      c.failing || c.failedNotifications
        ? `; failing: ${plural(c.failing, 'subscriber')}, ${plural(c.failedNotifications, 'notification')} given up`
        : '; no failures';
    return `${c.channel === 'email' ? 'E-mail' : 'Webhook'}: ${parts.join(', ')}${failing}`;
  });
  // One line per component, its channels together: `SMTP on NC018: 3 e-mail, 1 webhook (1 failing)`.
  const byKey = new Map<string, { label: string; words: string[]; failing: number }>();
  for (const row of summary.byComponent) {
    if (row.active === 0) continue;
    const key = `${row.system ?? '*'}/${row.service ?? '*'}`;
    const entry = byKey.get(key) ?? {
      label: componentLabel(catalog, row.system, row.service),
      words: [],
      failing: 0,
    };
    const noun = row.channel === 'email' ? 'e-mail' : row.active === 1 ? 'webhook' : 'webhooks';
    entry.words.push(`${row.active} ${noun}`);
    entry.failing += row.failing;
    byKey.set(key, entry);
  }
  const components = [...byKey.values()].map(
    (e) => `${e.label}: ${e.words.join(', ')}${e.failing ? ` (${e.failing} failing)` : ''}`,
  );
  return { heading: 'Subscribers', channels, components };
}

/** The lines as plain text, indented under the heading (the shell; the fallback text of the others). */
export function subscriberText(lines: SubscriberLines): string {
  return [
    `${lines.heading}${lines.channels.length ? ':' : ''}`,
    ...lines.channels.map((l) => `  ${l}`),
    ...(lines.components.length ? ['  Following (active):', ...lines.components.map((l) => `    ${l}`)] : []),
  ].join('\n');
}
