#include "netns.h"

#include <cerrno>
#include <csignal>
#include <cstring>

#include <fcntl.h>
#include <linux/nsfs.h>
#include <pthread.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

namespace netctl {
namespace {

const char kThreadNetns[] = "/proc/thread-self/ns/net";

bool Fail(SysFailure* failure, int err, const char* syscall, const std::string& path) {
  failure->err = err;
  failure->syscall = syscall;
  failure->path = path;
  return false;
}

std::string Dirname(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

// mkdir -p, mode 0755; an existing directory is fine.
bool MakeDirs(const std::string& dir, SysFailure* failure) {
  for (size_t pos = 1; pos <= dir.size(); pos++) {
    if (pos != dir.size() && dir[pos] != '/') continue;
    const std::string prefix = dir.substr(0, pos);
    if (mkdir(prefix.c_str(), 0755) == 0 || errno == EEXIST) continue;
    return Fail(failure, errno, "mkdir", prefix);
  }
  struct stat st;
  if (stat(dir.c_str(), &st) != 0) return Fail(failure, errno, "stat", dir);
  if (!S_ISDIR(st.st_mode)) return Fail(failure, ENOTDIR, "mkdir", dir);
  return true;
}

// Same dance as iproute2's `ip netns add`: make the directory a shared mount, turning it
// into a mount point first (a bind mount onto itself) when the kernel says it is not one.
bool MakeSharedMountPoint(const std::string& dir, SysFailure* failure) {
  if (mount("", dir.c_str(), "none", MS_SHARED | MS_REC, nullptr) == 0) return true;
  if (errno != EINVAL) return Fail(failure, errno, "mount --make-rshared", dir);
  if (mount(dir.c_str(), dir.c_str(), "none", MS_BIND | MS_REC, nullptr) != 0) {
    return Fail(failure, errno, "mount --rbind", dir);
  }
  if (mount("", dir.c_str(), "none", MS_SHARED | MS_REC, nullptr) != 0) {
    return Fail(failure, errno, "mount --make-rshared", dir);
  }
  return true;
}

struct UnshareJob {
  const char* path;
  int err;
  const char* syscall;
};

// Runs on its own thread: only this thread's namespace changes, and the thread ends here.
void* UnshareAndBind(void* arg) {
  UnshareJob* job = static_cast<UnshareJob*>(arg);
  if (unshare(CLONE_NEWNET) != 0) {
    job->err = errno;
    job->syscall = "unshare";
  } else if (mount(kThreadNetns, job->path, "none", MS_BIND, nullptr) != 0) {
    job->err = errno;
    job->syscall = "mount --bind";
  }
  return nullptr;
}

bool RunUnshareThread(const std::string& path, SysFailure* failure) {
  UnshareJob job{path.c_str(), 0, nullptr};
  // The helper thread blocks every signal so none of Node's handlers ever runs on it.
  sigset_t all, old;
  sigfillset(&all);
  int rc = pthread_sigmask(SIG_SETMASK, &all, &old);
  if (rc != 0) return Fail(failure, rc, "pthread_sigmask", path);
  pthread_t thread;
  rc = pthread_create(&thread, nullptr, UnshareAndBind, &job);
  const int restore = pthread_sigmask(SIG_SETMASK, &old, nullptr);
  if (rc != 0) return Fail(failure, rc, "pthread_create", path);
  const int joined = pthread_join(thread, nullptr);
  if (joined != 0) return Fail(failure, joined, "pthread_join", path);
  if (restore != 0) return Fail(failure, restore, "pthread_sigmask", path);
  if (job.err != 0) return Fail(failure, job.err, job.syscall, path);
  return true;
}

}  // namespace

bool CreateNetns(const std::string& path, SysFailure* failure) {
  const std::string dir = Dirname(path);
  if (!MakeDirs(dir, failure)) return false;
  if (!MakeSharedMountPoint(dir, failure)) return false;
  const int fd = open(path.c_str(), O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0);
  if (fd < 0) return Fail(failure, errno, "open", path);
  if (close(fd) != 0) {
    const int err = errno;
    unlink(path.c_str());
    return Fail(failure, err, "close", path);
  }
  if (!RunUnshareThread(path, failure)) {
    // Nothing is mounted on the file when the thread failed, so removing it is the whole undo.
    unlink(path.c_str());
    return false;
  }
  return true;
}

bool DeleteNetns(const std::string& path, SysFailure* failure) {
  // EINVAL: the file exists but nothing is mounted on it (a half-created namespace).
  if (umount2(path.c_str(), MNT_DETACH) != 0 && errno != EINVAL && errno != ENOENT) {
    return Fail(failure, errno, "umount2", path);
  }
  if (unlink(path.c_str()) != 0 && errno != ENOENT) return Fail(failure, errno, "unlink", path);
  return true;
}

int OpenNetns(const std::string& path, SysFailure* failure) {
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    Fail(failure, errno, "open", path);
    return -1;
  }
  // ENOTTY: not an nsfs file at all, e.g. the empty file of a namespace never mounted.
  const int type = ioctl(fd, NS_GET_NSTYPE);
  if (type != CLONE_NEWNET) {
    const int err = type < 0 ? errno : EINVAL;
    close(fd);
    Fail(failure, err, "open", path);
    if (type >= 0 || err == ENOTTY) failure->detail = "not a network namespace";
    return -1;
  }
  return fd;
}

int OpenCurrentNetns(SysFailure* failure) {
  const int fd = open(kThreadNetns, O_RDONLY | O_CLOEXEC);
  if (fd < 0) Fail(failure, errno, "open", kThreadNetns);
  return fd;
}

bool EnterNetns(int fd, const std::string& path, SysFailure* failure) {
  if (setns(fd, CLONE_NEWNET) != 0) return Fail(failure, errno, "setns", path);
  return true;
}

namespace {
int host_netns = -1;
}  // namespace

void RememberHostNetns() {
  if (host_netns < 0) host_netns = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
}

bool EnterHostNetns(SysFailure* failure) {
  if (host_netns < 0) return Fail(failure, EBADF, "setns", "the process's network namespace");
  return EnterNetns(host_netns, "the process's network namespace", failure);
}

}  // namespace netctl
