// Monitors propose, staff publish (issue 17). The service between the hooks and the boards:
//
//   const monitors = createMonitors({ store, config, settings, clock, log, handle, automatic, counters });
//
//   monitors.receive(notice): Receipt
//     A monitor's notification (POST /hooks/alertmanager or /hooks/status, already recorded in the inbox)
//     becomes proposals. Synchronous: the inbox worker runs it inside the row's own transaction. One open
//     proposal per alert group: a changed group revises it (revision + 1), a repeat changes nothing, a
//     resolve waits out `flap_window` and then proposes the "back up" update on the open incident.
//   monitors.press(press: ProposalPress): PressResult
//     A person's button. publish: the proposal's command is run through the ordinary command path
//     (Herald.handle) as the pressing staff member's own command, so it is their post; edit: their changed
//     text, as their own command; dismiss. Synchronous, one transaction with the proposal's fate; a refusal
//     (not staff, the command no longer fits) leaves the proposal open and says why.
//   monitors.addBoard(board: ProposalBoard): () => void
//     A place proposals are shown (the Slack and Discord staff channels, the shell). Every change is shown
//     on every board after its transaction commits; each board's message id is kept per proposal
//     (migration 012), so a proposal is updated in place, also after a restart. Returns the remover.
//   monitors.list({ open?, limit? }): Proposal[]      what `/status proposals` shows, newest first.
//   monitors.job: ScheduledJob                       the scheduler's: settles resolves after the flapping
//     window, publishes what is due (`publish_after`, as Herald, said on the boards), expires the rest.
//   monitors.sync(): Promise<void>                    brings every board up to date now (start, tests).
//   monitors.idle(): Promise<void>                    resolves once no board update is pending (tests).
//
// Fates are audited (proposal_fates) and counted (counters.fate). Unmapped alerts are logged and
// counted (counters.unmapped), never proposed.

import type { CoreSettings } from '../bot/catalog.js';
import type { StateView, WritingCommand } from '../bot/decide.js';
import type { AutomaticInput, Clock, CommandInput, Outcome } from '../bot/handle-command.js';
import { parseCommand } from '../bot/parse-command.js';
import { mayChange } from '../bot/permissions.js';
import type { Store } from '../bot/ports.js';
import type { ComponentKey, Incident } from '../bot/types.js';
import type { Logger } from '../logger.js';
import { newRequestId } from '../request-id.js';
import type { ScheduledJob } from '../scheduler.js';
import type { MonitorGroup, ProposalDraft, ProposalEvent, ProposalStore } from '../store/proposals.js';
import {
  type Drafted,
  type DraftKind,
  draftProposal,
  type GroupFacts,
  MONITOR_ACTOR,
  oneSystem,
} from './drafts.js';
import { type MonitorNotice, mapNotice } from './mapping.js';
import { componentKeyText, type MonitorsConfig, templatesFor } from './monitors-config.js';
import type { Proposal, ProposalBoard, ProposalPress } from './proposal.js';

export type { MonitorAlert, MonitorNotice } from './mapping.js';

/** Counters the service keeps (src/metrics.ts). */
export interface MonitorCounters {
  notice(source: string): void;
  unmapped(source: string, count: number): void;
  fate(event: ProposalEvent): void;
}

export interface MonitorsDeps {
  store: Pick<Store, 'activeIncidents' | 'transact'> & { proposals: ProposalStore };
  config: MonitorsConfig;
  settings: CoreSettings;
  clock: Clock;
  log: Logger;
  /** The ordinary command path (Herald.handle): checks staff, records, wakes the publisher, logs. */
  handle(input: CommandInput): Outcome;
  /** Herald's own change (auto-publish): CommandService.automatic, logged and counted like the rest. */
  automatic(input: AutomaticInput): Outcome;
  counters?: MonitorCounters;
}

/** What a notification did. */
export interface Receipt {
  /** Proposals made or revised or decided by it. */
  changed: number[];
  /** Alerts no rule or label named a component for (logged and counted). */
  unmapped: number;
  /** In words, for the log: `proposed #3`, `repeat: nothing changed`, `resolve waits 5m for flapping`. */
  said: string;
}

export type PressResult =
  | { kind: 'done'; proposal: Proposal; outcome: Outcome | null }
  | { kind: 'refused'; proposal: Proposal | null; message: string; outcome?: Outcome };

