// Every credential the test suite gives Herald (or signs with), in one place: the fakes check them, the tests
// pass them in, and test/log-scan/ looks for each of them in the logs of the whole suite (docs/logs.md).
// A test that needs another credential adds it here, so that the scan looks for it too.

export const TEST_CREDENTIALS = {
  twitter: {
    appKey: 'fake-consumer-key',
    appSecret: 'fake-consumer-secret',
    accessToken: '1000-fake-access-token',
    accessSecret: 'fake-access-secret',
  },
  mastodonToken: 'fake-mastodon-token',
  blueskyAppPassword: 'abcd-efgh-ijkl-mnop',
  slack: {
    botToken: 'xoxb-fake-bot-token',
    appToken: 'xapp-fake-app-token',
    signingSecret: 'fake-signing-secret-0123456789abcdef',
  },
  discordToken: 'fake.discord.bot-token',
  /** A platform's session cookie, as a refusing fake sets it (test/logs/logger.test.ts). */
  sessionCookie: 'fake-session-cookie-4f2a9c',
  /** A Discord interaction's token: it answers for the interaction for 15 minutes. */
  interactionToken: 'fake-interaction-token-77d1',
  /** Monitors' hooks (test/monitors/): Alertmanager's bearer token and basic auth, the signing secret. */
  monitors: {
    alertmanagerToken: 'fake-alertmanager-token-5b1e',
    alertmanagerPassword: 'fake-alertmanager-password-93c0',
    statusHookSecret: 'whsec_aGVyYWxkLXRlc3Qtc3RhdHVzLWhvb2stc2VjcmV0LTAwMDE=',
  },
  /** Wrong ones, that the fakes refuse: a person typed them all the same, and they are as secret. */
  wrong: {
    twitterAppSecret: 'not-the-secret',
    mastodonToken: 'revoked-token',
    blueskyAppPassword: 'wrong-pass-word-here',
    slackSigningSecret: 'not-the-signing-secret',
    discordToken: 'fake.discord.wrong-token',
  },
} as const;

/** Every value of TEST_CREDENTIALS. */
export const TEST_SECRETS: readonly string[] = (function values(o: object): string[] {
  return Object.values(o).flatMap((v) => (typeof v === 'string' ? [v] : values(v as object)));
})(TEST_CREDENTIALS);

/** Credentials the fakes make up as they go (Bluesky's session tokens): never to be logged either. */
export const TEST_SECRET_PATTERNS: readonly RegExp[] = [/fake-(?:access|refresh)-[0-9a-f]{24}/];
