// Network namespace primitives for netctl's addon, free of N-API so each syscall and its
// cleanup is visible in one place. Every function returns true on success or fills a
// SysFailure naming the syscall, the path it was about and errno.
#ifndef NETCTL_NETNS_H
#define NETCTL_NETNS_H

#include <string>

namespace netctl {

struct SysFailure {
  int err = 0;
  std::string syscall;
  std::string path;
  // Replaces strerror(err) in the message when the errno alone would mislead.
  std::string detail;
};

// Creates a persistent network namespace bound at `path`, like `ip netns add`: the parent
// directory becomes a shared mount point (so later unmounts propagate to mount namespaces
// copied from ours), the empty file is created, and a short-lived thread of its own
// unshares its network namespace and bind-mounts it there. No thread of the caller moves.
bool CreateNetns(const std::string& path, SysFailure* failure);

// Detaches and removes a namespace created by CreateNetns; a missing or unmounted file is fine.
bool DeleteNetns(const std::string& path, SysFailure* failure);

// Opens `path` and checks it is a network namespace (nsfs) file; returns the fd or -1.
int OpenNetns(const std::string& path, SysFailure* failure);

// Opens the calling thread's current network namespace; returns the fd or -1.
int OpenCurrentNetns(SysFailure* failure);

// Moves the calling thread into the namespace behind `fd`.
bool EnterNetns(int fd, const std::string& path, SysFailure* failure);

// Remembers the calling thread's namespace as the process's own (once, when the addon
// loads), and moves a worker thread into it, whatever namespace its creator was in.
void RememberHostNetns();
bool EnterHostNetns(SysFailure* failure);

}  // namespace netctl

#endif
