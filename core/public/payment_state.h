// The write model of trace-linked payment (R-4.4.P): the vouchers already notified and the retail
// shipments recorded with each voucher (filled by the sales fold, core/sales/evolve.cpp).
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "core/base/civil_time.h"

namespace agritrace::core {

struct VoucherSale {
  std::string so_id, shipment_id, batch_id;
  std::vector<std::string> serials;
};

// A notified payment's facts, as a complaint filed from its voucher copies them.
struct NotifiedPayment {
  int64_t amount_fen = 0;
  Date paid_on;
  std::vector<std::string> batch_ids, serials;
};

struct PaymentsState {
  std::set<std::string, std::less<>> notified;  // transaction ids
  std::map<std::string, NotifiedPayment, std::less<>> by_transaction;
  std::map<std::string, std::vector<VoucherSale>, std::less<>> sales_by_voucher;
};

}  // namespace agritrace::core
