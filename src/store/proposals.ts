// Proposals (migration 012): the alert groups as their monitors last told them, the proposals drafted
// from them, each board's message showing one, and the audit of their fates. Statements only; the state
// machine is src/monitors/monitors.ts, which calls these inside one transaction per notification.

import type { Actor, ComponentKey, ComponentState } from '../bot/types.js';
import { COMPONENT_STATES } from '../bot/types.js';
import type { Proposal, ProposalFate } from '../monitors/proposal.js';
import type { SqliteDatabase } from './open-database.js';
import { CorruptRowError, readRow } from './rows.js';

export const PROPOSAL_FATES: readonly ProposalFate[] = [
  'open',
  'published',
  'edited',
  'dismissed',
  'expired',
  'auto_published',
  'superseded',
];

/** What an audit row of a proposal records: its making, each revision, and its fate. */
export type ProposalEvent = 'proposed' | 'revised' | Exclude<ProposalFate, 'open'>;

/** A proposal's content, as the state machine drafts it (everything but its bookkeeping). */
export interface ProposalDraft {
  source: string;
  groupKey: string;
  command: string;
  title: string;
  text: string;
  components: ComponentKey[];
  state: ComponentState;
  incidentId: number | null;
  resolves: boolean;
  alertCount: number;
  informational: boolean;
  note: string | null;
  publishAt: number | null;
  expiresAt: number | null;
}

/** An alert group as its monitor last told it (see migration 012). `facts` is the state machine's own. */
export interface MonitorGroup {
  source: string;
  groupKey: string;
  status: 'firing' | 'resolved';
  signature: string;
  facts: unknown;
  firingSince: number;
  resolvedAt: number | null;
  proposalId: number | null;
  updatedAt: number;
}

export interface ProposalMessage {
  proposalId: number;
  board: string;
  remoteId: string | null;
  revision: number;
  shownAt: number;
}

export interface ProposalFateEntry {
  id: number;
  proposalId: number;
  event: ProposalEvent;
  revision: number;
  actor: Actor | null;
  at: number;
  incidentId: number | null;
  postNumber: number | null;
  note: string | null;
}

export interface ProposalDecision {
  fate: Exclude<ProposalFate, 'open'>;
  at: number;
  actor: Actor | null;
  published?: { incidentId: number; postNumber: number } | null;
  note?: string | null;
}

export interface ProposalStore {
  /** Runs `fn` in one IMMEDIATE transaction (nested: a savepoint). */
  transaction<T>(fn: () => T): T;
  group(source: string, groupKey: string): MonitorGroup | undefined;
  saveGroup(group: MonitorGroup): void;
  /** Groups whose resolve has waited out the flapping window (resolved at or before `before`). */
  settling(before: number): MonitorGroup[];
  get(id: number): Proposal | undefined;
  openFor(source: string, groupKey: string): Proposal | undefined;
  /** Makes a proposal (revision 1, open) and audits it. */
  create(draft: ProposalDraft, at: number): Proposal;
  /** Replaces an open proposal's content, revision + 1, and audits it; undefined if it is not open. */
  revise(id: number, draft: ProposalDraft, at: number): Proposal | undefined;
  /** Gives an open proposal its fate, once; undefined if it was not open (a second press changes nothing). */
  decide(id: number, decision: ProposalDecision): Proposal | undefined;
  /** Newest first; `open` only the open ones. */
  list(options?: { open?: boolean; limit?: number }): Proposal[];
  /** Open proposals whose publish_after has come. */
  dueForPublishing(now: number): Proposal[];
  /** Open proposals past their expiry. */
  expired(now: number): Proposal[];
  /** The earliest publish_at or expires_at of an open proposal, or resolve waiting out its window. */
  nextDue(flapWindowMs: number): number | null;
  messages(proposalId: number): ProposalMessage[];
  saveMessage(message: ProposalMessage): void;
  /** Proposals a board shows an older revision of (or none), open or decided since `since`. */
  behind(board: string, since: number): Proposal[];
  fates(proposalId: number): ProposalFateEntry[];
  /** How many proposals have each fate now. */
  countByFate(): Map<ProposalFate, number>;
}

