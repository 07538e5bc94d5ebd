// The write model of trace-linked payment (R-4.4.P): the vouchers already notified and the retail
// shipments recorded with each voucher (filled by the sales fold, core/sales/evolve.cpp).
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

namespace agritrace::core {

struct VoucherSale {
  std::string so_id, shipment_id, batch_id;
  std::vector<std::string> serials;
};

struct PaymentsState {
  std::set<std::string, std::less<>> notified;  // transaction ids
  std::map<std::string, std::vector<VoucherSale>, std::less<>> sales_by_voucher;
};

}  // namespace agritrace::core
