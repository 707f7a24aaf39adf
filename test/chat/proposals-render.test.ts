// How Slack and Discord show a proposal (issue 17), from the pure renderers: the buttons by its fate, the
// fate in words and by whom, and a monitor's hostile words (markup, mentions, broadcasts, bidi controls,
// thousands of lines) made harmless and bounded. The monitors module already strips alert text to plain
// words; these prove the boards hold even when a proposal's words are hostile (a name, a template).
import { describe, expect, it } from 'vitest';
import type { Proposal } from '../../src/monitors/proposal.js';
import { renderProposal as renderDiscord } from '../../src/templates/discord/proposal.js';
import { PROPOSAL_ACTIONS, renderProposal as renderSlack } from '../../src/templates/slack/proposal.js';
import { testSettings } from '../helpers/settings.js';

const AT = Date.parse('2012-07-27T21:39:27Z');

function proposal(over: Partial<Proposal> = {}): Proposal {
  return {
    id: 7,
    source: 'alertmanager',
    groupKey: '{}:{alertname="SmtpDown"}',
    command: 'nc018 smtp down "SMTP on NC018 does not answer."',
    title: 'SMTP on NC018 shut down',
    text: 'SMTP on NC018 does not answer.',
    components: [{ system: 'nc018', service: 'smtp' }],
    state: 'down',
    incidentId: null,
    resolves: false,
    alertCount: 1,
    informational: false,
    revision: 1,
    fate: 'open',
    publishAt: null,
    createdAt: AT,
    updatedAt: AT,
    decidedAt: null,
    decidedBy: null,
    published: null,
    ...over,
  };
}

const slackActions = (p: Proposal) =>
  (renderSlack(p, testSettings).blocks as Array<{ elements?: Array<{ action_id?: string }> }>)
    .flatMap((b) => b.elements ?? [])
    .map((e) => e.action_id)
    .filter(Boolean);
const discordLabels = (p: Proposal) =>
  renderDiscord(p, testSettings).components.flatMap((r) => r.components.map((c) => c.label));
const slackJson = (p: Proposal) => JSON.stringify(renderSlack(p, testSettings));
const discordJson = (p: Proposal) => JSON.stringify(renderDiscord(p, testSettings));

describe('a proposal as Slack and Discord show it', () => {
  it('open: Publish, Edit and Dismiss; for information: Dismiss only, saying why; settled: no buttons', () => {
    expect(slackActions(proposal())).toEqual([
      PROPOSAL_ACTIONS.publish,
      PROPOSAL_ACTIONS.edit,
      PROPOSAL_ACTIONS.dismiss,
    ]);
    expect(discordLabels(proposal())).toEqual(['Publish', 'Edit', 'Dismiss']);
    const info = proposal({ informational: true });
    expect(slackActions(info)).toEqual([PROPOSAL_ACTIONS.dismiss]);
    expect(discordLabels(info)).toEqual(['Dismiss']);
    expect(slackJson(info)).toContain('maintenance window');
    expect(discordJson(info)).toContain('maintenance window');
    const settled = proposal({ fate: 'dismissed', decidedBy: { platform: 'slack', id: 'U1', name: 'bob' } });
    expect(slackActions(settled)).toEqual([]);
    expect(discordLabels(settled)).toEqual([]);
  });

  it('says the fate and by whom', () => {
    const ana = { platform: 'slack' as const, id: 'U0ANA', name: 'ana' };
    const published = proposal({
      fate: 'published',
      decidedBy: ana,
      decidedAt: AT,
      published: { incidentId: 42, postNumber: 1 },
    });
    expect(slackJson(published)).toContain('Published by @ana as #42.1');
    expect(discordJson(published)).toContain('Published by @\u2060ana as #42.1');
    expect(slackJson(proposal({ fate: 'dismissed', decidedBy: ana }))).toContain('Dismissed by @ana');
    const auto = proposal({
      fate: 'auto_published',
      publishAt: AT + 10 * 60_000,
      decidedAt: AT + 10 * 60_000,
      published: { incidentId: 43, postNumber: 1 },
    });
    expect(slackJson(auto)).toContain('Auto-published after 10 min as #43.1: nobody acted');
    expect(discordJson(auto)).toContain('Auto-published after 10 min as #43.1: nobody acted');
    expect(slackJson(proposal({ publishAt: AT + 600_000 }))).toContain(
      'If nobody acts, Herald publishes it at',
    );
  });

  it('escapes hostile words: no markup, mention, broadcast or bidi control survives', () => {
    const hostile =
      '<!channel> @everyone @here <@U0STAFF> <#C0OPS> <https://evil.example|click> **x** \u202Egpj.exe';
    const p = proposal({
      title: hostile,
      text: hostile,
      command: `nc018 smtp down "${hostile}"`,
      note: hostile,
      fate: 'published',
      decidedBy: { platform: 'slack', id: 'U1', name: 'everyone' },
      published: { incidentId: 1, postNumber: 1 },
    });
    const slack = slackJson(p);
    for (const bad of [
      '<!channel>',
      '<@U0STAFF>',
      '<#C0OPS>',
      '<https://evil',
      '\u202E',
      '@everyone',
      '@here',
    ])
      expect(slack).not.toContain(JSON.stringify(bad).slice(1, -1));
    expect(slack).toContain('&lt;!channel&gt;');
    const discord = renderDiscord(p, testSettings);
    const text = JSON.stringify(discord);
    for (const bad of ['<@U0STAFF>', '<#C0OPS>', '\u202E', '@everyone', '@here'])
      expect(text).not.toContain(JSON.stringify(bad).slice(1, -1));
    expect(discord.allowed_mentions).toEqual({ parse: [] });
  });

  it('bounds thousands of alerts to one message: a bounded list and "and N more"', () => {
    const text = Array.from({ length: 3000 }, (_, i) => `• replica ${i} lagging`).join('\n');
    const p = proposal({ text, alertCount: 3000, components: [{ system: 'nc026', service: 'mysql' }] });
    const slack = renderSlack(p, testSettings);
    expect(JSON.stringify(slack).length).toBeLessThan(8_000);
    expect(slack.blocks.length).toBeLessThanOrEqual(50);
    expect(JSON.stringify(slack)).toContain('and 2975 more lines');
    expect(JSON.stringify(slack)).toContain('3000 alerts from alertmanager');
    const discord = renderDiscord(p, testSettings);
    expect([...discord.content].length).toBeLessThanOrEqual(2000);
    expect(discord.embeds[0]?.description).toContain('and 2975 more lines');
  });
});
