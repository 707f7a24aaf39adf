// Small ports owned by the core. The store implements them with better-sqlite3 (src/store/); tests run the
// same contract suite against it.

import type { CommandKind } from './command.js';
import type { LivePromise } from './promises.js';
import type {
  Actor,
  AuditEntry,
  Component,
  ComponentKey,
  ComponentState,
  Delivery,
  DeliveryAction,
  Incident,
  IncidentStatus,
  Platform,
  Post,
} from './types.js';

export type NewIncident = Omit<Incident, 'id'>;
export type IncidentPatch = Partial<
  Pick<
    Incident,
    'status' | 'closedAt' | 'lastNumber' | 'components' | 'impact' | 'startsAt' | 'endsAt' | 'tags'
  >
>;
export type NewPost = Omit<Post, 'id' | 'incidentId' | 'edits' | 'retractedAt' | 'retractReason'>;

/** What decide() asks the store to write: everything in one transaction, or nothing. */
export interface Change {
  kind: CommandKind;
  incident: { create: NewIncident } | { id: number; patch: IncidentPatch };
  post: NewPost | null;
  edit: { postId: number; text: string; author: string; at: number } | null;
  retract: { postId: number; reason: string; author: string; at: number } | null;
  components: Array<ComponentKey & { state: ComponentState }>;
  /** One delivery per outlet for the new post, correction or retraction. */
  outlets: string[];
  audit: Omit<AuditEntry, 'incidentId' | 'postId'>;
  /** The id of the request that asked for it: its deliveries carry it to their log lines. */
  requestId?: string | null;
}

export interface Applied {
  incidentId: number;
  /** The post that was created, corrected or retracted. */
  postId: number | null;
  editId: number | null;
  deliveries: Delivery[];
}

/** The reads decide() needs, and the one write. Used inside a single IMMEDIATE transaction. */
export interface StateRepository {
  /** Components whose state was ever set; the rest are operational. */
  components(): Component[];
  /** Incidents that are open, scheduled or in progress, oldest first. */
  activeIncidents(): Incident[];
  incident(id: number): Incident | undefined;
  post(incidentId: number, number: number): Post | undefined;
  apply(change: Change): Applied;
  /** A request (a platform's id for one command or button press) handled before, if it was. */
  handledRequest(key: string): HandledRequest | undefined;
  recordRequest(request: HandledRequest): void;
  preview(id: string): Preview | undefined;
  settlePreview(id: string, status: 'published' | 'cancelled', at: number, postId: number | null): void;
  /** A step Herald took by itself for an incident, if it did (src/scheduler.ts). */
  step(incidentId: number, key: string): AutomationStep | undefined;
  /** Records a step; throws if that incident's step was recorded before. */
  recordStep(step: AutomationStep): void;
  /** Queues a question for a person in chat; its step must be recorded in the same transaction. */
  queuePrompt(prompt: NewPrompt): Prompt;
}

/** A step Herald took by itself (src/scheduler.ts): once per incident and key, whatever restarts. */
export interface AutomationStep {
  incidentId: number;
  /** What it was, unique within the incident: `reminder-24h`, `start`, `end-prompt`. */
  key: string;
  /** When it was due; `doneAt` is when it was done (later, when Herald was down at that moment). */
  dueAt: number;
  doneAt: number;
  /** Posted (with its post), skipped (with why: its moment passed), or a question asked (a Prompt). */
  outcome: 'posted' | 'skipped' | 'prompted';
  postId: number | null;
  note: string | null;
}

/**
 * What Herald asks or says: `maintenance-end`, whether a maintenance past its expected end is complete;
 * `next-reminder`, a promised update is due in five minutes (to its author), and `next-reminder-channel`,
 * the same said in an announcement channel (`to` is the channel).
 */
export type PromptKind = 'maintenance-end' | 'next-reminder' | 'next-reminder-channel';
export const PROMPT_KINDS: readonly PromptKind[] = [
  'maintenance-end',
  'next-reminder',
  'next-reminder-channel',
];

/** A question Herald asks one person in chat, sent by the chat adapter of their platform. */
export interface Prompt {
  id: number;
  incidentId: number;
  /** The step that asked it. */
  step: string;
  kind: PromptKind;
  /** The person asked: the platform's id for them, and their name. */
  to: { platform: Platform; id: string; name: string };
  status: 'pending' | 'sent' | 'failed';
  attempts: number;
  lastError: string | null;
  createdAt: number;
  sentAt: number | null;
}

export type NewPrompt = Pick<Prompt, 'incidentId' | 'step' | 'kind' | 'to' | 'createdAt'>;

/** Questions waiting to be sent, and what became of each send. */
export interface PromptBox {
  /** Pending questions, oldest first. */
  pending(): Prompt[];
  prompt(id: number): Prompt | undefined;
  /** A send: done, or failed once more (`final`: given up, the question stays unasked). */
  settle(
    id: number,
    result: { sent: true; at: number } | { sent: false; error: string; final: boolean },
  ): void;
}

export interface HandledRequest {
  key: string;
  at: number;
  incidentId: number | null;
  postId: number | null;
}

/** A change shown to its author before it is published. */
export interface Preview {
  /** The token the chat buttons carry. */
  id: string;
  text: string;
  actor: Actor;
  createdAt: number;
  expiresAt: number;
  status: 'pending' | 'published' | 'cancelled';
  settledAt: number | null;
  postId: number | null;
}

/**
 * The deliveries table seen as an outbox. A delivery stays `pending` while it is retried (with its last
 * error and next attempt); `failed` is final until staff re-queue it.
 */
