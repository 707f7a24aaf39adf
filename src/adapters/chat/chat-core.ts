// What a chat adapter may ask of Herald: run a command, preview and publish or cancel it, and hear what
// became of each delivery (to update its private answer). src/app.ts's Herald satisfies it.

import type { PromptPress, PromptReply, PromptSender } from '../../automation/prompts.js';
import type { CommandInput, Outcome, PreviewAction } from '../../bot/handle-command.js';
import type { Platform } from '../../bot/types.js';
import type { DeliveryNotice } from '../../templates/reply/model.js';

export type { DeliveryNotice } from '../../templates/reply/model.js';

/**
 * The core's answers may come later than the call: `herald start` hands the adapters a core that first waits
 * its turn (src/adapters/chat/turns.ts), so that acknowledging new requests goes before working on old ones.
 */
export type Awaitable<T> = T | Promise<T>;

export interface ChatCore {
  /** Runs a command as typed (records it at once if it changes something). */
  handle(input: CommandInput): Awaitable<Outcome>;
  /** Checks a command and shows what it would publish; read-only commands just run. */
  preview(input: CommandInput, ttlMs: number): Awaitable<Outcome>;
  /** Publish: only the preview's author, before it expires, once. */
  confirm(action: PreviewAction): Awaitable<Outcome>;
  cancel(action: PreviewAction): Awaitable<Outcome>;
  /** Listens to what becomes of each delivery; returns the function that stops listening. */
  onDelivery(listener: (notice: DeliveryNotice) => void): () => void;
  /**
   * Herald's questions to this platform's people (is the maintenance complete?) are sent by `send`, while
   * the adapter runs; returns the function that stops it.
   */
  servePrompts(platform: Platform, send: PromptSender): () => void;
  /** A button of one of Herald's questions: only the person asked, or staff, may answer. */
  answerPrompt(press: PromptPress): PromptReply | Promise<PromptReply>;
  /** Social outlets without credentials, which only log what they would send. */
  dryOutlets: ReadonlySet<string>;
}
