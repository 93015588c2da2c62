// Deleting conntrack entries by the source address of their replies (what `conntrack -D
// --reply-src ADDR` does: dump, match, delete each), over the process's conntrack socket
// (nfsock.h). A `conntrack` process closes its socket when done, and closing a netfilter
// socket waits for nf_tables to free the rules of any deleting commit still in flight (an
// RCU grace period, 10-40 ms here): right after a teardown's rule deletion, that is where
// its time went. The dump walks every bucket of the kernel's conntrack table, however few
// entries the namespace has (~4 ms for 262,144 buckets here), so it runs on a worker thread
// and the caller's other work (deleting the veth) goes on meanwhile.
#include "ctflush.h"

#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include <arpa/inet.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>
#include <linux/netlink.h>
#include <sys/socket.h>

#include "nfsock.h"

namespace netctl {

bool CtFlushReplySrc(int family, const unsigned char* addr, size_t len, int* deleted, SysFailure* f) {
  *deleted = 0;
  NfSock& sock = ConntrackSock();
  std::lock_guard<std::mutex> hold(sock.Lock());
  const int src_type = family == AF_INET6 ? CTA_IP_V6_SRC : CTA_IP_V4_SRC;
  std::string req = sock.Message(NFNL_SUBSYS_CTNETLINK, IPCTNL_MSG_CT_GET, NLM_F_REQUEST | NLM_F_DUMP, family);
  if (!sock.Send(&req, f)) return false;
  const unsigned dump_seq = NfSeq(req);
  // Each match: its original tuple and zone, as the delete request wants them.
  std::vector<std::string> doomed;
  std::vector<char> buf(1 << 16);
  for (bool done = false; !done;) {
    int n = 0;
    if (!sock.Recv(buf.data(), buf.size(), &n, f)) return false;
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
      std::string del = sock.Message(NFNL_SUBSYS_CTNETLINK, IPCTNL_MSG_CT_DELETE, NLM_F_REQUEST | NLM_F_ACK, family);
      NfPutAttr(&del, orig);
      if (const struct nlattr* zone = FindAttr(attrs, CTA_ZONE)) NfPutAttr(&del, zone);
      doomed.push_back(std::move(del));
    }
  }
  for (std::string& del : doomed) {
    if (!sock.Send(&del, f)) return false;
    const unsigned seq = NfSeq(del);
    for (bool acked = false; !acked;) {
      int n = 0;
      if (!sock.Recv(buf.data(), buf.size(), &n, f)) return false;
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

namespace {

class CtFlushWorker : public Napi::AsyncWorker {
 public:
  CtFlushWorker(Napi::Env env, int family, const unsigned char* addr, size_t len)
      : Napi::AsyncWorker(env), deferred_(Napi::Promise::Deferred::New(env)), family_(family), len_(len) {
    std::memcpy(addr_, addr, len);
  }

  Napi::Promise Promise() { return deferred_.Promise(); }

  void Execute() override {
    if (!EnterHostNetns(&f_) || !CtFlushReplySrc(family_, addr_, len_, &deleted_, &f_)) SetError(f_.syscall + ": " + std::strerror(f_.err));
  }

  void OnOK() override { deferred_.Resolve(Napi::Number::New(Env(), deleted_)); }

  void OnError(const Napi::Error& e) override {
    Napi::Error error = Napi::Error::New(Env(), e.Message());
    error.Set("errno", Napi::Number::New(Env(), f_.err));
    error.Set("syscall", Napi::String::New(Env(), f_.syscall));
    deferred_.Reject(error.Value());
  }

 private:
  Napi::Promise::Deferred deferred_;
  int family_;
  unsigned char addr_[16];
  size_t len_;
  int deleted_ = 0;
  SysFailure f_;
};

}  // namespace

Napi::Value CtFlushReplySrcAsync(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsString()) throw Napi::TypeError::New(env, "expected an IP address");
  const std::string text = info[0].As<Napi::String>().Utf8Value();
  unsigned char addr[16];
  int family = AF_INET;
  size_t len = 4;
  if (inet_pton(AF_INET, text.c_str(), addr) != 1) {
    family = AF_INET6;
    len = 16;
    if (inet_pton(AF_INET6, text.c_str(), addr) != 1) throw Napi::TypeError::New(env, "bad IP address \"" + text + "\"");
  }
  auto* worker = new CtFlushWorker(env, family, addr, len);
  Napi::Promise promise = worker->Promise();
  worker->Queue();
  return promise;
}

}  // namespace netctl
