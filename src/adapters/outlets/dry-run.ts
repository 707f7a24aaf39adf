// An outlet without credentials runs dry: it logs what it would have sent and records the delivery as
// sent with the remote id `dry-run`, so that staff see it was not published there.

import type { DeliveryAction } from '../../bot/types.js';
import type { Logger } from '../../logger.js';
import { DRY_RUN } from '../../templates/reply/model.js';
import { formatSocialText, type Measure } from '../../templates/social.js';
import type { DeliveryResult, Outlet } from './outlet.js';

export { DRY_RUN } from '../../templates/reply/model.js';

export function createDryRunOutlet(options: { name: string; measure: Measure; log: Logger }): Outlet {
  const { name, measure, log } = options;
  return {
    name,
    threaded: true,
    external: false,
    async deliver(items): Promise<DeliveryResult[]> {
      return items.map(({ delivery, post, thread }) => {
        const action: DeliveryAction = delivery.action;
        const text = formatSocialText(post, action, measure);
        log.info(
          {
            outlet: name,
            delivery: delivery.id,
            requestId: delivery.requestId,
            inReplyTo: thread.parent,
            length: measure.length(text),
            text,
          },
          `dry run: ${name} has no credentials; this is what would have been sent`,
        );
        return { id: delivery.id, ok: true, remoteId: DRY_RUN, remoteUrl: null };
      });
    },
  };
}
