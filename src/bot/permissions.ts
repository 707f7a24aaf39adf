// Who may change things. Anyone may `list` and `help`; only configured staff write. Pure.

import type { StaffRules } from './catalog.js';
import type { Actor } from './types.js';

export type Permission = { allowed: true } | { allowed: false; reason: string };

const intersects = (a: readonly string[] | undefined, b: readonly string[]): boolean =>
  !!a && a.some((x) => b.includes(x));

export function mayChange(actor: Actor, staff: StaffRules): Permission {
  switch (actor.platform) {
    case 'shell':
      return staff.shell.includes('*') || staff.shell.includes(actor.id)
        ? { allowed: true }
        : {
            allowed: false,
            reason: `shell user "${actor.id}" is not staff (staff.shell in the configuration)`,
          };
    case 'slack': {
      const rules = staff.slack;
      if (rules.channels.length && !(actor.channel && rules.channels.includes(actor.channel))) {
        return { allowed: false, reason: 'status changes are not taken from this channel' };
      }
      return rules.users.includes(actor.id) || intersects(actor.groups, rules.groups)
        ? { allowed: true }
        : { allowed: false, reason: 'only staff may change the status; you may use `list` and `help`' };
    }
    case 'discord': {
      const rules = staff.discord;
      if (rules.guilds.length && !(actor.guild && rules.guilds.includes(actor.guild))) {
        return { allowed: false, reason: 'status changes are not taken from this server' };
      }
      return rules.users.includes(actor.id) || intersects(actor.groups, rules.roles)
        ? { allowed: true }
        : { allowed: false, reason: 'only staff may change the status; you may use `list` and `help`' };
    }
    case 'herald':
      // Herald's own steps (the scheduler) are written through CommandService.automatic, never as typed.
      return { allowed: false, reason: 'Herald does not type commands' };
  }
}
