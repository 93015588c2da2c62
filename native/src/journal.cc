// Node has no datagram unix socket: this sends one. journald reads the sender's pid, uid and
// cgroup from the socket (SCM_CREDENTIALS on its side), so `journalctl -u UNIT` still finds
// the entry. Entries above the socket's buffer (~200 KiB, memfd in sd_journal_sendv) never
// occur: a log line is short, and the caller falls back to the stream on any error.
#include "journal.h"

#include <cerrno>
#include <cstring>
#include <string>

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

namespace netctl {

Napi::Value JournalSend(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 2 || !info[0].IsString() || !info[1].IsBuffer()) {
    throw Napi::TypeError::New(env, "journalSend(socketPath, payload: Buffer)");
  }
  const std::string path = info[0].As<Napi::String>().Utf8Value();
  const Napi::Buffer<char> payload = info[1].As<Napi::Buffer<char>>();
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.empty() || path.size() >= sizeof(addr.sun_path)) return Napi::Number::New(env, ENAMETOOLONG);
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  const int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return Napi::Number::New(env, errno);
  int err = 0;
  // MSG_DONTWAIT: a journald that does not read must never block a DNS answer or a boot.
  if (sendto(fd, payload.Data(), payload.Length(), MSG_NOSIGNAL | MSG_DONTWAIT,
             reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)) < 0) {
    err = errno;
  }
  close(fd);
  return Napi::Number::New(env, err);
}

}  // namespace netctl
