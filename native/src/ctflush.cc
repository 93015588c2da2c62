// Deleting conntrack entries by the source address of their replies (what `conntrack -D
// --reply-src ADDR` does: dump, match, delete each), over one NETLINK_NETFILTER socket kept
// open for the life of the process. A `conntrack` process closes its socket when done, and
// closing a netfilter socket waits for nf_tables to free the rules of any deleting commit
// still in flight (an RCU grace period, 10-40 ms here): right after a teardown's restore,
// that is where its time went.
#include "ctflush.h"

#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>
#include <linux/netlink.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

namespace netctl {
namespace {

int ct_fd = -1;
ino_t ct_ns = 0;
unsigned ct_seq = 0;

ino_t CurrentNs() {
  struct stat st;
  return stat("/proc/thread-self/ns/net", &st) == 0 ? st.st_ino : 0;
}

bool Fail(SysFailure* f, const std::string& syscall, int err) {
  f->err = err;
  f->syscall = syscall;
  f->path = "ctnetlink";
  return false;
}

bool Open(SysFailure* f) {
  const ino_t ns = CurrentNs();
  if (ct_fd >= 0 && ns == ct_ns) return true;
  if (ct_fd >= 0) close(ct_fd);
  ct_fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_NETFILTER);
  if (ct_fd < 0) return Fail(f, "socket", errno);
  struct timeval tv = {2, 0};
  setsockopt(ct_fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  int big = 1 << 20;
  setsockopt(ct_fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof big);
  ct_ns = ns;
  return true;
}

// The attributes of a message or of a nested attribute, as [begin, end).
struct Span {
  const char* p;
  const char* end;
};

const struct nlattr* Find(Span s, int type) {
  for (const char* p = s.p; p + sizeof(struct nlattr) <= s.end;) {
    const struct nlattr* a = reinterpret_cast<const struct nlattr*>(p);
    if (a->nla_len < sizeof(struct nlattr) || p + a->nla_len > s.end) return nullptr;
    if ((a->nla_type & NLA_TYPE_MASK) == type) return a;
    p += NLA_ALIGN(a->nla_len);
  }
  return nullptr;
}

Span Inside(const struct nlattr* a) {
  const char* p = reinterpret_cast<const char*>(a);
  return {p + NLA_HDRLEN, p + a->nla_len};
}

void PutHeader(std::string* m, int type, int flags, int family) {
  struct nlmsghdr nh;
  std::memset(&nh, 0, sizeof nh);
  nh.nlmsg_type = static_cast<uint16_t>((NFNL_SUBSYS_CTNETLINK << 8) | type);
  nh.nlmsg_flags = static_cast<uint16_t>(flags);
  nh.nlmsg_seq = ++ct_seq;
  struct nfgenmsg g;
  std::memset(&g, 0, sizeof g);
  g.nfgen_family = static_cast<uint8_t>(family);
  g.version = NFNETLINK_V0;
  m->assign(reinterpret_cast<const char*>(&nh), sizeof nh);
  m->append(reinterpret_cast<const char*>(&g), NLMSG_ALIGN(sizeof g));
}

void PutAttr(std::string* m, const struct nlattr* a) {
  m->append(reinterpret_cast<const char*>(a), a->nla_len);
  m->append(NLA_ALIGN(a->nla_len) - a->nla_len, '\0');
}

bool Send(const std::string& m, SysFailure* f) {
  struct nlmsghdr* nh = reinterpret_cast<struct nlmsghdr*>(const_cast<char*>(m.data()));
  nh->nlmsg_len = static_cast<uint32_t>(m.size());
  struct sockaddr_nl kernel;
  std::memset(&kernel, 0, sizeof kernel);
  kernel.nl_family = AF_NETLINK;
  if (sendto(ct_fd, m.data(), m.size(), 0, reinterpret_cast<struct sockaddr*>(&kernel), sizeof kernel) < 0) return Fail(f, "sendto", errno);
  return true;
}

}  // namespace

bool CtFlushReplySrc(int family, const unsigned char* addr, size_t len, int* deleted, SysFailure* f) {
  *deleted = 0;
  if (!Open(f)) return false;
  const int src_type = family == AF_INET6 ? CTA_IP_V6_SRC : CTA_IP_V4_SRC;
  std::string req;
  PutHeader(&req, IPCTNL_MSG_CT_GET, NLM_F_REQUEST | NLM_F_DUMP, family);
  if (!Send(req, f)) return false;
  const unsigned dump_seq = ct_seq;
  // Each match: its original tuple and zone, as the delete request wants them.
  std::vector<std::string> doomed;
  std::vector<char> buf(1 << 16);
  for (bool done = false; !done;) {
    const ssize_t got = recv(ct_fd, buf.data(), buf.size(), 0);
    if (got < 0) {
      if (errno == EINTR) continue;
      return Fail(f, "recv", errno);
    }
    int n = static_cast<int>(got);
    for (struct nlmsghdr* nh = reinterpret_cast<struct nlmsghdr*>(buf.data()); NLMSG_OK(nh, n); nh = NLMSG_NEXT(nh, n)) {
      if (nh->nlmsg_seq != dump_seq) continue;
      if (nh->nlmsg_type == NLMSG_DONE) {
        done = true;
        break;
      }
      if (nh->nlmsg_type == NLMSG_ERROR) {
        const struct nlmsgerr* e = static_cast<const struct nlmsgerr*>(NLMSG_DATA(nh));
        if (e->error == 0) continue;
        return Fail(f, "IPCTNL_MSG_CT_GET", -e->error);
      }
      const char* body = static_cast<const char*>(NLMSG_DATA(nh)) + NLMSG_ALIGN(sizeof(struct nfgenmsg));
      const Span attrs = {body, reinterpret_cast<const char*>(nh) + nh->nlmsg_len};
      const struct nlattr* reply = Find(attrs, CTA_TUPLE_REPLY);
      const struct nlattr* orig = Find(attrs, CTA_TUPLE_ORIG);
      if (!reply || !orig) continue;
      const struct nlattr* ip = Find(Inside(reply), CTA_TUPLE_IP);
      const struct nlattr* src = ip ? Find(Inside(ip), src_type) : nullptr;
      if (!src || src->nla_len != NLA_HDRLEN + len || std::memcmp(reinterpret_cast<const char*>(src) + NLA_HDRLEN, addr, len) != 0) continue;
      std::string del;
      PutHeader(&del, IPCTNL_MSG_CT_DELETE, NLM_F_REQUEST | NLM_F_ACK, family);
      PutAttr(&del, orig);
      if (const struct nlattr* zone = Find(attrs, CTA_ZONE)) PutAttr(&del, zone);
      doomed.push_back(std::move(del));
    }
  }
  for (std::string& del : doomed) {
    if (!Send(del, f)) return false;
    const unsigned seq = reinterpret_cast<const struct nlmsghdr*>(del.data())->nlmsg_seq;
    for (bool acked = false; !acked;) {
      const ssize_t got = recv(ct_fd, buf.data(), buf.size(), 0);
      if (got < 0) {
        if (errno == EINTR) continue;
        return Fail(f, "recv", errno);
      }
      int n = static_cast<int>(got);
      for (struct nlmsghdr* nh = reinterpret_cast<struct nlmsghdr*>(buf.data()); NLMSG_OK(nh, n); nh = NLMSG_NEXT(nh, n)) {
        if (nh->nlmsg_seq != seq || nh->nlmsg_type != NLMSG_ERROR) continue;
        const int err = -static_cast<const struct nlmsgerr*>(NLMSG_DATA(nh))->error;
        if (err == 0) ++*deleted;
        // Gone meanwhile (expired, or deleted by another flush): what was wanted.
        else if (err != ENOENT) return Fail(f, "IPCTNL_MSG_CT_DELETE", err);
        acked = true;
      }
    }
  }
  return true;
}

}  // namespace netctl
