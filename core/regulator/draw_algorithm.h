// The random inspection draw of R-4.5.2 (双随机), defined byte for byte so anyone can re-run a
// recorded draw (docs/REGULATOR.md, "The draw algorithm"). Pure: no I/O, no std:: distribution
// (those are implementation-defined).
//
// PRNG: splitmix64 (Steele, Lea, Flood 2014): state += 0x9E3779B97F4A7C15; z = state;
//   z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9; z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
//   output z ^ (z >> 31); the state starts at the seed.
// below(n), n >= 1: draw x; reject while x >= 2^64 - (2^64 mod n); answer x mod n.
// Sampling: partial Fisher-Yates. Entities (ascending id number) : for i in 0..entity_count-1,
//   j = i + below(N - i), swap(e[i], e[j]); the first entity_count are drawn, in that order.
//   Then, per drawn entity in draw order, the eligible inspectors (ascending username, without
//   those recused from that entity) are shuffled the same way with the same generator, and the
//   first inspectors_per_entity are assigned.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/status.h"
#include "core/regulator/inspection_events.h"

namespace agritrace::core {

inline constexpr std::string_view kDrawAlgorithm = "splitmix64+fisher-yates/v1";

class SplitMix64 {
 public:
  explicit SplitMix64(uint64_t seed) : state_(seed) {}
  uint64_t next();
  uint64_t below(uint64_t n);  // uniform in [0, n), n >= 1, by rejection

 private:
  uint64_t state_;
};

struct DrawInputs {
  uint64_t seed = 0;
  std::vector<std::string> entities;    // canonical order (ascending id number)
  std::vector<std::string> inspectors;  // canonical order (ascending username)
  std::vector<DrawRecusal> recusals;
  int64_t entity_count = 0;
  int64_t inspectors_per_entity = 2;
};

// The assignments, or 422: `draw_not_enough_entities` (entity_count), `draw_not_enough_inspectors`
// (inspectors_per_entity), `draw_recusal_unsatisfiable` (recusals: a drawn entity has fewer
// eligible inspectors than needed).
Result<std::vector<DrawAssignment>> run_draw(const DrawInputs& in);

// Seeds as text: 1..16 hex digits in, 16 lowercase hex digits out.
std::string format_seed(uint64_t seed);
Result<uint64_t> parse_seed(std::string_view text, std::string_view field);

// The canonical order of entity ids ("fe-2" before "fe-10").
bool entity_id_less(std::string_view a, std::string_view b);

}  // namespace agritrace::core
