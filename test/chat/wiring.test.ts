// Slack as `herald start` wires it from the environment: the real process, its one HTTP server, a signed
// slash command, the private answer on the response URL, and the announcement in the channel.
import { afterEach, describe, expect, it } from 'vitest';
import { FAKE_SLACK, type FakeSlack, postSigned, slashCommand, startFakeSlack } from '../fakes/slack.js';
import { type CliWorld, createCliWorld } from '../helpers/cli.js';

let fake: FakeSlack | undefined;
let world: CliWorld | undefined;
afterEach(async () => {
  world?.cleanup();
  await fake?.close();
  fake = undefined;
  world = undefined;
});

describe('herald start with Slack in the environment', () => {
  it('takes a signed /status over HTTP, answers privately, records once, and announces in the channel', async () => {
    fake = await startFakeSlack();
    const shipped = (await import('node:fs')).readFileSync(
      new URL('../../herald.config.yaml', import.meta.url),
      'utf8',
    );
    world = createCliWorld({
      config: shipped
        .replace(/(slack:\n\s+users: )\[\]/, '$1[U0STAFF]')
        .replace('preview: true', 'preview: false'),
    });
    Object.assign(world.env, {
      SLACK_BOT_TOKEN: FAKE_SLACK.botToken,
      SLACK_SIGNING_SECRET: FAKE_SLACK.signingSecret,
      SLACK_API_URL: fake.apiUrl,
      SLACK_ANNOUNCE_CHANNEL: FAKE_SLACK.announceChannel,
    });
    const slack = fake;
    let answer = { status: 0, body: '' };
    const r = await world.start('', {
      whenReady: async (url) => {
        answer = await postSigned(
          new URL('slack/events', url).href,
          slashCommand(slack, {
            text: 'nc018 smtp down "spam cleanup"',
            responseKey: 'wiring',
            user: { id: 'U0STAFF', name: 'ann' },
          }),
        );
        for (
          let i = 0;
          i < 60 && !slack.messages.some((m) => m.channel === FAKE_SLACK.announceChannel);
          i++
        ) {
          await new Promise((ok) => setTimeout(ok, 100));
        }
      },
    });
    expect(r.status).toBe(0);
    expect(answer.status).toBe(200);
    const responses = slack.responsesTo('wiring');
    expect(responses.length).toBeGreaterThan(0);
    expect(JSON.stringify(responses[0])).toContain('SMTP on NC018 shut down');
    expect(
      responses.every((x) => (x.body as { response_type?: string }).response_type !== 'in_channel'),
    ).toBe(true);
    const announced = slack.messages.filter((m) => m.channel === FAKE_SLACK.announceChannel);
    expect(announced).toHaveLength(1);
    expect(JSON.stringify(announced[0])).toContain('spam cleanup');
  });
});
