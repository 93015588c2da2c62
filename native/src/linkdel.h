// Deleting a link on a worker thread (linkdel.cc).
#pragma once

#include <napi.h>

namespace netctl {

// Remembers the namespace the process is in; call once when the addon loads.
void InitLinkDel();

// deleteLinkAsync(name): a promise settled when the kernel has finished deleting the link
// (ENODEV counts as done) in the namespace the process started in.
Napi::Value DeleteLinkAsync(const Napi::CallbackInfo& info);

}  // namespace netctl
