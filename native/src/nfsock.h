// One NETLINK_NETFILTER socket per process and namespace, and the netlink message helpers
// its users share (nftgen.cc, ctflush.cc). It stays open for the life of the process:
// releasing a netfilter socket waits for nf_tables to free the rules of any deleting commit
// still in flight (an RCU grace period, 10-40 ms here), a wait a caller that only asks the
// kernel something should not pay on every call.
#pragma once

#include <string>

#include <linux/netlink.h>

#include "netns.h"

namespace netctl {

// The attributes of a message or of a nested attribute, as [begin, end).
struct NlSpan {
  const char* p;
  const char* end;
};

// A request: nlmsghdr and nfgenmsg of subsystem `subsys`, with the next sequence number.
std::string NfMessage(int subsys, int type, int flags, int family);
// Appends a copy of attribute `a` (padding included).
void NfPutAttr(std::string* m, const struct nlattr* a);
// The sequence number of a message built by NfMessage.
unsigned NfSeq(const std::string& m);
// Sends `m` (its length filled in) on the socket of the calling thread's namespace.
bool NfSend(std::string* m, SysFailure* f);
// Receives what is queued into `buf` (EINTR retried; times out after 2 s); `n` its length.
bool NfRecv(char* buf, size_t size, int* n, SysFailure* f);

// The attributes after a netfilter message's nfgenmsg, and inside a nested attribute.
NlSpan AttrsOf(const struct nlmsghdr* nh);
NlSpan Inside(const struct nlattr* a);
// The first attribute of `type` in `s`, or nullptr.
const struct nlattr* FindAttr(NlSpan s, int type);
// A failure with `what` as its syscall, on the netfilter socket.
bool NfFail(SysFailure* f, const std::string& what, int err);

}  // namespace netctl
