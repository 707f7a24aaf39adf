// The public folder over HTTP, one whole version of a file per response. The site outlet replaces files by
// renaming a new one over the old; express.static (send) read a file's size with stat() and then opened the
// path, so a rename between the two served the new file cut to the old size, or the old size promised and
// fewer bytes sent, with status 200. Here a file is opened once and everything (its size, its modification
// time, its bytes) is read from that open descriptor: a rename after the open leaves the old inode readable
// to the end. The files are small pages and feeds, so each is read whole into memory; express's res.send
// then gives the Content-Length, a strong ETag of the very bytes sent, 304 for a matching conditional GET,
// and no body for HEAD.

import fs from 'node:fs/promises';
import path from 'node:path';
import type express from 'express';
import { WIDGET_FILE, WIDGET_POLICY } from './templates/html/widget-page.js';

/** Content types the feeds are known by; the rest come from their extension. */
const FEED_TYPES: Record<string, string> = {
  'rss.xml': 'application/rss+xml; charset=utf-8',
  'atom.xml': 'application/atom+xml; charset=utf-8',
  'feed.json': 'application/feed+json; charset=utf-8',
};

/** A file read whole through one open descriptor, or why not. */
export type FileRead =
  | { kind: 'file'; body: Buffer; modified: Date }
  | { kind: 'directory' }
  | { kind: 'missing' };

/** Reads `file` through a single open: the bytes and the time match one version of it. */
export async function readWholeFile(file: string): Promise<FileRead> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(file, 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'ENAMETOOLONG' || code === 'EISDIR')
      return { kind: 'missing' };
    throw error;
  }
  try {
    const stat = await handle.stat();
    if (stat.isDirectory()) return { kind: 'directory' };
    if (!stat.isFile()) return { kind: 'missing' };
    return { kind: 'file', body: await handle.readFile(), modified: stat.mtime };
  } finally {
    await handle.close();
  }
}

/**
 * The file a URL path names under `root`, or why it names none: `bad` (undecodable, a NUL), `forbidden`
 * (a `..` segment), `hidden` (a segment starting with a dot, such as the writer's temporary files).
 */
export function resolvePublicPath(
  root: string,
  urlPath: string,
): { kind: 'path'; file: string; directory: boolean } | { kind: 'bad' | 'forbidden' | 'hidden' } {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return { kind: 'bad' };
  }
  if (decoded.includes('\0')) return { kind: 'bad' };
  const segments = decoded.split('/').filter(Boolean);
  if (segments.some((s) => s === '..')) return { kind: 'forbidden' };
  if (segments.some((s) => s.startsWith('.'))) return { kind: 'hidden' };
  const base = path.resolve(root);
  const file = path.resolve(base, ...segments);
  // Belt and braces: after the checks above this cannot leave the folder.
  if (file !== base && !file.startsWith(`${base}${path.sep}`)) return { kind: 'forbidden' };
  return { kind: 'path', file, directory: decoded.endsWith('/') || segments.length === 0 };
}

function contentType(file: string): string {
  return FEED_TYPES[path.basename(file)] ?? path.extname(file);
}

/** The JSON API (docs/api.md): read by scripts and widgets on other origins, so open to them for reading. */
const isApiPath = (urlPath: string): boolean => urlPath.startsWith('/api/');

/** CORS for reading: any origin may GET, nothing else; no credentials (the files are public anyway). */
function allowCrossOriginReads(res: express.Response): void {
  res.setHeader('Access-Control-Allow-Origin', '*');
  res.setHeader('Access-Control-Expose-Headers', 'ETag, Last-Modified');
}

/**
 * GET and HEAD for the files under `root`, and the CORS preflight (OPTIONS) for the JSON API; anything else,
 * or a missing file, goes on to the next handler.
 */
export function serveStaticFiles(root: string): express.RequestHandler {
  return async (req, res, next) => {
    if (req.method === 'OPTIONS' && isApiPath(req.path)) {
      allowCrossOriginReads(res);
      res.setHeader('Access-Control-Allow-Methods', 'GET, HEAD, OPTIONS');
      // A cross-origin GET may carry the conditional headers a cache adds; nothing else is needed.
      res.setHeader('Access-Control-Allow-Headers', 'If-None-Match, If-Modified-Since, Cache-Control');
      res.setHeader('Access-Control-Max-Age', '86400');
      return void res.status(204).end();
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    const target = resolvePublicPath(root, req.path);
    if (target.kind === 'bad') return void res.status(400).type('text').send('Bad request\n');
    if (target.kind === 'forbidden') return void res.status(403).type('text').send('Forbidden\n');
    if (target.kind !== 'path') return next();
    const file = target.directory ? path.join(target.file, 'index.html') : target.file;
    let read: FileRead;
    try {
      read = await readWholeFile(file);
    } catch (error) {
      return next(error);
    }
    if (read.kind === 'missing') return next();
    if (read.kind === 'directory') {
      // As express.static did: a folder's address gets its trailing slash, with the query kept.
      const query = req.originalUrl.slice(req.originalUrl.split('?')[0]?.length ?? 0);
      return void res.redirect(301, `${req.baseUrl}${req.path}/${query}`);
    }
    res.type(contentType(file));
    if (isApiPath(req.path)) allowCrossOriginReads(res);
    res.setHeader('Last-Modified', read.modified.toUTCString());
    // The embeddable widget has its own policy: its inline stylesheet by hash, and any site may frame it.
    if (file === path.resolve(root, WIDGET_FILE)) res.setHeader('Content-Security-Policy', WIDGET_POLICY);
    else if (file.endsWith('.html'))
      res.setHeader('Content-Security-Policy', "default-src 'none'; style-src 'self'; img-src 'self' data:");
    // A status page must not be stale for long: caches revalidate with the ETag after a minute.
    res.setHeader('Cache-Control', 'public, max-age=60, must-revalidate');
    res.status(200).send(read.body);
  };
}
