// Running a program to completion on a worker thread with posix_spawn. Node's spawn forks:
// the kernel copies the page tables of the whole process first (~1 ms more for netctl's
// ~100 MB than for a bare node), on the JS thread. glibc's posix_spawn shares the memory
// until the exec (CLONE_VM | CLONE_VFORK), so the cost no longer grows with the process,
// and the wait for the program is off the JS thread as well. The child starts in the
// network namespace the calling JS thread was in, as Node's would.
#include "spawn.h"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <ctime>
#include <string>
#include <vector>

#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include "netns.h"

namespace netctl {
namespace {

int64_t NowMs() {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

void CloseIf(int* fd) {
  if (*fd >= 0) close(*fd);
  *fd = -1;
}

class SpawnWorker : public Napi::AsyncWorker {
 public:
  SpawnWorker(Napi::Env env, std::vector<std::string> argv, std::vector<std::string> envp, std::string cwd, std::string input, int64_t timeout_ms, int netns)
      : Napi::AsyncWorker(env),
        deferred_(Napi::Promise::Deferred::New(env)),
        argv_(std::move(argv)),
        env_(std::move(envp)),
        cwd_(std::move(cwd)),
        input_(std::move(input)),
        timeout_ms_(timeout_ms),
        netns_(netns) {}

  ~SpawnWorker() override { CloseIf(&netns_); }

  Napi::Promise Promise() { return deferred_.Promise(); }

  void Execute() override {
    if (setns(netns_, CLONE_NEWNET) != 0) return Fail("setns", errno);
    CloseIf(&netns_);
    int in[2], out[2], err[2];
    if (pipe2(in, O_CLOEXEC) != 0) return Fail("pipe", errno);
    if (pipe2(out, O_CLOEXEC) != 0) {
      const int e = errno;
      close(in[0]), close(in[1]);
      return Fail("pipe", e);
    }
    if (pipe2(err, O_CLOEXEC) != 0) {
      const int e = errno;
      close(in[0]), close(in[1]), close(out[0]), close(out[1]);
      return Fail("pipe", e);
    }
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, in[0], 0);
    posix_spawn_file_actions_adddup2(&fa, out[1], 1);
    posix_spawn_file_actions_adddup2(&fa, err[1], 2);
    if (!cwd_.empty()) posix_spawn_file_actions_addchdir_np(&fa, cwd_.c_str());
    // Signals as a fresh process has them (node ignores SIGPIPE), none blocked.
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    sigset_t all, none;
    sigfillset(&all);
    sigemptyset(&none);
    posix_spawnattr_setsigdefault(&attr, &all);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
    std::vector<char*> av, ev;
    for (std::string& a : argv_) av.push_back(a.data());
    av.push_back(nullptr);
    for (std::string& e : env_) ev.push_back(e.data());
    ev.push_back(nullptr);
    pid_t pid = -1;
    const int spawned = posix_spawnp(&pid, av[0], &fa, &attr, av.data(), ev.data());
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&attr);
    close(in[0]), close(out[1]), close(err[1]);
    if (spawned != 0) {
      close(in[1]), close(out[0]), close(err[0]);
      return Fail("spawn", spawned);
    }
    Pump(pid, in[1], out[0], err[0]);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128;
  }

  void OnOK() override {
    Napi::Env env = Env();
    Napi::Object r = Napi::Object::New(env);
    r.Set("code", Napi::Number::New(env, code_));
    r.Set("stdout", Napi::String::New(env, stdout_));
    r.Set("stderr", Napi::String::New(env, stderr_));
    deferred_.Resolve(r);
  }

  void OnError(const Napi::Error& e) override {
    Napi::Error error = Napi::Error::New(Env(), e.Message());
    error.Set("errno", Napi::Number::New(Env(), err_));
    error.Set("syscall", Napi::String::New(Env(), syscall_));
    deferred_.Reject(error.Value());
  }

 private:
  void Fail(const char* syscall, int err) {
    syscall_ = syscall;
    err_ = err;
    SetError(std::string(syscall) + " " + argv_[0] + " " + std::strerror(err));
  }

