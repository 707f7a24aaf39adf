// A proposal (issue 17): a post Herald drafted from a monitor's alerts, shown to staff in chat with
// Publish / Edit / Dismiss, and published only by a person's press (or, where configured, after
// `publish_after` with nobody acting). The monitors module (src/monitors/) owns the proposals and their
// fate; the chat adapters show them on a ProposalBoard and bring the presses back through the inbox.

import type { Actor, ComponentKey, ComponentState } from '../bot/types.js';

/** What became of a proposal. `open` is shown and waiting; every other fate is final. */
export type ProposalFate =
  | 'open'
  | 'published'
  | 'edited'
  | 'dismissed'
  | 'expired'
  | 'auto_published'
  /** Replaced by a newer proposal for the same group (e.g. the "back up" update after a resolve). */
  | 'superseded';

export interface Proposal {
  id: number;
  /** Where the alerts came from: `alertmanager` or `status-hook`. */
  source: string;
  /** Alertmanager's groupKey, or the generic hook's `id` (or component when none): one proposal a group. */
  groupKey: string;
  /** The `/status` command it proposes, exactly as staff would type it (parsed and checked by the core). */
  command: string;
  /** The post as it would read (title and text), for the board. */
  title: string;
  text: string;
  components: ComponentKey[];
  state: ComponentState;
  /** An update to this open incident instead of a new one (set when one is open for the component). */
  incidentId: number | null;
  /** The alerts resolved: the proposal is the "back up" update. */
  resolves: boolean;
  /** How many alerts the group holds now (the board shows a bounded list). */
  alertCount: number;
  /**
   * During the component's maintenance window: shown to staff for their information, never published
   * (no Publish button, no auto-publish), unless the configuration says otherwise.
   */
  informational: boolean;
  /** Grows each time the group changes: the board updates its message in place, never posts a second. */
  revision: number;
  fate: ProposalFate;
  /** When nobody acting publishes it by itself (`publish_after`); null when off. */
  publishAt: number | null;
  createdAt: number;
  updatedAt: number;
  decidedAt: number | null;
  /** Who published, edited or dismissed it (null for expired and auto-published). */
  decidedBy: Actor | null;
  /** The incident and post number it became, once published. */
  published: { incidentId: number; postNumber: number } | null;
  // Added by mon-hooks (additive, optional):
  /**
   * A line for staff beside the post, in plain words: why it is informational (a maintenance window, the
   * alerts resolved before anyone published), that Herald published it by itself, that it expired.
   */
  note?: string | null;
  /** When an open proposal expires if nobody acts on it; null when it never does. */
  expiresAt?: number | null;
}

/** A press on a proposal's button, brought back from chat through the inbox. */
export interface ProposalPress {
  proposalId: number;
  action: 'publish' | 'edit' | 'dismiss';
  actor: Actor;
  /** For `edit`: the command as the person changed it. */
  text?: string;
  /** The platform's id for the press: a repeat changes nothing twice. */
  requestKey?: string;
  requestId?: string;
}

/** Where proposals are shown: the configured staff channel on Slack and Discord, a line at the shell. */
export interface ProposalBoard {
  /** The board's name (`slack`, `discord`, `shell`), for logs and the message ids kept per board. */
  name: string;
  /**
   * Shows the proposal, or updates the message already showing it (`remoteId`, returned by an earlier
   * show); its fate decides the buttons (open: Publish / Edit / Dismiss; informational: Dismiss only;
   * otherwise none, and the fate in words). Returns the message's id on the platform.
   */
  show(proposal: Proposal, remoteId: string | null): Promise<string | null>;
}
