// The JSON body of a subscriber's webhook (docs/subscribers.md documents it with an example), in the
// Standard Webhooks shape: { type, timestamp, data }. Fields are only ever added.

import type { Composed } from '../subscribers/compose.js';

export const WEBHOOK_TYPES = {
  publish: 'post.published',
  edit: 'post.corrected',
  retract: 'post.retracted',
} as const;

export interface WebhookBody {
  type: (typeof WEBHOOK_TYPES)[keyof typeof WEBHOOK_TYPES];
  /** When the event happened (the post, its correction or its retraction), ISO 8601 UTC. */
  timestamp: string;
  data: {
    post: {
      id: number;
      number: number;
      title: string;
      /** Plain text, times followed by the client zones. Escape it before showing it as HTML. */
      text: string;
      url: string;
      published_at: string;
      event_at: string | null;
      state: string | null;
      corrected_at: string | null;
      retracted: { at: string; reason: string } | null;
    };
    incident: { id: number; title: string; kind: string; status: string; url: string };
    components: Array<{
      system: string;
      system_name: string;
      service: string;
      service_name: string;
      state: string;
    }>;
  };
}

const iso = (at: number) => new Date(at).toISOString();

export function renderWebhookBody(c: Composed): WebhookBody {
  const { post, incident } = c;
  const correction = post.corrections.at(-1);
  const at =
    c.action === 'retract' && post.retracted
      ? post.retracted.at
      : c.action === 'edit' && correction
        ? correction.at
        : post.publishedAt;
  return {
    type: WEBHOOK_TYPES[c.action],
    timestamp: iso(at),
    data: {
      post: {
        id: post.id,
        number: post.number,
        title: post.title,
        text: post.text,
        url: post.permalink,
        published_at: iso(post.publishedAt),
        event_at: c.eventAt === null ? null : iso(c.eventAt),
        state: post.state,
        corrected_at: correction ? iso(correction.at) : null,
        retracted: post.retracted ? { at: iso(post.retracted.at), reason: post.retracted.reason } : null,
      },
      incident: {
        id: incident.id,
        title: incident.title,
        kind: incident.kind,
        status: incident.status,
        url: post.incident.url,
      },
      components: c.components.map((x) => ({
        system: x.system,
        system_name: x.systemName,
        service: x.service,
        service_name: x.serviceName,
        state: x.state,
      })),
    },
  };
}
