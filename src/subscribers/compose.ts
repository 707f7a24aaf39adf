// What a notification says, gathered once per (post, action, edit): the post as it was at that moment
// (rendered with every time in UTC and the client zones), its incident, its components with their current
// states, and the ids mail clients thread on. Shared by the mail and the webhook senders.

import type { CoreSettings } from '../bot/catalog.js';
import type { Store } from '../bot/ports.js';
import type { ComponentState, Incident, Post } from '../bot/types.js';
import type { NotificationAction } from '../store/subscribers.js';
import type { RenderedPost } from '../templates/post.js';

export interface ComponentView {
  system: string;
  systemName: string;
  service: string;
  serviceName: string;
  state: ComponentState;
}

export interface Composed {
  action: NotificationAction;
  editId: number | null;
  post: RenderedPost;
  /** The event time the post reports (--at), if any. */
  eventAt: number | null;
  incident: Incident;
  components: ComponentView[];
  /** The incident's first post: every mail of the incident refers to it (In-Reply-To, References). */
  firstPostId: number;
}

export type Compose = (
  postId: number,
  action: NotificationAction,
  editId: number | null,
) => Composed | undefined;

/**
 * `render` is the post renderer of src/templates/post.ts; a post is shown as of its action: as published
 * for a publish, with the corrections up to this one for an edit, retracted for a retraction.
 */
export function createComposer(options: {
  store: Pick<Store, 'postById' | 'incident' | 'postsOf' | 'components'>;
  settings: Pick<CoreSettings, 'catalog'>;
  render: (post: Post, incident: Incident) => RenderedPost;
}): Compose {
  const { store, settings, render } = options;
  const systemNames = new Map(settings.catalog.systems.map((s) => [s.id, s.name]));
  const serviceNames = new Map(settings.catalog.services.map((s) => [s.id, s.name]));
  return (postId, action, editId) => {
    const post = store.postById(postId);
    const incident = post && store.incident(post.incidentId);
    if (!post || !incident) return undefined;
    // Never a falsehood: a post retracted before its mail went out is not sent as if it stood.
    if (action !== 'retract' && post.retractedAt !== null) return undefined;
    const edits =
      action === 'publish' ? [] : editId === null ? post.edits : post.edits.filter((e) => e.id <= editId);
    const asOf: Post = {
      ...post,
      edits,
      ...(action === 'retract' ? {} : { retractedAt: null, retractReason: null }),
    };
    const first =
      post.number === 1 ? post.id : (store.postsOf(incident.id).find((p) => p.number === 1)?.id ?? post.id);
    const states = new Map(store.components().map((c) => [`${c.system}/${c.service}`, c.state]));
    const components = incident.components.map((c) => ({
      system: c.system,
      systemName: systemNames.get(c.system) ?? c.system,
      service: c.service,
      serviceName: serviceNames.get(c.service) ?? c.service,
      state: states.get(`${c.system}/${c.service}`) ?? 'operational',
    }));
    return {
      action,
      editId,
      post: render(asOf, incident),
      eventAt: post.eventAt,
      incident,
      components,
      firstPostId: first,
    };
  };
}
