#include "core/regulator/draw_algorithm.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>
#include <utility>

#include "core/base/rule_errors.h"

namespace agritrace::core {

uint64_t SplitMix64::next() {
  state_ += 0x9E3779B97F4A7C15ULL;
  uint64_t z = state_;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

uint64_t SplitMix64::below(uint64_t n) {
  // 2^64 mod n, computed without 128-bit arithmetic: (2^64 - n) mod n.
  const uint64_t rest = (0 - n) % n;
  for (;;) {
    const uint64_t x = next();
    // Accept x < 2^64 - rest (when rest == 0 every x is accepted).
    if (rest == 0 || x < 0 - rest) return x % n;
  }
}

namespace {

// Partial Fisher-Yates: the first k of v, in draw order.
void partial_shuffle(std::vector<std::string>& v, size_t k, SplitMix64& rng) {
  const size_t n = v.size();
  for (size_t i = 0; i < k && i < n; ++i) {
    const size_t j = i + static_cast<size_t>(rng.below(static_cast<uint64_t>(n - i)));
    std::swap(v[i], v[j]);
  }
  v.resize(std::min(k, n));
}

}  // namespace

Result<std::vector<DrawAssignment>> run_draw(const DrawInputs& in) {
  if (in.entity_count < 1 || static_cast<size_t>(in.entity_count) > in.entities.size()) {
    return invalid(
        "draw_not_enough_entities",
        fmt::format("entity_count must be 1..{} (the entities considered)", in.entities.size()),
        "entity_count");
  }
  if (in.inspectors_per_entity < 2 ||
      static_cast<size_t>(in.inspectors_per_entity) > in.inspectors.size()) {
    return invalid("draw_not_enough_inspectors",
                   fmt::format("inspectors_per_entity must be 2..{} (the bureau's inspectors)",
                               in.inspectors.size()),
                   "inspectors_per_entity");
  }
  std::set<std::pair<std::string, std::string>> recused;
  for (const DrawRecusal& r : in.recusals) recused.emplace(r.inspector, r.entity_id);
  SplitMix64 rng(in.seed);
  std::vector<std::string> entities = in.entities;
  partial_shuffle(entities, static_cast<size_t>(in.entity_count), rng);
  std::vector<DrawAssignment> out;
  out.reserve(entities.size());
  for (const std::string& entity : entities) {
    std::vector<std::string> eligible;
    for (const std::string& insp : in.inspectors) {
      if (!recused.contains({insp, entity})) eligible.push_back(insp);
    }
    const auto need = static_cast<size_t>(in.inspectors_per_entity);
    if (eligible.size() < need) {
      return invalid("draw_recusal_unsatisfiable",
                     fmt::format("entity {} was drawn but only {} inspectors are not recused from "
                                 "it ({} needed)",
                                 entity, eligible.size(), need),
                     "recusals");
    }
    partial_shuffle(eligible, need, rng);
    out.push_back(DrawAssignment{entity, std::move(eligible)});
  }
  return out;
}

std::string format_seed(uint64_t seed) { return fmt::format("{:016x}", seed); }

Result<uint64_t> parse_seed(std::string_view text, std::string_view field) {
  if (text.empty() || text.size() > 16) {
    return invalid("seed_invalid", "seed is 1 to 16 hexadecimal digits", std::string(field));
  }
  uint64_t v = 0;
  for (char c : text) {
    uint64_t d = 0;
    if (c >= '0' && c <= '9') {
      d = static_cast<uint64_t>(c - '0');
    } else if (c >= 'a' && c <= 'f') {
      d = static_cast<uint64_t>(c - 'a' + 10);
    } else if (c >= 'A' && c <= 'F') {
      d = static_cast<uint64_t>(c - 'A' + 10);
    } else {
      return invalid("seed_invalid", "seed is 1 to 16 hexadecimal digits", std::string(field));
    }
    v = (v << 4) | d;
  }
  return v;
}

bool entity_id_less(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return a.size() < b.size();
  return a < b;
}

}  // namespace agritrace::core
