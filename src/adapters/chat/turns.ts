// Acknowledge first, work after (the inbox's worker takes one row per turn, src/adapters/chat/inbox-worker.ts): the core (parsing, a SQLite transaction, rendering) is synchronous, and
// Slack and Discord want an acknowledgement within 3 seconds. Left to itself, a burst of commands would make
// each acknowledgement wait behind the work of every command received before it. Here each command's work
// waits for its turn, and turns are given one per pass of the event loop, so that between two commands'
// work Node reads and acknowledges every request that has arrived meanwhile.
//
// Nothing waits longer than before in all: the same work is done, in the order it came, one command at a
// time (as the single SQLite connection did it anyway).

/** A function whose promise resolves when it is the caller's turn: one caller per pass of the event loop. */
export function createTurns(): () => Promise<void> {
  const waiting: Array<() => void> = [];
  let scheduled = false;
  const pump = () => {
    scheduled = false;
    waiting.shift()?.();
    if (waiting.length > 0) schedule();
  };
  const schedule = () => {
    scheduled = true;
    // setImmediate runs after the poll phase, where incoming requests are read and acknowledged.
    setImmediate(pump);
  };
  return () =>
    new Promise<void>((resolve) => {
      waiting.push(resolve);
      if (!scheduled) schedule();
    });
}
