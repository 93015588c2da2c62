// NETLINK_NETFILTER sockets kept open for the life of the process, and the netlink message
// helpers their users share (nftgen.cc, nftrules.cc, ctflush.cc). Releasing a netfilter
// socket waits for nf_tables to free the rules of any deleting commit still in flight (an
// RCU grace period, 10-40 ms here), a wait a caller should not pay on every call. Two of
// them: one for nf_tables, used on the JS thread, and one for conntrack, used by worker
// threads one at a time (its lock); each follows its thread's namespace, reopening when it
// changed, and numbers its own messages.
#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>

#include <sys/types.h>

#include <linux/netlink.h>

#include "netns.h"

namespace netctl {

// The attributes of a message or of a nested attribute, as [begin, end).
struct NlSpan {
  const char* p;
  const char* end;
};

// A netfilter socket: opened on first use in the calling thread's namespace.
class NfSock {
 public:
  // A request: nlmsghdr and nfgenmsg of subsystem `subsys`, with the next sequence number.
  std::string Message(int subsys, int type, int flags, int family);
  // Sends `m` (its length filled in).
  bool Send(std::string* m, SysFailure* f);
  // Sends a buffer of complete messages (lengths filled in, e.g. by NfAppend) as one write.
  bool SendRaw(const std::string& buf, SysFailure* f);
  // Receives what is queued into `buf` (EINTR retried; times out after 2 s); `n` its length.
  bool Recv(char* buf, size_t size, int* n, SysFailure* f);
  // Held by whoever uses the socket from a worker thread.
  std::mutex& Lock() { return mu_; }

 private:
  bool Open(SysFailure* f);
  int fd_ = -1;
  ino_t ns_ = 0;  // the namespace fd_ was opened in
  unsigned seq_ = 0;
  std::mutex mu_;
};

// The nf_tables socket (the JS thread's) and the conntrack one (worker threads', locked).
NfSock& TablesSock();
NfSock& ConntrackSock();

// Appends a copy of attribute `a` (padding included).
void NfPutAttr(std::string* m, const struct nlattr* a);
// Appends an attribute of `type` holding `len` bytes, a NUL-terminated string, a big-endian
// 32-bit number.
void NfPutBytes(std::string* m, int type, const void* data, size_t len);
void NfPutStr(std::string* m, int type, const std::string& s);
void NfPutU32(std::string* m, int type, uint32_t v);
// Sets the nfgenmsg res_id (a batch message names the subsystem of its contents there).
void NfSetResId(std::string* m, int res_id);
// Fills in the length of message `m` and appends it to the batch `out`.
void NfAppend(std::string* out, std::string* m);
// The sequence number of a message built by NfSock::Message.
unsigned NfSeq(const std::string& m);

// The attributes after a netfilter message's nfgenmsg, and inside a nested attribute.
NlSpan AttrsOf(const struct nlmsghdr* nh);
NlSpan Inside(const struct nlattr* a);
// The first attribute of `type` in `s`, or nullptr.
const struct nlattr* FindAttr(NlSpan s, int type);
// A failure with `what` as its syscall, on the netfilter socket.
bool NfFail(SysFailure* f, const std::string& what, int err);

}  // namespace netctl
