// Deleting iptables-nft rules by handle in one nf_tables transaction (nftrules.cc).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "netns.h"

namespace netctl {

// Rules to delete from one chain, by position, and what the chain is known to hold.
struct NftChainEdit {
  int family;  // NFPROTO_IPV4 or NFPROTO_IPV6
  std::string table;
  std::string chain;
  // The `-m comment` text of every rule of the chain, in order ("" for none).
  std::vector<std::string> comments;
  // Positions (into `comments`) of the rules to delete.
  std::vector<size_t> doomed;
};

// Deletes the rules in one transaction that the kernel refuses unless the ruleset is still
// at generation `gen`. `done` is false, with `why`, when nothing was changed because the
// chains did not hold what the edits say or the generation moved; false with `f` set on a
// system error.
bool NftDeleteRules(uint32_t gen, const std::vector<NftChainEdit>& edits, bool* done, std::string* why, SysFailure* f);

}  // namespace netctl
