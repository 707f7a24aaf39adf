// The Slack app manifest for `herald slack manifest`: paste it into "Create New App → From a manifest".
// Socket Mode unless a public address is given; then the slash command and the buttons post to
// <address>/slack/events on Herald's server. Typed against the Web API's own manifest type.

import type { webApi } from '@slack/bolt';
import { stringify } from 'yaml';

/** Where Slack's requests arrive on Herald's server in HTTP mode. */
export const SLACK_EVENTS_PATH = '/slack/events';
export const SLACK_COMMAND = '/status';

type Manifest = webApi.AppsManifestCreateArguments['manifest'];
type BotScope = NonNullable<NonNullable<NonNullable<Manifest['oauth_config']>['scopes']>['bot']>[number];

export interface SlackManifestOptions {
  /** The app's name in Slack. Default: Herald. */
  name?: string;
  /** The slash command. Default: /status. */
  command?: string;
  /** HTTP mode: Herald's public address (https://…/); Slack sends requests to its /slack/events. */
  publicUrl?: string | null;
  /** Staff by user group (staff.slack.groups): asks for usergroups:read. Default: true. */
  groups?: boolean;
  /**
   * Announcements (SLACK_ANNOUNCE_CHANNEL): chat:write, and read access to the channel's history, with
   * which a retried announcement finds the message an earlier attempt posted. Default: true.
   */
  announce?: boolean;
  format?: 'yaml' | 'json';
}

/** The scopes Herald asks for, and why (docs/slack.md lists the same). */
export function slackScopes(options: Pick<SlackManifestOptions, 'groups' | 'announce'> = {}): BotScope[] {
  const scopes: BotScope[] = ['commands', 'chat:write'];
  if (options.groups !== false) scopes.push('usergroups:read');
  if (options.announce !== false) scopes.push('channels:history', 'groups:history');
  return scopes;
}

export function slackManifestObject(options: SlackManifestOptions = {}): Manifest {
  const name = options.name ?? 'Herald';
  const command = options.command ?? SLACK_COMMAND;
  let requestUrl: string | undefined;
  if (options.publicUrl) {
    const base = new URL(options.publicUrl);
    if (base.protocol !== 'https:')
      throw new Error(`Slack sends requests to https addresses only, not ${base.href}`);
    requestUrl = new URL(SLACK_EVENTS_PATH.slice(1), base.href.endsWith('/') ? base.href : `${base.href}/`)
      .href;
  }
  return {
    _metadata: { major_version: 1, minor_version: 1 },
    display_information: {
      name,
      description:
        'Publishes the system status: /status in Slack, out to the status site and social networks.',
      background_color: '#1f3b57',
    },
    features: {
      bot_user: { display_name: name, always_online: true },
      // Herald's questions (is the maintenance complete?) come as direct messages from the app, which
      // Slack shows in the app's Messages tab; replies there are not read, the buttons answer.
      app_home: { home_tab_enabled: false, messages_tab_enabled: true, messages_tab_read_only_enabled: true },
      slash_commands: [
        {
          command,
          description: 'Record and publish the system status, or read it',
          usage_hint: '<system> <service> <state> "message" | update | resolve | list | help',
          should_escape: false,
          ...(requestUrl ? { url: requestUrl } : {}),
        },
      ],
    },
    oauth_config: { scopes: { bot: slackScopes(options) } },
    settings: {
      interactivity: { is_enabled: true, ...(requestUrl ? { request_url: requestUrl } : {}) },
      org_deploy_enabled: false,
      socket_mode_enabled: !requestUrl,
      token_rotation_enabled: false,
    },
  };
}

/** The manifest as text: YAML (what Slack's "From a manifest" dialog shows first) or JSON. */
export function slackManifest(options: SlackManifestOptions = {}): string {
  const manifest = slackManifestObject(options);
  return options.format === 'json'
    ? `${JSON.stringify(manifest, null, 2)}\n`
    : stringify(manifest, { lineWidth: 0 });
}
