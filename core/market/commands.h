// Commands of production–marketing docking. Values arrive parsed by the API layer;
// the rules are checked by decide() (core/market/rules.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/base/civil_time.h"
#include "core/base/quantity.h"

namespace agritrace::core {

struct PlaceMarketOrder {
  std::string producer_tenant;
  std::string product;
  std::string product_id;
  Quantity quantity;
  std::optional<int64_t> price_fen;
  std::optional<Date> wanted_by;
  std::string note;
};

struct CancelMarketOrder {
  std::string mo_id;
  std::string reason;
};

// The producer accepts: a sales order for the buyer (registered as a customer counterparty if it
// is not one yet) from `batch_id`, at the offered price unless `price_fen` is given.
struct AcceptMarketOrder {
  std::string buyer_tenant;
  std::string mo_id;
  std::string batch_id;
  std::optional<int64_t> price_fen;
  std::string note;
};

struct DeclineMarketOrder {
  std::string buyer_tenant;
  std::string mo_id;
  std::string reason;
};

}  // namespace agritrace::core
