/**
 * The real dependencies of the ufw commands: the machine's files and programs, ufw's usual
 * paths, and the block templates shipped in the package's rules/ufw directory.
 */
import { installPath } from '../../sys/install-root.js';
import { realFiles } from '../../sys/atomic-file.js';
import { realRunner } from '../../sys/exec.js';
import type { UfwDeps } from './observe.js';
import { withFileLock } from '../../sys/file-lock.js';

/** The lock file ufw takes around each command (ufw's /usr/sbin/ufw, create_lock in ufw/util.py). */
export const UFW_LOCK = '/run/ufw.lock';

// src/firewall/ufw and dist/firewall/ufw are both three levels below the package root.
const TEMPLATES = `${installPath('rules', 'ufw')}/`;

/** The dependencies for the machine netctl runs on. */
export function defaultUfwDeps(): UfwDeps {
  return {
    files: realFiles,
    runner: realRunner,
    now: () => new Date(),
    etc: '/etc/ufw',
    defaults: '/etc/default/ufw',
    templates: TEMPLATES,
    lock: (fn) => withFileLock(UFW_LOCK, fn),
  };
}
