/**
 * Every command module but the TUI's, imported statically: the bundle then holds them in a
 * few files instead of a chunk per command and per set of shared code (a command loaded 37
 * files; now about ten, ~12 ms less start). The TUI stays a dynamic import (build.ts): it
 * alone needs Ink and React. test/unit/cli-tree.test.ts checks this list is complete.
 */
import type { CommandModule } from '../context.js';
import * as allow from './allow.js';
import * as audit from './audit.js';
import * as boot from './boot.js';
import * as cniInstall from './cni-install.js';
import * as cniServe from './cni-serve.js';
import * as podmanInstall from './podman-install.js';
import * as podmanUninstall from './podman-uninstall.js';
import * as dnsServe from './dns-serve.js';
import * as dnsStatus from './dns-status.js';
import * as healthServe from './health-serve.js';
import * as composeConfig from './compose-config.js';
import * as composeDown from './compose-down.js';
import * as composeLifecycle from './compose-lifecycle.js';
import * as composeLogs from './compose-logs.js';
import * as composePs from './compose-ps.js';
import * as composePull from './compose-pull.js';
import * as composeBuild from './compose-build.js';
import * as composeUp from './compose-up.js';
import * as completion from './completion.js';
import * as demo from './demo.js';
import * as deny from './deny.js';
import * as doctor from './doctor.js';
import * as dockerCheck from './docker-check.js';
import * as dockerInstall from './docker-install.js';
import * as dockerStatus from './docker-status.js';
import * as dockerSync from './docker-sync.js';
import * as dockerUninstall from './docker-uninstall.js';
import * as dockerWatch from './docker-watch.js';
import * as exec from './exec.js';
import * as gc from './gc.js';
import * as imageImport from './image-import.js';
import * as history from './history.js';
import * as imageInspect from './image-inspect.js';
import * as imagePrune from './image-prune.js';
import * as login from './login.js';
import * as logout from './logout.js';
import * as pull from './pull.js';
import * as push from './push.js';
import * as save from './save.js';
import * as systemDf from './system-df.js';
import * as tag from './tag.js';
import * as imageLoad from './image-load.js';
import * as imageLs from './image-ls.js';
import * as imageRm from './image-rm.js';
import * as inspect from './inspect.js';
import * as logs from './logs.js';
import * as networkConnect from './network-connect.js';
import * as networkCreate from './network-create.js';
import * as networkDisconnect from './network-disconnect.js';
import * as networkInspect from './network-inspect.js';
import * as networkLs from './network-ls.js';
import * as networkPrune from './network-prune.js';
import * as networkRm from './network-rm.js';
import * as port from './port.js';
import * as ps from './ps.js';
import * as restart from './restart.js';
import * as stats from './stats.js';
import * as rm from './rm.js';
import * as rules from './rules.js';
import * as run from './run.js';
import * as sandbox from './sandbox.js';
import * as start from './start.js';
import * as stop from './stop.js';
import * as trace from './trace.js';
import * as ufwCheck from './ufw-check.js';
import * as ufwInstall from './ufw-install.js';
import * as ufwList from './ufw-list.js';
import * as ufwStatus from './ufw-status.js';
import * as ufwSync from './ufw-sync.js';
import * as ufwUninstall from './ufw-uninstall.js';
import * as volumeCreate from './volume-create.js';
import * as volumeInspect from './volume-inspect.js';
import * as volumeLs from './volume-ls.js';
import * as volumePrune from './volume-prune.js';
import * as volumeRm from './volume-rm.js';
// Interactive lifecycle (issue 25).
import * as composeControl from './compose-control.js';
import * as composeExec from './compose-exec.js';
import * as composeRun from './compose-run.js';
import * as attach from './attach.js';
import * as containerPrune from './container-prune.js';
import * as cp from './cp.js';
import * as create from './create.js';
import * as exportCmd from './export.js';
import * as kill from './kill.js';
import * as pause from './pause.js';
import * as unpause from './unpause.js';
import * as top from './top.js';
// Image making (issue 26).
import * as commit from './commit.js';
import * as build from './build.js';
import * as builderPrune from './builder-prune.js';

/** Command modules by file name (`network-ls`), as the command tree names them. */
export const COMMANDS: Readonly<Record<string, CommandModule>> = {
  allow: allow,
  audit: audit,
  'cni-install': cniInstall,
  'cni-serve': cniServe,
  'podman-install': podmanInstall,
  'podman-uninstall': podmanUninstall,
  'dns-serve': dnsServe,
  'dns-status': dnsStatus,
  'health-serve': healthServe,
  'compose-config': composeConfig,
  'compose-down': composeDown,
  'compose-lifecycle': composeLifecycle,
  'compose-logs': composeLogs,
  'compose-ps': composePs,
  'compose-pull': composePull,
  'compose-build': composeBuild,
  'compose-up': composeUp,
  completion: completion,
  demo: demo,
  deny: deny,
  doctor: doctor,
  'docker-check': dockerCheck,
  'docker-install': dockerInstall,
  'docker-status': dockerStatus,
  'docker-sync': dockerSync,
  'docker-uninstall': dockerUninstall,
  'docker-watch': dockerWatch,
  exec: exec,
  gc: gc,
  boot: boot,
  'image-import': imageImport,
  history,
  'image-inspect': imageInspect,
  'image-prune': imagePrune,
  login: login,
  logout: logout,
  pull: pull,
  push: push,
  save: save,
  'system-df': systemDf,
  tag: tag,
  commit: commit,
  build: build,
  'builder-prune': builderPrune,
  'image-load': imageLoad,
  'image-ls': imageLs,
  'image-rm': imageRm,
  inspect: inspect,
  logs: logs,
  'network-connect': networkConnect,
  'network-create': networkCreate,
  'network-disconnect': networkDisconnect,
  'network-inspect': networkInspect,
  'network-ls': networkLs,
  'network-prune': networkPrune,
  'network-rm': networkRm,
  port: port,
  ps: ps,
  restart: restart,
  stats: stats,
  rm: rm,
  rules: rules,
  run: run,
  sandbox: sandbox,
  start: start,
  stop: stop,
  trace: trace,
  'ufw-check': ufwCheck,
  'ufw-install': ufwInstall,
  'ufw-list': ufwList,
  'ufw-status': ufwStatus,
  'ufw-sync': ufwSync,
  'ufw-uninstall': ufwUninstall,
  'volume-create': volumeCreate,
  'volume-inspect': volumeInspect,
  'volume-ls': volumeLs,
  'volume-prune': volumePrune,
  'volume-rm': volumeRm,
  'compose-control': composeControl,
  'compose-exec': composeExec,
  'compose-run': composeRun,
  attach: attach,
  'container-prune': containerPrune,
  cp: cp,
  create: create,
  export: exportCmd,
  kill: kill,
  pause: pause,
  unpause: unpause,
  top: top,
};
