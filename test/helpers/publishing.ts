// The real core, outbox and publisher, with outlets of the test's choosing (usually a real outlet talking
// to a local fake of its platform) and a test clock: commands in, deliveries out.
import type { Outlet } from '../../src/adapters/outlets/outlet.js';
import type { Delivery } from '../../src/bot/types.js';
import { createPublisher, type Publisher, type PublishReport } from '../../src/publisher.js';
import { type RenderedPost, renderPost } from '../../src/templates/post.js';
import { createTestCore, recorded, type TestCore } from './core.js';
import { testLog } from './log.js';
import { testSettings } from './settings.js';

export const BASE_URL = 'https://status.ninernet.example/';

export interface PublishingWorld {
  core: TestCore;
  publisher: Publisher;
  /** Runs a command as staff; fails the test unless it was recorded. */
  record(text: string): void;
  /** One publisher run (passes until nothing more is sent). */
  publish(): Promise<PublishReport[]>;
  /** The post as the outlets receive it, for comparing with what a platform got. */
  rendered(postId: number): RenderedPost;
  close(): void;
}

export function createPublishingWorld(options: {
  outlets: Outlet[];
  now?: string;
  /** Outlets each new post goes to; defaults to the outlets' names. */
  deliverTo?: string[];
}): PublishingWorld {
  const settings = { ...testSettings, outlets: options.deliverTo ?? options.outlets.map((o) => o.name) };
  const core = createTestCore({ settings, now: options.now ?? '2012-07-27T21:39:27Z' });
  const ctx = { baseUrl: BASE_URL, zones: testSettings.zones };
  const render = (d: Pick<Delivery, 'postId'>) => {
    const post = core.store.postById(d.postId);
    const incident = post && core.store.incident(post.incidentId);
    return post && incident ? renderPost(post, incident, ctx) : undefined;
  };
  const publisher = createPublisher({
    outbox: core.store.outbox,
    outlets: options.outlets,
    render,
    clock: { now: core.now },
    log: testLog(),
    random: () => 0.5,
  });
  return {
    core,
    publisher,
    record(text) {
      recorded(core.run(text));
    },
    publish: () => publisher.runOnce(),
    rendered(postId) {
      const r = render({ postId });
      if (!r) throw new Error(`no post ${postId}`);
      return r;
    },
    close() {
      core.close();
    },
  };
}