export interface Monitors {
  receive(notice: MonitorNotice): Receipt;
  press(press: ProposalPress): PressResult;
  addBoard(board: ProposalBoard): () => void;
  list(options?: { open?: boolean; limit?: number }): Proposal[];
  readonly job: ScheduledJob;
  sync(): Promise<void>;
  idle(): Promise<void>;
}

/** Decided proposals a newly added board still shows (their fate), and a restart brings up to date. */
const SHOW_DECIDED_FOR_MS = 24 * 3_600_000;

const overlaps = (a: readonly ComponentKey[], b: readonly ComponentKey[]): boolean =>
  a.some((x) => b.some((y) => x.system === y.system && x.service === y.service));

const minutes = (ms: number): string =>
  ms % 3_600_000 === 0 ? `${ms / 3_600_000} h` : `${Math.max(1, Math.round(ms / 60_000))} min`;

export function createMonitors(deps: MonitorsDeps): Monitors {
  const { store, config, settings, clock } = deps;
  const proposals = store.proposals;
  const log = deps.log.child({ component: 'monitors' });
  const boards = new Set<ProposalBoard>();

  // ---- Reading the state the drafts depend on.

  const active = (): Incident[] => store.activeIncidents();
  /** The open outage or notice a component is in, if any. */
  const openIncidentFor = (components: readonly ComponentKey[]): Incident | undefined =>
    active().find(
      (i) => i.kind !== 'maintenance' && i.status === 'open' && overlaps(i.components, components),
    );
  /** Within a maintenance window: running, or scheduled and between its start and end. */
  const inMaintenance = (components: readonly ComponentKey[], now: number): boolean =>
    active().some(
      (i) =>
        i.kind === 'maintenance' &&
        overlaps(i.components, components) &&
        (i.status === 'in_progress' ||
          (i.status === 'scheduled' &&
            i.startsAt !== null &&
            i.startsAt <= now &&
            (i.endsAt ?? Infinity) > now)),
    );

  /** A proposal's content for a group's facts now. null: the core refuses the command (logged). */
  function draftFor(
    group: { source: string; groupKey: string },
    facts: GroupFacts,
    kind: DraftKind,
    now: number,
    previous?: Proposal,
  ): ProposalDraft | null {
    const first = facts.components[0];
    if (!first) return null;
    const templates = templatesFor(config, first);
    const drafted: Drafted | string = store.transact((view: StateView) =>
      draftProposal({ settings, templates, facts, kind, view, now }),
    );
    if (typeof drafted === 'string') {
      log.warn(
        { source: group.source, group: group.groupKey, why: drafted },
        'alert group not proposed: refused',
      );
      return null;
    }
    const maintenance = kind.kind !== 'resolve' && inMaintenance(facts.components, now);
    const informational = maintenance && !templates.proposeDuringMaintenance;
    const named = oneSystem(facts.components);
    const others = kind.kind === 'open' ? facts.components.filter((c) => !named.includes(c)) : [];
    const notes = [
      informational ? 'During a maintenance window: shown for your information, not proposed.' : null,
      others.length ? `Also alerting: ${others.map(componentKeyText).join(', ')}.` : null,
    ].filter((n): n is string => n !== null);
    return {
      source: group.source,
      groupKey: group.groupKey,
      command: drafted.command,
      title: drafted.title,
      text: drafted.text,
      components:
        kind.kind === 'open'
          ? facts.components
          : kind.incident.components.length
            ? kind.incident.components
            : facts.components,
      state: drafted.state,
      incidentId: drafted.incidentId,
      resolves: kind.kind === 'resolve',
      alertCount: facts.alertCount,
      informational,
      note: notes.length ? notes.join(' ') : null,
      // A revision keeps the first time: "nobody acted within publish_after" counts from when it was shown.
      publishAt: informational
        ? null
        : (previous?.publishAt ?? (templates.publishAfterMs ? now + templates.publishAfterMs : null)),
      expiresAt: previous?.expiresAt ?? (config.expireAfterMs ? now + config.expireAfterMs : null),
    };
  }

  const sameContent = (p: Proposal, d: ProposalDraft): boolean =>
    p.command === d.command &&
    p.title === d.title &&
    p.text === d.text &&
    p.alertCount === d.alertCount &&
    p.informational === d.informational &&
    (p.note ?? null) === d.note;

  const counted = (event: ProposalEvent) => deps.counters?.fate(event);

  // ---- Notifications.

  /** The resolve has waited out the flapping window: the open proposal goes, the "back up" one comes. */
  function settle(group: MonitorGroup, now: number, changed: number[]): void {
    const facts = group.facts as GroupFacts;
    const current = group.proposalId === null ? undefined : proposals.get(group.proposalId);
    if (current?.fate === 'open') {
      const gone = proposals.decide(current.id, {
        fate: 'superseded',
        at: now,
        actor: null,
        note: 'The alerts resolved before anyone published.',
      });
      if (gone) {
        counted('superseded');
        changed.push(gone.id);
      }
    }
    const incident = openIncidentFor(facts.components);
    let backUp: Proposal | null = null;
    if (incident) {
      const draft = draftFor(group, facts, { kind: 'resolve', incident, at: group.resolvedAt ?? now }, now);
      if (draft) {
        backUp = proposals.create(draft, now);
        counted('proposed');
        changed.push(backUp.id);
      }
    }
    proposals.saveGroup({ ...group, resolvedAt: null, proposalId: backUp?.id ?? null, updatedAt: now });
  }

  function firing(
    notice: MonitorNotice,
    facts: GroupFacts,
    signature: string,
    group: MonitorGroup | undefined,
    now: number,
    changed: number[],
  ): string {
    const key = { source: notice.source, groupKey: notice.groupKey };
    const flapped = group?.resolvedAt != null;
    const newCycle = !group || (group.status === 'resolved' && !flapped);
    let proposalId = newCycle ? null : (group?.proposalId ?? null);
    if (newCycle && group?.proposalId != null) {
      // The last cycle's "back up" proposal, still open: the group fired again, so it no longer fits.
      const gone = proposals.decide(group.proposalId, {
        fate: 'superseded',
        at: now,
        actor: null,
        note: 'The alerts fired again.',
      });
      if (gone) {
        counted('superseded');
        changed.push(gone.id);
      }
    }
    const unchanged = !newCycle && group?.signature === signature && !flapped;
    const firingSince = newCycle ? facts.firingSince : (group?.firingSince ?? facts.firingSince);
    const current = proposalId === null ? undefined : proposals.get(proposalId);
    const known: GroupFacts = { ...facts, firingSince };
    let said: string;
    if (unchanged) said = 'repeat: nothing changed';
    else if (!current) {
      const incident = openIncidentFor(facts.components);
      const draft = draftFor(key, known, incident ? { kind: 'update', incident } : { kind: 'open' }, now);
      if (draft) {
        const made = proposals.create(draft, now);
        counted('proposed');
        changed.push(made.id);
        proposalId = made.id;
        said = `proposed #${made.id}`;
      } else said = 'refused by the core: not proposed';
    } else if (current.fate !== 'open') {
      said = `proposal #${current.id} is ${current.fate}: not proposed again until the group resolves`;
    } else {
      const incident = current.incidentId === null ? undefined : openIncidentFor(facts.components);
      const draft = draftFor(
        key,
        known,
        incident ? { kind: 'update', incident } : { kind: 'open' },
        now,
        current,
      );
      if (draft && !sameContent(current, draft)) {
        const revised = proposals.revise(current.id, draft, now);
        if (revised) {
          counted('revised');
          changed.push(revised.id);
        }
        said = `revised #${current.id}`;
      } else said = flapped ? `flapping: #${current.id} stays as it is` : 'nothing to change';
    }
    proposals.saveGroup({
      source: notice.source,
      groupKey: notice.groupKey,
      status: 'firing',
      signature,
      facts: known,
      firingSince,
      resolvedAt: null,
      proposalId,
      updatedAt: now,
    });
    return said;
  }

  function resolved(group: MonitorGroup | undefined, now: number, changed: number[]): string {
    if (!group) return 'resolved, but never seen firing: nothing to do';
    if (group.status === 'resolved') return 'repeat: already resolved';
    const waiting = { ...group, status: 'resolved' as const, resolvedAt: now, updatedAt: now };
    if (config.flapWindowMs === 0) {
      settle(waiting, now, changed);
      return 'resolved: settled at once';
    }
    proposals.saveGroup(waiting);
    return `resolved: waits ${minutes(config.flapWindowMs)} for flapping`;
  }

  function receive(notice: MonitorNotice): Receipt {
    const now = clock.now();
    deps.counters?.notice(notice.source);
    const mapped = mapNotice(notice, config, settings.catalog, now);
    if (mapped.unmapped > 0) {
      deps.counters?.unmapped(notice.source, mapped.unmapped);
      log.warn(
        {
          source: notice.source,
          group: notice.groupKey,
          unmapped: mapped.unmapped,
          examples: mapped.examples,
        },
        'alerts that map to no component: not proposed',
      );
    }
    const changed: number[] = [];
    const said = proposals.transaction(() => {
      const group = proposals.group(notice.source, notice.groupKey);
      if (mapped.facts && mapped.status === 'firing') {
        return firing(notice, mapped.facts, mapped.signature, group, now, changed);
      }
      if (mapped.status === 'resolved') return resolved(group, now, changed);
      return 'no alert maps to a component';
    });
    log.info({ source: notice.source, group: notice.groupKey, said, changed }, 'monitor notification');
    if (changed.length) scheduleSync();
    return { changed, unmapped: mapped.unmapped, said };
  }

  // ---- Presses.

  function press(input: ProposalPress): PressResult {
    const now = clock.now();
    const requestId = input.requestId || newRequestId('herald');
    const result = proposals.transaction((): PressResult => {
      const proposal = proposals.get(input.proposalId) ?? null;
      if (!proposal)
        return { kind: 'refused', proposal, message: `there is no proposal ${input.proposalId}` };
      if (proposal.fate !== 'open') {
        const by = proposal.decidedBy ? ` by ${proposal.decidedBy.name}` : '';
        return {
          kind: 'refused',
          proposal,
          message: `proposal ${proposal.id} is already ${proposal.fate.replace('_', '-')}${by}: nothing was done`,
        };
      }
      const permission = mayChange(input.actor, settings.staff);
      if (!permission.allowed) return { kind: 'refused', proposal, message: permission.reason };
      if (input.action === 'dismiss') {
        const done = proposals.decide(proposal.id, { fate: 'dismissed', at: now, actor: input.actor });
        return done
          ? { kind: 'done', proposal: done, outcome: null }
          : { kind: 'refused', proposal, message: 'not open' };
      }
      if (proposal.informational && input.action === 'publish') {
        return {
          kind: 'refused',
          proposal,
          message: `proposal ${proposal.id} is for your information only (${proposal.note ?? 'nothing to publish'}); Edit to post your own words, or Dismiss`,
        };
      }
      const text = input.action === 'edit' ? (input.text ?? '').trim() : proposal.command;
      if (!text)
        return { kind: 'refused', proposal, message: 'the edited command is empty: nothing was published' };
      const outcome = deps.handle({
        text,
        actor: input.actor,
        requestId,
        ...(input.requestKey ? { requestKey: input.requestKey } : {}),
      });
      if (outcome.kind !== 'recorded') {
        return {
          kind: 'refused',
          proposal,
          message:
            outcome.kind === 'refused' ? outcome.message : `the command did not publish (${outcome.kind})`,
          outcome,
        };
      }
      const fate = input.action === 'edit' ? 'edited' : 'published';
      const done = proposals.decide(proposal.id, {
        fate,
        at: now,
        actor: input.actor,
        published: { incidentId: outcome.incident.id, postNumber: outcome.post?.number ?? 0 },
      });
      return done
        ? { kind: 'done', proposal: done, outcome }
        : { kind: 'refused', proposal, message: 'not open' };
    });
    if (result.kind === 'done') {
      counted(result.proposal.fate as ProposalEvent);
      log.info(
        { requestId, proposal: result.proposal.id, fate: result.proposal.fate, actor: input.actor.id },
        'proposal decided',
      );
      scheduleSync();
    }
    return result;
  }

  // ---- What Herald does by itself: settle, auto-publish, expire.

  function autoPublish(p: Proposal, now: number): boolean {
    const parsed = parseCommand(p.command, { settings, now });
    const cmd = parsed.ok ? parsed.value : null;
    const writing =
      cmd && cmd.kind !== 'list' && cmd.kind !== 'help' && cmd.kind !== 'deliveries' && cmd.kind !== 'retry'
        ? (cmd as WritingCommand)
        : null;
    const requestId = newRequestId('herald');
    const outcome: Outcome = writing
      ? deps.automatic({ command: writing, text: p.command, actor: MONITOR_ACTOR, requestId })
      : { kind: 'refused', code: 'syntax', message: parsed.ok ? 'not a writing command' : parsed.message };
    if (outcome.kind === 'recorded') {
      const after = p.publishAt !== null ? minutes(p.publishAt - p.createdAt) : 'its time';
      proposals.decide(p.id, {
        fate: 'auto_published',
        at: now,
        actor: null,
        published: { incidentId: outcome.incident.id, postNumber: outcome.post?.number ?? 0 },
        note: `Published by Herald: nobody acted within ${after} (publish_after).`,
      });
      counted('auto_published');
      return true;
    }
    // Refused (the incident changed under it): left for a person, and not tried again at every run.
    const why = outcome.kind === 'refused' ? outcome.message : outcome.kind;
    proposals.revise(
      p.id,
      { ...draftOf(p), publishAt: null, note: `Herald could not publish it by itself: ${why}` },
      now,
    );
    log.warn({ proposal: p.id, why }, 'auto-publish refused: left for staff');
    return true;
  }

  const draftOf = (p: Proposal): ProposalDraft => ({
    source: p.source,
    groupKey: p.groupKey,
    command: p.command,
    title: p.title,
    text: p.text,
    components: p.components,
    state: p.state,
    incidentId: p.incidentId,
    resolves: p.resolves,
    alertCount: p.alertCount,
    informational: p.informational,
    note: p.note ?? null,
    publishAt: p.publishAt,
    expiresAt: p.expiresAt ?? null,
  });

  const job: ScheduledJob = {
    name: 'monitors',
    run(now) {
      let done = 0;
      const changed: number[] = [];
      for (const group of proposals.settling(now - config.flapWindowMs)) {
        proposals.transaction(() => {
          const fresh = proposals.group(group.source, group.groupKey);
          if (fresh?.resolvedAt != null && fresh.resolvedAt <= now - config.flapWindowMs)
            settle(fresh, now, changed);
        });
        done++;
      }
      for (const p of proposals.dueForPublishing(now)) {
        if (proposals.transaction(() => autoPublish(p, now))) {
          changed.push(p.id);
          done++;
        }
      }
      for (const p of proposals.expired(now)) {
        const gone = proposals.decide(p.id, {
          fate: 'expired',
          at: now,
          actor: null,
          note: `Nobody acted within ${minutes(config.expireAfterMs)}.`,
        });
        if (gone) {
          counted('expired');
          changed.push(gone.id);
          done++;
        }
      }
      if (changed.length) scheduleSync();
      return { done, nextAt: proposals.nextDue(config.flapWindowMs) };
    },
  };

  // ---- Boards.

  let syncing: Promise<void> | null = null;
  let again = false;
  let scheduled = false;

  async function showBehind(board: ProposalBoard): Promise<void> {
    for (const p of proposals.behind(board.name, clock.now() - SHOW_DECIDED_FOR_MS)) {
      const shown = proposals.messages(p.id).find((m) => m.board === board.name);
      try {
        const remoteId = await board.show(p, shown?.remoteId ?? null);
        proposals.saveMessage({
          proposalId: p.id,
          board: board.name,
          remoteId: remoteId ?? shown?.remoteId ?? null,
          revision: p.revision,
          shownAt: clock.now(),
        });
      } catch (error) {
        // Left behind: the next change or start shows it again, in place.
        log.error({ err: error, board: board.name, proposal: p.id }, 'showing a proposal failed');
      }
    }
  }

  function sync(): Promise<void> {
    if (syncing) {
      again = true;
      return syncing;
    }
    syncing = (async () => {
      do {
        again = false;
        for (const board of [...boards]) await showBehind(board);
      } while (again);
    })()
      .catch((error) => log.error({ err: error }, 'updating the proposal boards failed'))
      .finally(() => {
        syncing = null;
      });
    return syncing;
  }

  /** After the transaction that changed something has committed: the change is shown on every board. */
  function scheduleSync(): void {
    if (scheduled) return;
    scheduled = true;
    setImmediate(() => {
      scheduled = false;
      void sync();
    });
  }

  return {
    receive,
    press,
    addBoard(board) {
      boards.add(board);
      scheduleSync();
      return () => {
        boards.delete(board);
      };
    },
    list: (options) => proposals.list(options),
    job,
    sync,
    async idle() {
      while (scheduled || syncing) {
        if (syncing) await syncing;
        else await new Promise<void>((resolve) => setImmediate(resolve));
      }
    },
  };
}
