// The JSON API files of the site outlet (src/templates/api/statuspage.ts renders them). Kept fast on a long
// history: each incident is serialized once per change and kept; the lists of the 50 most recent incidents
// and maintenances are read from the store once and then kept up to date with the incidents each delivery
// names; and a file is rewritten only when its bytes differ from what this process last wrote there (what a
// change does not affect stays as it was, inode and modification time included).

import type { CoreSettings } from '../../bot/catalog.js';
import type { Store } from '../../bot/ports.js';
import type { Incident, IncidentStatus, Post } from '../../bot/types.js';
import type { SiteConfig } from '../../config.js';
import {
  API_LIST_LIMIT,
  type ApiIncidentEntry,
  apiPageOf,
  apiStatusOf,
  buildApiComponents,
  buildApiIncident,
  renderApiFiles,
} from '../../templates/api/statuspage.js';
import type { RenderedPost } from '../../templates/post.js';
import { describeOverall } from '../../templates/site-view.js';

const INCIDENT_STATUSES: IncidentStatus[] = ['open', 'resolved'];
const MAINTENANCE_STATUSES: IncidentStatus[] = ['scheduled', 'in_progress', 'completed', 'cancelled'];

export interface ApiFilesOptions {
  store: Store;
  site: SiteConfig;
  settings: CoreSettings;
  /** Renders a post as the site does (cached, or not during a rebuild). */
  render(post: Post, incident: Incident, cached: boolean): RenderedPost;
  /** When Herald's first record was made. */
  firstRecord(): number;
  write(relative: string, content: string | Buffer, written: string[]): void;
}

export interface ApiFiles {
  /** Brings the files up to date after a change to these incidents; writes only the files that changed. */
  publish(changed: Iterable<number>, written: string[], cached: boolean): void;
  /** Forgets everything kept, and writes every file (a rebuild). */
  rebuild(written: string[]): void;
  /** Forgets what was last written, so that the next publish writes every file (after a failed write). */
  forget(): void;
}

const newestFirst = (a: ApiIncidentEntry, b: ApiIncidentEntry) =>
  b.openedAt - a.openedAt || b.incidentId - a.incidentId;

export function createApiFiles(options: ApiFilesOptions): ApiFiles {
  const { store, site, settings } = options;
  const page = apiPageOf(site);
  const entries = new Map<number, ApiIncidentEntry>();
  let recent: ApiIncidentEntry[] | null = null;
  let recentMaintenance: ApiIncidentEntry[] = [];
  /**
   * What this process last wrote to each file. Trusted without a look at the disk (a stat per file would
   * cost more than the rest): one process delivers at a time (docs/contract.md), and a rebuild by another
   * writes the same bytes from the same database.
   */
  const last = new Map<string, Buffer>();

  function entryOf(incident: Incident, cached: boolean): ApiIncidentEntry {
    const kept = entries.get(incident.id);
    if (kept) return kept;
    const posts = store
      .postsOf(incident.id)
      .map((raw) => ({ raw, rendered: options.render(raw, incident, cached) }));
    const entry = buildApiIncident({
      site,
      catalog: settings.catalog,
      zones: settings.zones,
      pageId: page.id,
      incident,
      posts,
    });
    entries.set(incident.id, entry);
    return entry;
  }

  function merge(list: ApiIncidentEntry[], entry: ApiIncidentEntry): ApiIncidentEntry[] {
    const next = list.filter((e) => e.incidentId !== entry.incidentId);
    next.push(entry);
    return next.sort(newestFirst).slice(0, API_LIST_LIMIT);
  }

  function publish(changed: Iterable<number>, written: string[], cached: boolean, force = false): void {
    if (recent === null) {
      recent = store
        .incidents({ status: INCIDENT_STATUSES, limit: API_LIST_LIMIT })
        .map((i) => entryOf(i, cached));
      recentMaintenance = store
        .incidents({ status: MAINTENANCE_STATUSES, limit: API_LIST_LIMIT })
        .map((i) => entryOf(i, cached));
    }
    for (const id of new Set(changed)) {
      entries.delete(id);
      const incident = store.incident(id);
      if (!incident) continue;
      const entry = entryOf(incident, cached);
      if (entry.maintenance) recentMaintenance = merge(recentMaintenance, entry);
      else recent = merge(recent, entry);
    }
    const active = store.activeIncidents().map((i) => entryOf(i, cached));
    const components = store.components();
    const overall = describeOverall(settings.catalog, components);
    const files = renderApiFiles({
      page,
      components: buildApiComponents({
        catalog: settings.catalog,
        components,
        pageId: page.id,
        createdAt: options.firstRecord(),
      }),
      status: apiStatusOf(overall.states, overall.text),
      incidents: recent,
      unresolved: active.filter((e) => !e.maintenance).sort(newestFirst),
      maintenances: recentMaintenance,
      upcoming: active
        .filter((e) => e.maintenance && e.status === 'scheduled')
        .sort(
          (a, b) => (a.startsAt ?? a.openedAt) - (b.startsAt ?? b.openedAt) || a.incidentId - b.incidentId,
        ),
      active: active.filter((e) => e.maintenance && e.status === 'in_progress').sort(newestFirst),
    });
    // Keep only what the next publish may list again unchanged; a changed incident is built afresh anyway.
    const listed = new Set([...recent, ...recentMaintenance, ...active].map((e) => e.incidentId));
    for (const id of entries.keys()) if (!listed.has(id)) entries.delete(id);
    for (const [relative, content] of Object.entries(files)) {
      if (!force && last.get(relative)?.equals(content)) continue;
      options.write(relative, content, written);
      last.set(relative, content);
    }
  }

  return {
    publish: (changed, written, cached) => publish(changed, written, cached),
    forget: () => last.clear(),
    rebuild(written) {
      entries.clear();
      last.clear();
      recent = null;
      publish([], written, false, true);
    },
  };
}
