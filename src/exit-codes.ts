// The `herald` command's exit codes, a contract (docs/contract.md): 0 success, 1 the
// command was refused (reason on standard error), 2 a configuration or usage error, 3 an unexpected
// failure (a bug, or the disk refusing a write).
export const EXIT = { ok: 0, refused: 1, config: 2, failure: 3 } as const;
