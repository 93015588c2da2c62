// One entry to systemd-journald's native socket, for the log of netctl's long-running parts:
// structured fields (CONTAINER=, NETWORK=, RULE=) that a stream line cannot carry.
#ifndef NETCTL_JOURNAL_H
#define NETCTL_JOURNAL_H

#include <napi.h>

namespace netctl {

// journalSend(socketPath, payload: Buffer) -> errno (0: sent). The payload is already in
// journald's native format (src/sys/journal.ts encodes it); one datagram, no reply.
Napi::Value JournalSend(const Napi::CallbackInfo& info);

}  // namespace netctl

#endif
