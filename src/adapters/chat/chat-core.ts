// What a chat adapter may ask of Herald, as small ports by use: commands (run, preview, publish, cancel),
// delivery events (to keep a private answer up to date), Herald's questions, and the inbox's storage.
// src/app.ts's Herald satisfies them all. The calls are synchronous (better-sqlite3 is): the inbox's one
// worker (src/adapters/chat/inbox-worker.ts) makes them in turn, between acknowledgements.

import type { PromptPress, PromptReply, PromptSender } from '../../automation/prompts.js';
import type { CommandInput, Outcome, PreviewAction } from '../../bot/handle-command.js';
import type { Platform } from '../../bot/types.js';
import type { ProposalPress } from '../../monitors/proposal.js';
import type { InboxStore } from '../../store/inbox.js';
import type { DeliveryNotice } from '../../templates/reply/model.js';

export type { DeliveryNotice } from '../../templates/reply/model.js';

export interface ChatCommands {
  /** Runs a command as typed (records it at once if it changes something). */
  handle(input: CommandInput): Outcome;
  /** Checks a command and shows what it would publish; read-only commands just run. */
  preview(input: CommandInput, ttlMs: number): Outcome;
  /** Publish: only the preview's author, before it expires, once. */
  confirm(action: PreviewAction): Outcome;
  cancel(action: PreviewAction): Outcome;
}

export interface ChatDeliveryEvents {
  /** Listens to what becomes of each delivery; returns the function that stops listening. */
  onDelivery(listener: (notice: DeliveryNotice) => void): () => void;
  /** Social outlets without credentials, which only log what they would send. */
  dryOutlets: ReadonlySet<string>;
}

export interface ChatPrompts {
  /**
   * Herald's questions to this platform's people (is the maintenance complete?) are sent by `send`, while
   * the adapter runs; returns the function that stops it.
   */
  servePrompts(platform: Platform, send: PromptSender): () => void;
  /** A button of one of Herald's questions: only the person asked, or staff, may answer. */
  answerPrompt(press: PromptPress): PromptReply;
}

export interface ChatInboxStorage {
  /** The inbox table, on the store's connection (so a row settles in the change's own transaction). */
  inbox: InboxStore;
}

export type ChatCore = ChatCommands & ChatDeliveryEvents & ChatPrompts & ChatInboxStorage;

/**
 * The presses on a proposal's buttons (issue 17): Publish, Edit (with the edited command) and Dismiss, from
 * the inbox's worker. Only staff may press (the commands' own check); the answer is said to the presser
 * (a recorded post with its deliveries, a refusal, or a note such as "already published").
 */
export interface ChatProposals {
  pressProposal(press: ProposalPress): PromptReply;
}
