// A press on a proposal's button (issue 17), as the inbox's worker hands it to the monitors service, and the
// service's answer as the chat surfaces say it to the person who pressed (the shape of an answer to one of
// Herald's questions): the recorded post with its deliveries, the core's refusal, or a short note. The
// service checks staff with the commands' own check (src/bot/permissions.ts), records the fate in the
// press's transaction, and shows the settled proposal on every board.

import type { PromptReply } from '../../automation/prompts.js';
import type { Monitors, PressResult } from '../../monitors/monitors.js';
import type { ChatProposals } from './chat-core.js';

/** What the presser is told. */
export function pressReply(result: PressResult): PromptReply {
  if (result.kind === 'done') {
    if (result.outcome) return { kind: 'outcome', outcome: result.outcome };
    return { kind: 'note', text: `Dismissed proposal ${result.proposal.id}: nothing was published.` };
  }
  if (result.outcome?.kind === 'refused') return { kind: 'outcome', outcome: result.outcome };
  return { kind: 'note', text: `Refused: ${result.message}. Nothing was published.` };
}

export function createProposalPresses(monitors: Pick<Monitors, 'press'>): ChatProposals {
  return { pressProposal: (press) => pressReply(monitors.press(press)) };
}
