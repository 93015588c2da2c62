// Deleting a link off the main thread. The kernel answers RTM_DELLINK only after the device
// is unregistered and every reference to it dropped (RCU grace periods: 15-40 ms for a veth
// here), and the caller's thread waits in sendmsg all that time. The device is gone from
// the namespace's lists within a few milliseconds, though; a worker thread takes the wait
// so the caller can go on (and see the link gone) meanwhile.
#include "linkdel.h"
#include "netns.h"

#include <cerrno>
#include <cstring>
#include <string>

#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <sys/socket.h>
#include <unistd.h>

namespace netctl {
namespace {

class DeleteLinkWorker : public Napi::AsyncWorker {
 public:
  DeleteLinkWorker(Napi::Env env, std::string name) : Napi::AsyncWorker(env), deferred_(Napi::Promise::Deferred::New(env)), name_(std::move(name)) {}

  Napi::Promise Promise() { return deferred_.Promise(); }

  void Execute() override {
    SysFailure entered;
    if (!EnterHostNetns(&entered)) return Fail("setns", entered.err);
    const int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
    if (fd < 0) return Fail("socket", errno);
    struct timeval tv = {30, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    struct {
      struct nlmsghdr nh;
      struct ifinfomsg ifi;
      char attrs[64];
    } req;
    std::memset(&req, 0, sizeof req);
    req.nh.nlmsg_type = RTM_DELLINK;
    req.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
    req.nh.nlmsg_seq = 1;
    req.ifi.ifi_family = AF_UNSPEC;
    struct rtattr* rta = reinterpret_cast<struct rtattr*>(req.attrs);
    rta->rta_type = IFLA_IFNAME;
    rta->rta_len = static_cast<unsigned short>(RTA_LENGTH(name_.size() + 1));
    std::memcpy(RTA_DATA(rta), name_.c_str(), name_.size() + 1);
    req.nh.nlmsg_len = static_cast<uint32_t>(NLMSG_LENGTH(sizeof(struct ifinfomsg)) + RTA_ALIGN(rta->rta_len));
    struct sockaddr_nl kernel;
    std::memset(&kernel, 0, sizeof kernel);
    kernel.nl_family = AF_NETLINK;
    if (sendto(fd, &req, req.nh.nlmsg_len, 0, reinterpret_cast<struct sockaddr*>(&kernel), sizeof kernel) < 0) {
      const int err = errno;
      close(fd);
      return Fail("sendto", err);
    }
    alignas(struct nlmsghdr) char buf[4096];
    for (;;) {
      const ssize_t got = recv(fd, buf, sizeof buf, 0);
      if (got < 0) {
        if (errno == EINTR) continue;
        const int err = errno;
        close(fd);
        return Fail("recv", err);
      }
      const struct nlmsghdr* nh = reinterpret_cast<const struct nlmsghdr*>(buf);
      if (got < static_cast<ssize_t>(sizeof *nh) || nh->nlmsg_type != NLMSG_ERROR) continue;
      const int err = -static_cast<const struct nlmsgerr*>(NLMSG_DATA(nh))->error;
      close(fd);
      // Gone already is what was wanted.
      if (err != 0 && err != ENODEV) Fail("RTM_DELLINK", err);
      return;
    }
  }

  void OnOK() override { deferred_.Resolve(Env().Undefined()); }

  void OnError(const Napi::Error& e) override {
    Napi::Error error = Napi::Error::New(Env(), e.Message());
    error.Set("code", Napi::String::New(Env(), code_));
    deferred_.Reject(error.Value());
  }

 private:
  void Fail(const char* what, int err) {
    code_ = std::to_string(err);
    SetError(std::string(what) + " \"" + name_ + "\": " + std::strerror(err));
  }

  Napi::Promise::Deferred deferred_;
  std::string name_;
  std::string code_;
};

}  // namespace

Napi::Value DeleteLinkAsync(const Napi::CallbackInfo& info) {
  if (info.Length() < 1 || !info[0].IsString()) throw Napi::TypeError::New(info.Env(), "expected a link name");
  const std::string name = info[0].As<Napi::String>().Utf8Value();
  if (name.empty() || name.size() >= IFNAMSIZ || name.find('\0') != std::string::npos) throw Napi::TypeError::New(info.Env(), "bad link name \"" + name + "\"");
  auto* worker = new DeleteLinkWorker(info.Env(), name);
  Napi::Promise promise = worker->Promise();
  worker->Queue();
  return promise;
}

}  // namespace netctl
