// Queries over the production read model. Each answers one tenant's JSON document; a record of
// another tenant is never reachable because every key starts with the caller's tenant.
// Personal data (ID numbers, phones) is masked except in get_counterparty(..., reveal=true).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/base/status.h"
#include "projections/base/pagination.h"
#include "projections/base/view_store.h"

namespace agritrace::projections {

class ProductionQueries {
 public:
  explicit ProductionQueries(const ViewStore& views) : views_(views) {}

  Result<std::string> enterprise(std::string_view tenant) const;
  Result<std::string> counterparty(std::string_view tenant, std::string_view id, bool reveal) const;
  Result<std::string> counterparties(std::string_view tenant, const Page& page) const;
  Result<std::string> purchase_order(std::string_view tenant, std::string_view id) const;
  Result<std::string> purchase_orders(std::string_view tenant, const Page& page) const;
  Result<std::string> material_lot(std::string_view tenant, std::string_view id) const;
  Result<std::string> batch(std::string_view tenant, std::string_view id) const;
  Result<std::string> batches(std::string_view tenant, const Page& page) const;
  // batch -> material lots (with quantities) -> suppliers -> purchase orders, documents.
  Result<std::string> backward_trace(std::string_view tenant, std::string_view batch_id) const;
  // groundwork: material lot -> the batches that consumed it.
  Result<std::string> forward_trace(std::string_view tenant, std::string_view lot_id) const;

 private:
  std::string po_document(std::string_view tenant, std::string_view sid, const std::string& record) const;
  std::string lot_document(std::string_view tenant, std::string_view sid, const std::string& record) const;
  std::string batch_document(std::string_view tenant, std::string_view sid, const std::string& record) const;
  const ViewStore& views_;
};

}  // namespace agritrace::projections
