// The domain: plain data, no I/O. Every instant is a UTC epoch-milliseconds number at rest and in the core;
// rendering turns it into text with luxon.

export type ComponentState = 'operational' | 'degraded' | 'down' | 'maintenance';
export const COMPONENT_STATES: readonly ComponentState[] = ['operational', 'degraded', 'down', 'maintenance'];

export type IncidentKind = 'outage' | 'maintenance' | 'notice';
/**
 * open: an outage or notice in progress; resolved: closed. A maintenance is scheduled (announced, not
 * started: its components are untouched), in_progress, completed (it happened), or cancelled (called off
 * with `cancel`: it never happens, and Herald's scheduler does nothing more for it).
 */
export type IncidentStatus = 'open' | 'resolved' | 'scheduled' | 'in_progress' | 'completed' | 'cancelled';

/** Where a command came from; `herald` is Herald itself (its scheduler), never a person. */
export type Platform = 'shell' | 'slack' | 'discord' | 'herald';

/** Who typed the command, as the chat adapter saw them. */
export interface Actor {
  platform: Platform;
  /** The platform's id for the person (Slack user id, Discord user id, shell user name). */
  id: string;
  /** A display name for posts and audit rows. */
  name: string;
  /** Slack user groups or Discord role ids the person holds, when the adapter knows them. */
  groups?: readonly string[];
  /** The channel (Slack) or guild (Discord) the command came from. */
  channel?: string;
  guild?: string;
}

export interface ComponentKey {
  system: string;
  service: string;
}

export interface Component extends ComponentKey {
  state: ComponentState;
  /** When the state last changed (epoch ms); 0 for a component never changed. */
  since: number;
}

export interface Incident {
  id: number;
  kind: IncidentKind;
  status: IncidentStatus;
  title: string;
  tags: string[];
  components: ComponentKey[];
  /** The state an outage put its components in (down or degraded); maintenance for a maintenance. */
  impact: ComponentState | null;
  openedAt: number;
  /** When it was resolved, completed or cancelled. */
  closedAt: number | null;
  /** Maintenance window. */
  startsAt: number | null;
  endsAt: number | null;
  /** Number of the last post; the next one is lastNumber + 1. */
  lastNumber: number;
}

export interface PostEdit {
  id: number;
  text: string;
  editedAt: number;
  author: string;
}

export interface Post {
  id: number;
  incidentId: number;
  /** 1 for the post that opened the incident, then 2, 3, ... (gaps only when given with --number). */
  number: number;
  title: string;
  text: string;
  tags: string[];
  author: string;
  /** When Herald recorded it: the post's own stamp. */
  publishedAt: number;
  /** The time of the event it reports (--at), when given. */
  eventAt: number | null;
  /** The state the post reports for its incident's components, if it changed any. */
  state: ComponentState | null;
  /**
   * The next update it promised (`--next`), when it promised one. Only the incident's latest post's promise
   * is live (src/bot/promises.ts): a later post clears it.
   */
  nextUpdateAt?: number;
  edits: PostEdit[];
  retractedAt: number | null;
  retractReason: string | null;
}

export type DeliveryAction = 'publish' | 'edit' | 'retract';
export type DeliveryStatus = 'pending' | 'sent' | 'failed';

export interface Delivery {
  id: number;
  postId: number;
  outlet: string;
  action: DeliveryAction;
  /** For an `edit` delivery, which correction it carries. */
  editId: number | null;
  status: DeliveryStatus;
  attempts: number;
  remoteId: string | null;
  remoteUrl: string | null;
  lastError: string | null;
  nextAttemptAt: number | null;
  createdAt: number;
  sentAt: number | null;
  /** The id of the command that queued it, carried by its log lines; null before schema version 4. */
  requestId: string | null;
}

export interface AuditEntry {
  at: number;
  actor: Actor;
  /** The command as typed (or as the adapter rebuilt it from structured options). */
  text: string;
  result: 'ok' | 'refused' | 'error';
  /** A stable refusal code, or the command kind for an accepted change. */
  code: string;
  incidentId?: number | null;
  postId?: number | null;
}
