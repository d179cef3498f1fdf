/**
 * @module
 * Builds the web app (`web/` → `web/dist/`) with Vite, only when the bundle is missing or older than a source
 * file. `npm start` runs it first (`prestart`) and the browser tests call {@link buildWebIfStale} before they
 * start a server, so a fresh clone serves a working app with no separate step. Run directly
 * (`tsx web/build-web.ts [--force]`) it prints what it did.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The web app's folder (`web/`). */
export const webRoot = fileURLToPath(new URL('.', import.meta.url));
/** Where the built app lands; the server serves this folder at `/`. */
export const webDist = join(webRoot, 'dist');

function newestMtime(path: string): number {
  const info = statSync(path);
  if (!info.isDirectory()) return info.mtimeMs;
  let newest = info.mtimeMs;
  for (const name of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, name)));
  return newest;
}

/** True when `web/dist/index.html` is missing or older than any source, the HTML page, the config or the lock file. */
export function webBuildIsStale(): boolean {
  let built: number;
  try {
    built = statSync(join(webDist, 'index.html')).mtimeMs;
  } catch {
    return true;
  }
  const inputs = [join(webRoot, 'src'), join(webRoot, 'index.html'), join(webRoot, 'vite.config.ts'), join(webRoot, '../package-lock.json')];
  return inputs.some((input) => newestMtime(input) > built);
}

/** Builds the app when {@link webBuildIsStale} (or always with `force`); true when it built. */
export async function buildWebIfStale(options: { readonly force?: boolean } = {}): Promise<boolean> {
  if (!options.force && !webBuildIsStale()) return false;
  const { build } = await import('vite');
  await build({ configFile: join(webRoot, 'vite.config.ts') });
  return true;
}

const invokedDirectly = process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1];
if (invokedDirectly) {
  const built = await buildWebIfStale({ force: process.argv.includes('--force') });
  process.stdout.write(built ? `web app built into ${webDist}\n` : 'web app is up to date\n');
}
