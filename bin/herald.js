#!/usr/bin/env node
// The package's bin: the compiled CLI (npm install / npm ci build it through the `prepare` script).
import { main } from '../dist/cli.js';

// A reader that went away (`herald run list | head -1`) is not a failure of Herald's: it stops quietly, as
// Unix tools do, instead of dying on an unhandled EPIPE with a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit(process.exitCode ?? 0);
  });
}

process.exitCode = await main(process.argv.slice(2));
