// The staff check in front of the monitors' press (issue 17): a press on a proposal's button is a change
// like a typed command, so it takes the commands' own permission check (src/bot/permissions.ts) before the
// monitors service records it. A refusal changes nothing and is said only to the person who pressed.

import type { PromptReply } from '../../automation/prompts.js';
import type { StaffRules } from '../../bot/catalog.js';
import { mayChange } from '../../bot/permissions.js';
import type { ProposalPress } from '../../monitors/proposal.js';
import type { ChatProposals } from './chat-core.js';

export interface ProposalPressesOptions {
  staff: StaffRules;
  /** The monitors service's press (it records the fate, publishes as the presser, updates the boards). */
  press(press: ProposalPress): PromptReply;
}

export function createProposalPresses(o: ProposalPressesOptions): ChatProposals {
  return {
    pressProposal(press) {
      const permission = mayChange(press.actor, o.staff);
      if (!permission.allowed)
        return {
          kind: 'outcome',
          outcome: { kind: 'refused', code: 'not_staff', message: permission.reason },
        };
      return o.press(press);
    },
  };
}