const EVENTS: readonly ProposalEvent[] = [
  'proposed',
  'revised',
  'published',
  'edited',
  'dismissed',
  'expired',
  'auto_published',
  'superseded',
];

const parseJson = (table: string, column: string, text: string): unknown => {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new CorruptRowError(`${table}.${column}: expected JSON`);
  }
};

const toActor = (table: string, text: string | null): Actor | null =>
  text === null ? null : (parseJson(table, 'actor', text) as Actor);

function toComponents(text: string): ComponentKey[] {
  const value = parseJson('proposals', 'components', text);
  if (
    !Array.isArray(value) ||
    !value.every(
      (c) => typeof c === 'object' && c && typeof c.system === 'string' && typeof c.service === 'string',
    )
  ) {
    throw new CorruptRowError('proposals.components: expected a JSON array of components');
  }
  return value.map((c: ComponentKey) => ({ system: c.system, service: c.service }));
}

function toProposal(value: unknown): Proposal {
  const r = readRow('proposals', value);
  const publishedIncident = r.intOrNull('published_incident_id');
  const publishedNumber = r.intOrNull('published_post_number');
  return {
    id: r.int('id'),
    source: r.text('source'),
    groupKey: r.text('group_key'),
    command: r.text('command'),
    title: r.text('title'),
    text: r.text('text'),
    components: toComponents(r.text('components')),
    state: r.oneOf('state', COMPONENT_STATES),
    incidentId: r.intOrNull('incident_id'),
    resolves: r.int('resolves') === 1,
    alertCount: r.int('alert_count'),
    informational: r.int('informational') === 1,
    note: r.textOrNull('note'),
    revision: r.int('revision'),
    fate: r.oneOf('fate', PROPOSAL_FATES),
    publishAt: r.intOrNull('publish_at'),
    expiresAt: r.intOrNull('expires_at'),
    createdAt: r.int('created_at'),
    updatedAt: r.int('updated_at'),
    decidedAt: r.intOrNull('decided_at'),
    decidedBy: toActor('proposals', r.textOrNull('decided_by')),
    published:
      publishedIncident !== null && publishedNumber !== null
        ? { incidentId: publishedIncident, postNumber: publishedNumber }
        : null,
  };
}

function toGroup(value: unknown): MonitorGroup {
  const r = readRow('monitor_groups', value);
  return {
    source: r.text('source'),
    groupKey: r.text('group_key'),
    status: r.oneOf('status', ['firing', 'resolved'] as const),
    signature: r.text('signature'),
    facts: parseJson('monitor_groups', 'facts', r.text('facts')),
    firingSince: r.int('firing_since'),
    resolvedAt: r.intOrNull('resolved_at'),
    proposalId: r.intOrNull('proposal_id'),
    updatedAt: r.int('updated_at'),
  };
}

function toMessage(value: unknown): ProposalMessage {
  const r = readRow('proposal_messages', value);
  return {
    proposalId: r.int('proposal_id'),
    board: r.text('board'),
    remoteId: r.textOrNull('remote_id'),
    revision: r.int('revision'),
    shownAt: r.int('shown_at'),
  };
}

function toFate(value: unknown): ProposalFateEntry {
  const r = readRow('proposal_fates', value);
  return {
    id: r.int('id'),
    proposalId: r.int('proposal_id'),
    event: r.oneOf('event', EVENTS),
    revision: r.int('revision'),
    actor: toActor('proposal_fates', r.textOrNull('actor')),
    at: r.int('at'),
    incidentId: r.intOrNull('incident_id'),
    postNumber: r.intOrNull('post_number'),
    note: r.textOrNull('note'),
  };
}

const draftParams = (d: ProposalDraft) => ({
  source: d.source,
  group_key: d.groupKey,
  command: d.command,
  title: d.title,
  text: d.text,
  components: JSON.stringify(d.components.map((c) => ({ system: c.system, service: c.service }))),
  state: d.state,
  incident_id: d.incidentId,
  resolves: d.resolves ? 1 : 0,
  alert_count: d.alertCount,
  informational: d.informational ? 1 : 0,
  note: d.note,
  publish_at: d.publishAt,
  expires_at: d.expiresAt,
});

