// Deleting rules of iptables-nft's tables without iptables-restore. A restore that deletes
// rules costs 25-45 ms here, nearly all of it after its commit: the process closes its
// netfilter socket on exit, and that close waits for nf_tables to free the deleted rules
// (RCU grace periods). Over the process's own socket, kept open (nfsock.h), the same
// deletion is one round trip to list the chain's rule handles and one batch.
//
// Safety: the caller knows every rule of the chains it edits (netctl's own chains) as of
// generation `gen`. The listing must show exactly that many rules with the expected
// comments, and the batch carries NFNL_BATCH_GENID, so the kernel refuses it (ERESTART)
// if anyone committed since `gen`: a listing taken at `gen` maps positions to handles
// exactly, and anything else changes nothing.
#include "nftrules.h"

#include <cerrno>
#include <cstring>

#include <arpa/inet.h>
#include <endian.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nf_tables_compat.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netlink.h>

#include "nfsock.h"

namespace netctl {
namespace {

constexpr int kRuleType = (NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_NEWRULE;

struct Listed {
  uint64_t handle;  // network order, as the kernel sent it and wants it back
  std::string comment;
};

std::string Str(const struct nlattr* a) {
  const char* p = reinterpret_cast<const char*>(a) + NLA_HDRLEN;
  const size_t n = a->nla_len - NLA_HDRLEN;
  return std::string(p, strnlen(p, n));
}

// The text of the rule's `-m comment` (iptables-nft keeps it as an xt "comment" match).
std::string CommentOf(NlSpan rule) {
  const struct nlattr* exprs = FindAttr(rule, NFTA_RULE_EXPRESSIONS);
  if (!exprs) return "";
  const NlSpan list = Inside(exprs);
  for (const char* p = list.p; p + sizeof(struct nlattr) <= list.end;) {
    const struct nlattr* elem = reinterpret_cast<const struct nlattr*>(p);
    if (elem->nla_len < sizeof(struct nlattr) || p + elem->nla_len > list.end) break;
    p += NLA_ALIGN(elem->nla_len);
    const NlSpan e = Inside(elem);
    const struct nlattr* name = FindAttr(e, NFTA_EXPR_NAME);
    const struct nlattr* data = FindAttr(e, NFTA_EXPR_DATA);
    if (!name || !data || Str(name) != "match") continue;
    const struct nlattr* mname = FindAttr(Inside(data), NFTA_MATCH_NAME);
    const struct nlattr* info = FindAttr(Inside(data), NFTA_MATCH_INFO);
    if (mname && info && Str(mname) == "comment") return Str(info);
  }
  return "";
}

// Lists the handles and comments of a chain's rules, in order. `missing` when the kernel
// says the table does not exist; a chain that does not exist lists as empty (the dump's
// filter just matches nothing), which the caller's count check catches.
bool ListChain(const NftChainEdit& c, std::vector<Listed>* out, bool* missing, SysFailure* f) {
  *missing = false;
  std::string req = TablesSock().Message(NFNL_SUBSYS_NFTABLES, NFT_MSG_GETRULE, NLM_F_REQUEST | NLM_F_DUMP, c.family);
  NfPutStr(&req, NFTA_RULE_TABLE, c.table);
  NfPutStr(&req, NFTA_RULE_CHAIN, c.chain);
  if (!TablesSock().Send(&req, f)) return false;
  const unsigned seq = NfSeq(req);
  std::vector<char> buf(1 << 16);
  for (;;) {
    int n = 0;
    if (!TablesSock().Recv(buf.data(), buf.size(), &n, f)) return false;
    for (struct nlmsghdr* nh = reinterpret_cast<struct nlmsghdr*>(buf.data()); NLMSG_OK(nh, n); nh = NLMSG_NEXT(nh, n)) {
      if (nh->nlmsg_seq != seq) continue;
      if (nh->nlmsg_type == NLMSG_DONE) return true;
      if (nh->nlmsg_type == NLMSG_ERROR) {
        const int err = -static_cast<const struct nlmsgerr*>(NLMSG_DATA(nh))->error;
        if (err == 0) continue;
        if (err == ENOENT) {
          *missing = true;
          return true;
        }
        return NfFail(f, "NFT_MSG_GETRULE " + c.table + "/" + c.chain, err);
      }
      if (nh->nlmsg_type != kRuleType) continue;
      const NlSpan attrs = AttrsOf(nh);
      const struct nlattr* h = FindAttr(attrs, NFTA_RULE_HANDLE);
      if (!h || h->nla_len < NLA_HDRLEN + 8) return NfFail(f, "NFT_MSG_GETRULE " + c.table + "/" + c.chain, EPROTO);
      Listed r;
      std::memcpy(&r.handle, reinterpret_cast<const char*>(h) + NLA_HDRLEN, 8);
      r.comment = CommentOf(attrs);
      out->push_back(std::move(r));
    }
  }
}

// A batch's begin (with the generation it must apply to) or end message.
std::string BatchMessage(int type) {
  std::string m = TablesSock().Message(NFNL_SUBSYS_NONE, type, NLM_F_REQUEST, AF_UNSPEC);
  NfSetResId(&m, NFNL_SUBSYS_NFTABLES);
  return m;
}

}  // namespace

bool NftDeleteRules(uint32_t gen, const std::vector<NftChainEdit>& edits, bool* done, std::string* why, SysFailure* f) {
  *done = false;
  std::string batch;
  std::string begin = BatchMessage(NFNL_MSG_BATCH_BEGIN);
  NfPutU32(&begin, NFNL_BATCH_GENID, gen);
  NfAppend(&batch, &begin);
  const unsigned begin_seq = NfSeq(batch);
  std::vector<unsigned> acks;
  for (const NftChainEdit& c : edits) {
    std::vector<Listed> rules;
    bool missing = false;
    if (!ListChain(c, &rules, &missing, f)) return false;
    const std::string where = c.table + "/" + c.chain;
    if (missing) {
      *why = "no chain " + where;
      return true;
    }
    if (rules.size() != c.comments.size()) {
      *why = "chain " + where + " holds " + std::to_string(rules.size()) + " rules, not " + std::to_string(c.comments.size());
      return true;
    }
    for (size_t i = 0; i < rules.size(); i++) {
      if (rules[i].comment != c.comments[i]) {
        *why = "rule " + std::to_string(i + 1) + " of " + where + " has comment \"" + rules[i].comment + "\", not \"" + c.comments[i] + "\"";
        return true;
      }
    }
    for (size_t i : c.doomed) {
      if (i >= rules.size()) {
        *why = "no rule " + std::to_string(i + 1) + " in " + where;
        return true;
      }
      std::string del = TablesSock().Message(NFNL_SUBSYS_NFTABLES, NFT_MSG_DELRULE, NLM_F_REQUEST | NLM_F_ACK, c.family);
      NfPutStr(&del, NFTA_RULE_TABLE, c.table);
      NfPutStr(&del, NFTA_RULE_CHAIN, c.chain);
      NfPutBytes(&del, NFTA_RULE_HANDLE, &rules[i].handle, 8);
      acks.push_back(NfSeq(del));
      NfAppend(&batch, &del);
    }
  }
  if (acks.empty()) {
    *done = true;
    return true;
  }
  std::string end = BatchMessage(NFNL_MSG_BATCH_END);
  NfAppend(&batch, &end);
  if (!TablesSock().SendRaw(batch, f)) return false;
  // Each delete is acknowledged once the whole batch is through; a refused batch answers
  // its begin message with the error (and then its failed parts with theirs).
  std::vector<char> buf(1 << 16);
  size_t acked = 0;
  while (acked < acks.size()) {
    int n = 0;
    if (!TablesSock().Recv(buf.data(), buf.size(), &n, f)) return false;
    for (struct nlmsghdr* nh = reinterpret_cast<struct nlmsghdr*>(buf.data()); NLMSG_OK(nh, n); nh = NLMSG_NEXT(nh, n)) {
      if (nh->nlmsg_type != NLMSG_ERROR) continue;
      const int err = -static_cast<const struct nlmsgerr*>(NLMSG_DATA(nh))->error;
      if (nh->nlmsg_seq == begin_seq) {
        if (err == ERESTART) {
          *why = "the ruleset changed (generation " + std::to_string(gen) + " is gone)";
          return true;
        }
        return NfFail(f, "nf_tables batch", err);
      }
      bool ours = false;
      for (unsigned s : acks) ours = ours || s == nh->nlmsg_seq;
      if (!ours) continue;
      if (err != 0) return NfFail(f, "NFT_MSG_DELRULE", err);
      acked++;
    }
  }
  *done = true;
  return true;
}

}  // namespace netctl
