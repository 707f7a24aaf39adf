// One Herald per data folder: `herald start` (and `herald restore`, while it swaps the database) holds
// HERALD_DATA_DIR/herald.pid, created exclusively. A holder killed with SIGKILL, or by a power cut, leaves
// the file behind; it is taken over when its process is gone, which on Linux is judged by the boot and the
// process's start time as well as its pid, since after a reboot the same pid may be any other program.

import fs from 'node:fs';
import path from 'node:path';

export const LOCK_FILE = 'herald.pid';

export interface DataLock {
  readonly file: string;
  /** Removes the lock file if it is still ours. Safe to call twice. */
  release(): void;
}

export class DataLockedError extends Error {
  override name = 'DataLockedError';

  constructor(
    readonly file: string,
    readonly pid: number,
  ) {
    super(
      `another Herald (pid ${pid}) is running on ${path.dirname(file)}: stop it first ` +
        `(if no such process is Herald, remove ${file})`,
    );
  }
}

interface Holder {
  pid: number;
  /** /proc/sys/kernel/random/boot_id: a new one at every boot (Linux). */
  boot: string | null;
  /** Field 22 of /proc/<pid>/stat: when the process started, in clock ticks since boot (Linux). */
  started: string | null;
}

const readOrNull = (file: string): string | null => {
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch {
    return null;
  }
};

const bootId = (): string | null => readOrNull('/proc/sys/kernel/random/boot_id');

function startTimeOf(pid: number): string | null {
  const stat = readOrNull(`/proc/${pid}/stat`);
  if (!stat) return null;
  // The command name (field 2) is in parentheses and may hold spaces; the fields after it are plain.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return fields[19] ?? null;
}

const describeSelf = (): Holder => ({
  pid: process.pid,
  boot: bootId(),
  started: startTimeOf(process.pid),
});

function parseHolder(text: string | null): Holder | null {
  if (text === null) return null;
  const [pid, boot, started] = text.split('\n');
  const n = Number(pid);
  if (!Number.isInteger(n) || n <= 0) return null;
  return { pid: n, boot: boot || null, started: started || null };
}

/** Whether the process that wrote the lock file is still running. */
function isAlive(holder: Holder): boolean {
  if (holder.pid === process.pid) return false;
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    // EPERM: it exists, under another user.
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const boot = bootId();
  if (holder.boot && boot && holder.boot !== boot) return false;
  const started = startTimeOf(holder.pid);
  return !(holder.started && started && holder.started !== started);
}

/** Creates `file` holding `content`, atomically: nobody ever reads it half written. False if it exists. */
function createExclusive(file: string, content: string): boolean {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, content);
  try {
    fs.linkSync(tmp, file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    // A file system without hard links: an exclusive create, whose content a reader may find half written.
    try {
      fs.writeFileSync(file, content, { flag: 'wx' });
      return true;
    } catch (again) {
      if ((again as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw again;
    }
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

/** The pid of the Herald that holds the data folder's lock and still runs, or null. */
export function runningHolder(dataDir: string): number | null {
  const holder = parseHolder(readOrNull(path.join(dataDir, LOCK_FILE)));
  return holder && isAlive(holder) ? holder.pid : null;
}

/** Takes the data folder's lock, or throws DataLockedError naming the Herald that holds it. */
export function acquireDataLock(dataDir: string): DataLock {
  fs.mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, LOCK_FILE);
  const self = describeSelf();
  const content = `${self.pid}\n${self.boot ?? ''}\n${self.started ?? ''}\n`;
  for (let attempt = 0; attempt < 3; attempt++) {
    if (createExclusive(file, content)) return heldLock(file, self.pid);
    const holder = parseHolder(readOrNull(file));
    if (holder && isAlive(holder)) throw new DataLockedError(file, holder.pid);
    // Left behind by a Herald that is gone (or not a lock file at all).
    fs.rmSync(file, { force: true });
  }
  throw new Error(`could not take ${file}: it was recreated each time it was removed`);
}

function heldLock(file: string, pid: number): DataLock {
  let held = true;
  return {
    file,
    release() {
      if (!held) return;
      held = false;
      // Only our own file: never one that another Herald took over after judging ours stale.
      if (parseHolder(readOrNull(file))?.pid === pid) fs.rmSync(file, { force: true });
    },
  };
}
