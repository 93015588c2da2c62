// Deleting conntrack entries by reply source address (ctflush.cc).
#pragma once

#include <cstddef>

#include "netns.h"

namespace netctl {

// Deletes every entry of `family` (AF_INET, AF_INET6) whose reply comes from `addr` (4 or 16
// bytes) in the calling thread's namespace; `deleted` counts them.
bool CtFlushReplySrc(int family, const unsigned char* addr, size_t len, int* deleted, SysFailure* f);

}  // namespace netctl
