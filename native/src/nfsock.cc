#include "nfsock.h"

#include <cerrno>
#include <cstring>

#include <arpa/inet.h>
#include <linux/netfilter/nfnetlink.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

namespace netctl {
namespace {

ino_t CurrentNs() {
  struct stat st;
  return stat("/proc/thread-self/ns/net", &st) == 0 ? st.st_ino : 0;
}

}  // namespace

NfSock& TablesSock() {
  static NfSock sock;
  return sock;
}

NfSock& ConntrackSock() {
  static NfSock sock;
  return sock;
}

bool NfSock::Open(SysFailure* f) {
  const ino_t ns = CurrentNs();
  if (fd_ >= 0 && ns == ns_) return true;
  if (fd_ >= 0) close(fd_);
  fd_ = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_NETFILTER);
  if (fd_ < 0) return NfFail(f, "socket", errno);
  struct timeval tv = {2, 0};
  setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  // A conntrack dump or a long chain's listing can be large.
  int big = 1 << 20;
  setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &big, sizeof big);
  ns_ = ns;
  return true;
}

bool NfFail(SysFailure* f, const std::string& what, int err) {
  f->err = err;
  f->syscall = what;
  f->path = "NETLINK_NETFILTER";
  return false;
}

std::string NfSock::Message(int subsys, int type, int flags, int family) {
  struct nlmsghdr nh;
  std::memset(&nh, 0, sizeof nh);
  nh.nlmsg_type = static_cast<uint16_t>((subsys << 8) | type);
  nh.nlmsg_flags = static_cast<uint16_t>(flags);
  nh.nlmsg_seq = ++seq_;
  struct nfgenmsg g;
  std::memset(&g, 0, sizeof g);
  g.nfgen_family = static_cast<uint8_t>(family);
  g.version = NFNETLINK_V0;
  std::string m(reinterpret_cast<const char*>(&nh), sizeof nh);
  m.append(reinterpret_cast<const char*>(&g), NLMSG_ALIGN(sizeof g));
  return m;
}

void NfPutAttr(std::string* m, const struct nlattr* a) {
  m->append(reinterpret_cast<const char*>(a), a->nla_len);
  m->append(NLA_ALIGN(a->nla_len) - a->nla_len, '\0');
}

void NfPutBytes(std::string* m, int type, const void* data, size_t len) {
  struct nlattr a;
  a.nla_type = static_cast<uint16_t>(type);
  a.nla_len = static_cast<uint16_t>(NLA_HDRLEN + len);
  m->append(reinterpret_cast<const char*>(&a), sizeof a);
  m->append(NLA_HDRLEN - sizeof a, '\0');
  m->append(static_cast<const char*>(data), len);
  m->append(NLA_ALIGN(a.nla_len) - a.nla_len, '\0');
}

void NfPutStr(std::string* m, int type, const std::string& s) { NfPutBytes(m, type, s.c_str(), s.size() + 1); }

void NfPutU32(std::string* m, int type, uint32_t v) {
  const uint32_t be = htonl(v);
  NfPutBytes(m, type, &be, sizeof be);
}

void NfSetResId(std::string* m, int res_id) {
  struct nfgenmsg* g = reinterpret_cast<struct nfgenmsg*>(&(*m)[NLMSG_HDRLEN]);
  g->res_id = htons(static_cast<uint16_t>(res_id));
}

void NfAppend(std::string* out, std::string* m) {
  reinterpret_cast<struct nlmsghdr*>(&(*m)[0])->nlmsg_len = static_cast<uint32_t>(m->size());
  out->append(*m);
}

unsigned NfSeq(const std::string& m) {
  return reinterpret_cast<const struct nlmsghdr*>(m.data())->nlmsg_seq;
}

bool NfSock::Send(std::string* m, SysFailure* f) {
  reinterpret_cast<struct nlmsghdr*>(&(*m)[0])->nlmsg_len = static_cast<uint32_t>(m->size());
  return SendRaw(*m, f);
}

bool NfSock::SendRaw(const std::string& buf, SysFailure* f) {
  if (!Open(f)) return false;
  struct sockaddr_nl kernel;
  std::memset(&kernel, 0, sizeof kernel);
  kernel.nl_family = AF_NETLINK;
  if (sendto(fd_, buf.data(), buf.size(), 0, reinterpret_cast<struct sockaddr*>(&kernel), sizeof kernel) < 0) return NfFail(f, "sendto", errno);
  return true;
}

bool NfSock::Recv(char* buf, size_t size, int* n, SysFailure* f) {
  for (;;) {
    const ssize_t got = recv(fd_, buf, size, 0);
    if (got >= 0) {
      *n = static_cast<int>(got);
      return true;
    }
    if (errno != EINTR) return NfFail(f, "recv", errno);
  }
}

NlSpan AttrsOf(const struct nlmsghdr* nh) {
  const char* body = static_cast<const char*>(NLMSG_DATA(nh)) + NLMSG_ALIGN(sizeof(struct nfgenmsg));
  return {body, reinterpret_cast<const char*>(nh) + nh->nlmsg_len};
}

NlSpan Inside(const struct nlattr* a) {
  const char* p = reinterpret_cast<const char*>(a);
  return {p + NLA_HDRLEN, p + a->nla_len};
}

const struct nlattr* FindAttr(NlSpan s, int type) {
  for (const char* p = s.p; p + sizeof(struct nlattr) <= s.end;) {
    const struct nlattr* a = reinterpret_cast<const struct nlattr*>(p);
    if (a->nla_len < sizeof(struct nlattr) || p + a->nla_len > s.end) return nullptr;
    if ((a->nla_type & NLA_TYPE_MASK) == type) return a;
    p += NLA_ALIGN(a->nla_len);
  }
  return nullptr;
}

}  // namespace netctl
