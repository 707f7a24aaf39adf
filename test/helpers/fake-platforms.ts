// Every platform's local fake at once (Twitter/X, Mastodon, Bluesky, Slack, Discord), and the environment
// that switches each of Herald's clients on against them: social outlets, the Slack and Discord
// announcement channels, and Discord interactions signed with a test key.
import { type FakeBluesky, startFakeBluesky } from '../fakes/bluesky.js';
import {
  createInteractionSigner,
  FAKE_APPLICATION_ID,
  FAKE_CHANNEL_ID,
  FAKE_DISCORD_TOKEN,
  type FakeDiscord,
  type InteractionSigner,
  startFakeDiscord,
} from '../fakes/discord.js';
import { type FakeMastodon, startFakeMastodon } from '../fakes/mastodon.js';
import { FAKE_SLACK, type FakeSlack, startFakeSlack } from '../fakes/slack.js';
import { type FakeTwitter, startFakeTwitter } from '../fakes/twitter.js';
import { socialEnv } from './social-env.js';

export interface FakePlatforms {
  twitter: FakeTwitter;
  mastodon: FakeMastodon;
  bluesky: FakeBluesky;
  slack: FakeSlack;
  discord: FakeDiscord;
  /** Signs Discord interactions with the key in `env` (DISCORD_PUBLIC_KEY). */
  signer: InteractionSigner;
  env: NodeJS.ProcessEnv;
  close(): Promise<void>;
}

export async function startFakePlatforms(): Promise<FakePlatforms> {
  const [twitter, mastodon, bluesky, slack, discord] = await Promise.all([
    startFakeTwitter(),
    startFakeMastodon(),
    startFakeBluesky(),
    startFakeSlack(),
    startFakeDiscord(),
  ]);
  const signer = createInteractionSigner();
  return {
    twitter,
    mastodon,
    bluesky,
    slack,
    discord,
    signer,
    env: {
      ...socialEnv({ twitter, mastodon, bluesky }),
      SLACK_BOT_TOKEN: FAKE_SLACK.botToken,
      SLACK_SIGNING_SECRET: FAKE_SLACK.signingSecret,
      SLACK_ANNOUNCE_CHANNEL: FAKE_SLACK.announceChannel,
      SLACK_API_URL: slack.apiUrl,
      DISCORD_TOKEN: FAKE_DISCORD_TOKEN,
      DISCORD_APPLICATION_ID: FAKE_APPLICATION_ID,
      DISCORD_PUBLIC_KEY: signer.publicKey,
      DISCORD_ANNOUNCE_CHANNEL: FAKE_CHANNEL_ID,
      DISCORD_API_URL: discord.apiUrl,
    },
    async close() {
      await Promise.all([twitter, mastodon, bluesky, slack, discord].map((f) => f.close()));
    },
  };
}
