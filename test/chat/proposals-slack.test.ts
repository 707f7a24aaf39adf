// The monitors' proposals in Slack (issue 17), against the fake Slack with real Bolt and signed requests: a
// proposal appears once in the staff channel with Publish / Edit / Dismiss, a new revision updates the same
// message, a staff member's press publishes it as their post (to the site and Twitter/X), Edit publishes the
// edited text, Dismiss settles it, a non-staff press and a repeated press change nothing, and hostile label
// text cannot mark up, mention or reorder anything.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROPOSAL_ACTIONS } from '../../src/templates/slack/proposal.js';
import { answerText, FAKE_SLACK, type FakeMessage } from '../fakes/slack.js';
import { bob, firing, type ProposalsWorld, startProposalsWorld, waitFor } from './proposals-world.js';
import { slackText } from './surface-contract-worlds.js';

/** The value of a button of a message in the staff channel (by action id), or undefined. */
function buttonOf(m: FakeMessage, actionId: string): string | undefined {
  const blocks = m.blocks as Array<{ elements?: Array<{ action_id?: string; value?: string }> }>;
  return blocks.flatMap((b) => b.elements ?? []).find((e) => e.action_id === actionId)?.value;
}
const shown = (m: FakeMessage) => slackText({ blocks: m.blocks, text: m.text });
const actionIds = (m: FakeMessage) =>
  (m.blocks as Array<{ elements?: Array<{ action_id?: string }> }>)
    .flatMap((b) => b.elements ?? [])
    .map((e) => e.action_id)
    .filter(Boolean);

