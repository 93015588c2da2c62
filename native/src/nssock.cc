#include "nssock.h"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <string>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sched.h>
#include <sys/socket.h>
#include <unistd.h>

#include "netns.h"

namespace netctl {
namespace {

struct SocketJob {
  int netns;
  bool tcp;
  sockaddr_in addr;
  int fd = -1;
  int err = 0;
  const char* syscall = nullptr;
};

void* MakeSocket(void* arg) {
  SocketJob* job = static_cast<SocketJob*>(arg);
  // Only this thread moves; it ends right after, so nothing else ever runs inside.
  if (setns(job->netns, CLONE_NEWNET) != 0) {
    job->err = errno;
    job->syscall = "setns";
    return nullptr;
  }
  const int fd = socket(AF_INET, (job->tcp ? SOCK_STREAM : SOCK_DGRAM) | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    job->err = errno;
    job->syscall = "socket";
    return nullptr;
  }
  const int one = 1;
  // TCP: a restarted server rebinds while the old one's connections sit in TIME_WAIT.
  if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0) {
    job->err = errno;
    job->syscall = "setsockopt";
  } else if (bind(fd, reinterpret_cast<sockaddr*>(&job->addr), sizeof job->addr) != 0) {
    job->err = errno;
    job->syscall = "bind";
  } else if (job->tcp && listen(fd, 128) != 0) {
    job->err = errno;
    job->syscall = "listen";
  }
  if (job->err != 0) {
    close(fd);
    return nullptr;
  }
  job->fd = fd;
  return nullptr;
}

}  // namespace

Napi::Value NetnsSocket(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 4 || !info[0].IsString() || !info[1].IsString() || !info[2].IsString() || !info[3].IsNumber())
    throw Napi::TypeError::New(env, "expected (netns path, \"udp\"|\"tcp\", ipv4, port)");
  const std::string path = info[0].As<Napi::String>().Utf8Value();
  const std::string kind = info[1].As<Napi::String>().Utf8Value();
  const std::string ip = info[2].As<Napi::String>().Utf8Value();
  const int port = info[3].As<Napi::Number>().Int32Value();
  if (kind != "udp" && kind != "tcp") throw Napi::TypeError::New(env, "bad socket kind \"" + kind + "\"");
  if (port < 0 || port > 65535) throw Napi::TypeError::New(env, "bad port " + std::to_string(port));
  SocketJob job{};
  job.tcp = kind == "tcp";
  job.addr.sin_family = AF_INET;
  job.addr.sin_port = htons(static_cast<uint16_t>(port));
  if (inet_pton(AF_INET, ip.c_str(), &job.addr.sin_addr) != 1) throw Napi::TypeError::New(env, "bad IPv4 address \"" + ip + "\"");
  SysFailure f;
  job.netns = OpenNetns(path, &f);
  auto fail = [&](int err, const std::string& syscall) {
    Napi::Error e = Napi::Error::New(env, syscall + " \"" + path + "\": " + std::strerror(err));
    e.Set("errno", Napi::Number::New(env, err));
    e.Set("syscall", Napi::String::New(env, syscall));
    e.Set("path", Napi::String::New(env, path));
    return e;
  };
  if (job.netns < 0) throw fail(f.err, f.syscall);
  sigset_t all, old;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &old);
  pthread_t thread;
  const int rc = pthread_create(&thread, nullptr, MakeSocket, &job);
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
  if (rc == 0) pthread_join(thread, nullptr);
  close(job.netns);
  if (rc != 0) throw fail(rc, "pthread_create");
  if (job.err != 0) throw fail(job.err, job.syscall);
  return Napi::Number::New(env, job.fd);
}

}  // namespace netctl
