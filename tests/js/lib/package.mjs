// Finds the installed package: run.sh packs pkg/, installs the tarball into
// a scratch project and writes entry.mjs there, so `upcloud-storage`
// resolves through the package's conditional exports as in a user's project.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export const appDir = globalThis.process?.env?.UPCLOUD_JS_APP_DIR
  ?? new URL('../../out/js/app', import.meta.url).pathname;
export const packageDir = join(appDir, 'node_modules', 'upcloud-storage');

/** Imports the package the way a user's code in the scratch project would. */
export function importPackage() {
  return import(pathToFileURL(join(appDir, 'entry.mjs')).href);
}
