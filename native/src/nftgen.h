// The nf_tables generation id (nftgen.cc).
#pragma once

#include <cstdint>

#include "netns.h"

namespace netctl {

// Reads the generation id of the calling thread's network namespace into `id`.
bool NftGenId(uint32_t* id, SysFailure* f);

}  // namespace netctl
