// The reply formatters, one per surface (src/templates/{text,slack,discord}/), pinned by snapshots: every
// kind of Outcome the core gives (made by the real core on a test clock), every state a delivery can be in,
// and the announcements. Pure renderers: the zones come in with the settings, the instants with the outcome.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Outcome } from '../../src/bot/handle-command.js';
import type { Delivery } from '../../src/bot/types.js';
import { formatAnnouncement, threadName } from '../../src/templates/discord/announcement.js';
import { renderOutcome as renderDiscord } from '../../src/templates/discord/reply.js';
import { renderPost } from '../../src/templates/post.js';
import { DRY_RUN } from '../../src/templates/reply/model.js';
import { renderAnnouncement } from '../../src/templates/slack/announcement.js';
import {
  renderClosedPreview,
  renderPreview,
  renderRecorded,
  renderOutcome as renderSlack,
} from '../../src/templates/slack/blocks.js';
import { BLUESKY_MEASURE, formatSocialText, TWITTER_MEASURE } from '../../src/templates/social.js';
import { renderDeliveryNotice, renderReplyText } from '../../src/templates/text/reply.js';
import { createTestCore, ops, type TestCore } from '../helpers/core.js';
import { testSettings } from '../helpers/settings.js';

const BASE_URL = 'https://status.ninernet.example/';
const DRY = new Set(['bluesky']);
const slackCtx = {
  settings: testSettings,
  site: { baseUrl: BASE_URL } as never,
  dryOutlets: DRY,
};
const discordCtx = { settings: testSettings, baseUrl: BASE_URL, dryOutlets: DRY };
const AT = Date.parse('2012-07-27T21:39:27Z');

/** One delivery in each state the reply model knows, on the outlets a post goes to. */
function everyState(base: Delivery): Delivery[] {
  const d = (over: Partial<Delivery>): Delivery => ({ ...base, ...over });
  return [
    d({ id: 1, outlet: 'site', status: 'pending', attempts: 0 }),
    d({ id: 2, outlet: 'bluesky', status: 'pending', attempts: 0 }),
    d({
      id: 3,
      outlet: 'twitter',
      status: 'pending',
      attempts: 2,
      lastError: 'X API answered 503',
      nextAttemptAt: AT + 20_000,
    }),
    d({ id: 4, outlet: 'mastodon', status: 'sent', sentAt: AT + 5_000, remoteUrl: 'https://m.example/@n/1' }),
    d({ id: 5, outlet: 'bluesky', status: 'sent', sentAt: AT + 5_000, remoteId: DRY_RUN }),
    d({
      id: 6,
      outlet: 'slack',
      action: 'edit',
      status: 'failed',
      attempts: 3,
      lastError: 'Slack refused: no such channel',
    }),
  ];
}

