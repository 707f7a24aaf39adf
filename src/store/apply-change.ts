// The one write: everything a Change asks for, in the caller's transaction. It runs in its own savepoint
// too, so a caller that catches the error is not left with half a change.

import type { Applied, Change, IncidentPatch, NewIncident } from '../bot/ports.js';
import type { AuditEntry, Delivery, DeliveryAction, Incident } from '../bot/types.js';
import type { Statements } from './statements.js';

type IncidentFields = Omit<Incident, 'id' | 'components'>;

const incidentRow = (incident: IncidentFields) => ({
  kind: incident.kind,
  status: incident.status,
  title: incident.title,
  tags: JSON.stringify(incident.tags),
  impact: incident.impact,
  openedAt: incident.openedAt,
  closedAt: incident.closedAt,
  startsAt: incident.startsAt,
  endsAt: incident.endsAt,
  lastNumber: incident.lastNumber,
});

/** The patch without the keys it leaves alone (absent, or present as undefined). */
const givenFields = (patch: IncidentPatch): IncidentPatch =>
  Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined));

export function applyChange(
  s: Statements,
  loadIncident: (id: number) => Incident | undefined,
  change: Change,
): Applied {
  const at = change.audit.at;
  const { id: incidentId, lastNumber } =
    'create' in change.incident
      ? createIncident(s, change.incident.create)
      : patchIncident(s, loadIncident, change.incident);

  let newPostId: number | null = null;
  if (change.post) {
    const post = change.post;
    newPostId = Number(
      s.insertPost.run({
        incidentId,
        number: post.number,
        title: post.title,
        text: post.text,
        tags: JSON.stringify(post.tags),
        author: post.author,
        publishedAt: post.publishedAt,
        eventAt: post.eventAt,
        state: post.state,
        nextUpdateAt: post.nextUpdateAt ?? null,
      }).lastInsertRowid,
    );
    // The incident row just written usually carries the post's number already: no second UPDATE then.
    if (lastNumber < post.number) s.bumpLastNumber.run(post.number, incidentId);
  }

  let editId: number | null = null;
  if (change.edit) {
    const { postId, text, author, at: editedAt } = change.edit;
    checkBelongs(s, postId, incidentId);
    editId = Number(s.insertEdit.run(postId, text, author, editedAt).lastInsertRowid);
  }

  if (change.retract) {
    const { postId, reason, author, at: retractedAt } = change.retract;
    checkBelongs(s, postId, incidentId);
    if (s.retractPost.run({ postId, at: retractedAt, author, reason }).changes !== 1) {
      throw new Error(`apply: post ${postId} is already retracted`);
    }
  }

  for (const component of change.components) s.upsertComponent.run({ ...component, at });

  const deliveries: Delivery[] = [];
  const requestId = change.requestId ?? null;
  const queue = (post: number, outlet: string, action: DeliveryAction, edit: number | null) => {
    const id = s.insertDelivery.run({
      postId: post,
      outlet,
      action,
      editId: edit,
      at,
      requestId,
    }).lastInsertRowid;
    // The row as the INSERT above wrote it (reading it back with RETURNING cost a tenth of a command).
    deliveries.push({
      id: Number(id),
      postId: post,
      outlet,
      action,
      editId: edit,
      status: 'pending',
      attempts: 0,
      remoteId: null,
      remoteUrl: null,
      lastError: null,
      nextAttemptAt: at,
      createdAt: at,
      sentAt: null,
      requestId,
    });
  };
  for (const outlet of change.outlets) {
    if (newPostId !== null) queue(newPostId, outlet, 'publish', null);
    if (change.edit && editId !== null) queue(change.edit.postId, outlet, 'edit', editId);
    if (change.retract) queue(change.retract.postId, outlet, 'retract', null);
  }

  const postId = newPostId ?? change.edit?.postId ?? change.retract?.postId ?? null;

  insertAudit(s, { ...change.audit, incidentId, postId });

  return { incidentId, postId, editId, deliveries };
}

function patchIncident(
  s: Statements,
  loadIncident: (id: number) => Incident | undefined,
  { id, patch }: { id: number; patch: IncidentPatch },
): { id: number; lastNumber: number } {
  const current = loadIncident(id);
  if (!current) throw new Error(`apply: incident ${id} does not exist`);
  const next = { ...current, ...givenFields(patch) };
  s.updateIncident.run({ id, ...incidentRow(next) });
  if (patch.components !== undefined) setComponents(s, id, next.components);
  return { id, lastNumber: next.lastNumber };
}

function createIncident(s: Statements, incident: NewIncident): { id: number; lastNumber: number } {
  const id = Number(s.insertIncident.run(incidentRow(incident)).lastInsertRowid);
  setComponents(s, id, incident.components);
  return { id, lastNumber: incident.lastNumber };
}

function setComponents(s: Statements, incidentId: number, components: Incident['components']): void {
  s.clearComponentsOf.run(incidentId);
  for (const { system, service } of components) s.insertComponentOf.run(incidentId, system, service);
}

function checkBelongs(s: Statements, postId: number, incidentId: number): void {
  const row = s.postById.get(postId) as { incident_id?: unknown } | undefined;
  if (!row) throw new Error(`apply: post ${postId} does not exist`);
  if (row.incident_id !== incidentId) {
    throw new Error(
      `apply: post ${postId} belongs to incident ${String(row.incident_id)}, not ${incidentId}`,
    );
  }
}

/** Writes one audit row: who did what, from where, when. */
export function insertAudit(s: Statements, entry: AuditEntry): void {
  const { actor } = entry;
  s.insertAudit.run({
    at: entry.at,
    platform: actor.platform,
    actorId: actor.id,
    actorName: actor.name,
    channel: actor.channel ?? null,
    guild: actor.guild ?? null,
    text: entry.text,
    result: entry.result,
    code: entry.code,
    incidentId: entry.incidentId ?? null,
    postId: entry.postId ?? null,
  });
}
