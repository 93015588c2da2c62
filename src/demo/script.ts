/**
 * The guided walkthrough as data: each step says what it runs, where, and what it expects to
 * observe. The runner (run.ts) executes it in a sandbox and prints what really happened.
 */

/** Where a step's command runs: the sandbox host, or one of its client hosts. */
export type Where = 'host' | 'wan' | 'wan2' | 'lan';

/** What a step expects of its command's result. */
export interface Expectation {
  /** Expected exit code (default 0). */
  code?: number;
  /** Text the output must contain. */
  contains?: string;
  /** Text the output must not contain. */
  lacks?: string;
}

/** One step of the walkthrough. */
export interface Step {
  /** What this step shows, in a sentence. */
  title: string;
  where: Where;
  /** `netctl` as argv[0] means the compiled CLI. */
  argv: string[];
  expect: Expectation;
  /** Print the command's output (otherwise only its first lines). */
  showOutput?: boolean;
}

/** The walkthrough, in order. */
export const SCRIPT: Step[] = [
  {
    title: 'The sandbox is a throwaway host: its own interfaces, with an "internet" client at 198.51.100.1',
    where: 'host', argv: ['ip', '-br', 'addr'], expect: { contains: '198.51.100.2/24' }, showOutput: true,
  },
  {
    title: 'The internet client reaches the sandbox host',
    where: 'wan', argv: ['ping', '-c', '1', '-W', '2', '198.51.100.2'], expect: { contains: '1 received' },
  },
  {
    title: 'Its iptables start empty: nothing netctl owns yet',
    where: 'host', argv: ['netctl', 'rules'], expect: { code: 0 }, showOutput: true,
  },
];
