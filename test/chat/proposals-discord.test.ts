// The monitors' proposals in Discord (issue 17), against the fake Discord with Ed25519-signed interactions
// on Herald's own server and discord.js's REST client: a proposal appears once in the staff channel with
// Publish / Edit / Dismiss, a new revision edits that message, a staff member's Publish records their post,
// Edit opens the preview's form and publishes the edited text, and a press by someone else changes nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { proposalButtonId, proposalModalId } from '../../src/templates/discord/proposal.js';
import { FAKE_STAFF_CHANNEL_ID, type FakeMessage } from '../fakes/discord.js';
import { firing, type ProposalsWorld, startProposalsWorld, visitor, waitFor } from './proposals-world.js';
import { discordText } from './surface-contract-worlds.js';

type Body = Parameters<typeof discordText>[0];
const shown = (m: FakeMessage) => discordText(m.body as Body);
const buttonIds = (m: FakeMessage) =>
  ((m.body as Body).components ?? []).flatMap((r) => r.components.map((c) => c.custom_id));

describe('proposals in Discord', () => {
  let world: ProposalsWorld;
  const posts = () => world.herald.herald.store.recentPosts(100);
  const messageOf = (id: number) =>
    world.discord.messages.find(
      (m) => m.channelId === FAKE_STAFF_CHANNEL_ID && shown(m).includes(`Proposal ${id}`),
    );
  /** The private answer to an interaction: its deferred message, as edited by Herald. */
  const answerTo = (i: Record<string, unknown>) =>
    waitFor('the answer', () => {
      const body = world.discord.answer(String(i.token));
      return body ? discordText(body as Body) : undefined;
    });

  beforeAll(async () => {
    world = await startProposalsWorld();
  });
  afterAll(async () => {
    await world.close();
  });

  it('shows a proposal once in the staff channel with its buttons, and edits that message for a new revision', async () => {
    const [p] = await world.notify(
      firing('d-smtp', [{ summary: 'SMTP does not answer', fingerprint: 'f1' }]),
    );
    if (!p) throw new Error('no proposal');
    const m = await waitFor('the proposal', () => messageOf(p.id));
    expect(shown(m)).toContain('Proposal from the monitors: nothing is published yet');
    expect(buttonIds(m)).toEqual(
      ['publish', 'edit', 'dismiss'].map((a) => proposalButtonId(a as 'publish', p.id)),
    );
    expect((m.body as { allowed_mentions?: unknown }).allowed_mentions).toEqual({ parse: [] });

    const edits = world.discord.messageEdits.length;
    await world.notify(
      firing('d-smtp', [
        { summary: 'SMTP does not answer', fingerprint: 'f1' },
        { summary: 'SMTP does not answer', fingerprint: 'f2' },
      ]),
    );
    await waitFor('the edit', () => world.discord.messageEdits.length > edits);
    expect(world.discord.messageEdits.at(-1)?.messageId).toBe(m.id);
    expect(world.discord.messages.filter((x) => shown(x).includes(`Proposal ${p.id}`))).toHaveLength(1);
    expect(shown(m)).toContain('(revision 2)');
  });

  it('publishes as the staff member who pressed Publish, and the message says so without buttons', async () => {
    const [p] = await world.notify(
      firing('d-pop', [{ component: 'nc018 pop', summary: 'POP3 down', fingerprint: 'p1' }]),
    );
    if (!p) throw new Error('no proposal');
    const m = await waitFor('the proposal', () => messageOf(p.id));
    const press = await world.pressDiscord(proposalButtonId('publish', p.id));
    await world.settle();
    expect(await answerTo(press)).toContain('Recorded');
    const proposal = world.proposal(p.id);
    expect(proposal?.fate).toBe('published');
    const post = posts().find((x) => x.incidentId === proposal?.published?.incidentId);
    expect(post?.author).toBe('anna');
    await waitFor('the settled message', () =>
      shown(m).includes(`Published by @\u2060anna as #${post?.incidentId}.1`),
    );
    expect(buttonIds(m)).toEqual([]);
    await waitFor('the tweet', () => world.twitter.tweets.some((t) => t.text.startsWith(post?.title ?? '?')));
  });

  it('Edit opens the preview’s form with the command, and the submitted text is published as theirs', async () => {
    const [p] = await world.notify(
      firing('d-imap', [{ component: 'nc018 imap', summary: 'IMAP down', fingerprint: 'i1' }]),
    );
    if (!p) throw new Error('no proposal');
    await waitFor('the proposal', () => messageOf(p.id));
    const press = await world.pressDiscord(proposalButtonId('edit', p.id));
    const form = world.discord.callbacks.find((c) => c.token === press.token);
    expect(form?.body.type).toBe(9);
    expect(JSON.stringify(form?.body)).toContain(JSON.stringify(p.command).slice(1, -1));
    const submitted = await world.submitDiscord(proposalModalId(p.id), 'nc018 imap down "Replacing a disk."');
    await world.settle();
    expect(await answerTo(submitted)).toContain('Recorded');
    const proposal = world.proposal(p.id);
    expect(proposal?.fate).toBe('edited');
    const post = posts().find((x) => x.incidentId === proposal?.published?.incidentId);
    expect(post).toMatchObject({ text: 'Replacing a disk.', author: 'anna' });
  });

  it('refuses a press by someone who is not staff, tells only them, and changes nothing', async () => {
    const before = posts().length;
    const [p] = await world.notify(
      firing('d-web', [{ component: 'nc026 web', summary: 'Web 502', fingerprint: 'w1' }]),
    );
    if (!p) throw new Error('no proposal');
    await waitFor('the proposal', () => messageOf(p.id));
    const edits = world.discord.messageEdits.length;
    const press = await world.pressDiscord(proposalButtonId('publish', p.id), visitor);
    await world.settle();
    expect(await answerTo(press)).toContain('only staff may change the status');
    const callback = world.discord.callbacks.find((c) => c.token === press.token);
    expect((callback?.body.data as { flags?: number } | undefined)?.flags).toBe(64);
    expect(world.proposal(p.id)?.fate).toBe('open');
    expect(posts()).toHaveLength(before);
    expect(world.discord.messageEdits.length).toBe(edits);
    // Nor may they open the Edit form.
    const edit = await world.pressDiscord(proposalButtonId('edit', p.id), visitor);
    const refused = world.discord.callbacks.find((c) => c.token === edit.token);
    expect(refused?.body.type).toBe(4);
    expect(JSON.stringify(refused?.body)).toContain('only staff may change the status');
  });
});
