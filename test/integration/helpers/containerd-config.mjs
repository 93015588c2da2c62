/**
 * containerd's config.toml for a private daemon with its CRI plugin (CRI enabled, the native
 * snapshotter, the pause image made from busybox-static, the CNI bin and conf dirs given):
 * version 2 for containerd 1.7, version 3 for 2.x. Plain JavaScript so that the CRI tests
 * (helpers/containerd.ts) and the CRI bench (test/bench/cases/cri.mjs) share it.
 */

/** The pause image the config names. */
export const PAUSE_IMAGE = 'localhost/netctl-pause:1';

// containerd runs chrooted (not pivot_root'ed: its pods' namespaces must show in the sandbox),
// where runc cannot pivot_root a container's root: NoPivotRoot makes it move the root instead.
// The sandbox may not lower an oom_score_adj (the pause's -998): restrict_oom_score_adj clamps it.

/** containerd 1.7's config (version 2: the CRI plugin is io.containerd.grpc.v1.cri). */
function configV2(dir, cni) {
  const cri = '[plugins."io.containerd.grpc.v1.cri"]';
  return `version = 2
root = "/var/lib/containerd"
state = "/run/containerd"
[grpc]
  address = "${dir}/containerd.sock"
${cri}
  sandbox_image = "${PAUSE_IMAGE}"
  disable_apparmor = true
  restrict_oom_score_adj = true
[plugins."io.containerd.grpc.v1.cri".containerd]
  snapshotter = "native"
  default_runtime_name = "runc"
[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
  runtime_type = "io.containerd.runc.v2"
[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
  NoPivotRoot = true
[plugins."io.containerd.grpc.v1.cri".cni]
  bin_dir = "${cni.binDir}"
  conf_dir = "${cni.confDir}"
  max_conf_num = 1
`;
}

/** containerd 2.x's config (version 3: the CRI images and runtime plugins, the pinned sandbox image). */
function configV3(dir, cni) {
  return `version = 3
root = "/var/lib/containerd"
state = "/run/containerd"
[grpc]
  address = "${dir}/containerd.sock"
[plugins.'io.containerd.cri.v1.images']
  snapshotter = 'native'
# ctr import goes through the transfer service, whose default unpacks to overlayfs (not
# loaded on an overlay root): with no platform left it refuses to import.
[[plugins.'io.containerd.transfer.v1.local'.unpack_config]]
  platform = 'linux/amd64'
  snapshotter = 'native'
[plugins.'io.containerd.cri.v1.images'.pinned_images]
  sandbox = '${PAUSE_IMAGE}'
[plugins.'io.containerd.cri.v1.runtime']
  disable_apparmor = true
  restrict_oom_score_adj = true
[plugins.'io.containerd.cri.v1.runtime'.containerd]
  default_runtime_name = 'runc'
[plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc]
  runtime_type = 'io.containerd.runc.v2'
  snapshotter = 'native'
[plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc.options]
  NoPivotRoot = true
[plugins.'io.containerd.cri.v1.runtime'.cni]
  bin_dirs = ['${cni.binDir}']
  conf_dir = '${cni.confDir}'
  max_conf_num = 1
`;
}

/**
 * The config for containerd `flavour` ('1.7' or '2.1'), its socket DIR/containerd.sock.
 * @param {string} flavour
 * @param {string} dir
 * @param {{binDir: string, confDir: string}} cni
 */
export function containerdConfig(flavour, dir, cni) {
  return flavour === '1.7' ? configV2(dir, cni) : configV3(dir, cni);
}
