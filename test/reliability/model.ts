// A small reference model of what Herald publishes: incidents (outages, notices, maintenance and its
// phases), the state of each component, the numbering of posts, the clock and what is public. It knows
// nothing of Herald's code: it is the rules of docs/maintenance.md and docs/contract.md written again as
// plainly as possible, so that test/reliability/model.test.ts can drive Herald and this side by side.

export type State = 'operational' | 'degraded' | 'down' | 'maintenance';
export type Status = 'open' | 'resolved' | 'scheduled' | 'in_progress' | 'completed' | 'cancelled';
export type Kind = 'outage' | 'maintenance' | 'notice';

export const MINUTE = 60_000;
/** The shipped configuration's reminders are 24 h and 1 h before the start; sequences span hours. */
export const REMINDERS_MS = [24 * 60 * MINUTE, 60 * MINUTE] as const;

export interface ModelPost {
  number: number;
  author: 'ops' | 'Herald';
  eventAt: number | null;
  retracted: boolean;
}

export interface ModelIncident {
  id: number;
  kind: Kind;
  status: Status;
  components: string[];
  /** An outage's own state for each of its components (down, degraded, or back: operational). */
  parts: Map<string, State>;
  openedAt: number;
  closedAt: number | null;
  startsAt: number | null;
  endsAt: number | null;
  posts: ModelPost[];
  /** The scheduler's steps recorded for it (reminder-1h, start, end-prompt), with what became of each. */
  steps: Map<string, 'posted' | 'skipped' | 'prompted'>;
}

export type Prediction = { ok: true } | { ok: false; code: string };

const SEVERITY: Record<State, number> = { operational: 0, maintenance: 1, degraded: 2, down: 3 };
const ACTIVE: ReadonlySet<Status> = new Set(['open', 'scheduled', 'in_progress']);
const refused = (code: string): Prediction => ({ ok: false, code });
const OK: Prediction = { ok: true };

export class StatusModel {
  now: number;
  incidents: ModelIncident[] = [];

  constructor(now: number) {
    this.now = now;
  }

  incident(id: number): ModelIncident | undefined {
    return this.incidents[id - 1];
  }

  private running(component: string, except: number | null = null): ModelIncident[] {
    return this.incidents.filter(
      (i) =>
        i.kind === 'maintenance' &&
        i.status === 'in_progress' &&
        i.id !== except &&
        i.components.includes(component),
    );
  }

  private openOutage(component: string): ModelIncident | undefined {
    return this.incidents.find(
      (i) => i.kind === 'outage' && i.status === 'open' && i.components.includes(component),
    );
  }

  /** What a component shows: its open outage's state if worse than maintenance, else maintenance if one runs. */
  stateOf(component: string): State {
    const part = this.openOutage(component)?.parts.get(component) ?? 'operational';
    const maintained = this.running(component).length > 0;
    return maintained && SEVERITY[part] < SEVERITY.maintenance ? 'maintenance' : part;
  }

  /** Every component not operational, `system/service` → state. */
  states(components: readonly string[]): Record<string, State> {
    const out: Record<string, State> = {};
    for (const c of components) {
      const s = this.stateOf(c);
      if (s !== 'operational') out[c] = s;
    }
    return out;
  }

  private create(
    fields: Pick<ModelIncident, 'kind' | 'status' | 'components' | 'openedAt' | 'closedAt'> &
      Partial<Pick<ModelIncident, 'startsAt' | 'endsAt'>>,
    eventAt: number | null,
  ): ModelIncident {
    const incident: ModelIncident = {
      id: this.incidents.length + 1,
      parts: new Map(),
      startsAt: null,
      endsAt: null,
      posts: [{ number: 1, author: 'ops', eventAt, retracted: false }],
      steps: new Map(),
      ...fields,
    };
    this.incidents.push(incident);
    return incident;
  }

  private post(incident: ModelIncident, author: 'ops' | 'Herald', eventAt: number | null): void {
    incident.posts.push({ number: incident.posts.length + 1, author, eventAt, retracted: false });
  }

  /** The earliest a post's --at (or a close) may be: its opening, or the start of a maintenance in progress. */
  private earliest(i: ModelIncident): number {
    return i.kind === 'maintenance' && i.status === 'in_progress' && i.startsAt !== null
      ? i.startsAt
      : i.openedAt;
  }

  /** `<system> <service> down|degraded|up "…" [--at]`: one component. */
  change(component: string, state: 'down' | 'degraded' | 'operational', at: number | null): Prediction {
    const when = at ?? this.now;
    const outage = this.openOutage(component);
    if (state !== 'operational') {
      if (outage) {
        if (at !== null && at < this.earliest(outage)) return refused('before_open');
        outage.parts.set(component, state);
        this.post(outage, 'ops', at);
        return OK;
      }
      const created = this.create(
        { kind: 'outage', status: 'open', components: [component], openedAt: when, closedAt: null },
        at,
      );
      created.parts.set(component, state);
      return OK;
    }
    if (outage) {
      if (at !== null && at < this.earliest(outage)) return refused('before_open');
      outage.parts.set(component, 'operational');
      this.post(outage, 'ops', at);
      if ([...outage.parts.values()].every((s) => s === 'operational')) {
        outage.status = 'resolved';
        outage.closedAt = when;
      }
      return OK;
    }
    const running = this.running(component);
    if (running.length > 1) return refused('ambiguous_incident');
    const [maintenance] = running;
    if (maintenance) {
      if (at !== null && at < this.earliest(maintenance)) return refused('before_open');
      this.post(maintenance, 'ops', at);
      maintenance.status = 'completed';
      maintenance.closedAt = when;
      return OK;
    }
    this.create(
      { kind: 'outage', status: 'resolved', components: [component], openedAt: when, closedAt: when },
      at,
    );
    return OK;
  }

