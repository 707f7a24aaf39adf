// The contract of the Store port. Every implementation (SQLite on a file, SQLite in memory, any fake a
// test writes) runs this same suite, so none can drift from the others.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Change, NewIncident, NewPost, Store } from '../../src/bot/ports.js';
import type { Actor, ComponentKey, ComponentState } from '../../src/bot/types.js';

export interface StoreFixture {
  store: Store;
  cleanup(): void;
  /** Optional: the whole backing storage as text, to compare more than the port can see. */
  dump?(): string;
}

const T0 = Date.UTC(2013, 9, 29, 8, 57, 36);
const minutes = (n: number) => T0 + n * 60_000;

const ada: Actor = { platform: 'slack', id: 'U01ADA', name: 'Ada', channel: 'C0STATUS' };
const bob: Actor = { platform: 'shell', id: 'bob', name: 'Bob' };
const smtp: ComponentKey = { system: 'nc018', service: 'smtp' };
const imap: ComponentKey = { system: 'nc018', service: 'imap' };
const outlets = ['site', 'twitter'];

function post(number: number, at: number, overrides: Partial<NewPost> = {}): NewPost {
  return {
    number,
    title: number === 1 ? 'NC018 SMTP down' : `NC018 SMTP down: Update ${number}`,
    text: `Message ${number}`,
    tags: ['email'],
    author: 'Ada',
    publishedAt: at,
    eventAt: at - 60_000,
    state: 'down',
    ...overrides,
  };
}

function audit(at: number, code: Change['kind'], actor: Actor = ada): Change['audit'] {
  return { at, actor, text: `/status ${code} ...`, result: 'ok', code };
}

function opening(at: number, overrides: Partial<NewIncident> = {}, components = [smtp]): Change {
  const incident: NewIncident = {
    kind: 'outage',
    status: 'open',
    title: 'NC018 SMTP down',
    tags: ['email'],
    components,
    impact: 'down',
    openedAt: at,
    closedAt: null,
    startsAt: null,
    endsAt: null,
    lastNumber: 0,
    ...overrides,
  };
  return {
    kind: 'change',
    incident: { create: incident },
    post: post(1, at, { title: incident.title }),
    edit: null,
    retract: null,
    components: components.map((key) => ({ ...key, state: incident.impact ?? 'down' })),
    outlets,
    audit: audit(at, 'change'),
  };
}

function update(incidentId: number, number: number, at: number, overrides: Partial<Change> = {}): Change {
  return {
    kind: 'update',
    incident: { id: incidentId, patch: {} },
    post: post(number, at),
    edit: null,
    retract: null,
    components: [],
    outlets,
    audit: audit(at, 'update'),
    ...overrides,
  };
}

function noPost(incidentId: number, at: number, overrides: Partial<Change>): Change {
  return { ...update(incidentId, 0, at), post: null, ...overrides };
}

/** Everything the port can show, in one comparable value. */
function snapshot(store: Store) {
  const incidents = store.incidents();
  const posts = incidents.flatMap((incident) => store.postsOf(incident.id));
  return {
    components: store.components(),
    incidents,
    posts,
    deliveries: store.deliveries(),
    audit: store.audit(),
  };
}

const setState = (at: number, components: Array<ComponentKey & { state: ComponentState }>, id: number) =>
  noPost(id, at, { components, outlets: [] });

