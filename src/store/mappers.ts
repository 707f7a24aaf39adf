// One row → domain mapper per table.

import type {
  AuditEntry,
  Component,
  ComponentKey,
  Delivery,
  DeliveryAction,
  DeliveryStatus,
  Incident,
  IncidentKind,
  IncidentStatus,
  Platform,
  Post,
  PostEdit,
} from '../bot/types.js';
import { COMPONENT_STATES } from '../bot/types.js';
import { readRow } from './rows.js';

const KINDS: readonly IncidentKind[] = ['outage', 'maintenance', 'notice'];
const STATUSES: readonly IncidentStatus[] = [
  'open',
  'resolved',
  'scheduled',
  'in_progress',
  'completed',
  'cancelled',
];
export const PLATFORMS: readonly Platform[] = ['shell', 'slack', 'discord', 'herald'];
const ACTIONS: readonly DeliveryAction[] = ['publish', 'edit', 'retract'];
const DELIVERY_STATUSES: readonly DeliveryStatus[] = ['pending', 'sent', 'failed'];
const RESULTS: readonly AuditEntry['result'][] = ['ok', 'refused', 'error'];

export function toComponent(value: unknown): Component {
  const r = readRow('components', value);
  return {
    system: r.text('system'),
    service: r.text('service'),
    state: r.oneOf('state', COMPONENT_STATES),
    since: r.int('since'),
  };
}

export function toComponentKey(value: unknown): ComponentKey {
  const r = readRow('incident_components', value);
  return { system: r.text('system'), service: r.text('service') };
}

export function toIncident(value: unknown, components: ComponentKey[]): Incident {
  const r = readRow('incidents', value);
  return {
    id: r.int('id'),
    kind: r.oneOf('kind', KINDS),
    status: r.oneOf('status', STATUSES),
    title: r.text('title'),
    tags: r.strings('tags'),
    components,
    impact: r.oneOfOrNull('impact', COMPONENT_STATES),
    openedAt: r.int('opened_at'),
    closedAt: r.intOrNull('closed_at'),
    startsAt: r.intOrNull('starts_at'),
    endsAt: r.intOrNull('ends_at'),
    lastNumber: r.int('last_number'),
  };
}

export function toPostEdit(value: unknown): PostEdit {
  const r = readRow('post_edits', value);
  return { id: r.int('id'), text: r.text('text'), editedAt: r.int('edited_at'), author: r.text('author') };
}

export function toPost(value: unknown, edits: PostEdit[]): Post {
  const r = readRow('posts', value);
  const nextUpdateAt = r.intOrNull('next_update_at');
  return {
    id: r.int('id'),
    incidentId: r.int('incident_id'),
    number: r.int('number'),
    title: r.text('title'),
    text: r.text('text'),
    tags: r.strings('tags'),
    author: r.text('author'),
    publishedAt: r.int('published_at'),
    eventAt: r.intOrNull('event_at'),
    state: r.oneOfOrNull('state', COMPONENT_STATES),
    ...(nextUpdateAt === null ? {} : { nextUpdateAt }),
    edits,
    retractedAt: r.intOrNull('retracted_at'),
    retractReason: r.textOrNull('retract_reason'),
  };
}

export function toDelivery(value: unknown): Delivery {
  const r = readRow('deliveries', value);
  return {
    id: r.int('id'),
    postId: r.int('post_id'),
    outlet: r.text('outlet'),
    action: r.oneOf('action', ACTIONS),
    editId: r.intOrNull('edit_id'),
    status: r.oneOf('status', DELIVERY_STATUSES),
    attempts: r.int('attempts'),
    remoteId: r.textOrNull('remote_id'),
    remoteUrl: r.textOrNull('remote_url'),
    lastError: r.textOrNull('last_error'),
    nextAttemptAt: r.intOrNull('next_attempt_at'),
    createdAt: r.int('created_at'),
    sentAt: r.intOrNull('sent_at'),
    requestId: r.textOrNull('request_id'),
  };
}

export function toAuditEntry(value: unknown): AuditEntry {
  const r = readRow('audit', value);
  const channel = r.textOrNull('channel');
  const guild = r.textOrNull('guild');
  return {
    at: r.int('at'),
    actor: {
      platform: r.oneOf('platform', PLATFORMS),
      id: r.text('actor_id'),
      name: r.text('actor_name'),
      ...(channel === null ? {} : { channel }),
      ...(guild === null ? {} : { guild }),
    },
    text: r.text('text'),
    result: r.oneOf('result', RESULTS),
    code: r.text('code'),
    incidentId: r.intOrNull('incident_id'),
    postId: r.intOrNull('post_id'),
  };
}