  /** The checks `update`, `resolve` and `cancel` share: the incident exists and is still active. */
  private activeIncident(id: number): ModelIncident | Prediction {
    const incident = this.incident(id);
    if (!incident) return refused('unknown_incident');
    return incident;
  }

  update(id: number, at: number | null): Prediction {
    const incident = this.activeIncident(id);
    if (!('id' in incident)) return incident;
    if (!ACTIVE.has(incident.status)) return refused('incident_closed');
    if (at !== null && at < this.earliest(incident)) return refused('before_open');
    this.post(incident, 'ops', at);
    return OK;
  }

  resolve(id: number, at: number | null): Prediction {
    const incident = this.activeIncident(id);
    if (!('id' in incident)) return incident;
    if (!ACTIVE.has(incident.status)) return refused('incident_closed');
    if (incident.kind === 'maintenance' && incident.status === 'scheduled') return refused('not_started');
    if (at !== null && at < this.earliest(incident)) return refused('before_open');
    this.post(incident, 'ops', at);
    incident.status = incident.kind === 'maintenance' ? 'completed' : 'resolved';
    incident.closedAt = at ?? this.now;
    for (const c of incident.components) incident.parts.set(c, 'operational');
    return OK;
  }

  cancel(id: number): Prediction {
    const incident = this.activeIncident(id);
    if (!('id' in incident)) return incident;
    if (incident.kind !== 'maintenance') return refused('not_maintenance');
    if (!ACTIVE.has(incident.status)) return refused('incident_closed');
    this.post(incident, 'ops', null);
    incident.status = 'cancelled';
    incident.closedAt = this.now;
    return OK;
  }

  maintenance(component: string, start: number, end: number | null): Prediction {
    if (end !== null && end <= start) return refused('end_before_start');
    const started = start <= this.now;
    if (started && this.running(component).length > 0) return refused('ambiguous_incident');
    this.create(
      {
        kind: 'maintenance',
        status: started ? 'in_progress' : 'scheduled',
        components: [component],
        openedAt: this.now,
        closedAt: null,
        startsAt: start,
        endsAt: end,
      },
      null,
    );
    return OK;
  }

  notice(at: number | null): Prediction {
    this.create(
      { kind: 'notice', status: 'open', components: [], openedAt: at ?? this.now, closedAt: null },
      at,
    );
    return OK;
  }

  private findPost(id: number, number: number): ModelPost | Prediction {
    const post = this.incident(id)?.posts[number - 1];
    if (!post) return refused('unknown_post');
    if (post.retracted) return refused('post_retracted');
    return post;
  }

  edit(id: number, number: number): Prediction {
    const post = this.findPost(id, number);
    return 'number' in post ? OK : post;
  }

  retract(id: number, number: number): Prediction {
    const post = this.findPost(id, number);
    if (!('number' in post)) return post;
    const incident = this.incident(id);
    if (incident?.kind === 'maintenance' && number === 1 && ACTIVE.has(incident.status)) {
      return refused('cancel_first');
    }
    post.retracted = true;
    return OK;
  }

  /** What the scheduler does at `now`: each active maintenance's due steps, oldest maintenance first. */
  runDue(): void {
    for (const incident of this.incidents) {
      if (incident.kind !== 'maintenance') continue;
      for (;;) {
        if (incident.status !== 'scheduled' && incident.status !== 'in_progress') break;
        const step = this.plannedSteps(incident).find((s) => !incident.steps.has(s.key));
        if (!step || step.dueAt > this.now) break;
        incident.steps.set(step.key, this.doStep(incident, step));
      }
    }
  }

  private plannedSteps(i: ModelIncident): Array<{ key: string; kind: string; dueAt: number }> {
    const start = i.startsAt ?? 0;
    const steps: Array<{ key: string; kind: string; dueAt: number; order: number }> = [];
    for (const before of REMINDERS_MS) {
      const key = `reminder-${before / (60 * MINUTE)}h`;
      if (start - before > i.openedAt) steps.push({ key, kind: 'reminder', dueAt: start - before, order: 0 });
    }
    if (start > i.openedAt) steps.push({ key: 'start', kind: 'start', dueAt: start, order: 1 });
    if (i.endsAt !== null) steps.push({ key: 'end-prompt', kind: 'end-prompt', dueAt: i.endsAt, order: 2 });
    return steps.sort((a, b) => a.dueAt - b.dueAt || a.order - b.order);
  }

  private doStep(
    i: ModelIncident,
    step: { key: string; kind: string; dueAt: number },
  ): 'posted' | 'skipped' | 'prompted' {
    const start = i.startsAt ?? 0;
    switch (step.kind) {
      case 'reminder': {
        if (i.status !== 'scheduled' || this.now >= start) return 'skipped';
        const later = this.plannedSteps(i).some(
          (s) => s.kind === 'reminder' && s.key !== step.key && !i.steps.has(s.key) && s.dueAt <= this.now,
        );
        if (later) return 'skipped';
        this.post(i, 'Herald', null);
        return 'posted';
      }
      case 'start':
        if (i.status !== 'scheduled') return 'skipped';
        i.status = 'in_progress';
        this.post(i, 'Herald', start);
        return 'posted';
      default:
        return i.status === 'in_progress' ? 'prompted' : 'skipped';
    }
  }
}
