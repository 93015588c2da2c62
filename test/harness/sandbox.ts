/**
 * The integration-test harness is the product's own sandbox client: tests run exactly what
 * `netctl sandbox` and `netctl demo` run.
 */
export { Sandbox, NETCTL, type SbExecOptions } from '../../src/sys/sandbox-client.js';
