// Post titles in the provider's voice ("SMTP on NC018 shut down", "Email migration: Update 14"),
// from the configured templates. Pure.

import { type Catalog, serviceOf, systemOf, type TitleTemplates } from './catalog.js';
import type { ComponentKey } from './types.js';

/** `SMTP`, `SMTP and IMAP`, `SMTP, IMAP and POP`. */
export function joinNames(names: readonly string[]): string {
  if (names.length <= 1) return names[0] ?? '';
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

/** Groups components by system, in catalog order: `SMTP on NC018`, `Web server on NC018 and DNS on NC026`. */
function componentParts(catalog: Catalog, components: readonly ComponentKey[]) {
  const bySystem = new Map<string, string[]>();
  for (const c of components) bySystem.set(c.system, [...(bySystem.get(c.system) ?? []), c.service]);
  return [...bySystem.entries()].map(([system, services]) => {
    const sys = systemOf(catalog, system);
    const ordered = sys.services.filter((s) => services.includes(s));
    return {
      services: joinNames(ordered.map((s) => serviceOf(catalog, s).name)),
      system: sys.name,
      server: sys.kind === 'server' ? `server ${sys.name}` : sys.name,
    };
  });
}

function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => values[key] ?? whole);
}

export type TitleKind = 'down' | 'degraded' | 'restored' | 'maintenance';

/** The title of a post that opens or closes a story about components. */
export function componentTitle(
  templates: TitleTemplates,
  catalog: Catalog,
  kind: TitleKind,
  components: readonly ComponentKey[],
): string {
  const parts = componentParts(catalog, components);
  const first = parts[0];
  if (!first) throw new Error('a component title needs at least one component');
  if (parts.length === 1) return fill(templates[kind], first);
  // Several systems: name each system's services, and let the template's {server}/{system} fall away.
  const joined = joinNames(parts.map((p) => `${p.services} on ${p.system}`));
  return fill(templates[kind], { ...first, services: joined, system: '', server: '' })
    .replace(/\s+on\s*(?=\s|$)/, '')
    .replace(/\s{2,}/g, ' ')
    .trim();
}

/** Components as a sentence names them: `SMTP and IMAP on server NC018`, `Web server on NC018 and DNS on NC026`. */
export function componentPhrase(catalog: Catalog, components: readonly ComponentKey[]): string {
  const parts = componentParts(catalog, components);
  return joinNames(parts.map((p) => `${p.services} on ${parts.length > 1 ? p.system : p.server}`));
}

export function updateTitle(templates: TitleTemplates, incidentTitle: string, n: number): string {
  return fill(templates.update, { title: incidentTitle, n: String(n) });
}

export function completedTitle(templates: TitleTemplates, incidentTitle: string): string {
  return fill(templates.completed, { title: incidentTitle });
}

/** A cancelled maintenance's last post: not configurable, so that no template can make it read "completed". */
export function cancelledTitle(incidentTitle: string): string {
  return `${incidentTitle}: cancelled`;
}
