// Deleting conntrack entries by the source address of their replies (what `conntrack -D
// --reply-src ADDR` does: dump, match, delete each), over the process's netfilter socket
// (nfsock.h). A `conntrack` process closes its socket when done, and closing a netfilter
// socket waits for nf_tables to free the rules of any deleting commit still in flight (an
// RCU grace period, 10-40 ms here): right after a teardown's restore, that is where its
// time went.
#include "ctflush.h"

#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>
#include <linux/netlink.h>
#include <sys/socket.h>

#include "nfsock.h"

namespace netctl {

bool CtFlushReplySrc(int family, const unsigned char* addr, size_t len, int* deleted, SysFailure* f) {
  *deleted = 0;
  const int src_type = family == AF_INET6 ? CTA_IP_V6_SRC : CTA_IP_V4_SRC;
  std::string req = NfMessage(NFNL_SUBSYS_CTNETLINK, IPCTNL_MSG_CT_GET, NLM_F_REQUEST | NLM_F_DUMP, family);
  if (!NfSend(&req, f)) return false;
  const unsigned dump_seq = NfSeq(req);
  // Each match: its original tuple and zone, as the delete request wants them.
  std::vector<std::string> doomed;
  std::vector<char> buf(1 << 16);
  for (bool done = false; !done;) {
    int n = 0;
    if (!NfRecv(buf.data(), buf.size(), &n, f)) return false;
    for (struct nlmsghdr* nh = reinterpret_cast<struct nlmsghdr*>(buf.data()); NLMSG_OK(nh, n); nh = NLMSG_NEXT(nh, n)) {
      if (nh->nlmsg_seq != dump_seq) continue;
      if (nh->nlmsg_type == NLMSG_DONE) {
        done = true;
        break;
      }
      if (nh->nlmsg_type == NLMSG_ERROR) {
        const struct nlmsgerr* e = static_cast<const struct nlmsgerr*>(NLMSG_DATA(nh));
        if (e->error == 0) continue;
        return NfFail(f, "IPCTNL_MSG_CT_GET", -e->error);
      }
      const NlSpan attrs = AttrsOf(nh);
      const struct nlattr* reply = FindAttr(attrs, CTA_TUPLE_REPLY);
      const struct nlattr* orig = FindAttr(attrs, CTA_TUPLE_ORIG);
      if (!reply || !orig) continue;
      const struct nlattr* ip = FindAttr(Inside(reply), CTA_TUPLE_IP);
      const struct nlattr* src = ip ? FindAttr(Inside(ip), src_type) : nullptr;
      if (!src || src->nla_len != NLA_HDRLEN + len || std::memcmp(reinterpret_cast<const char*>(src) + NLA_HDRLEN, addr, len) != 0) continue;
      std::string del = NfMessage(NFNL_SUBSYS_CTNETLINK, IPCTNL_MSG_CT_DELETE, NLM_F_REQUEST | NLM_F_ACK, family);
      NfPutAttr(&del, orig);
      if (const struct nlattr* zone = FindAttr(attrs, CTA_ZONE)) NfPutAttr(&del, zone);
      doomed.push_back(std::move(del));
    }
  }
  for (std::string& del : doomed) {
    if (!NfSend(&del, f)) return false;
    const unsigned seq = NfSeq(del);
    for (bool acked = false; !acked;) {
      int n = 0;
      if (!NfRecv(buf.data(), buf.size(), &n, f)) return false;
      for (struct nlmsghdr* nh = reinterpret_cast<struct nlmsghdr*>(buf.data()); NLMSG_OK(nh, n); nh = NLMSG_NEXT(nh, n)) {
        if (nh->nlmsg_seq != seq || nh->nlmsg_type != NLMSG_ERROR) continue;
        const int err = -static_cast<const struct nlmsgerr*>(NLMSG_DATA(nh))->error;
        if (err == 0) ++*deleted;
        // Gone meanwhile (expired, or deleted by another flush): what was wanted.
        else if (err != ENOENT) return NfFail(f, "IPCTNL_MSG_CT_DELETE", err);
        acked = true;
      }
    }
  }
  return true;
}

}  // namespace netctl
