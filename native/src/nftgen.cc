// The nf_tables generation id of the calling thread's network namespace: one counter the
// kernel bumps on every committed nf_tables transaction (iptables-nft, nft, ufw alike).
// Equal ids mean an unchanged ruleset. Asked over the process's netfilter socket (nfsock.h).
#include "nftgen.h"

#include <cerrno>
#include <cstring>

#include <arpa/inet.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <sys/socket.h>

#include "nfsock.h"

namespace netctl {

bool NftGenId(uint32_t* id, SysFailure* f) {
  std::string req = TablesSock().Message(NFNL_SUBSYS_NFTABLES, NFT_MSG_GETGEN, NLM_F_REQUEST, AF_UNSPEC);
  if (!TablesSock().Send(&req, f)) return false;
  const unsigned seq = NfSeq(req);
  alignas(struct nlmsghdr) char buf[8192];
  for (;;) {
    int n = 0;
    if (!TablesSock().Recv(buf, sizeof buf, &n, f)) return false;
    for (struct nlmsghdr* nh = reinterpret_cast<struct nlmsghdr*>(buf); NLMSG_OK(nh, n); nh = NLMSG_NEXT(nh, n)) {
      if (nh->nlmsg_seq != seq) continue;  // a late answer to an earlier, timed-out request
      if (nh->nlmsg_type == NLMSG_ERROR) {
        const struct nlmsgerr* e = static_cast<const struct nlmsgerr*>(NLMSG_DATA(nh));
        return NfFail(f, "NFT_MSG_GETGEN", e->error < 0 ? -e->error : EPROTO);
      }
      if (nh->nlmsg_type != ((NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_NEWGEN)) continue;
      const struct nlattr* a = FindAttr(AttrsOf(nh), NFTA_GEN_ID);
      if (!a || a->nla_len < NLA_HDRLEN + 4) return NfFail(f, "NFT_MSG_GETGEN", EPROTO);
      uint32_t be;
      std::memcpy(&be, reinterpret_cast<const char*>(a) + NLA_HDRLEN, 4);
      *id = ntohl(be);
      return true;
    }
  }
}

}  // namespace netctl
