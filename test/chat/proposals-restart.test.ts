// "Acknowledged means recorded" for a proposal's buttons (issue 17): a Publish press that Slack saw
// acknowledged while Herald was stopped before working it is worked once after the restart, as the person
// who pressed; and the proposal's message is still updated in place (its id survives the restart).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROPOSAL_ACTIONS } from '../../src/templates/slack/proposal.js';
import { answerText } from '../fakes/slack.js';
import { firing, type ProposalsWorld, startProposalsWorld, waitFor } from './proposals-world.js';

describe('a proposal press acknowledged, then Herald stopped', () => {
  let world: ProposalsWorld;

  beforeAll(async () => {
    world = await startProposalsWorld({ held: true });
  });
  afterAll(async () => {
    await world.close();
  });

  it('is worked after the restart, once, as the person who pressed', async () => {
    const [p] = await world.notify(
      firing('r-smtp', [{ summary: 'SMTP does not answer', fingerprint: 'r1' }]),
    );
    if (!p) throw new Error('no proposal');
    const m = await waitFor('the proposal', () => world.slackMessages()[0]);
    const blocks = m.blocks as Array<{ elements?: Array<{ action_id?: string; value?: string }> }>;
    const value = blocks
      .flatMap((b) => b.elements ?? [])
      .find((e) => e.action_id === PROPOSAL_ACTIONS.publish)?.value;
    // Acknowledged (200) and recorded, but nothing works it before Herald stops.
    const key = await world.pressSlack(PROPOSAL_ACTIONS.publish, value ?? '');
    expect(world.proposal(p.id)?.fate).toBe('open');
    expect(world.herald.herald.store.recentPosts(10)).toHaveLength(0);

    await world.restart();
    const proposal = world.proposal(p.id);
    expect(proposal?.fate).toBe('published');
    expect(proposal?.decidedBy?.name).toBe('ann');
    const posts = world.herald.herald.store.recentPosts(10);
    expect(posts).toHaveLength(1);
    expect(posts[0]?.author).toBe('ann');
    // Answered through the press's response_url (still inside its window), and the same message updated.
    expect(answerText(await waitFor('the answer', () => world.slack.responsesTo(key)[0]))).toContain(
      'Recorded',
    );
    await waitFor('the update', () =>
      world.slack.updates.some(
        (u) => u.ts === m.ts && JSON.stringify(u.blocks).includes('Published by @ann'),
      ),
    );
    expect(world.slackMessages()).toHaveLength(1);
  });
});
