// The inbox's one worker: it drains the pending rows in arrival order through the core, one row per pass of
// the event loop (acknowledgements go first: between two rows' work Node reads and acknowledges whatever
// has arrived), and marks each row done in the same transaction as the change it made. After a crash or a
// stop, the next start finishes what is pending, once. The surface (Slack, Discord) turns a row into the
// core's work and answers the result: in the platform's reply window while it is open, else by direct
// message.

import type { PromptPress, PromptReply } from '../../automation/prompts.js';
import type { Clock, CommandInput, Outcome, PreviewAction } from '../../bot/handle-command.js';
import type { Logger } from '../../logger.js';
import type { Receipt } from '../../monitors/monitors.js';
import type { ProposalPress } from '../../monitors/proposal.js';
import type { InboxRow } from '../../store/inbox.js';
import type { ChatCommands, ChatInboxStorage, ChatPrompts, ChatProposals } from './chat-core.js';
import { createInbox, type Inbox } from './inbox.js';
import { createTurns } from './turns.js';

/** Slack's response_url and Discord's interaction token both answer for 15 minutes after the request. */
export const REPLY_WINDOW_MS = 15 * 60_000;
/** How long stop() waits for answers still on their way to the platforms. */
const ANSWERS_GRACE_MS = 10_000;

/** What a row asks of the core. */
export type Work =
  | { kind: 'handle'; input: CommandInput }
  /** A preview; `replaces` is the preview it was edited from, cancelled when the new one is shown. */
  | { kind: 'preview'; input: CommandInput; ttlMs: number; replaces?: PreviewAction }
  | { kind: 'confirm'; action: PreviewAction }
  | { kind: 'cancel'; action: PreviewAction }
  | { kind: 'prompt'; press: PromptPress }
  /** A press on a proposal's button (issue 17); answered as a question's answer is. */
  | { kind: 'proposal'; press: ProposalPress }
  /** Decided at the door without the core (a command the platform's form could not express). */
  | { kind: 'answer'; outcome: Outcome }
  /** A monitor's notification (issue 17, src/monitors/hooks.ts): proposals change in the row's transaction. */
  | { kind: 'monitor'; receive: () => Receipt };

export type Done = { kind: 'outcome'; outcome: Outcome } | { kind: 'prompt'; reply: PromptReply };

/** A monitor's row is answered at the door (the hook's HTTP response): its receipt is only logged. */
type Worked = Done | { kind: 'monitor'; receipt: Receipt };

export interface Surface {
  platform: string;
  /** Turns a row into the core's work (it may ask the platform, e.g. for a Slack user's groups). */
  prepare(row: InboxRow): Promise<Work>;
  /** Answers: `open` says whether the platform's reply window is still open, else by direct message. */
  answer(row: InboxRow, done: Done, open: boolean): Promise<void>;
  /** The row's work failed unexpectedly: a short apology. */
  apologise(row: InboxRow, open: boolean): Promise<void>;
}

export interface Conversation {
  inbox: Inbox;
  /** Registers a platform's surface; its rows are worked from then on. Returns the function that stops it. */
  serve(surface: Surface): () => void;
  /** Starts draining (what a previous run left pending first). */
  start(): void;
  /** Refuses new requests, lets the row in hand finish, waits for answers on their way; rows left stay. */
  stop(): Promise<void>;
  /** Resolves when nothing the worker can do is pending (tests). */
  idle(): Promise<void>;
  /** Rows worked by this process. */
  readonly worked: number;
}

export interface ConversationOptions {
  core: ChatCommands & ChatPrompts & ChatInboxStorage;
  clock: Clock;
  log: Logger;
  /** The monitors' proposals (issue 17); without it a press is answered that proposals are off. */
  proposals?: ChatProposals;
}

/** Runs a row's work; a command's times are read as of when it was typed (`typedAt`), however late. */
/** How long a finished inbox row is kept, to recognise a repeated request id. */
export const INBOX_KEPT_MS = 24 * 3_600_000;

/** Said to a proposal's press when this Herald has no monitors. */
const NO_PROPOSALS =
  'Proposals are not taken by this Herald (no monitors are configured); nothing was published.';

function runWork(
  core: ChatCommands & ChatPrompts,
  work: Work,
  typedAt: number,
  proposals?: ChatProposals,
): Worked {
  switch (work.kind) {
    case 'handle':
      return { kind: 'outcome', outcome: core.handle({ ...work.input, typedAt }) };
    case 'preview': {
      const outcome = core.preview({ ...work.input, typedAt }, work.ttlMs);
      // The edited preview replaces the old one, which can then no longer be published.
      if (work.replaces && outcome.kind !== 'refused') core.cancel(work.replaces);
      return { kind: 'outcome', outcome };
    }
    case 'confirm':
      return { kind: 'outcome', outcome: core.confirm(work.action) };
    case 'cancel':
      return { kind: 'outcome', outcome: core.cancel(work.action) };
    case 'prompt':
      return { kind: 'prompt', reply: core.answerPrompt(work.press) };
    case 'answer':
      return { kind: 'outcome', outcome: work.outcome };
    case 'proposal':
      return {
        kind: 'prompt',
        reply: proposals ? proposals.pressProposal(work.press) : { kind: 'note', text: NO_PROPOSALS },
      };
    case 'monitor':
      return { kind: 'monitor', receipt: work.receive() };
  }
}

