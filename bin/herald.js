#!/usr/bin/env node
// The package's bin: the compiled CLI (npm install / npm ci build it through the `prepare` script).
import { main } from '../dist/cli.js';

process.exitCode = await main(process.argv.slice(2));
