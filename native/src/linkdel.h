// Deleting a link on a worker thread (linkdel.cc).
#pragma once

#include <napi.h>

namespace netctl {

// deleteLinkAsync(name): a promise settled when the kernel has finished deleting the link
// (ENODEV counts as done) in the process's namespace (RememberHostNetns).
Napi::Value DeleteLinkAsync(const Napi::CallbackInfo& info);

}  // namespace netctl
