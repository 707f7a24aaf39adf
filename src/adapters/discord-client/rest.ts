// Discord's REST client, @discordjs/rest, without the rest of discord.js (the gateway client, its structures
// and caches: a few tenths of a second more at every `herald start`, needed only for the gateway). It is
// loaded as discord.js loads it: discord.js is CommonJS and re-exports this package's CommonJS build, while an
// `import` would take its ES build, a second copy whose error classes fail `instanceof` against the errors the
// gateway client throws. Required, there is one copy.

import { createRequire } from 'node:module';

const rest = createRequire(import.meta.url)('@discordjs/rest') as typeof import('@discordjs/rest');

export const { DiscordAPIError, HTTPError, RateLimitError, REST } = rest;
export type REST = import('@discordjs/rest').REST;
