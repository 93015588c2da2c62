/**
 * What a user should know after `netctl allow`: a rule only matters while ufw runs and
 * netctl's block sends published ports through ufw. Files only: no process is started.
 */
import { readFileSync } from 'node:fs';
import { ufwBlockInstalled } from '../engine/open.js';
import { setting } from '../firewall/ufw/observe.js';
import { blockInstalled } from '../firewall/ufw/block.js';
import { DOCKER_BLOCK } from '../docker/block-kind.js';

function dockerBlockInstalled(etc: string): boolean {
  try {
    return blockInstalled(readFileSync(`${etc}/after.rules`, 'latin1'), DOCKER_BLOCK.markers);
  } catch {
    return false;
  }
}

/** Zero or more one-line notes (`docker`: about a Docker container's rule); `etc` is ufw's directory. */
export function allowNotes(etc: string, docker = false): string[] {
  const notes: string[] = [];
  let conf = '';
  try {
    conf = readFileSync(`${etc}/ufw.conf`, 'latin1');
  } catch {
    // No ufw.conf: ufw is not installed, and allow already failed on user.rules.
  }
  if ((setting(conf, 'ENABLED') ?? '').toLowerCase() !== 'yes')
    notes.push('note: ufw is not enabled: the rule takes effect once it is (ufw enable)');
  if (docker) {
    if (!dockerBlockInstalled(etc))
      notes.push(
        "note: the netctl-docker block is not installed, so ufw does not decide Docker's published ports yet: run netctl docker install",
      );
  } else if (!ufwBlockInstalled(etc, 4))
    notes.push(
      "note: netctl's ufw block is not installed, so ufw does not decide published ports yet: run netctl ufw install",
    );
  return notes;
}
