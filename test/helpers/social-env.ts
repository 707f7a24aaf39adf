// The environment that switches Twitter/X, Mastodon and Bluesky on against their local fakes: the real
// clients, with the credentials each fake accepts.
import type { FakeBluesky } from '../fakes/bluesky.js';
import { FAKE_TOKEN, type FakeMastodon } from '../fakes/mastodon.js';
import { FAKE_TWITTER_CREDENTIALS, type FakeTwitter } from '../fakes/twitter.js';
import { TEST_CREDENTIALS } from './credentials.js';

export function socialEnv(fakes: {
  twitter: FakeTwitter;
  mastodon: FakeMastodon;
  bluesky: FakeBluesky;
}): NodeJS.ProcessEnv {
  return {
    TWITTER_API_KEY: FAKE_TWITTER_CREDENTIALS.appKey,
    TWITTER_API_SECRET: FAKE_TWITTER_CREDENTIALS.appSecret,
    TWITTER_ACCESS_TOKEN: FAKE_TWITTER_CREDENTIALS.accessToken,
    TWITTER_ACCESS_SECRET: FAKE_TWITTER_CREDENTIALS.accessSecret,
    TWITTER_API_URL: fakes.twitter.url,
    MASTODON_URL: fakes.mastodon.url,
    MASTODON_ACCESS_TOKEN: FAKE_TOKEN,
    BLUESKY_SERVICE_URL: fakes.bluesky.url,
    BLUESKY_IDENTIFIER: fakes.bluesky.handle,
    BLUESKY_APP_PASSWORD: TEST_CREDENTIALS.blueskyAppPassword,
  };
}
