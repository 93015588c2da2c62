/**
 * `commit -c INSTRUCTION`: Dockerfile instructions applied to the committed image's config,
 * parsed and expanded by the Dockerfile model as a build would (against the image's Env) and
 * limited to those Docker's commit takes: no RUN, COPY, ADD, FROM, ARG or SHELL.
 */
import { applyStep, type OciConfig, planBuild, resolveStage } from '../model/dockerfile/api.js';
import { UsageError } from '../errors.js';
import type { ImageDoc } from '../runtime/image-doc.js';

const ALLOWED = new Set([
  'CMD',
  'ENTRYPOINT',
  'ENV',
  'EXPOSE',
  'LABEL',
  'ONBUILD',
  'USER',
  'VOLUME',
  'WORKDIR',
  'STOPSIGNAL',
  'HEALTHCHECK',
]);

/** A function applying CHANGES to an image document; throws a UsageError naming a bad one first. */
export function commitChanges(changes: string[]): (doc: ImageDoc) => ImageDoc {
  for (const c of changes) {
    const kw = c.trim().split(/\s+/)[0]?.toUpperCase() ?? '';
    if (!ALLOWED.has(kw))
      throw new UsageError(
        `invalid -c "${c}": ${kw || 'an empty change'} cannot be changed by commit`,
        [...ALLOWED].join(', '),
      );
    if (/[\r\n]/.test(c)) throw new UsageError(`invalid -c "${c}": one instruction per -c`);
  }
  const text = `FROM scratch\n${changes.join('\n')}\n`;
  const plan = planBuild(text);
  return (doc) => {
    let config = doc.config as OciConfig;
    let state = { cmdSet: false };
    // The image's own ONBUILD triggers are not run by a commit.
    const { OnBuild: _triggers, ...base } = config;
    for (const step of resolveStage(plan, 0, base).steps) {
      const r = applyStep(config, step, state);
      config = r.config;
      state = r.state;
    }
    return { ...doc, config: config as Record<string, unknown> };
  };
}
