// Deleting conntrack entries by reply source address (ctflush.cc).
#pragma once

#include <cstddef>

#include <napi.h>

#include "netns.h"

namespace netctl {

// Deletes every entry of `family` (AF_INET, AF_INET6) whose reply comes from `addr` (4 or 16
// bytes) in the calling thread's namespace; `deleted` counts them.
bool CtFlushReplySrc(int family, const unsigned char* addr, size_t len, int* deleted, SysFailure* f);

// ctFlushReplySrcAsync(address): the same for an IPv4 or IPv6 address in text, on a worker
// thread in the process's namespace; a promise of how many entries went.
Napi::Value CtFlushReplySrcAsync(const Napi::CallbackInfo& info);

}  // namespace netctl
