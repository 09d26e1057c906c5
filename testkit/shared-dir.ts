/**
 * Where the project's shared/ folder (PROTOCOL.md, seeds, testdata) is:
 * IDC_SHARED_DIR when set; else beside this repository (as CI lays it out);
 * else beside the repository this clone was made from (a clone in a temp
 * folder, made with `git clone . "$d"`). Throws naming the places looked at.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPOSITORY = fileURLToPath(new URL('../', import.meta.url));

function originShared(): string | undefined {
  try {
    const origin = execFileSync('git', ['config', '--get', 'remote.origin.url'], { cwd: REPOSITORY, encoding: 'utf8' }).trim();
    // Only a local origin (a path, or file://) has a shared/ beside it.
    const path = origin.startsWith('file://') ? fileURLToPath(origin) : isAbsolute(origin) ? origin : undefined;
    return path && join(dirname(resolve(path)), 'shared');
  } catch {
    return undefined;
  }
}

export function sharedDir(): string {
  const candidates = [process.env.IDC_SHARED_DIR, join(REPOSITORY, '..', 'shared'), originShared()].filter((dir): dir is string => !!dir);
  const found = candidates.find((dir) => existsSync(join(dir, 'testdata')));
  if (!found) throw new Error(`shared/testdata not found (looked in ${candidates.join(', ')}); set IDC_SHARED_DIR`);
  return found;
}
