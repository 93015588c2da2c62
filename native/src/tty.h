// A terminal's output processing (OPOST), for the attach client: Node's setRawMode is libuv's
// raw mode, which leaves OPOST on, so a container pty's CR LF would reach the screen as CR CR LF.
#ifndef NETCTL_TTY_H
#define NETCTL_TTY_H

#include <napi.h>

namespace netctl {

// ttyOpost(fd, on: boolean) -> boolean: sets OPOST of the terminal at fd (TCSANOW) and
// returns whether it was set before. Throws `tcgetattr "fd N": strerror` (code ENOTTY...)
// for an fd that is not a terminal.
Napi::Value TtyOpost(const Napi::CallbackInfo& info);

}  // namespace netctl

#endif
