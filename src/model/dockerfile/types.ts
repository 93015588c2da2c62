/**
 * The Dockerfile language as data: what the parser and planner hand to the build executor.
 * Pure types; the executor (runtime/, ops/) turns them into containers and layers.
 *
 * Two stages of a step's life:
 * - in {@link BuildPlan.stages} a step's words are as written (variables not yet expanded),
 *   because expansion needs the base image's `Env`, which only the executor knows;
 * - {@link resolveStage} (in resolve.ts) takes the base image config and returns the same
 *   {@link Step} shapes with every word expanded as Docker does and the RUN context filled.
 */

/** One heredoc body (`<<EOF` ... `EOF`). */
export interface Heredoc {
  /** The delimiter word, quotes removed (`EOF`). */
  name: string;
  /** The body, each line ending in `\n`; leading tabs stripped for `<<-`. */
  content: string;
  /** True for `<<EOF` (unquoted): the shell expands it (RUN) or netctl does not (COPY, see resolve). */
  expand: boolean;
  /** True for `<<-EOF`: leading tabs of each body line were removed. */
  chomp: boolean;
}

/** What every step carries, for errors, progress and the cache key. */
export interface StepBase {
  /** 1-based line of the instruction's first line in the Dockerfile (or the trigger's line for ONBUILD). */
  line: number;
  /** The instruction as written, continuations joined (`RUN apt-get update && ...`), heredoc bodies excluded. */
  original: string;
  /** Set on steps that came from the base image's ONBUILD triggers: the trigger text (errors name it). */
  onbuild?: string;
}

/** `RUN`: a command run in a container of the current image; its changes become a layer. */
export interface RunStep extends StepBase {
  kind: 'RUN';
  /** `shell`: one command string run through {@link RunStep.shell}; `exec`: an argv. */
  form: 'shell' | 'exec';
  /** shell form: `[commandText]`; exec form: the JSON array. Never expanded by netctl: the shell does it. */
  command: string[];
  /** Heredoc bodies (`RUN <<EOF`): with no command text, the body is the script run by the shell. */
  heredocs: Heredoc[];
  /** The SHELL in effect (default `["/bin/sh","-c"]`); filled by resolveStage. */
  shell: string[];
  /** `KEY=VALUE` environment of the container: the image Env plus build args in scope (ENV wins). */
  env: string[];
  /** Build args in scope and their values (what `|N K=V` in Docker's history shows); proxy args excluded. */
  args: Record<string, string>;
  /** Predefined proxy args given with --build-arg: in the environment, kept out of history and cache key. */
  proxyEnv: string[];
}

/** Where COPY/ADD takes its sources from. */
export type CopySource = { kind: 'context' } | { kind: 'stage'; index: number } | { kind: 'image'; ref: string };

/** `COPY` and `ADD`: files from the context, a stage, an image (or URLs for ADD) into a layer. */
export interface CopyStep extends StepBase {
  kind: 'COPY' | 'ADD';
  /** Source paths or globs (relative to the context or the --from root); URLs for ADD. */
  sources: string[];
  /** Destination as written, expanded; relative to WORKDIR when not absolute (the executor resolves). */
  dest: string;
  from: CopySource;
  /** `--chown=USER[:GROUP]` as written (names resolved by the executor against the image's files). */
  chown?: string;
  /** `--chmod=MODE`, octal digits as written (e.g. `755`). */
  chmod?: string;
  /** `--link` was given (accepted; netctl builds the same layer either way). */
  link: boolean;
  /** Inline files (`COPY <<EOF /dest`): each becomes a file named after its delimiter. */
  heredocs: Heredoc[];
  /** ADD only: `--keep-git-dir`, `--checksum=sha256:...`; local tars are unpacked, URLs fetched. */
  checksum?: string;
  keepGitDir?: boolean;
  /** COPY `--parents` / `--exclude` are not supported: refused at parse time. */
}

/** ENV and LABEL: ordered key/value pairs (expanded by resolveStage). */
export interface PairsStep extends StepBase {
  kind: 'ENV' | 'LABEL';
  pairs: [string, string][];
}

/** ARG: declarations with optional defaults. */
export interface ArgStep extends StepBase {
  kind: 'ARG';
  args: { name: string; default?: string }[];
}

/** One-value metadata instructions. */
export interface ValueStep extends StepBase {
  kind: 'WORKDIR' | 'USER' | 'STOPSIGNAL' | 'MAINTAINER';
  value: string;
}

/** EXPOSE and VOLUME: lists of words (`80/tcp`, `/data`). */
export interface ListStep extends StepBase {
  kind: 'EXPOSE' | 'VOLUME';
  values: string[];
}

/** CMD and ENTRYPOINT: exec form as given, shell form wrapped in the SHELL in effect. */
export interface CommandStep extends StepBase {
  kind: 'CMD' | 'ENTRYPOINT';
  form: 'shell' | 'exec';
  /** exec: the JSON array; shell: `[text]` (resolveStage turns it into `[...shell, text]` in {@link value}). */
  command: string[];
  /** The argv stored in the image config (shell form prefixed with the SHELL in effect); filled by resolveStage. */
  value: string[];
}

