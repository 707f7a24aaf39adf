// A vitest reporter for `npm test`'s summary: after every run, the ten slowest test files with their times
// (import, setup and tests), and how long the run took. The default reporter still prints everything else.
import type { Reporter, TestModule } from 'vitest/node';

/** The lines the reporter prints: the ten slowest files, slowest first, and the run's length. */
export function slowestLines(files: ReadonlyArray<{ name: string; ms: number }>, runMs: number): string[] {
  const slowest = [...files].sort((a, b) => b.ms - a.ms).slice(0, 10);
  const ran = `vitest ran for ${(runMs / 1000).toFixed(0)} s`;
  const head =
    slowest.length < files.length
      ? `The ten slowest test files (of ${files.length}; ${ran}):`
      : files.length === 1
        ? `The test file (${ran}):`
        : `The ${files.length} test files, slowest first (${ran}):`;
  return [head, ...slowest.map((f) => `  ${(f.ms / 1000).toFixed(1).padStart(6)} s  ${f.name}`)];
}

export default class SlowestFiles implements Reporter {
  private startedAt = performance.now();

  onTestRunStart(): void {
    this.startedAt = performance.now();
  }

  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    const files = modules.map((m) => {
      const d = m.diagnostic();
      return {
        name: m.relativeModuleId,
        ms: d.prepareDuration + d.collectDuration + d.setupDuration + d.duration,
      };
    });
    if (!files.length) return;
    process.stdout.write(`\n${slowestLines(files, performance.now() - this.startedAt).join('\n')}\n`);
  }
}
