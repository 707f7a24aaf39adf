// Which Slack user groups a person is in, for `staff.slack.groups`. One `usergroups.list` call (with its
// members) answers for everyone, kept for a minute; nothing is asked when no group is configured.

import type { webApi } from '@slack/bolt';
import type { Clock } from '../../bot/handle-command.js';
import type { Logger } from '../../logger.js';

export interface GroupLookup {
  /** The user's groups; undefined when no group is configured (the core then checks user ids only). */
  groupsOf(userId: string): Promise<string[] | undefined>;
}

export const GROUP_CACHE_MS = 60_000;

export function createGroupLookup(options: {
  client: webApi.WebClient;
  /** Group ids that make someone staff. */
  configured: readonly string[];
  clock: Clock;
  log: Logger;
  ttlMs?: number;
}): GroupLookup {
  const { client, configured, clock, log } = options;
  const ttl = options.ttlMs ?? GROUP_CACHE_MS;
  let cached: { at: number; members: Map<string, Set<string>> } | null = null;
  let loading: Promise<Map<string, Set<string>>> | null = null;

  async function load(): Promise<Map<string, Set<string>>> {
    const result = await client.usergroups.list({ include_users: true });
    const members = new Map<string, Set<string>>();
    for (const group of result.usergroups ?? []) {
      if (group.id) members.set(group.id, new Set(group.users ?? []));
    }
    return members;
  }

  async function members(): Promise<Map<string, Set<string>>> {
    if (cached && clock.now() - cached.at < ttl) return cached.members;
    loading ??= load()
      .then((m) => {
        cached = { at: clock.now(), members: m };
        return m;
      })
      .finally(() => {
        loading = null;
      });
    return loading;
  }

  return {
    async groupsOf(userId) {
      if (!configured.length) return undefined;
      try {
        const all = await members();
        return [...all].filter(([, users]) => users.has(userId)).map(([id]) => id);
      } catch (error) {
        // Without the list, only user ids make staff; say why in the log (a missing usergroups:read scope).
        log.warn(
          { err: error },
          'could not read Slack user groups; only staff.slack.users are staff for now',
        );
        return [];
      }
    },
  };
}
