// Running a program to completion without forking node (spawn.cc).
#pragma once

#include <napi.h>

namespace netctl {

// spawnAsync(argv, env, cwd, input, timeoutMs): runs argv[0] (searched in PATH) with `env`
// ("NAME=value" strings), in `cwd` ("" for ours), `input` (string or Buffer) on its stdin,
// in the calling thread's network namespace; killed after timeoutMs. A promise of
// {code, stdout, stderr} (code 128 when killed by a signal); rejects when it cannot start.
Napi::Value SpawnAsync(const Napi::CallbackInfo& info);

}  // namespace netctl
