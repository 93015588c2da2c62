// netctl_native: the N-API face of netns.cc. Errors become JS exceptions whose message is
// `syscall "path": strerror` and which carry code, errno, syscall and path properties.
#include <napi.h>

#include <cerrno>
#include <cstring>
#include <string>

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <unistd.h>

#include "netns.h"
#include "nftgen.h"
#include "ctflush.h"
#include "linkdel.h"
#include "nftrules.h"
#include "spawn.h"
#include "nssock.h"
#include "journal.h"
#include "tty.h"
#include <arpa/inet.h>
#include <linux/netfilter.h>
#include <vector>

namespace {

using netctl::SysFailure;

std::string ErrnoName(int err) {
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 32))
  const char* name = strerrorname_np(err);
  if (name != nullptr) return name;
#endif
  return "E" + std::to_string(err);
}

Napi::Error ToError(Napi::Env env, const SysFailure& f) {
  const std::string text = f.detail.empty() ? std::strerror(f.err) : f.detail;
  Napi::Error error = Napi::Error::New(env, f.syscall + " \"" + f.path + "\": " + text);
  error.Set("code", Napi::String::New(env, ErrnoName(f.err)));
  error.Set("errno", Napi::Number::New(env, f.err));
  error.Set("syscall", Napi::String::New(env, f.syscall));
  error.Set("path", Napi::String::New(env, f.path));
  return error;
}

std::string PathArg(const Napi::CallbackInfo& info, size_t i) {
  if (info.Length() <= i || !info[i].IsString()) {
    throw Napi::TypeError::New(info.Env(), "expected a path string");
  }
  std::string path = info[i].As<Napi::String>().Utf8Value();
  if (path.empty() || path[0] != '/' || path.find('\0') != std::string::npos) {
    throw Napi::TypeError::New(info.Env(), "expected an absolute path, got \"" + path + "\"");
  }
  return path;
}

Napi::Value CreateNetns(const Napi::CallbackInfo& info) {
  const std::string path = PathArg(info, 0);
  SysFailure f;
  if (!netctl::CreateNetns(path, &f)) throw ToError(info.Env(), f);
  return info.Env().Undefined();
}

Napi::Value DeleteNetns(const Napi::CallbackInfo& info) {
  const std::string path = PathArg(info, 0);
  SysFailure f;
  if (!netctl::DeleteNetns(path, &f)) throw ToError(info.Env(), f);
  return info.Env().Undefined();
}

Napi::Value NetnsFd(const Napi::CallbackInfo& info) {
  const std::string path = PathArg(info, 0);
  SysFailure f;
  const int fd = netctl::OpenNetns(path, &f);
  if (fd < 0) throw ToError(info.Env(), f);
  return Napi::Number::New(info.Env(), fd);
}

// tryLockFd(fd): a POSIX write lock on the whole file behind fd (fcntl F_SETLK), as ufw
// takes its lock file with Python's fcntl.lockf; true when taken, false when another
// process holds it. Non-blocking, so the caller polls without stopping the event loop; the
// lock goes when the process closes (any fd of) the file, or dies.
Napi::Value TryLockFd(const Napi::CallbackInfo& info) {
  if (info.Length() < 1 || !info[0].IsNumber()) throw Napi::TypeError::New(info.Env(), "expected an fd number");
  const int fd = info[0].As<Napi::Number>().Int32Value();
  struct flock fl;
  std::memset(&fl, 0, sizeof fl);
  fl.l_type = F_WRLCK;
  fl.l_whence = SEEK_SET;
  if (fcntl(fd, F_SETLK, &fl) == 0) return Napi::Boolean::New(info.Env(), true);
  if (errno == EAGAIN || errno == EACCES) return Napi::Boolean::New(info.Env(), false);
  SysFailure f;
  f.err = errno;
  f.syscall = "fcntl F_SETLK";
  f.path = "fd " + std::to_string(fd);
  throw ToError(info.Env(), f);
}

// The credentials the kernel recorded when the peer of a unix socket connected: Node has
// no SO_PEERCRED, and the CNI daemon checks who calls it (cni/serve.ts).
Napi::Value PeerCred(const Napi::CallbackInfo& info) {
  if (info.Length() < 1 || !info[0].IsNumber()) throw Napi::TypeError::New(info.Env(), "expected an fd number");
  const int fd = info[0].As<Napi::Number>().Int32Value();
  struct ucred cred;
  socklen_t len = sizeof cred;
  if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0) {
    SysFailure f;
    f.err = errno;
    f.syscall = "getsockopt SO_PEERCRED";
    f.path = "fd " + std::to_string(fd);
    throw ToError(info.Env(), f);
  }
  Napi::Object out = Napi::Object::New(info.Env());
  out.Set("pid", Napi::Number::New(info.Env(), cred.pid));
  out.Set("uid", Napi::Number::New(info.Env(), cred.uid));
  out.Set("gid", Napi::Number::New(info.Env(), cred.gid));
  return out;
}

