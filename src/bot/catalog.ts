// What the core needs to know from the configuration: the systems and services it may talk about, the
// client time zones, who is staff, and the limits. src/config.ts builds this from herald.config.yaml.

import type { MessageTemplate } from './message-templates.js';

export interface ServiceDef {
  id: string;
  /** Display name: `SMTP`, `Web server`. */
  name: string;
  aliases: string[];
}

export interface SystemDef {
  id: string;
  /** Display name: `NC018`. */
  name: string;
  /** `server` systems are written "server NC018" where the blog does; `platform` ones are not. */
  kind: 'server' | 'platform';
  aliases: string[];
  /** Ids of the services it runs, in display order. */
  services: string[];
}

export interface ZoneDef {
  /** IANA zone: `America/Vancouver`. */
  zone: string;
  /** The city clients know it by: `Vancouver`. */
  label: string;
}

export interface Catalog {
  systems: SystemDef[];
  services: ServiceDef[];
}

export interface StaffRules {
  /** Shell user names allowed to change things; `*` (the default) lets anyone at the local shell. */
  shell: string[];
  slack: { users: string[]; groups: string[]; channels: string[] };
  discord: { users: string[]; roles: string[]; guilds: string[] };
}

/**
 * Post titles, in the provider's own voice. Placeholders: {services} (`SMTP and IMAP`), {system} (`NC018`),
 * {server} (`server NC018` for servers, the name alone for platforms), {title} (the incident's), {n}.
 */
export interface TitleTemplates {
  down: string;
  degraded: string;
  restored: string;
  maintenance: string;
  completed: string;
  update: string;
}

export const DEFAULT_TITLES: TitleTemplates = {
  down: '{services} on {system} shut down',
  degraded: '{services} on {system} degraded',
  restored: '{services} on {server} restarted',
  maintenance: 'Scheduled maintenance: {services} on {server}',
  completed: '{title}: completed',
  update: '{title}: Update {n}',
};

export interface CoreSettings {
  catalog: Catalog;
  titles: TitleTemplates;
  /** Client zones, in the order replies and posts list them. UTC is always shown first and is not listed. */
  zones: ZoneDef[];
  staff: StaffRules;
  /** Longest message accepted, in characters. */
  messageLimit: number;
  /** Outlets each new post is delivered to (one delivery row each): `site`, `twitter`, ... */
  outlets: string[];
  /** Canned messages, by name: `--template spam` (src/bot/message-templates.ts). */
  templates: MessageTemplate[];
}

const norm = (s: string): string => s.trim().toLowerCase();

export function findSystem(catalog: Catalog, word: string): SystemDef | undefined {
  const w = norm(word);
  return catalog.systems.find(
    (s) => s.id === w || norm(s.name) === w || s.aliases.some((a) => norm(a) === w),
  );
}

export function findService(catalog: Catalog, word: string): ServiceDef | undefined {
  const w = norm(word);
  return catalog.services.find(
    (s) => s.id === w || norm(s.name) === w || s.aliases.some((a) => norm(a) === w),
  );
}

export function systemOf(catalog: Catalog, id: string): SystemDef {
  const s = catalog.systems.find((x) => x.id === id);
  if (!s) throw new Error(`system ${id} is not in the catalog`);
  return s;
}

export function serviceOf(catalog: Catalog, id: string): ServiceDef {
  const s = catalog.services.find((x) => x.id === id);
  if (!s) throw new Error(`service ${id} is not in the catalog`);
  return s;
}

/** Optimal string alignment distance: a transposition (`nc81` for `nc18`) counts as one edit. */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  const at = (i: number, j: number): number => d[i]?.[j] ?? Number.POSITIVE_INFINITY;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        v = Math.min(v, at(i - 2, j - 2) + 1);
      (d[i] as number[])[j] = v;
    }
  }
  return at(a.length, b.length);
}

/**
 * The closest of `candidates` to `word`, if it is close enough to be what was meant. Digits-only
 * differences count too: `nc81` → `nc018` (the zero-padded form is tried as well).
 */
export function suggest(word: string, candidates: readonly string[]): string | undefined {
  const w = norm(word);
  const padded = w.replace(/^([a-z]+)(\d{1,2})$/, (_, p: string, n: string) => `${p}${n.padStart(3, '0')}`);
  let best: { c: string; d: number } | undefined;
  for (const c of candidates) {
    // The distance is at least the difference in length: a candidate that cannot be within its limit is not
    // measured (measuring a pasted 5 MB word against every candidate takes minutes).
    const n = norm(c);
    const limit = Math.max(1, Math.floor(Math.max(w.length, c.length) / 3));
    if (Math.min(Math.abs(w.length - n.length), Math.abs(padded.length - n.length)) > limit) continue;
    const d = Math.min(editDistance(w, n), editDistance(padded, n));
    if (!best || d < best.d) best = { c, d };
  }
  if (!best) return undefined;
  const limit = Math.max(1, Math.floor(Math.max(w.length, best.c.length) / 3));
  return best.d <= limit ? best.c : undefined;
}