export function describeStoreContract(name: string, makeStore: () => StoreFixture): void {
  describe(`Store contract: ${name}`, () => {
    let fixture: StoreFixture;
    let store: Store;
    const apply = (change: Change) => store.transact((repo) => repo.apply(change));

    beforeEach(() => {
      fixture = makeStore();
      store = fixture.store;
    });
    afterEach(() => fixture.cleanup());

    it('starts empty and answers unknown ids with undefined', () => {
      expect(snapshot(store)).toEqual({
        components: [],
        incidents: [],
        posts: [],
        deliveries: [],
        audit: [],
      });
      expect(store.activeIncidents()).toEqual([]);
      expect(store.incident(1)).toBeUndefined();
      expect(store.post(1, 1)).toBeUndefined();
      expect(store.postById(1)).toBeUndefined();
      expect(store.recentPosts(10)).toEqual([]);
      expect(store.deliveriesOf(1)).toEqual([]);
    });

    it('creates an outage with its post, deliveries and audit row, and reads all of it back exactly', () => {
      const change = opening(T0, {}, [smtp, imap]);
      const applied = apply(change);

      const create = (change.incident as { create: NewIncident }).create;
      const incident = { ...create, id: applied.incidentId, lastNumber: 1 };
      expect(store.incident(applied.incidentId)).toEqual(incident);
      expect(store.activeIncidents()).toEqual([incident]);
      expect(store.incidents()).toEqual([incident]);

      expect(applied.postId).not.toBeNull();
      expect(applied.editId).toBeNull();
      const postId = applied.postId ?? -1;
      const expectedPost = {
        ...change.post,
        id: postId,
        incidentId: applied.incidentId,
        edits: [],
        retractedAt: null,
        retractReason: null,
      };
      expect(store.post(applied.incidentId, 1)).toEqual(expectedPost);
      expect(store.postById(postId)).toEqual(expectedPost);
      expect(store.postsOf(applied.incidentId)).toEqual([expectedPost]);
      expect(store.recentPosts(5)).toEqual([expectedPost]);

      expect(applied.deliveries).toEqual(
        outlets.map((outlet) => ({
          id: expect.any(Number),
          postId,
          outlet,
          action: 'publish',
          editId: null,
          status: 'pending',
          attempts: 0,
          remoteId: null,
          remoteUrl: null,
          lastError: null,
          nextAttemptAt: T0,
          createdAt: T0,
          sentAt: null,
          requestId: null,
        })),
      );
      expect(new Set(applied.deliveries.map((delivery) => delivery.id)).size).toBe(outlets.length);
      expect(store.deliveriesOf(postId)).toEqual(applied.deliveries);
      expect(store.deliveries()).toEqual(applied.deliveries);

      expect(store.components()).toEqual([
        { ...imap, state: 'down', since: T0 },
        { ...smtp, state: 'down', since: T0 },
      ]);
      expect(store.audit()).toEqual([{ ...change.audit, incidentId: applied.incidentId, postId }]);
    });

    it('round-trips a maintenance with nulls, an empty tag list and no state', () => {
      const start = minutes(600);
      const change = opening(T0, {
        kind: 'maintenance',
        status: 'scheduled',
        title: 'NC018 kernel upgrade',
        tags: [],
        impact: 'maintenance',
        startsAt: start,
        endsAt: start + 3_600_000,
      });
      const quiet = {
        ...change,
        post: post(1, T0, { eventAt: null, state: null, tags: [] }),
        components: [],
      };
      const applied = apply({ ...quiet, audit: audit(T0, 'maintenance', bob) });
      expect(store.incident(applied.incidentId)).toMatchObject({
        kind: 'maintenance',
        status: 'scheduled',
        tags: [],
        impact: 'maintenance',
        startsAt: start,
        endsAt: start + 3_600_000,
        closedAt: null,
      });
      expect(store.post(applied.incidentId, 1)).toMatchObject({ eventAt: null, state: null, tags: [] });
      expect(store.audit()).toEqual([
        { ...audit(T0, 'maintenance', bob), incidentId: applied.incidentId, postId: applied.postId },
      ]);
    });

    it('numbers an update after the last post and bumps the incident', () => {
      const { incidentId } = apply(opening(T0));
      const applied = apply(update(incidentId, 2, minutes(10)));
      expect(store.incident(incidentId)?.lastNumber).toBe(2);
      expect(store.postsOf(incidentId).map((p) => p.number)).toEqual([1, 2]);
      expect(store.post(incidentId, 2)?.id).toBe(applied.postId);
      expect(applied.deliveries.map((d) => [d.postId, d.outlet, d.action])).toEqual([
        [applied.postId, 'site', 'publish'],
        [applied.postId, 'twitter', 'publish'],
      ]);
      // A numbering carried over from before Herald (--number 14) moves lastNumber with it.
      apply(update(incidentId, 14, minutes(20)));
      expect(store.incident(incidentId)?.lastNumber).toBe(14);
    });

    it('patches only the given fields, and a components patch replaces the set', () => {
      const { incidentId } = apply(opening(T0, {}, [smtp, imap]));
      const before = store.incident(incidentId);
      apply(
        update(incidentId, 2, minutes(30), {
          kind: 'resolve',
          incident: {
            id: incidentId,
            patch: { status: 'resolved', closedAt: minutes(30), impact: undefined },
          },
        }),
      );
      expect(store.incident(incidentId)).toEqual({
        ...before,
        status: 'resolved',
        closedAt: minutes(30),
        lastNumber: 2,
      });
      apply(noPost(incidentId, minutes(31), { incident: { id: incidentId, patch: { components: [imap] } } }));
      expect(store.incident(incidentId)?.components).toEqual([imap]);
      expect(store.incident(incidentId)?.title).toBe(before?.title);
    });

    it('rolls back the whole transaction when a post number is taken', () => {
      const { incidentId } = apply(opening(T0));
      const before = snapshot(store);
      const dumped = fixture.dump?.();

      expect(() =>
        store.transact((repo) => {
          repo.apply(opening(minutes(1), { title: 'NC026 web down' }, [{ system: 'nc026', service: 'web' }]));
          repo.apply(
            update(incidentId, 1, minutes(2), {
              incident: { id: incidentId, patch: { status: 'resolved', closedAt: minutes(2) } },
              components: [{ ...smtp, state: 'operational' }],
            }),
          );
        }),
      ).toThrow();

      expect(snapshot(store)).toEqual(before);
      if (dumped !== undefined) expect(fixture.dump?.()).toBe(dumped);
      // Still usable afterwards, and numbering continues where it was.
      expect(apply(update(incidentId, 2, minutes(3))).postId).not.toBeNull();
      expect(store.postsOf(incidentId).map((p) => p.number)).toEqual([1, 2]);
    });

    it('leaves nothing behind when the transaction function throws after apply', () => {
      apply(opening(T0));
      const before = snapshot(store);
      const dumped = fixture.dump?.();
      expect(() =>
        store.transact((repo) => {
          const applied = repo.apply(opening(minutes(5), {}, [imap]));
          expect(repo.incident(applied.incidentId)?.components).toEqual([imap]);
          throw new Error('half-way');
        }),
      ).toThrow('half-way');
      expect(snapshot(store)).toEqual(before);
      if (dumped !== undefined) expect(fixture.dump?.()).toBe(dumped);
    });

    it('returns what the transaction function returns, and its reads see its own writes', () => {
      const result = store.transact((repo) => {
        const applied = repo.apply(opening(T0));
        return { applied, active: repo.activeIncidents(), components: repo.components() };
      });
      expect(result.active.map((incident) => incident.id)).toEqual([result.applied.incidentId]);
      expect(result.components).toEqual([{ ...smtp, state: 'down', since: T0 }]);
    });

    it('keeps corrections and a retraction beside the original text, each with its deliveries', () => {
      const { incidentId, postId } = apply(opening(T0));
      const original = store.postById(postId ?? -1);
      const target = postId ?? -1;

      const first = apply(
        noPost(incidentId, minutes(5), {
          kind: 'edit',
          edit: { postId: target, text: 'SMTP on NC018 is down', author: 'Bob', at: minutes(5) },
          audit: audit(minutes(5), 'edit', bob),
        }),
      );
      const second = apply(
        noPost(incidentId, minutes(6), {
          kind: 'edit',
          edit: { postId: target, text: 'SMTP and relay on NC018 are down', author: 'Ada', at: minutes(6) },
          audit: audit(minutes(6), 'edit'),
        }),
      );
      expect(first.postId).toBe(target);
      expect(first.editId).not.toBeNull();
      expect(second.editId).not.toBe(first.editId);
      expect(first.deliveries.map((d) => [d.postId, d.outlet, d.action, d.editId])).toEqual([
        [target, 'site', 'edit', first.editId],
        [target, 'twitter', 'edit', first.editId],
      ]);
      expect(store.postById(target)).toEqual({
        ...original,
        edits: [
          { id: first.editId, text: 'SMTP on NC018 is down', author: 'Bob', editedAt: minutes(5) },
          {
            id: second.editId,
            text: 'SMTP and relay on NC018 are down',
            author: 'Ada',
            editedAt: minutes(6),
          },
        ],
      });

      const retracted = apply(
        noPost(incidentId, minutes(7), {
          kind: 'retract',
          retract: { postId: target, reason: 'wrong server', author: 'Ada', at: minutes(7) },
          audit: audit(minutes(7), 'retract'),
        }),
      );
      expect(retracted).toMatchObject({ incidentId, postId: target, editId: null });
      expect(retracted.deliveries.map((d) => [d.outlet, d.action, d.editId])).toEqual([
        ['site', 'retract', null],
        ['twitter', 'retract', null],
      ]);
      const after = store.post(incidentId, 1);
      expect(after).toMatchObject({
        text: original?.text,
        retractedAt: minutes(7),
        retractReason: 'wrong server',
      });
      expect(after?.edits).toHaveLength(2);
      expect(store.deliveriesOf(target).map((d) => d.action)).toEqual([
        'publish',
        'publish',
        'edit',
        'edit',
        'edit',
        'edit',
        'retract',
        'retract',
      ]);
      expect(store.audit().map((entry) => [entry.code, entry.postId])).toEqual([
        ['retract', target],
        ['edit', target],
        ['edit', target],
        ['change', target],
      ]);
    });

    it('upserts component states, keeping since while the state is unchanged', () => {
      const { incidentId } = apply(opening(T0));
      apply(setState(minutes(10), [{ ...smtp, state: 'degraded' }], incidentId));
      expect(store.components()).toEqual([{ ...smtp, state: 'degraded', since: minutes(10) }]);
      apply(
        setState(
          minutes(20),
          [
            { ...smtp, state: 'degraded' },
            { ...imap, state: 'maintenance' },
          ],
          incidentId,
        ),
      );
      expect(store.components()).toEqual([
        { ...imap, state: 'maintenance', since: minutes(20) },
        { ...smtp, state: 'degraded', since: minutes(10) },
      ]);
      apply(setState(minutes(30), [{ ...smtp, state: 'operational' }], incidentId));
      expect(store.components()).toContainEqual({ ...smtp, state: 'operational', since: minutes(30) });
      expect(store.components()).toHaveLength(2);
    });

    it('lists active incidents oldest first, without resolved or completed ones', () => {
      const outage = apply(opening(T0)).incidentId;
      const maintenance = apply(
        opening(minutes(1), { kind: 'maintenance', status: 'scheduled', impact: 'maintenance' }, [imap]),
      ).incidentId;
      const notice = apply(opening(minutes(2), { kind: 'notice', impact: null }, [])).incidentId;
      const running = apply(
        opening(minutes(3), { kind: 'maintenance', status: 'in_progress', impact: 'maintenance' }, [imap]),
      ).incidentId;
      expect(store.activeIncidents().map((i) => i.id)).toEqual([outage, maintenance, notice, running]);

      apply(
        noPost(outage, minutes(4), { incident: { id: outage, patch: { status: 'resolved', closedAt: 1 } } }),
      );
      apply(
        noPost(running, minutes(5), {
          incident: { id: running, patch: { status: 'completed', closedAt: 2 } },
        }),
      );
      expect(store.activeIncidents().map((i) => i.id)).toEqual([maintenance, notice]);

      expect(store.incidents().map((i) => i.id)).toEqual([running, notice, maintenance, outage]);
      expect(store.incidents({ limit: 2 }).map((i) => i.id)).toEqual([running, notice]);
      expect(store.incidents({ status: ['resolved', 'completed'] }).map((i) => i.id)).toEqual([
        running,
        outage,
      ]);
      expect(store.incidents({ status: ['open'], limit: 1 }).map((i) => i.id)).toEqual([notice]);
      expect(store.incidents({ status: [] })).toEqual([]);
    });

    it('lists recent posts newest first by publish time, then by id', () => {
      const a = apply(opening(minutes(10))).incidentId;
      const b = apply(
        opening(minutes(5), { title: 'NC026 web down' }, [{ system: 'nc026', service: 'web' }]),
      );
      apply(update(a, 2, minutes(20)));
      // Published at the same instant as the update above: the later id comes first.
      apply(update(b.incidentId, 2, minutes(20)));
      // Recorded last, but its own publish time is older.
      apply(update(a, 3, minutes(1)));

      const key = (limit: number) => store.recentPosts(limit).map((p) => [p.incidentId, p.number]);
      expect(key(10)).toEqual([
        [b.incidentId, 2],
        [a, 2],
        [a, 1],
        [b.incidentId, 1],
        [a, 3],
      ]);
      expect(key(2)).toEqual([
        [b.incidentId, 2],
        [a, 2],
      ]);
      expect(store.postsOf(a).map((p) => p.number)).toEqual([1, 2, 3]);
    });

    it('filters deliveries by status, outlet and action', () => {
      const { incidentId, postId } = apply(opening(T0));
      apply(
        noPost(incidentId, minutes(1), {
          kind: 'edit',
          edit: { postId: postId ?? -1, text: 'fixed', author: 'Ada', at: minutes(1) },
          outlets: ['twitter'],
        }),
      );
      const all = store.deliveries();
      expect(all).toHaveLength(3);
      expect(store.deliveries({ status: 'pending' })).toEqual(all);
      expect(store.deliveries({ status: 'sent' })).toEqual([]);
      expect(store.deliveries({ status: 'failed' })).toEqual([]);
      expect(store.deliveries({ outlet: 'twitter' }).map((d) => d.action)).toEqual(['publish', 'edit']);
      expect(store.deliveries({ outlet: 'site' }).map((d) => d.action)).toEqual(['publish']);
      expect(store.deliveries({ action: 'edit' }).map((d) => d.outlet)).toEqual(['twitter']);
      expect(store.deliveries({ status: 'pending', outlet: 'twitter', action: 'publish' })).toHaveLength(1);
      expect(store.deliveries({ outlet: 'mastodon' })).toEqual([]);
    });

    it("stores the request id of the command with each of its deliveries, and reads it back after they're settled", () => {
      const opened = apply({ ...opening(T0), requestId: 'slack:trigger-1' });
      const { incidentId, postId } = opened;
      apply({
        ...noPost(incidentId, minutes(1), {
          kind: 'edit',
          edit: { postId: postId ?? -1, text: 'fixed', author: 'Ada', at: minutes(1) },
          outlets: ['twitter'],
        }),
        requestId: 'discord:2',
      });
      expect(opened.deliveries.map((d) => d.requestId)).toEqual(['slack:trigger-1', 'slack:trigger-1']);
      const [first] = opened.deliveries;
      store.outbox.settle([
        { id: first?.id ?? -1, status: 'sent', remoteId: null, remoteUrl: null, at: minutes(2) },
      ]);
      expect(store.deliveries().map((d) => [d.action, d.outlet, d.status, d.requestId])).toEqual([
        ['publish', 'site', 'sent', 'slack:trigger-1'],
        ['publish', 'twitter', 'pending', 'slack:trigger-1'],
        ['edit', 'twitter', 'pending', 'discord:2'],
      ]);
      expect(store.outbox.due(minutes(3)).map((d) => d.requestId)).toEqual(['slack:trigger-1', 'discord:2']);
    });

    it('lists the audit newest first, limited on request', () => {
      const { incidentId } = apply(opening(T0));
      apply(update(incidentId, 2, minutes(2)));
      apply({ ...update(incidentId, 3, minutes(1)), audit: audit(minutes(1), 'update', bob) });
      expect(store.audit().map((entry) => [entry.at, entry.actor.name])).toEqual([
        [minutes(2), 'Ada'],
        [minutes(1), 'Bob'],
        [T0, 'Ada'],
      ]);
      expect(store.audit(1)).toHaveLength(1);
    });

    it("records each of an incident's automatic steps once, in order, and a repeated one writes nothing", () => {
      const { incidentId, postId } = apply(opening(T0));
      const posted = {
        incidentId,
        key: 'reminder-24h',
        dueAt: T0,
        doneAt: minutes(1),
        outcome: 'posted' as const,
        postId,
        note: null,
      };
      const skipped = {
        ...posted,
        key: 'reminder-1h',
        outcome: 'skipped' as const,
        postId: null,
        note: 'late',
      };
      store.transact((repo) => {
        repo.recordStep(posted);
        repo.recordStep(skipped);
      });
      expect(store.steps(incidentId)).toEqual([posted, skipped]);
      expect(store.steps(incidentId + 1)).toEqual([]);
      expect(
        store.transact((repo) => [repo.step(incidentId, 'reminder-24h'), repo.step(incidentId, 'start')]),
      ).toEqual([posted, undefined]);
      const before = fixture.dump?.();
      expect(() =>
        store.transact((repo) => {
          repo.recordStep({ ...posted, key: 'start', postId: null, outcome: 'skipped' });
          repo.recordStep({ ...posted, doneAt: minutes(5) });
        }),
      ).toThrow();
      expect(store.steps(incidentId)).toEqual([posted, skipped]);
      expect(fixture.dump?.()).toBe(before);
    });

    it('queues a question with the step that asks it, to whoever opened the incident, and records each send', () => {
      const { incidentId } = apply(opening(T0));
      apply({ ...update(incidentId, 2, minutes(1)), audit: audit(minutes(1), 'update', bob) });
      expect(store.opener(incidentId)).toEqual(ada);
      expect(store.opener(incidentId + 1)).toBeUndefined();

      const ask = { incidentId, step: 'end-prompt', kind: 'maintenance-end' as const, createdAt: minutes(2) };
      // A question belongs to a recorded step.
      expect(() => store.transact((repo) => repo.queuePrompt({ ...ask, to: ada }))).toThrow();
      const queued = store.transact((repo) => {
        repo.recordStep({
          incidentId,
          key: 'end-prompt',
          dueAt: minutes(2),
          doneAt: minutes(2),
          outcome: 'prompted',
          postId: null,
          note: null,
        });
        return repo.queuePrompt({ ...ask, to: { platform: 'slack', id: ada.id, name: ada.name } });
      });
      const pending = {
        ...ask,
        id: queued.id,
        to: { platform: 'slack', id: ada.id, name: ada.name },
        status: 'pending',
        attempts: 0,
        lastError: null,
        sentAt: null,
      };
      expect(queued).toEqual(pending);
      expect(store.prompts.pending()).toEqual([pending]);

      store.prompts.settle(queued.id, { sent: false, error: 'Slack answered 500', final: false });
      expect(store.prompts.pending()).toEqual([{ ...pending, attempts: 1, lastError: 'Slack answered 500' }]);
      store.prompts.settle(queued.id, { sent: true, at: minutes(3) });
      expect(store.prompts.prompt(queued.id)).toEqual({
        ...pending,
        status: 'sent',
        attempts: 2,
        sentAt: minutes(3),
      });
      expect(store.prompts.pending()).toEqual([]);
      // Settled once: a late result changes nothing.
      store.prompts.settle(queued.id, { sent: false, error: 'late', final: true });
      expect(store.prompts.prompt(queued.id)?.status).toBe('sent');
      expect(store.prompts.prompt(queued.id + 1)).toBeUndefined();
    });
  });
}