describe('the reply formatters', () => {
  let core: TestCore;
  const outcomes = new Map<string, Outcome>();

  beforeAll(() => {
    core = createTestCore({ now: '2012-07-27T21:39:27Z' });
    const run = (name: string, text: string) => outcomes.set(name, core.run(text, ops));
    run('refused', 'nc81 smtp down "typo"');
    run('recorded', 'nc018 smtp down "Spam cleanup *under* way @here." --at 21:13');
    run('maintenance', 'maintenance nc026 mysql "Database upgrade" --start 2012-07-28 19:00');
    run('edited', 'edit 1.1 "Spam cleanup under way."');
    run('list', 'list');
    run('deliveries', 'deliveries 1.1');
    run('retried', 'retry 1.1');
    run('duplicate', 'nc018 smtp down "Spam cleanup under way."');
    outcomes.set(
      'preview',
      core.service.preview({ text: 'nc018 imap degraded "Slow logins" --at 21:30', actor: ops }, 15 * 60_000),
    );
    const deliveries = outcomes.get('deliveries');
    if (deliveries?.kind === 'deliveries' && deliveries.deliveries[0]) {
      outcomes.set('every delivery state', {
        ...deliveries,
        deliveries: everyState(deliveries.deliveries[0]),
      });
    }
    outcomes.set('cancelled', { kind: 'cancelled' } as Outcome);
  });
  afterAll(() => core.close());

  const names = [
    'refused',
    'recorded',
    'maintenance',
    'edited',
    'list',
    'deliveries',
    'every delivery state',
    'retried',
    'duplicate',
    'preview',
    'cancelled',
  ];

  it.each(names)('formats %s as text (the shell)', (name) => {
    const outcome = outcomes.get(name);
    if (!outcome) throw new Error(`no ${name} outcome`);
    expect(renderReplyText(outcome, testSettings, DRY)).toMatchSnapshot();
  });

  it.each(names)('formats %s for Slack', (name) => {
    const outcome = outcomes.get(name);
    if (!outcome) throw new Error(`no ${name} outcome`);
    const message =
      outcome.kind === 'preview'
        ? renderPreview(outcome, slackCtx, {
            button: { previewId: 'p1', requestId: 'r1', authorId: 'U0STAFF' },
            text: 'nc018 imap degraded "Slow logins" --at 21:30',
          })
        : outcome.kind === 'recorded'
          ? renderRecorded(outcome, outcome.deliveries, slackCtx)
          : renderSlack(outcome, slackCtx);
    expect(message).toMatchSnapshot();
  });

  it.each(names)('formats %s for Discord', (name) => {
    const outcome = outcomes.get(name);
    if (!outcome) throw new Error(`no ${name} outcome`);
    // A preview's id is random: the snapshot pins what the buttons carry, not which id the core drew.
    const fixed = outcome.kind === 'preview' ? { ...outcome, previewId: 'p1' } : outcome;
    expect(renderDiscord(fixed, discordCtx)).toMatchSnapshot();
  });

  it('shows a recorded change as its deliveries progress, with the same words on every surface', () => {
    const recorded = outcomes.get('recorded');
    const deliveries = outcomes.get('deliveries');
    if (recorded?.kind !== 'recorded' || deliveries?.kind !== 'deliveries') throw new Error('no outcomes');
    const states = everyState(deliveries.deliveries[0] as Delivery);
    const text = renderReplyText({ ...deliveries, deliveries: states }, testSettings, DRY);
    const slack = JSON.stringify(renderRecorded(recorded, states, slackCtx).blocks);
    const discord = renderDiscord(recorded, discordCtx, states).content;
    for (const said of [text, slack, discord]) {
      expect(said).toContain('dry run, no credentials: will be logged, not sent');
      expect(said).toContain('dry run: logged, not sent');
      expect(said).toContain(
        'not sent yet after 2 attempt(s): X API answered 503; next try 27 July 2012 21:39 UTC',
      );
      expect(said).toMatch(
        /after 3 attempt\(s\): Slack refused: no such channel\. Fix the cause, then `(\/status )?retry 1\.1`\./,
      );
    }
  });

  it('formats a closed preview and the shell’s delivery notices', () => {
    expect(renderClosedPreview('Cancelled: nothing was published.')).toMatchSnapshot();
    const deliveries = outcomes.get('deliveries');
    if (deliveries?.kind !== 'deliveries') throw new Error('no outcome');
    const base = deliveries.deliveries[0] as Delivery;
    const post = deliveries.post;
    const notice = (status: 'failed' | 'retrying') => ({
      delivery: { ...base, outlet: 'twitter', attempts: 1 },
      status,
      remoteUrl: null,
      error: 'X API answered 503',
      nextAttemptAt: AT + 5_000,
      post,
    });
    expect(renderDeliveryNotice(notice('failed'), testSettings)).toMatchSnapshot();
    expect(renderDeliveryNotice(notice('retrying'), testSettings)).toMatchSnapshot();
  });

  it.each(['publish', 'edit', 'retract'] as const)('formats the announcements of a post (%s)', (action) => {
    const post = core.store.postById(1);
    const incident = post && core.store.incident(post.incidentId);
    if (!post || !incident) throw new Error('no post');
    const rendered = renderPost(
      action === 'retract' ? { ...post, retractedAt: AT, retractReason: 'Wrong server.' } : post,
      incident,
      { baseUrl: BASE_URL, zones: testSettings.zones },
    );
    expect({
      slack: renderAnnouncement(rendered, action),
      discord: formatAnnouncement(rendered, action),
      thread: threadName(rendered),
      twitter: formatSocialText(rendered, action, TWITTER_MEASURE),
      bluesky: formatSocialText(rendered, action, BLUESKY_MEASURE),
    }).toMatchSnapshot();
  });
});
