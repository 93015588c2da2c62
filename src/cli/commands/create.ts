/**
 * `netctl create [...] IMAGE [CMD...]`: `run`'s options; the container is recorded, its
 * network and root filesystem prepared, its process not started (`ps -a`: created). `start`
 * (with `-a -i` attached) runs it. Prints its id.
 */
import type { CommandContext } from '../context.js';
import run from './run.js';

export default async function create(ctx: CommandContext): Promise<number> {
  return run(ctx);
}
