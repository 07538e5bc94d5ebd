// IdempotencyIndex: the answer of every command that carried an Idempotency-Key, so that a retry
// gets the first answer and appends nothing. Kept compact because it grows with the ledger
// (one record per keyed command): 128-bit digests instead of key strings, binary ids, interned
// event types — about 150 bytes for a one-event command instead of ~450.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "events/writer/command_writer.h"

namespace agritrace::events {

class IdempotencyIndex {
 public:
  struct Found {
    bool same_request = false;  // false: the key was used for another request
    CommandOutcome outcome;     // the first answer (replayed = true)
  };
  std::optional<Found> find(std::string_view tenant, std::string_view key,
                            std::string_view request_hash) const;
  // Records one event of a keyed command; a command's events arrive in ledger order.
  void add_event(std::string_view tenant, std::string_view key, std::string_view request_hash,
                 std::string_view command_id, const EventRef& ref);
  void clear();
  size_t size() const { return records_.size(); }

 private:
  struct Digest {
    uint64_t lo = 0;
    uint64_t hi = 0;
    bool operator==(const Digest&) const = default;
  };
  struct DigestHash {
    size_t operator()(const Digest& d) const { return static_cast<size_t>(d.lo ^ (d.hi * 31)); }
  };
  using Id = std::array<uint8_t, 16>;  // 32 hex chars of an event or command id
  struct Ref {
    Id id{};
    uint16_t type = 0;  // index into types_
    std::string subject;
    Position position;
  };
  struct Record {
    Digest request;
    Id command_id{};
    std::vector<Ref> events;
  };
  static Digest digest(std::string_view a, std::string_view b);
  uint16_t intern(std::string_view type);

  std::unordered_map<Digest, Record, DigestHash> records_;
  std::vector<std::string> types_;
  std::unordered_map<std::string, uint16_t> type_ids_;
};

}  // namespace agritrace::events
