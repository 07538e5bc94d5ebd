// Commands of receiving; rules in core/receiving/rules.h.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/base/civil_time.h"
#include "core/base/quantity.h"

namespace agritrace::core {

// by scan: the codes as read. One receipt per inbound shipment they belong to.
struct ReceiveGoods {
  std::vector<std::string> codes;
  std::optional<Date> received_on;
  std::optional<int64_t> price_fen;  // total paid; default: the accepted market order's price
  std::string note;
};

// by hand: goods without codes (e.g. from a small farmer), supplier as a counterparty.
struct ReceiveGoodsManually {
  std::string supplier_id;
  std::string product;
  std::string product_id;
  std::string lot_code;
  Quantity quantity;
  Date production_date;
  std::optional<Date> expiry_date;
  std::optional<Date> received_on;
  std::optional<int64_t> price_fen;
  std::string note;
};

}  // namespace agritrace::core
