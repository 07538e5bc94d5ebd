// Queries over the codes read model: the catalogue and main varieties, code templates,
// runs and codes, the resolver's lookup (R-4.4.1 groundwork) and the market of
// published products.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/status.h"
#include "projections/base/view_store.h"
#include "projections/production/queries.h"

namespace agritrace::projections {

// One page of a run's codes, in generation order.
struct RunCodes {
  std::string run_json;
  std::string run_id;
  std::string batch_id;
  std::string base_url;
  std::string gtin14;
  std::string lot_code;
  bool run_disabled = false;
  int64_t total = 0;   // codes in the run
  int64_t offset = 0;  // index of codes[0]
  struct Code {
    std::string serial;
    bool disabled = false;  // individually or through the run
  };
  std::vector<Code> codes;
};

// What the resolver knows about a serial.
struct ResolvedCode {
  std::string tenant;
  std::string run_id;
  std::string batch_id;
  std::string gtin14;
  std::string lot_code;
  bool disabled = false;
  bool run_disabled = false;
};

// What the resolver knows about a GTIN + lot (its newest code run).
struct ResolvedLot {
  std::string tenant;
  std::string run_id;
  std::string batch_id;
  std::string gtin14;
  std::string lot_code;
  std::string base_url;  // the code template's: the resolver builds its URIs from it
};

// market browse. Every filter is optional ("" = any).
struct MarketFilter {
  std::string variety;   // catalogue product id or category
  std::string region;    // substring of the producer's region
  std::string producer;  // the producer's USCC
  std::string since;     // YYYY-MM-DD: published (or republished) or with a batch produced on/after
  std::string produced_since;  // YYYY-MM-DD: only batches produced on/after; products without one are left out
};

// How many of a product's newest batches the market shows.
inline constexpr size_t kMarketNewestBatches = 5;

class CodesQueries {
 public:
  explicit CodesQueries(const ViewStore& views) : views_(views) {}

  Result<std::string> catalogue(std::string_view category) const;
  std::optional<std::string> catalogue_product(std::string_view product_id) const;
  Result<std::string> main_varieties(std::string_view tenant) const;
  Result<std::string> code_templates(std::string_view tenant, const Page& page) const;
  Result<std::string> code_template(std::string_view tenant, std::string_view id) const;
  Result<std::string> code_runs(std::string_view tenant, const Page& page) const;
  Result<std::string> code_run(std::string_view tenant, std::string_view id) const;
  Result<RunCodes> run_codes(std::string_view tenant, std::string_view run_id, int64_t offset,
                             int64_t limit) const;
  Result<std::string> code(std::string_view tenant, std::string_view serial) const;
  std::optional<ResolvedCode> resolve(std::string_view serial) const;
  std::optional<ResolvedLot> resolve_lot(std::string_view gtin14, std::string_view lot) const;
  // The lots of a GTIN, in lot order, at most `limit`.
  std::vector<ResolvedLot> resolve_gtin(std::string_view gtin14, size_t limit) const;
  Result<std::string> publications(std::string_view tenant) const;
  Result<std::string> market(const MarketFilter& filter) const;

 private:
  std::string run_document(std::string_view tenant, std::string_view sid, const std::string& record) const;
  const ViewStore& views_;
};

}  // namespace agritrace::projections
