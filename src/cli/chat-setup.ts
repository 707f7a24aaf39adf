// `herald slack manifest` and `herald discord register`: what a chat platform needs to know about Herald.

import { EXIT } from '../exit-codes.js';
import { configOrExit, type Io } from './common.js';

/** `herald slack manifest [--url https://status.example.net] [--json]`: the app manifest to paste into Slack. */
export async function slackManifestCommand(
  options: { url?: string; json?: boolean },
  io: Io,
): Promise<number> {
  const config = configOrExit(io);
  if (typeof config === 'number') return config;
  const { slackManifest } = await import('../adapters/chat/slack-manifest.js');
  try {
    io.stdout.write(
      `${slackManifest({
        name: 'Herald',
        publicUrl: options.url ?? null,
        groups: config.core.staff.slack.groups.length > 0,
        announce: Boolean(config.slack?.announceChannel),
        format: options.json ? 'json' : 'yaml',
      })}\n`,
    );
  } catch (error) {
    io.stderr.write(`herald slack manifest: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT.config;
  }
  return EXIT.ok;
}

/** `herald discord register [--guild ID]`: registers /status with Discord and prints what it did. */
export async function discordRegisterCommand(options: { guild?: string }, io: Io): Promise<number> {
  const config = configOrExit(io);
  if (typeof config === 'number') return config;
  const token = config.discord?.token;
  const applicationId = config.discord?.applicationId;
  if (!config.discord || !token || !applicationId) {
    io.stderr.write(
      'herald discord register: set DISCORD_TOKEN and DISCORD_APPLICATION_ID (see docs/discord.md)\n',
    );
    return EXIT.config;
  }
  const { formatRegistration, registerDiscordCommands } = await import(
    '../adapters/chat/discord-commands.js'
  );
  const done = await registerDiscordCommands({
    token,
    applicationId,
    apiUrl: config.discord.apiUrl,
    guildId: options.guild,
    messageLimit: config.core.messageLimit,
    templates: config.core.templates,
  });
  io.stdout.write(`${formatRegistration(done)}\n`);
  return EXIT.ok;
}