Napi::Value CloseFd(const Napi::CallbackInfo& info) {
  if (info.Length() < 1 || !info[0].IsNumber()) throw Napi::TypeError::New(info.Env(), "expected an fd number");
  const int fd = info[0].As<Napi::Number>().Int32Value();
  if (fd < 0) throw Napi::TypeError::New(info.Env(), "expected a non-negative fd");
  // Linux releases the fd even when close reports EINTR, so a retry could close another fd.
  if (close(fd) != 0 && errno != EINTR) {
    SysFailure f;
    f.err = errno;
    f.syscall = "close";
    f.path = "fd " + std::to_string(fd);
    throw ToError(info.Env(), f);
  }
  return info.Env().Undefined();
}

std::string StringArg(const Napi::CallbackInfo& info, size_t i, const char* what) {
  if (info.Length() <= i || !info[i].IsString()) throw Napi::TypeError::New(info.Env(), std::string("expected ") + what);
  std::string s = info[i].As<Napi::String>().Utf8Value();
  if (s.find('\0') != std::string::npos) throw Napi::TypeError::New(info.Env(), std::string("NUL in ") + what);
  return s;
}

// mountFs(fstype, source, target, data): mount(2) without flags, as `mount -t fstype -o data
// source target` does it without a process.
Napi::Value MountFs(const Napi::CallbackInfo& info) {
  const std::string fstype = StringArg(info, 0, "a filesystem type");
  const std::string source = StringArg(info, 1, "a source");
  const std::string target = PathArg(info, 2);
  const std::string data = StringArg(info, 3, "mount options");
  if (mount(source.c_str(), target.c_str(), fstype.c_str(), 0, data.c_str()) != 0) {
    SysFailure f;
    f.err = errno;
    f.syscall = "mount " + fstype;
    f.path = target;
    throw ToError(info.Env(), f);
  }
  return info.Env().Undefined();
}

// unmount(target, lazy): umount2(2), with MNT_DETACH when lazy.
Napi::Value Unmount(const Napi::CallbackInfo& info) {
  const std::string target = PathArg(info, 0);
  const bool lazy = info.Length() > 1 && info[1].ToBoolean().Value();
  if (umount2(target.c_str(), lazy ? MNT_DETACH : 0) != 0) {
    SysFailure f;
    f.err = errno;
    f.syscall = "umount2";
    f.path = target;
    throw ToError(info.Env(), f);
  }
  return info.Env().Undefined();
}

Napi::Value NftGenId(const Napi::CallbackInfo& info) {
  uint32_t id = 0;
  SysFailure f;
  if (!netctl::NftGenId(&id, &f)) throw ToError(info.Env(), f);
  return Napi::Number::New(info.Env(), id);
}

// nftDeleteRules(gen, edits): deletes rules by position in one nf_tables transaction bound
// to generation `gen`; each edit is {family: 4|6, table, chain, comments: string[] (every
// rule's comment, in order), doomed: number[] (positions)}. Returns null when done, or why
// nothing was changed (the chains differ from what the edits say, or the generation moved).
Napi::Value NftDeleteRules(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 2 || !info[0].IsNumber() || !info[1].IsArray()) throw Napi::TypeError::New(env, "expected (generation, edits)");
  const int64_t gen = info[0].As<Napi::Number>().Int64Value();
  if (gen <= 0 || gen > 0xffffffffLL) throw Napi::TypeError::New(env, "bad generation id " + std::to_string(gen));
  const Napi::Array list = info[1].As<Napi::Array>();
  std::vector<netctl::NftChainEdit> edits;
  for (uint32_t i = 0; i < list.Length(); i++) {
    const Napi::Value v = list.Get(i);
    if (!v.IsObject()) throw Napi::TypeError::New(env, "expected an edit object");
    const Napi::Object o = v.As<Napi::Object>();
    netctl::NftChainEdit e;
    const int family = o.Get("family").ToNumber().Int32Value();
    if (family != 4 && family != 6) throw Napi::TypeError::New(env, "bad family " + std::to_string(family));
    e.family = family == 4 ? NFPROTO_IPV4 : NFPROTO_IPV6;
    e.table = o.Get("table").ToString().Utf8Value();
    e.chain = o.Get("chain").ToString().Utf8Value();
    if (e.table.empty() || e.chain.empty()) throw Napi::TypeError::New(env, "an edit needs a table and a chain");
    if (!o.Get("comments").IsArray() || !o.Get("doomed").IsArray()) throw Napi::TypeError::New(env, "an edit needs comments and doomed arrays");
    const Napi::Array comments = o.Get("comments").As<Napi::Array>();
    for (uint32_t j = 0; j < comments.Length(); j++) e.comments.push_back(comments.Get(j).ToString().Utf8Value());
    const Napi::Array doomed = o.Get("doomed").As<Napi::Array>();
    for (uint32_t j = 0; j < doomed.Length(); j++) {
      const int64_t at = doomed.Get(j).ToNumber().Int64Value();
      if (at < 0 || static_cast<size_t>(at) >= e.comments.size()) throw Napi::TypeError::New(env, "position " + std::to_string(at) + " out of range in " + e.table + "/" + e.chain);
      e.doomed.push_back(static_cast<size_t>(at));
    }
    edits.push_back(std::move(e));
  }
  bool done = false;
  std::string why;
  SysFailure f;
  if (!netctl::NftDeleteRules(static_cast<uint32_t>(gen), edits, &done, &why, &f)) throw ToError(env, f);
  return done ? env.Null() : Napi::String::New(env, why);
}

