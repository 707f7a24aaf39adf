// Waiting in tests that talk to real processes and servers: poll until something holds, or fail saying what.

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `find` every `stepMs` until it returns something, and returns that; throws after `timeoutMs`. */
export async function until<T>(
  what: string,
  find: () => T | undefined | null | false,
  timeoutMs: number,
  stepMs = 20,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const found = find();
    if (found) return found;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(stepMs);
  }
}