export function createProposalStore(db: SqliteDatabase): ProposalStore {
  const group = db.prepare<[string, string]>(
    'SELECT * FROM monitor_groups WHERE source = ? AND group_key = ?',
  );
  const saveGroup = db.prepare(
    `INSERT INTO monitor_groups
       (source, group_key, status, signature, facts, firing_since, resolved_at, proposal_id, updated_at)
     VALUES (:source, :group_key, :status, :signature, :facts, :firing_since, :resolved_at, :proposal_id,
             :updated_at)
     ON CONFLICT (source, group_key) DO UPDATE SET status = excluded.status, signature = excluded.signature,
       facts = excluded.facts, firing_since = excluded.firing_since, resolved_at = excluded.resolved_at,
       proposal_id = excluded.proposal_id, updated_at = excluded.updated_at`,
  );
  const settling = db.prepare<[number]>(
    'SELECT * FROM monitor_groups WHERE resolved_at IS NOT NULL AND resolved_at <= ? ORDER BY resolved_at',
  );
  const get = db.prepare<[number]>('SELECT * FROM proposals WHERE id = ?');
  const openFor = db.prepare<[string, string]>(
    "SELECT * FROM proposals WHERE source = ? AND group_key = ? AND fate = 'open'",
  );
  const insert = db.prepare(
    `INSERT INTO proposals (source, group_key, command, title, text, components, state, incident_id,
       resolves, alert_count, informational, note, publish_at, expires_at, created_at, updated_at)
     VALUES (:source, :group_key, :command, :title, :text, :components, :state, :incident_id, :resolves,
       :alert_count, :informational, :note, :publish_at, :expires_at, :at, :at)`,
  );
  const revise = db.prepare(
    `UPDATE proposals SET command = :command, title = :title, text = :text, components = :components,
       state = :state, incident_id = :incident_id, resolves = :resolves, alert_count = :alert_count,
       informational = :informational, note = :note, publish_at = :publish_at, expires_at = :expires_at,
       revision = revision + 1, updated_at = :at
     WHERE id = :id AND fate = 'open'`,
  );
  const decide = db.prepare(
    `UPDATE proposals SET fate = :fate, decided_at = :at, updated_at = :at, decided_by = :actor,
       published_incident_id = :incident_id, published_post_number = :post_number,
       note = coalesce(:note, note), revision = revision + 1
     WHERE id = :id AND fate = 'open'`,
  );
  const audit = db.prepare(
    `INSERT INTO proposal_fates (proposal_id, event, revision, actor, at, incident_id, post_number, note)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const list = db.prepare<{ open: number; limit: number }>(
    `SELECT * FROM proposals WHERE (:open = 0 OR fate = 'open') ORDER BY id DESC LIMIT :limit`,
  );
  const due = db.prepare<[number]>(
    "SELECT * FROM proposals WHERE fate = 'open' AND publish_at IS NOT NULL AND publish_at <= ? ORDER BY id",
  );
  const expired = db.prepare<[number]>(
    "SELECT * FROM proposals WHERE fate = 'open' AND expires_at IS NOT NULL AND expires_at <= ? ORDER BY id",
  );
  const nextDue = db
    .prepare<[number]>(
      `SELECT min(t) FROM (
         SELECT min(publish_at) AS t FROM proposals WHERE fate = 'open'
         UNION ALL SELECT min(expires_at) FROM proposals WHERE fate = 'open'
         UNION ALL SELECT min(resolved_at) + ? FROM monitor_groups WHERE resolved_at IS NOT NULL)`,
    )
    .pluck();
  const messages = db.prepare<[number]>(
    'SELECT * FROM proposal_messages WHERE proposal_id = ? ORDER BY board',
  );
  const saveMessage = db.prepare(
    `INSERT INTO proposal_messages (proposal_id, board, remote_id, revision, shown_at)
     VALUES (:proposal_id, :board, :remote_id, :revision, :shown_at)
     ON CONFLICT (proposal_id, board) DO UPDATE SET remote_id = coalesce(excluded.remote_id, remote_id),
       revision = max(revision, excluded.revision), shown_at = excluded.shown_at`,
  );
  const behind = db.prepare<{ board: string; since: number }>(
    `SELECT p.* FROM proposals p LEFT JOIN proposal_messages m ON m.proposal_id = p.id AND m.board = :board
      WHERE (p.fate = 'open' OR p.updated_at >= :since) AND (m.revision IS NULL OR m.revision < p.revision)
      ORDER BY p.id`,
  );
  const fates = db.prepare<[number]>('SELECT * FROM proposal_fates WHERE proposal_id = ? ORDER BY id');
  const counts = db.prepare('SELECT fate, count(*) AS n FROM proposals GROUP BY fate');
  const run = db.transaction((fn: () => unknown) => fn());

  const one = (id: number): Proposal | undefined => {
    const row = get.get(id);
    return row === undefined ? undefined : toProposal(row);
  };
  const record = (p: Proposal, event: ProposalEvent, at: number, actor: Actor | null, note: string | null) =>
    audit.run(
      p.id,
      event,
      p.revision,
      actor ? JSON.stringify(actor) : null,
      at,
      p.published?.incidentId ?? p.incidentId,
      p.published?.postNumber ?? null,
      note,
    );

  return {
    transaction: <T>(fn: () => T): T => run.immediate(fn) as T,
    group(source, groupKey) {
      const row = group.get(source, groupKey);
      return row === undefined ? undefined : toGroup(row);
    },
    saveGroup(g) {
      saveGroup.run({
        source: g.source,
        group_key: g.groupKey,
        status: g.status,
        signature: g.signature,
        facts: JSON.stringify(g.facts ?? null),
        firing_since: g.firingSince,
        resolved_at: g.resolvedAt,
        proposal_id: g.proposalId,
        updated_at: g.updatedAt,
      });
    },
    settling: (before) => settling.all(before).map(toGroup),
    get: one,
    openFor(source, groupKey) {
      const row = openFor.get(source, groupKey);
      return row === undefined ? undefined : toProposal(row);
    },
    create(draft, at) {
      const id = Number(insert.run({ ...draftParams(draft), at }).lastInsertRowid);
      const made = one(id) as Proposal;
      record(made, 'proposed', at, null, draft.note);
      return made;
    },
    revise(id, draft, at) {
      if (revise.run({ ...draftParams(draft), at, id }).changes !== 1) return undefined;
      const revised = one(id) as Proposal;
      record(revised, 'revised', at, null, draft.note);
      return revised;
    },
    decide(id, d) {
      const changed = decide.run({
        id,
        fate: d.fate,
        at: d.at,
        actor: d.actor ? JSON.stringify(d.actor) : null,
        incident_id: d.published?.incidentId ?? null,
        post_number: d.published?.postNumber ?? null,
        note: d.note ?? null,
      }).changes;
      if (changed !== 1) return undefined;
      const decided = one(id) as Proposal;
      record(decided, d.fate, d.at, d.actor, d.note ?? null);
      return decided;
    },
    list: ({ open = false, limit = 50 } = {}) => list.all({ open: open ? 1 : 0, limit }).map(toProposal),
    dueForPublishing: (now) => due.all(now).map(toProposal),
    expired: (now) => expired.all(now).map(toProposal),
    nextDue: (flapWindowMs) => (nextDue.get(flapWindowMs) as number | null) ?? null,
    messages: (proposalId) => messages.all(proposalId).map(toMessage),
    saveMessage(m) {
      saveMessage.run({
        proposal_id: m.proposalId,
        board: m.board,
        remote_id: m.remoteId,
        revision: m.revision,
        shown_at: m.shownAt,
      });
    },
    behind: (board, since) => behind.all({ board, since }).map(toProposal),
    fates: (proposalId) => fates.all(proposalId).map(toFate),
    countByFate() {
      const map = new Map<ProposalFate, number>();
      for (const row of counts.all() as Array<{ fate: ProposalFate; n: number }>) map.set(row.fate, row.n);
      return map;
    },
  };
}
