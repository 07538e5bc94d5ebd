#include "events/writer/idempotency_index.h"

#include <xxhash.h>

#include "core/base/digest.h"

namespace agritrace::events {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

// Ids are written by new_event_id(): 32 lowercase hex chars.
std::array<uint8_t, 16> to_bytes(std::string_view hex) {
  std::array<uint8_t, 16> out{};
  for (size_t i = 0; i < out.size() && 2 * i + 1 < hex.size(); ++i) {
    const int hi = hex_value(hex[2 * i]);
    const int lo = hex_value(hex[2 * i + 1]);
    out[i] = static_cast<uint8_t>(((hi < 0 ? 0 : hi) << 4) | (lo < 0 ? 0 : lo));
  }
  return out;
}


}  // namespace

IdempotencyIndex::Digest IdempotencyIndex::digest(std::string_view a, std::string_view b) {
  // XXH3-128 is collision-resistant enough to key a map (not an integrity check): 2^-64 odds of
  // any collision among billions of keys.
  XXH3_state_t* state = XXH3_createState();
  XXH3_128bits_reset(state);
  const uint64_t len = a.size();
  XXH3_128bits_update(state, &len, sizeof len);  // length prefix: ("ab","c") != ("a","bc")
  XXH3_128bits_update(state, a.data(), a.size());
  XXH3_128bits_update(state, b.data(), b.size());
  const XXH128_hash_t h = XXH3_128bits_digest(state);
  XXH3_freeState(state);
  return Digest{h.low64, h.high64};
}

uint16_t IdempotencyIndex::intern(std::string_view type) {
  auto it = type_ids_.find(std::string(type));
  if (it != type_ids_.end()) return it->second;
  const auto id = static_cast<uint16_t>(types_.size());
  types_.emplace_back(type);
  type_ids_.emplace(std::string(type), id);
  return id;
}

std::optional<IdempotencyIndex::Found> IdempotencyIndex::find(std::string_view tenant, std::string_view key,
                                                              std::string_view request_hash) const {
  auto it = records_.find(digest(tenant, key));
  if (it == records_.end()) return std::nullopt;
  const Record& r = it->second;
  Found found;
  found.same_request = r.request == digest(request_hash, "");
  found.outcome.command_id = core::hex_encode(r.command_id.data(), r.command_id.size());
  found.outcome.replayed = true;
  for (const Ref& ref : r.events) {
    found.outcome.events.push_back(EventRef{core::hex_encode(ref.id.data(), ref.id.size()), types_[ref.type], ref.subject, ref.position});
  }
  return found;
}

void IdempotencyIndex::add_event(std::string_view tenant, std::string_view key,
                                 std::string_view request_hash, std::string_view command_id,
                                 const EventRef& ref) {
  Record& r = records_[digest(tenant, key)];
  const auto cmd = to_bytes(command_id);
  if (r.command_id != cmd || r.events.empty()) {
    r = Record{digest(request_hash, ""), cmd, {}};
  }
  r.events.push_back(Ref{to_bytes(ref.id), intern(ref.type), ref.subject, ref.position});
}

void IdempotencyIndex::clear() { records_.clear(); }

}  // namespace agritrace::events