/** SHELL `["executable", "parameters"...]` (exec form only, as Docker requires). */
export interface ShellStep extends StepBase {
  kind: 'SHELL';
  shell: string[];
}

/** HEALTHCHECK: NONE disables an inherited check; durations in ns, 0 meaning Docker's default. */
export interface HealthcheckStep extends StepBase {
  kind: 'HEALTHCHECK';
  /** `["NONE"]`, `["CMD", ...argv]` or `["CMD-SHELL", text]`, as Docker stores it. */
  test: string[];
  interval: number;
  timeout: number;
  startPeriod: number;
  startInterval: number;
  retries: number;
}

/** ONBUILD: a trigger stored in the image for builds FROM it. */
export interface OnbuildStep extends StepBase {
  kind: 'ONBUILD';
  /** The trigger instruction as written after ONBUILD (`RUN make`). */
  trigger: string;
}

/** One instruction after FROM, discriminated by `kind`. */
export type Step =
  | RunStep
  | CopyStep
  | PairsStep
  | ArgStep
  | ValueStep
  | ListStep
  | CommandStep
  | ShellStep
  | HealthcheckStep
  | OnbuildStep;

/** A stage's base: a registry image, an earlier stage, or nothing. */
export type StageBase = { kind: 'image'; ref: string } | { kind: 'stage'; index: number } | { kind: 'scratch' };

/** One `FROM` and the steps up to the next. */
export interface Stage {
  /** 0-based position in the Dockerfile (what `--from=0` names). */
  index: number;
  /** `AS name`, lower-cased as Docker does. */
  name?: string;
  /** FROM's image word expanded with the global args (ARGs before the first FROM). */
  base: StageBase;
  /** `--platform=` expanded (`linux/arm64`), if given. */
  platform?: string;
  /** 1-based line of the FROM and its text. */
  line: number;
  original: string;
  /** The steps as written (words unexpanded); run {@link resolveStage} to expand them. */
  steps: Step[];
}

/** A parsed and planned Dockerfile, ready for the executor. */
export interface BuildPlan {
  stages: Stage[];
  /** Index of the target stage (`--target`, else the last). */
  target: number;
  /** Indexes of the stages the target needs (through FROM and COPY --from), dependencies first, target last. */
  order: number[];
  /** `--build-arg` names no ARG of the needed stages declares (Docker's "were not consumed" warning). */
  unusedArgs: string[];
  /** Global args (ARG before the first FROM) with their values, for resolveStage. */
  globalArgs: Record<string, string>;
  /** `--build-arg` values the plan was made with, for resolveStage. */
  buildArgs: Record<string, string>;
  /** TARGETPLATFORM, TARGETOS, ..., BUILDARCH values: usable in FROM, in a stage once declared with ARG. */
  platformArgs: Record<string, string>;
  /** The escape character in effect (`\` or `` ` ``). */
  escape: string;
  /** Parser warnings (empty continuation lines). */
  warnings: string[];
}

/** What planBuild takes besides the Dockerfile text. */
export interface PlanOptions {
  /** `--build-arg K=V` values (a name given without a value is looked up by the caller). */
  buildArgs?: Record<string, string>;
  /** `--target` stage name or index. */
  target?: string;
  /** Platform built for (`--platform`, else the host): sets TARGETPLATFORM/TARGETOS/TARGETARCH/TARGETVARIANT. */
  targetPlatform?: string;
  /** The platform the build runs on: sets BUILDPLATFORM/BUILDOS/BUILDARCH/BUILDVARIANT. */
  buildPlatform?: string;
}

/** The slice of an OCI/Docker image config (`config` object) the Dockerfile changes, in Docker's spelling. */
export interface OciConfig {
  User?: string;
  ExposedPorts?: Record<string, Record<string, never>>;
  Env?: string[];
  Entrypoint?: string[] | null;
  Cmd?: string[] | null;
  Volumes?: Record<string, Record<string, never>>;
  WorkingDir?: string;
  Labels?: Record<string, string>;
  StopSignal?: string;
  Healthcheck?: {
    Test?: string[];
    Interval?: number;
    Timeout?: number;
    StartPeriod?: number;
    StartInterval?: number;
    Retries?: number;
  };
  Shell?: string[];
  OnBuild?: string[] | null;
  ArgsEscaped?: boolean;
}

/** One image history entry as Docker writes it. */
export interface HistoryEntry {
  created_by: string;
  /** True for metadata-only steps (no layer). */
  empty_layer?: boolean;
  comment?: string;
}

/** A file COPY/ADD takes, as the executor stats it: input to the cache key's content checksum. */
export interface FileMeta {
  /** Path relative to the source root, `/`-separated, no leading `./`. */
  path: string;
  /** Full st_mode (type bits and permissions). */
  mode: number;
  uid: number;
  gid: number;
  size: number;
  /** `sha256:<hex>` of the contents (files), of the target (symlinks), empty for directories. */
  contentDigest: string;
  /** Symlink target, if a symlink. */
  linkTarget?: string;
}
