#include "tty.h"

#include <cerrno>
#include <cstring>
#include <string>

#include <termios.h>

namespace netctl {

namespace {

Napi::Error TtyError(Napi::Env env, const char* call, int fd, int err) {
  Napi::Error e = Napi::Error::New(env, std::string(call) + " \"fd " + std::to_string(fd) + "\": " + std::strerror(err));
  e.Set("code", Napi::String::New(env, err == ENOTTY ? "ENOTTY" : err == EBADF ? "EBADF" : "E" + std::to_string(err)));
  e.Set("errno", Napi::Number::New(env, err));
  e.Set("syscall", Napi::String::New(env, call));
  return e;
}

}  // namespace

Napi::Value TtyOpost(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 2 || !info[0].IsNumber() || !info[1].IsBoolean()) {
    throw Napi::TypeError::New(env, "expected (fd number, on boolean)");
  }
  const int fd = info[0].As<Napi::Number>().Int32Value();
  const bool on = info[1].As<Napi::Boolean>().Value();
  struct termios t;
  if (tcgetattr(fd, &t) != 0) throw TtyError(env, "tcgetattr", fd, errno);
  const bool was = (t.c_oflag & OPOST) != 0;
  if (was == on) return Napi::Boolean::New(env, was);
  if (on) {
    t.c_oflag |= OPOST;
  } else {
    t.c_oflag &= ~OPOST;
  }
  // TCSANOW: n_tty processes output as it is written, so nothing queued needs draining first,
  // and the event loop never waits on a terminal stopped by ^S.
  int r;
  do {
    r = tcsetattr(fd, TCSANOW, &t);
  } while (r != 0 && errno == EINTR);
  if (r != 0) throw TtyError(env, "tcsetattr", fd, errno);
  return Napi::Boolean::New(env, was);
}

}  // namespace netctl
