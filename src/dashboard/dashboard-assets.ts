import * as fs from 'node:fs';
import * as path from 'node:path';
import { installRoot } from '../common/install-root';

/** One file of the page, read once at start. */
export interface DashboardAsset {
  contentType: string;
  bytes: Buffer;
}

/** tsc copies no HTML, JS or CSS to dist/, so the files are read where the repository has them. */
const DASHBOARD_DIR = path.join(installRoot(), 'src/dashboard/public');

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

/**
 * The page's files by name. Requests are answered from this map only, never from the disk, so no
 * request path can reach a file outside it.
 */
export function loadDashboardAssets(): Map<string, DashboardAsset> {
  const assets = new Map<string, DashboardAsset>();
  for (const name of fs.readdirSync(DASHBOARD_DIR)) {
    const contentType = CONTENT_TYPES[path.extname(name)];
    if (contentType) assets.set(name, { contentType, bytes: fs.readFileSync(path.join(DASHBOARD_DIR, name)) });
  }
  return assets;
}
