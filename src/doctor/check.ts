// What one of `herald doctor`'s checks found, and how a call to a platform's API becomes one: a refusal
// names the variables to fix, an unreachable or silent API names the address and its variable.

export type CheckStatus = 'ok' | 'off' | 'fail';

export interface Check {
  /** What was checked: `configuration`, `database`, `twitter`, ... */
  name: string;
  status: CheckStatus;
  /** One line: what was found. */
  detail: string;
  /** For a failure: how to fix it. */
  fix?: string;
}

/** A problem found by a check, with how to fix it; thrown inside a check and turned into its result. */
export class CheckFailure extends Error {
  override name = 'CheckFailure';

  constructor(
    message: string,
    readonly fix: string,
  ) {
    super(message);
  }
}

/** What a client library's error says, in the words a check needs. */
export type ApiError =
  | { kind: 'timeout' }
  | { kind: 'network'; reason: string }
  /** The API answered: its HTTP status (0 when it answers errors with 200, as Slack does) and its reason. */
  | { kind: 'answer'; status: number; reason: string; code?: string };

export interface ApiStep {
  /** The platform, as shown: `Twitter/X`. */
  platform: string;
  /** The API's address and the variable that sets it. */
  url: string;
  urlVar: string;
  timeoutMs: number;
  /** Whether the answer refuses what this step checks (default: 401 or 403). */
  refused?: (answer: Extract<ApiError, { kind: 'answer' }>) => boolean;
  /** What a refusal means: which variables are wrong and where to get right ones. */
  refusedFix: string | ((answer: Extract<ApiError, { kind: 'answer' }>) => string);
}

/** The address without any user:password part, for output. */
export function displayUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.toString();
  } catch {
    return '(not a URL)';
  }
}

const networkFix = (step: ApiStep) =>
  `check ${step.urlVar} (now ${displayUrl(step.url)}) and that this machine can reach it (DNS, firewall, proxy)`;

/** The failure an API error means for a step. */
export function failureOf(step: ApiStep, error: ApiError): CheckFailure {
  const where = displayUrl(step.url);
  if (error.kind === 'timeout') {
    return new CheckFailure(
      `no answer from ${where} within ${step.timeoutMs} ms`,
      `${networkFix(step)}; or raise HERALD_REQUEST_TIMEOUT_MS`,
    );
  }
  if (error.kind === 'network')
    return new CheckFailure(`cannot reach ${where}: ${error.reason}`, networkFix(step));
  const said = [error.status || '', error.reason].filter(Boolean).join(' ') || 'an error';
  const refused = step.refused ?? ((a) => a.status === 401 || a.status === 403);
  if (refused(error)) {
    const fix = typeof step.refusedFix === 'string' ? step.refusedFix : step.refusedFix(error);
    return new CheckFailure(`${step.platform} refused: ${said}`, fix);
  }
  if (error.status === 429)
    return new CheckFailure(
      `${step.platform} is rate limiting (${said})`,
      'wait a few minutes and run it again',
    );
  return new CheckFailure(
    `${where} answered ${said}`,
    `${networkFix(step)}; if it is right, ${step.platform} may be having trouble: try again later`,
  );
}

/**
 * Runs one call to a platform, bounded by the step's timeout even if the library overran its own, and turns
 * what went wrong into a CheckFailure through `describe` (the library's errors → ApiError).
 */
export async function callApi<T>(
  step: ApiStep,
  describe: (error: unknown) => ApiError,
  call: () => Promise<T>,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const overrun = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(failureOf(step, { kind: 'timeout' })), step.timeoutMs + 1000);
  });
  try {
    return await Promise.race([call(), overrun]);
  } catch (error) {
    if (error instanceof CheckFailure) throw error;
    throw failureOf(step, describe(error));
  } finally {
    clearTimeout(timer);
  }
}

/** The first cause in an error's chain that has an errno-style code (undici hides it under `fetch failed`). */
export function networkReason(error: unknown): string {
  let e: unknown = error;
  for (let depth = 0; depth < 5 && e instanceof Error; depth++) {
    const code = (e as NodeJS.ErrnoException).code;
    if (typeof code === 'string' && /^E[A-Z]+$/.test(code))
      return e.message.includes(code) ? e.message : `${code} ${e.message}`.trim();
    e = e.cause;
  }
  return error instanceof Error ? error.message : String(error);
}

/** Whether an error (or its cause) is an abort from a timeout signal or a library's own timeout. */
export function isTimeout(error: unknown): boolean {
  let e: unknown = error;
  for (let depth = 0; depth < 5 && e instanceof Error; depth++) {
    if (e.name === 'TimeoutError' || e.name === 'AbortError' || /timeout/i.test(e.message)) return true;
    e = e.cause;
  }
  return false;
}