  // Writes the input and reads both outputs until they close, killing the program when
  // the timeout passes (it then closes them by dying).
  void Pump(pid_t pid, int in, int out, int err) {
    fcntl(in, F_SETFL, O_NONBLOCK);
    size_t written = 0;
    if (input_.empty()) CloseIf(&in);
    const int64_t deadline = NowMs() + timeout_ms_;
    bool killed = false;
    char buf[65536];
    while (out >= 0 || err >= 0) {
      struct pollfd fds[3];
      int n = 0;
      int* owners[3];
      for (int* fd : {&in, &out, &err}) {
        if (*fd < 0) continue;
        fds[n].fd = *fd;
        fds[n].events = fd == &in ? POLLOUT : POLLIN;
        fds[n].revents = 0;
        owners[n++] = fd;
      }
      const int64_t left = killed ? 1000 : deadline - NowMs();
      const int ready = left <= 0 ? 0 : poll(fds, n, static_cast<int>(left));
      if (ready < 0 && errno == EINTR) continue;
      if (ready <= 0) {
        if (killed) break;  // dead and still no EOF: a grandchild holds the pipes
        kill(pid, SIGKILL);
        killed = true;
        continue;
      }
      for (int i = 0; i < n; i++) {
        if (fds[i].revents == 0) continue;
        int* fd = owners[i];
        if (fd == &in) {
          const ssize_t w = write(in, input_.data() + written, input_.size() - written);
          if (w > 0) written += static_cast<size_t>(w);
          if ((w < 0 && errno != EAGAIN && errno != EINTR) || written == input_.size()) CloseIf(&in);
          continue;
        }
        const ssize_t r = read(*fd, buf, sizeof buf);
        if (r > 0) (fd == &out ? stdout_ : stderr_).append(buf, static_cast<size_t>(r));
        else if (r == 0 || (errno != EAGAIN && errno != EINTR)) CloseIf(fd);
      }
    }
    CloseIf(&in);
    CloseIf(&out);
    CloseIf(&err);
  }

  Napi::Promise::Deferred deferred_;
  std::vector<std::string> argv_;
  std::vector<std::string> env_;
  std::string cwd_;
  std::string input_;
  int64_t timeout_ms_;
  int netns_;
  int code_ = 0;
  std::string stdout_;
  std::string stderr_;
  std::string syscall_;
  int err_ = 0;
};

std::vector<std::string> Strings(Napi::Env env, const Napi::Value& v, const char* what) {
  if (!v.IsArray()) throw Napi::TypeError::New(env, std::string("expected ") + what + " as an array of strings");
  const Napi::Array list = v.As<Napi::Array>();
  std::vector<std::string> out;
  for (uint32_t i = 0; i < list.Length(); i++) {
    const Napi::Value s = list.Get(i);
    if (!s.IsString()) throw Napi::TypeError::New(env, std::string("expected ") + what + " as an array of strings");
    out.push_back(s.As<Napi::String>().Utf8Value());
    if (out.back().find('\0') != std::string::npos) throw Napi::TypeError::New(env, std::string("a NUL byte in ") + what);
  }
  return out;
}

}  // namespace

Napi::Value SpawnAsync(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 5) throw Napi::TypeError::New(env, "expected (argv, env, cwd, input, timeoutMs)");
  std::vector<std::string> argv = Strings(env, info[0], "argv");
  if (argv.empty() || argv[0].empty()) throw Napi::TypeError::New(env, "empty argv");
  std::vector<std::string> envp = Strings(env, info[1], "env");
  if (!info[2].IsString()) throw Napi::TypeError::New(env, "expected cwd as a string");
  std::string input;
  if (info[3].IsBuffer()) {
    const Napi::Buffer<char> b = info[3].As<Napi::Buffer<char>>();
    input.assign(b.Data(), b.Length());
  } else if (info[3].IsString()) {
    input = info[3].As<Napi::String>().Utf8Value();
  } else {
    throw Napi::TypeError::New(env, "expected the input as a string or a Buffer");
  }
  if (!info[4].IsNumber()) throw Napi::TypeError::New(env, "expected timeoutMs as a number");
  SysFailure f;
  const int netns = OpenCurrentNetns(&f);
  if (netns < 0) throw Napi::Error::New(env, f.syscall + " \"" + f.path + "\": " + std::strerror(f.err));
  auto* worker = new SpawnWorker(env, std::move(argv), std::move(envp), info[2].As<Napi::String>().Utf8Value(), std::move(input), info[4].As<Napi::Number>().Int64Value(), netns);
  Napi::Promise promise = worker->Promise();
  worker->Queue();
  return promise;
}

}  // namespace netctl
