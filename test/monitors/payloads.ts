// Requests as the monitors send them: Alertmanager's webhook payload (version 4, as notify/webhook builds
// it), and the generic hook's body signed with the `standardwebhooks` package, as a sender would sign it.
import { randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { HOOK } from './world.js';

export interface TestAlert {
  labels: Record<string, string>;
  annotations?: Record<string, string>;
  status?: 'firing' | 'resolved';
  startsAt?: string;
  fingerprint?: string;
}

/** Alertmanager's webhook body for one group. */
export function alertmanagerBody(options: {
  groupKey: string;
  status?: 'firing' | 'resolved';
  alerts: TestAlert[];
  truncatedAlerts?: number;
}): string {
  const alerts = options.alerts.map((a, i) => ({
    status: a.status ?? options.status ?? 'firing',
    labels: a.labels,
    annotations: a.annotations ?? {},
    startsAt: a.startsAt ?? '2026-12-03T21:39:00.000Z',
    endsAt: '0001-01-01T00:00:00Z',
    generatorURL: 'http://prometheus.example:9090/graph',
    fingerprint: a.fingerprint ?? `fp${String(i).padStart(14, '0')}`,
  }));
  return JSON.stringify({
    receiver: 'herald',
    status: options.status ?? 'firing',
    alerts,
    groupLabels: { alertname: alerts[0]?.labels.alertname ?? '' },
    commonLabels: {},
    commonAnnotations: {},
    externalURL: 'http://alertmanager.example:9093',
    version: '4',
    groupKey: options.groupKey,
    truncatedAlerts: options.truncatedAlerts ?? 0,
  });
}

export const bearer = (token: string = HOOK.alertmanagerToken) => `Bearer ${token}`;
export const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

export async function postAlertmanager(
  url: string,
  body: string,
  authorization: string | null = bearer(),
): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${url}/hooks/alertmanager`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
    body,
  });
  return { status: res.status, json: (await res.json().catch(() => ({}))) as Record<string, unknown> };
}

/** The headers Standard Webhooks puts on a signed request. */
export function signed(
  body: string,
  options: { secret?: string; id?: string; at?: Date } = {},
): Record<string, string> {
  const id = options.id ?? `msg_${randomUUID()}`;
  const at = options.at ?? new Date();
  const signature = new Webhook(options.secret ?? HOOK.statusHookSecret).sign(id, at, body);
  return {
    'content-type': 'application/json',
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': signature,
  };
}

export async function postStatus(
  url: string,
  body: string,
  headers: Record<string, string>,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${url}/hooks/status`, { method: 'POST', headers, body });
  return { status: res.status, json: (await res.json().catch(() => ({}))) as Record<string, unknown> };
}
