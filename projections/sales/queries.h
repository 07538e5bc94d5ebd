// Queries over the sales read model (projections/sales/projection.h): sales orders and shipments,
// whereabouts and recall reports, the resolver's recall status, and downstream
// analytics. Personal data of customers is masked in every answer here.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/base/civil_time.h"
#include "core/base/json_writer.h"
#include "core/base/status.h"
#include "projections/base/view_store.h"
#include "projections/production/queries.h"
#include "projections/trace/queries.h"

namespace agritrace::projections {

class SalesQueries {
 public:
  explicit SalesQueries(const ViewStore& views) : views_(views) {}

  Result<std::string> sales_order(std::string_view tenant, std::string_view id) const;
  Result<std::string> sales_orders(std::string_view tenant, const Page& page) const;
  Result<std::string> shipment(std::string_view tenant, std::string_view id) const;

  // every place the goods of a batch / of the batches made from a material lot / of one
  // code (given by the lot code printed in it and its serial) are now.
  Result<std::string> whereabouts_batch(std::string_view tenant, std::string_view batch_id) const;
  Result<std::string> whereabouts_lot(std::string_view tenant, std::string_view lot_id) const;
  Result<std::string> whereabouts_code(std::string_view tenant, std::string_view lot_code,
                                       std::string_view serial) const;
  // Every answer above also carries the goods' way through the other enterprises
  // (projections/trace/queries.h write_walk: "enterprises", "retail_sales", "in_transit").

  // shipped (with customer contacts), open orders to stop, stock to quarantine.
  Result<std::string> recall(std::string_view tenant, std::string_view recall_id) const;
  // FSMA 204 sortable spreadsheet: one row per lot per location (and shipping document).
  Result<std::string> recall_csv(std::string_view tenant, std::string_view recall_id) const;
  Result<std::string> recalls(std::string_view tenant, const Page& page) const;

  // For the resolver (GS1 link type gs1:recallStatus): whether a code is under a recall, through
  // its own serial, its batch, a material lot its batch consumed, anything upstream of those in
  // other enterprises, or a lot of an enterprise the code went through. Always answers a document:
  // {"recalled":bool,"recalls":[{"recall_id","scope","target","reason","raised_on"
  //  [,"enterprise","enterprise_name" when raised by another enterprise]}]}.
  std::string recall_status(std::string_view tenant, std::string_view lot_code,
                            std::string_view serial) const;
  bool is_recalled(std::string_view tenant, std::string_view lot_code, std::string_view serial) const;

  // wholesale and retail volumes of a product downstream of this producer, by day or
  // by region, for ship dates within [from, to] (either may be absent).
  Result<std::string> downstream(std::string_view tenant, std::string_view product,
                                 std::optional<core::Date> from, std::optional<core::Date> to,
                                 std::string_view group_by) const;

 private:
  Result<std::string> whereabouts_received_code(std::string_view tenant, const CodePath& path) const;
  const ViewStore& views_;
};

}  // namespace agritrace::projections