export function createConversation(options: ConversationOptions): Conversation {
  const { core, clock } = options;
  const log = options.log.child({ component: 'inbox' });
  const store = core.inbox;
  const inbox = createInbox(store);
  const turn = createTurns();
  const surfaces = new Map<string, Surface>();
  const answers = new Set<Promise<unknown>>();
  let started = false;
  let stopping = false;
  let running: Promise<void> | null = null;
  let again = false;
  let worked = 0;
  let stopped: Promise<void> | null = null;

  const keep = (p: Promise<unknown>) => {
    answers.add(p);
    void p
      .catch((error) => log.error({ err: error }, 'answering a chat request failed'))
      .finally(() => answers.delete(p));
  };

  /**
   * The next pending row a served surface can work, oldest first. The oldest pending row is almost always one
   * (every platform with rows is served); reading one row keeps a backlog of hundreds cheap to drain.
   */
  const next = (): InboxRow | undefined => {
    const [oldest] = store.pending(1);
    if (!oldest || surfaces.has(oldest.platform)) return oldest;
    return store.pending(256).find((r) => surfaces.has(r.platform));
  };

  async function work(row: InboxRow, surface: Surface): Promise<void> {
    const where = { requestId: row.requestId, inbox: row.id, kind: row.kind };
    let done: Worked;
    let open = false;
    try {
      const todo = await surface.prepare(row);
      const now = clock.now();
      open = now <= row.receivedAt + REPLY_WINDOW_MS;
      done = store.settle(
        row.id,
        now,
        () => runWork(core, todo, row.receivedAt, options.proposals),
        todo.kind !== 'preview',
      );
    } catch (error) {
      log.error({ err: error, ...where }, 'chat request failed');
      store.fail(row.id, clock.now(), error instanceof Error ? error.message : String(error));
      keep(surface.apologise(row, open));
      return;
    }
    worked++;
    if (done.kind !== 'monitor') keep(surface.answer(row, done, open));
  }

  async function drain(): Promise<void> {
    for (;;) {
      await turn();
      if (stopping) return;
      const row = next();
      if (!row) return;
      const surface = surfaces.get(row.platform);
      if (surface) await work(row, surface);
    }
  }

  const wake = () => {
    if (!started || stopping) return;
    if (running) {
      again = true;
      return;
    }
    // The database failing (a full disk, a closed connection) is logged and reported by /healthz; the rows
    // stay pending for the next wake or start, and nothing escapes as an unhandled rejection.
    running = drain()
      .catch((error) => log.error({ err: error }, 'the chat inbox could not be worked'))
      .finally(() => {
        running = null;
        if (again) {
          again = false;
          wake();
        }
      });
  };
  inbox.onAppended(wake);

  async function stopWorking(): Promise<void> {
    await inbox.close();
    stopping = true;
    await running;
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, ANSWERS_GRACE_MS);
    });
    await Promise.race([Promise.allSettled([...answers]), grace]);
    clearTimeout(timer);
    let left = 0;
    try {
      left = store.pendingCount();
    } catch (error) {
      log.error({ err: error }, 'the chat inbox could not be read at stop');
    }
    if (left) log.info({ pending: left }, 'chat requests left for the next start');
    // What the group commit did in this run (npm run bench reads it): commits, rows, batch sizes, time.
    const { transactions, rows, batchSizes, commitSeconds } = inbox.stats;
    if (transactions)
      log.info(
        {
          commits: transactions,
          rows,
          batchSizes: Object.fromEntries(batchSizes),
          commitMsPerCommit: Number(((commitSeconds * 1000) / transactions).toFixed(3)),
        },
        'inbox group commits',
      );
  }

  return {
    inbox,
    get worked() {
      return worked;
    },
    serve(surface) {
      surfaces.set(surface.platform, surface);
      wake();
      return () => {
        if (surfaces.get(surface.platform) === surface) surfaces.delete(surface.platform);
      };
    },
    start() {
      started = true;
      // A platform repeats a request within minutes (Slack's retries, a double click), so a day of finished
      // rows recognises every repeat; older ones would only grow the database.
      const pruned = store.prune(clock.now() - INBOX_KEPT_MS);
      if (pruned) log.info({ pruned }, 'finished chat requests older than a day removed from the inbox');
      const left = store.pendingCount();
      if (left) log.info({ pending: left }, 'finishing the chat requests left pending');
      wake();
    },
    stop() {
      stopped ??= stopWorking();
      return stopped;
    },
    async idle() {
      for (;;) {
        if (!started || stopping) break;
        await turn();
        await running;
        if (!running && !next()) break;
      }
      await Promise.allSettled([...answers]);
    },
  };
}
