// A listening socket created inside another network namespace, for the embedded DNS server:
// the socket keeps the namespace it was created in, so one process can serve many.
#ifndef NETCTL_NSSOCK_H
#define NETCTL_NSSOCK_H

#include <napi.h>

namespace netctl {

// netnsSocket(path, kind: "udp"|"tcp", ipv4, port) -> fd: a non-blocking, close-on-exec
// socket created, bound (and for tcp listening) inside the namespace at `path` by a
// short-lived thread of its own; no thread of the caller changes namespace.
Napi::Value NetnsSocket(const Napi::CallbackInfo& info);

}  // namespace netctl

#endif
