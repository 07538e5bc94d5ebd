// The regulator's ledger lines (issue 13, R-4.5.3 / R-4.5.4): every enterprise event that moves
// goods becomes one or more lines (produced, in, out, sold, written off, consumed). `classify` is
// the ONE function that decides them; it is pure (the facts it needs about stock items and
// counterparties are handed in), so it is tested without a store
// (tests/projections/regulator/ledger_line_test.cpp). The projection
// (projections/regulator/ledger_lines_projection.h) stores and indexes what it returns.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/quantity.h"
#include "core/domain/event.h"
#include "core/regulator/jurisdiction.h"

namespace agritrace::projections::regulator {

enum class Direction : uint8_t { kProduced, kIn, kOut, kSold, kWrittenOff, kConsumed };
inline constexpr Direction kAllDirections[] = {Direction::kProduced,   Direction::kIn,
                                               Direction::kOut,        Direction::kSold,
                                               Direction::kWrittenOff, Direction::kConsumed};
// "produced" | "in" | "out" | "sold" | "written_off" | "consumed"
std::string_view direction_name(Direction d);
std::optional<Direction> parse_direction(std::string_view name);

// What the projection remembers of a stock item (own batch "b-N" or lot "lot-N").
struct ItemFacts {
  std::string product;
  std::string gtin;
  std::string lot_code;           // the batch / lot code printed on the goods
  std::string origin_enterprise;  // the producer on the platform (its USCC), if known
  std::string origin_division;    // an off-platform supplier's division (from its region)
  std::string origin_country;     // imports: the country of origin
  core::Quantity quantity;        // a batch's produced quantity (for amendments)
  bool operator==(const ItemFacts&) const = default;
};

// What the projection remembers of a counterparty (R-4.2.8).
struct PartyFacts {
  std::string
      uscc;  // an enterprise's USCC (the platform id when it is registered); "" for a person
  std::string name;
  std::string region;
  bool individual = false;
};

struct Lookups {
  std::string tenant;  // the enterprise whose event it is (the origin of what it produces)
  std::function<std::optional<ItemFacts>(std::string_view item_id)> item;
  std::function<std::optional<PartyFacts>(std::string_view counterparty_id)> counterparty;
  // The GTIN of one of the enterprise's own catalogue products ("" when it has none).
  std::function<std::string(std::string_view product_id)> gtin;
  const core::DivisionTable* divisions = nullptr;  // region text -> division (match_region)
};

// A line's (and an item's) `gtin` is a GTIN, or "@<product id>": a product of the platform's base
// catalogue, whose GTIN the queries read when they show the line.
inline constexpr std::string_view kCatalogueReference = "@";

struct Line {
  Direction direction = Direction::kProduced;
  std::string item_id;  // the enterprise's batch or lot
  std::string product;
  std::string gtin;
  std::string batch;  // lot code
  std::string origin_enterprise;
  std::string origin_division;
  std::string origin_country;
  // The counterparty: `party_id` is the USCC of an enterprise (resolved against the platform's
  // enterprises when read), "" for a person or an unnamed one; the name is masked for a person.
  std::string party_id;
  std::string party_name;
  std::string party_division;  // from the counterparty's region when the event carries it
  core::Quantity quantity;     // produced lines of an amended batch may be negative (corrections)
  std::string reference;       // the document: batch, receipt, shipment, stocktake id
  bool operator==(const Line&) const = default;
};

// The lines of one event of an enterprise; none for events that move no goods.
std::vector<Line> classify(const core::Event& event, const Lookups& lookups);

// The division a free-text region names ("" when none or no table).
std::string division_of(const core::DivisionTable* table, std::string_view region);

// A line as stored (fields joined by U+001F) and back. `at_ms` is the event's occurrence time.
struct StoredLine {
  std::string line_id;  // "<tenant>-<tenant seq>-<n>"
  std::string tenant;
  std::string enterprise_name;
  std::string division;
  int64_t occurred_at_ms = 0;
  Line line;
};
std::string encode_line(const StoredLine& l);
std::optional<StoredLine> decode_line(std::string_view text);

// A key component: '%' and '/' percent-encoded, so that a product name or lot code never splits a
// key ("a/b" -> "a%2Fb").
std::string key_part(std::string_view text);

}  // namespace agritrace::projections::regulator