describe('proposals in Slack', () => {
  let world: ProposalsWorld;
  const posts = () => world.herald.herald.store.recentPosts(100);
  /** The staff channel's message showing proposal `id`. */
  const messageOf = (id: number) =>
    world
      .slackMessages()
      .find((m) => m.text.includes(`Proposal ${id}`) || shown(m).includes(`Proposal ${id}`));

  beforeAll(async () => {
    world = await startProposalsWorld();
  });
  afterAll(async () => {
    await world.close();
  });

  it('shows a proposal once in the staff channel with Publish, Edit and Dismiss, and updates that message for a new revision', async () => {
    const [p] = await world.notify(
      firing('g-smtp', [{ summary: 'SMTP does not answer', fingerprint: 'f1' }]),
    );
    if (!p) throw new Error('no proposal');
    const m = await waitFor('the proposal in the staff channel', () => messageOf(p.id));
    expect(m.channel).toBe(FAKE_SLACK.staffChannel);
    expect(shown(m)).toContain('Proposal from the monitors: nothing is published yet');
    expect(shown(m)).toContain('NC018 SMTP');
    expect(actionIds(m)).toEqual([PROPOSAL_ACTIONS.publish, PROPOSAL_ACTIONS.edit, PROPOSAL_ACTIONS.dismiss]);

    // The group grows: the same message is updated in place, and no second one is posted.
    const updatesBefore = world.slack.updates.length;
    const [revised] = await world.notify(
      firing('g-smtp', [
        { summary: 'SMTP does not answer', fingerprint: 'f1' },
        { summary: 'SMTP does not answer', fingerprint: 'f2' },
      ]),
    );
    expect(revised?.revision).toBe(2);
    await waitFor('the update', () => world.slack.updates.length > updatesBefore);
    expect(world.slack.updates.at(-1)?.ts).toBe(m.ts);
    expect(world.slackMessages().filter((x) => shown(x).includes(`Proposal ${p.id}`))).toHaveLength(1);
    expect(shown(m)).toContain('2 alerts from alertmanager (revision 2)');
    expect(posts()).toHaveLength(0);
  });

  it('publishes as the staff member who pressed Publish, to the site and Twitter/X, once however often it is pressed', async () => {
    const [p] = await world.notify(
      firing('g-pop', [{ component: 'nc018 pop', summary: 'POP3 refuses logins', fingerprint: 'p1' }]),
    );
    if (!p) throw new Error('no proposal');
    const m = await waitFor('the proposal', () => messageOf(p.id));
    const value = buttonOf(m, PROPOSAL_ACTIONS.publish) ?? '';
    const key = await world.pressSlack(PROPOSAL_ACTIONS.publish, value);
    // A second click (a new press of the same button) and Slack's retry of the first change nothing twice.
    const again = await world.pressSlack(PROPOSAL_ACTIONS.publish, value);
    await world.settle();
    const told = await waitFor('the answer', () => world.slack.responsesTo(key)[0]);
    expect(told.body.response_type).toBe('ephemeral');
    expect(told.body.replace_original).toBe(false);
    expect(answerText(told)).toContain('Recorded');
    expect(answerText(await waitFor('the second answer', () => world.slack.responsesTo(again)[0]))).toContain(
      'already published by ann',
    );

    const proposal = world.proposal(p.id);
    expect(proposal?.fate).toBe('published');
    expect(proposal?.decidedBy).toMatchObject({ platform: 'slack', id: 'U0STAFF', name: 'ann' });
    const published = posts().filter((x) => x.incidentId === proposal?.published?.incidentId);
    expect(published).toHaveLength(1);
    // Their post: ann is its author.
    const post = published[0];
    if (!post) throw new Error('no post');
    expect(post.author).toBe('ann');
    // The board says so, with no buttons left.
    await waitFor('the settled message', () =>
      shown(m).includes(`Published by @ann as #${post.incidentId}.1`),
    );
    expect(actionIds(m)).toEqual([]);
    // It reached the site and Twitter/X.
    const page = path.join(world.herald.dir, 'public', 'incidents', `${post.incidentId}.html`);
    await waitFor(
      'the site',
      () => fs.existsSync(page) && fs.readFileSync(page, 'utf8').includes(post.title),
    );
    await waitFor('the tweet', () => world.twitter.tweets.some((t) => t.text.startsWith(post.title)));
  });

  it('Edit opens the preview’s modal with the command; submitting it publishes the edited text as theirs', async () => {
    const [p] = await world.notify(
      firing('g-imap', [{ component: 'nc018 imap', summary: 'IMAP down', fingerprint: 'i1' }]),
    );
    if (!p) throw new Error('no proposal');
    const m = await waitFor('the proposal', () => messageOf(p.id));
    const key = await world.pressSlack(PROPOSAL_ACTIONS.edit, buttonOf(m, PROPOSAL_ACTIONS.edit) ?? '');
    const opened = await world.slack.waitFor('views.open', () => world.slack.views.at(-1));
    expect(opened.view.blocks?.[0]?.element?.initial_value).toBe(p.command);
    await world.submitSlack(opened, 'nc018 imap down "We are replacing a failed disk on the mail server."');
    await world.settle();
    expect(answerText(await waitFor('the answer', () => world.slack.responsesTo(key)[0]))).toContain(
      'Recorded',
    );
    const proposal = world.proposal(p.id);
    expect(proposal?.fate).toBe('edited');
    const post = posts().find((x) => x.incidentId === proposal?.published?.incidentId);
    expect(post?.text).toBe('We are replacing a failed disk on the mail server.');
    expect(post?.author).toBe('ann');
    await waitFor('the settled message', () => shown(m).includes('Edited and published by @ann'));
    expect(actionIds(m)).toEqual([]);
  });

  it('Dismiss settles it: nothing is published and the message says who dismissed it', async () => {
    const before = posts().length;
    const [p] = await world.notify(
      firing('g-ftp', [{ component: 'nc018 ftp', summary: 'FTP slow', fingerprint: 'd1' }]),
    );
    if (!p) throw new Error('no proposal');
    const m = await waitFor('the proposal', () => messageOf(p.id));
    await world.pressSlack(PROPOSAL_ACTIONS.dismiss, buttonOf(m, PROPOSAL_ACTIONS.dismiss) ?? '');
    await world.settle();
    expect(world.proposal(p.id)?.fate).toBe('dismissed');
    await waitFor('the settled message', () => shown(m).includes('Dismissed by @ann: nothing was published'));
    expect(actionIds(m)).toEqual([]);
    expect(posts()).toHaveLength(before);
  });

  it('refuses a press by someone who is not staff, tells only them, and changes nothing', async () => {
    const before = posts().length;
    const [p] = await world.notify(
      firing('g-web', [{ component: 'nc026 web', summary: 'Web 502', fingerprint: 'w1' }]),
    );
    if (!p) throw new Error('no proposal');
    const m = await waitFor('the proposal', () => messageOf(p.id));
    const updates = world.slack.updates.length;
    const key = await world.pressSlack(
      PROPOSAL_ACTIONS.publish,
      buttonOf(m, PROPOSAL_ACTIONS.publish) ?? '',
      bob,
    );
    await world.settle();
    const told = await waitFor('the refusal', () => world.slack.responsesTo(key)[0]);
    expect(told.body.response_type).toBe('ephemeral');
    expect(told.body.replace_original).toBe(false);
    expect(answerText(told)).toContain('only staff may change the status');
    expect(world.proposal(p.id)?.fate).toBe('open');
    expect(posts()).toHaveLength(before);
    expect(world.slack.updates.length).toBe(updates);
    // Nor may they open the Edit modal.
    const views = world.slack.views.length;
    const edit = await world.pressSlack(PROPOSAL_ACTIONS.edit, buttonOf(m, PROPOSAL_ACTIONS.edit) ?? '', bob);
    expect(answerText(await waitFor('the refusal', () => world.slack.responsesTo(edit)[0]))).toContain(
      'only staff may change the status',
    );
    expect(world.slack.views.length).toBe(views);
  });

  it('records a press delivered twice (Slack’s retry of the same trigger) once', async () => {
    const [p] = await world.notify(
      firing('g-lists', [{ component: 'nc026 lists', summary: 'phpList down', fingerprint: 'l1' }]),
    );
    if (!p) throw new Error('no proposal');
    const m = await waitFor('the proposal', () => messageOf(p.id));
    const value = buttonOf(m, PROPOSAL_ACTIONS.publish) ?? '';
    const triggerId = `retry.${p.id}.trigger`;
    const first = await world.pressSlack(PROPOSAL_ACTIONS.publish, value, undefined, triggerId);
    const second = await world.pressSlack(PROPOSAL_ACTIONS.publish, value, undefined, triggerId);
    await world.settle();
    await waitFor('the answer', () => world.slack.responsesTo(first)[0]);
    const incident = world.proposal(p.id)?.published?.incidentId;
    expect(posts().filter((x) => x.incidentId === incident)).toHaveLength(1);
    // The repeat was not worked at all: nobody is told twice.
    expect(world.slack.responsesTo(second)).toEqual([]);
  });

  it('escapes hostile label text: no markup, mention, broadcast or bidi control reaches the channel', async () => {
    const hostile = '<!channel> @everyone <@U0STAFF> <https://evil.example|click> *bold* \u202Egpj.exe';
    const [p] = await world.notify(
      firing('g-hostile', [
        { component: 'email smtp', summary: hostile, fingerprint: 'h1', labels: { instance: hostile } },
      ]),
    );
    if (!p) throw new Error('no proposal');
    const m = await waitFor('the proposal', () => messageOf(p.id));
    const raw = JSON.stringify({ text: m.text, blocks: m.blocks });
    for (const bad of ['<!channel>', '<@U0STAFF>', '<https://evil', '\u202E', '@everyone'])
      expect(raw).not.toContain(bad);
  });

  it('keeps thousands of alerts in one group to one bounded message', async () => {
    const alerts = Array.from({ length: 3000 }, (_, i) => ({
      component: 'nc026 mysql',
      summary: `MySQL replica ${i} lagging`,
      fingerprint: `m${i}`,
    }));
    const [p] = await world.notify(firing('g-burst', alerts));
    if (!p) throw new Error('no proposal');
    const m = await waitFor('the proposal', () => messageOf(p.id));
    expect(world.slackMessages().filter((x) => shown(x).includes(`Proposal ${p.id}`))).toHaveLength(1);
    expect(shown(m)).toContain('3000 alerts from alertmanager');
    expect(m.blocks.length).toBeLessThanOrEqual(50);
    expect(JSON.stringify(m.blocks).length).toBeLessThan(12_000);
  });
});
