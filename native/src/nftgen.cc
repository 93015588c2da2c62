// The nf_tables generation id of the calling thread's network namespace: one counter the
// kernel bumps on every committed nf_tables transaction (iptables-nft, nft, ufw alike).
// Equal ids mean an unchanged ruleset. Asked over one NETLINK_NETFILTER socket kept open
// for the life of the process: releasing such a socket waits for the kernel to free the
// rules of earlier deleting transactions (an RCU grace period, ~15 ms here), which a
// process that only asks for the id should not pay on every call.
#include "nftgen.h"

#include <cerrno>
#include <cstring>

#include <arpa/inet.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netlink.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

namespace netctl {
namespace {

int gen_fd = -1;
ino_t gen_ns = 0;  // the namespace gen_fd was opened in
unsigned seq = 0;

ino_t CurrentNs() {
  struct stat st;
  return stat("/proc/thread-self/ns/net", &st) == 0 ? st.st_ino : 0;
}

bool Fail(SysFailure* f, const char* syscall, int err) {
  f->err = err;
  f->syscall = syscall;
  f->path = "NETLINK_NETFILTER";
  return false;
}

bool Open(SysFailure* f) {
  const ino_t ns = CurrentNs();
  if (gen_fd >= 0 && ns == gen_ns) return true;
  if (gen_fd >= 0) close(gen_fd);
  gen_fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_NETFILTER);
  if (gen_fd < 0) return Fail(f, "socket", errno);
  struct timeval tv = {1, 0};
  setsockopt(gen_fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  gen_ns = ns;
  return true;
}

}  // namespace

bool NftGenId(uint32_t* id, SysFailure* f) {
  if (!Open(f)) return false;
  struct {
    struct nlmsghdr nh;
    struct nfgenmsg nf;
  } req;
  std::memset(&req, 0, sizeof req);
  req.nh.nlmsg_len = sizeof req;
  req.nh.nlmsg_type = (NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_GETGEN;
  req.nh.nlmsg_flags = NLM_F_REQUEST;
  req.nh.nlmsg_seq = ++seq;
  req.nf.nfgen_family = AF_UNSPEC;
  req.nf.version = NFNETLINK_V0;
  struct sockaddr_nl kernel;
  std::memset(&kernel, 0, sizeof kernel);
  kernel.nl_family = AF_NETLINK;
  if (sendto(gen_fd, &req, sizeof req, 0, reinterpret_cast<struct sockaddr*>(&kernel), sizeof kernel) < 0) {
    return Fail(f, "sendto", errno);
  }
  alignas(struct nlmsghdr) char buf[8192];
  for (;;) {
    const ssize_t got = recv(gen_fd, buf, sizeof buf, 0);
    if (got < 0) {
      if (errno == EINTR) continue;
      return Fail(f, "recv", errno);
    }
    int n = static_cast<int>(got);
    for (struct nlmsghdr* nh = reinterpret_cast<struct nlmsghdr*>(buf); NLMSG_OK(nh, n); nh = NLMSG_NEXT(nh, n)) {
      if (nh->nlmsg_seq != seq) continue;  // a late answer to an earlier, timed-out request
      if (nh->nlmsg_type == NLMSG_ERROR) {
        const struct nlmsgerr* e = static_cast<const struct nlmsgerr*>(NLMSG_DATA(nh));
        return Fail(f, "NFT_MSG_GETGEN", e->error < 0 ? -e->error : EPROTO);
      }
      if (nh->nlmsg_type != ((NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_NEWGEN)) continue;
      const char* p = static_cast<const char*>(NLMSG_DATA(nh)) + NLMSG_ALIGN(sizeof(struct nfgenmsg));
      const char* end = reinterpret_cast<const char*>(nh) + nh->nlmsg_len;
      while (p + sizeof(struct nlattr) <= end) {
        const struct nlattr* a = reinterpret_cast<const struct nlattr*>(p);
        if (a->nla_len < sizeof(struct nlattr) || p + a->nla_len > end) break;
        if ((a->nla_type & NLA_TYPE_MASK) == NFTA_GEN_ID && a->nla_len >= NLA_HDRLEN + 4) {
          uint32_t be;
          std::memcpy(&be, p + NLA_HDRLEN, 4);
          *id = ntohl(be);
          return true;
        }
        p += NLA_ALIGN(a->nla_len);
      }
      return Fail(f, "NFT_MSG_GETGEN", EPROTO);
    }
  }
}

}  // namespace netctl
