// `herald demo [--dir DIR] [--no-serve]`: a folder (default ./demo) with the reference blog's story, then
// its site served. The port is checked before anything is written, so a busy port leaves nothing behind; a
// demo that was finished is served again as it is, while a folder holding any other database is refused.

import fs from 'node:fs';
import path from 'node:path';
import { createHerald } from '../app.js';
import { configOrExit, type Io, loggerOrExit } from '../cli/common.js';
import { serveCommand } from '../cli/publish.js';
import { EXIT } from '../exit-codes.js';
import { checkPort, describeTakenPort } from '../ops/port-check.js';
import { STATUS_BLOG_EPILOGUE, STATUS_BLOG_STORY } from './status-blog.js';

/** Written last, once the whole story is in: a folder with it holds a finished demo and nothing else. */
export const DEMO_MARKER = 'demo-finished.json';

export interface DemoOptions {
  dir: string;
  serve: boolean;
}

export async function demoCommand(options: DemoOptions, io: Io): Promise<number> {
  const root = path.resolve(io.cwd, options.dir);
  const dataDir = path.join(root, 'data');
  const env = { ...io.env, HERALD_DATA_DIR: dataDir, HERALD_PUBLIC_DIR: path.join(root, 'public') };
  const demoIo = { ...io, env };
  const loaded = configOrExit(demoIo);
  if (typeof loaded === 'number') return loaded;
  if (options.serve) {
    const { host, port } = loaded.http;
    const check = await checkPort(host, port);
    if (!check.free) {
      io.stderr.write(
        `herald demo: ${describeTakenPort(host, port, check.code)}; nothing was written. ` +
          `Stop what holds it, or give another port: HERALD_PORT=${port === 8080 ? 8081 : port + 1} herald demo\n`,
      );
      return EXIT.config;
    }
  }
  const finished = fs.existsSync(path.join(dataDir, DEMO_MARKER));
  if (finished) {
    io.stdout.write(
      `Demo: the finished demo in ${root} is used as it is (remove the folder for a fresh one)\n`,
    );
  } else {
    if (fs.existsSync(path.join(dataDir, 'herald.db'))) {
      io.stderr.write(
        `herald demo: ${dataDir} already holds a database that is not a finished demo; remove ${root} or give another --dir\n`,
      );
      return EXIT.refused;
    }
    const built = await buildDemo(loaded, io);
    if (built !== EXIT.ok) return built;
  }
  if (!options.serve) return EXIT.ok;
  return serveCommand(demoIo);
}

async function buildDemo(loaded: Exclude<ReturnType<typeof configOrExit>, number>, io: Io): Promise<number> {
  // The story is published to the site only: a demo must never post to real social accounts.
  const config = { ...loaded, core: { ...loaded.core, outlets: ['site'] } };
  const log = loggerOrExit(config, io, true);
  if (typeof log === 'number') return log;
  let now = 0;
  const herald = createHerald(config, { log, clock: { now: () => now } });
  try {
    for (const step of [...STATUS_BLOG_STORY, ...STATUS_BLOG_EPILOGUE]) {
      now = Date.parse(step.at);
      const outcome = herald.handle({
        text: step.command,
        actor: { platform: 'shell', id: 'ninernet', name: 'NinerNet' },
      });
      if (outcome.kind !== 'recorded')
        throw new Error(`the demo story was refused at ${step.at}: ${JSON.stringify(outcome)}`);
    }
    now = Date.now();
    await herald.publisher.runOnce();
    const written = herald.site.rebuild();
    fs.writeFileSync(
      path.join(config.paths.dataDir, DEMO_MARKER),
      `${JSON.stringify({ posts: STATUS_BLOG_STORY.length, finishedAt: new Date().toISOString() })}\n`,
    );
    io.stdout.write(
      `Demo: ${STATUS_BLOG_STORY.length} posts of the reference blog (and ${STATUS_BLOG_EPILOGUE.length} closing its notices) in ${config.paths.dataDir}; ${written.length} site files in ${config.paths.publicDir}\n`,
    );
    return EXIT.ok;
  } finally {
    await herald.close();
  }
}