// Returns the calling thread to `original`. There is no safe way to go on if this fails:
// every later socket Node opens on this thread would land in the container's namespace.
void ReturnOrDie(int original, const std::string& path) {
  SysFailure f;
  const bool ok = netctl::EnterNetns(original, path, &f);
  close(original);
  if (!ok) {
    const std::string why = "cannot return from network namespace \"" + path + "\": " + std::strerror(f.err);
    Napi::Error::Fatal("netctl_native.withNetns", why.c_str());
  }
}

Napi::Value WithNetns(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const std::string path = PathArg(info, 0);
  if (info.Length() < 2 || !info[1].IsFunction()) throw Napi::TypeError::New(env, "expected a callback");
  Napi::Function fn = info[1].As<Napi::Function>();
  SysFailure f;
  const int target = netctl::OpenNetns(path, &f);
  if (target < 0) throw ToError(env, f);
  const int original = netctl::OpenCurrentNetns(&f);
  if (original < 0) {
    close(target);
    throw ToError(env, f);
  }
  const bool entered = netctl::EnterNetns(target, path, &f);
  close(target);
  if (!entered) {
    close(original);
    throw ToError(env, f);
  }
  Napi::Value result;
  try {
    result = fn.Call({});
  } catch (...) {
    ReturnOrDie(original, path);
    throw;
  }
  ReturnOrDie(original, path);
  return result;
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("createNetns", Napi::Function::New(env, CreateNetns, "createNetns"));
  exports.Set("deleteNetns", Napi::Function::New(env, DeleteNetns, "deleteNetns"));
  exports.Set("withNetns", Napi::Function::New(env, WithNetns, "withNetns"));
  exports.Set("netnsFd", Napi::Function::New(env, NetnsFd, "netnsFd"));
  exports.Set("mountFs", Napi::Function::New(env, MountFs, "mountFs"));
  exports.Set("unmount", Napi::Function::New(env, Unmount, "unmount"));
  netctl::RememberHostNetns();
  exports.Set("deleteLinkAsync", Napi::Function::New(env, netctl::DeleteLinkAsync, "deleteLinkAsync"));
  exports.Set("ctFlushReplySrc", Napi::Function::New(env, netctl::CtFlushReplySrcAsync, "ctFlushReplySrc"));
  exports.Set("nftGenId", Napi::Function::New(env, NftGenId, "nftGenId"));
  exports.Set("journalSend", Napi::Function::New(env, netctl::JournalSend, "journalSend"));
  exports.Set("nftDeleteRules", Napi::Function::New(env, NftDeleteRules, "nftDeleteRules"));
  exports.Set("spawnAsync", Napi::Function::New(env, netctl::SpawnAsync, "spawnAsync"));
  exports.Set("netnsSocket", Napi::Function::New(env, netctl::NetnsSocket, "netnsSocket"));
  exports.Set("closeFd", Napi::Function::New(env, CloseFd, "closeFd"));
  exports.Set("tryLockFd", Napi::Function::New(env, TryLockFd, "tryLockFd"));
  exports.Set("peerCred", Napi::Function::New(env, PeerCred, "peerCred"));
  exports.Set("ttyOpost", Napi::Function::New(env, netctl::TtyOpost, "ttyOpost"));
  return exports;
}

}  // namespace

NODE_API_MODULE(netctl_native, Init)