export interface Outbox {
  /**
   * Pending deliveries whose next attempt is due, oldest first. `ordered`: each outlet's in the order they
   * were recorded, up to the first that must wait (not yet due, or its incident's previous post to the
   * outlet not yet sent, so that a reply has its parent); one behind a failed post of its incident is skipped.
   */
  due(now: number, options?: { outlet?: string; limit?: number; ordered?: boolean }): Delivery[];
  /**
   * Counts an attempt before the network call, so that after a crash a delivery with attempts > 0 is known
   * to have perhaps reached the platform (and the outlet looks before sending again).
   */
  begin(ids: readonly number[]): void;
  /** Records what became of a batch of deliveries, in one transaction. */
  settle(outcomes: readonly Settlement[]): void;
  /**
   * Puts failed deliveries (one post's, or all with null) back in the queue, due at `audit.at`, and writes
   * the audit row, in one transaction; returns how many.
   */
  requeue(postId: number | null, audit: AuditEntry): number;
  /** Remote ids of the thread a delivery continues on its outlet: the first sent message and the latest before it. */
  thread(delivery: Delivery): { root: string | null; parent: string | null };
}

export type Settlement =
  | { id: number; status: 'sent'; remoteId: string | null; remoteUrl: string | null; at: number }
  /** A transient failure: keep the reason, try again at `nextAttemptAt`. */
  | { id: number; status: 'retry'; error: string; nextAttemptAt: number }
  /** A permanent failure: shown to staff until re-queued. */
  | { id: number; status: 'failed'; error: string };

/** Posts for one incident, as an import writes them: a new incident, or one an earlier import made. */
export interface ImportGroup {
  incident: { create: NewIncident } | { id: number; patch: IncidentPatch };
  /** In date order, numbered; each under its feed item's key. */
  posts: Array<{ key: string; post: NewPost }>;
}

/** An incident an earlier import made, as a later import's series may continue it. */
export interface ImportedSeries {
  incidentId: number;
  title: string;
  tags: string[];
  /** Its latest post's publication time. */
  lastAt: number;
  lastNumber: number;
}

export interface ImportedPost {
  key: string;
  incidentId: number;
  postId: number;
  number: number;
  deliveries: Delivery[];
}

/** What `herald import` needs: which feed items came in before, and one write for all the new ones. */
export interface ImportLedger {
  /** Those of `keys` that an earlier import recorded. */
  known(keys: readonly string[]): Set<string>;
  series(): ImportedSeries[];
  /**
   * Every group's incident and posts, one delivery per outlet and one audit row per post, and each post's
   * key, in one transaction: all of them or nothing. `onPost` is told of each post as it is written.
   */
  record(
    groups: readonly ImportGroup[],
    options: {
      source: string;
      outlets: readonly string[];
      audit: Omit<AuditEntry, 'incidentId' | 'postId'>;
      onPost?: () => void;
    },
  ): ImportedPost[];
}

/** The store as the rest of Herald sees it. */
export interface Store
  extends Pick<StateRepository, 'components' | 'activeIncidents' | 'incident' | 'post' | 'preview'> {
  outbox: Outbox;
  prompts: PromptBox;
  /** The steps Herald took by itself for an incident, in the order it took them. */
  steps(incidentId: number): AutomationStep[];
  /** Who opened an incident (its first accepted command's actor), from the audit. */
  opener(incidentId: number): Actor | undefined;
  /** The live promises of next updates (`--next`), soonest first (src/bot/promises.ts). */
  promises(): LivePromise[];
  /** Feed items brought in by `herald import` (src/store/import.ts). */
  imports: ImportLedger;
  createPreview(preview: Omit<Preview, 'status' | 'settledAt' | 'postId'>): void;
  /** Runs fn in one BEGIN IMMEDIATE transaction: all of its writes, or none if it throws. */
  transact<T>(fn: (repo: StateRepository) => T): T;
  incidents(options?: { status?: IncidentStatus[]; limit?: number }): Incident[];
  /** Incidents that are active, or were closed at or after `since`: what the site's index shows. */
  incidentsSince(since: number): Incident[];
  postsOf(incidentId: number): Post[];
  /** Newest first, by publish time. */
  recentPosts(limit: number): Post[];
  postById(id: number): Post | undefined;
  deliveriesOf(postId: number): Delivery[];
  deliveries(options?: { status?: Delivery['status']; outlet?: string; action?: DeliveryAction }): Delivery[];
  audit(limit?: number): AuditEntry[];
  close(): void;
}

/** Refused and failed commands: kept outside the database, which a refusal must leave untouched. */
export interface RefusalLog {
  append(entry: AuditEntry): void;
}

/**
 * Subscribers as staff see them (`/status subscribers`): counts per channel and per component, and the
 * failing. The subscriber store (src/store/subscribers.ts) answers it; null while subscriptions are off.
 */
export interface SubscriberSummary {
  byChannel: ReadonlyArray<{
    channel: 'email' | 'webhook';
    pending: number;
    active: number;
    disabled: number;
    unsubscribed: number;
    /** Active subscribers whose latest deliveries failed. */
    failing: number;
    /** Notifications given up on after their retries. */
    failedNotifications: number;
  }>;
  /** Active subscribers per followed component; system null: every component; service null: a whole system. */
  byComponent: ReadonlyArray<{
    system: string | null;
    service: string | null;
    channel: 'email' | 'webhook';
    active: number;
    failing: number;
  }>;
}

export interface SubscriberCounter {
  counts(): SubscriberSummary;
}

/** The monitors' proposals as staff read them (`/status proposals [all]`), rendered as plain text. */
export interface ProposalLister {
  listText(all: boolean): string;
}
