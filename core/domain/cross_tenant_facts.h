// The facts of other enterprises that an enterprise's rules may read, and nothing more.
//
// decide() sees its own tenant's state in full. Some rules must also check a fact that another
// enterprise's own writer decided: that a customer is registered, the producer batch behind
// received goods, whether a code was disabled or recalled at its origin, a recall upstream, the
// platform's catalogue. They read it here, by name, as a small value — never another
// enterprise's whole TenantState. The single writer implements it over its write model
// (core/domain/write_model.h); see docs/ARCHITECTURE.md "Cross-enterprise facts".
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/base/civil_time.h"
#include "core/codes/codes.h"

namespace agritrace::core {

// An enterprise as the platform knows it (its own enterprise.registered event).
struct EnterpriseFacts {
  bool registered = false;
  std::string name;
  std::string region;
};

// A batch as its producer recorded it: what received goods inherit.
struct ProducerBatchFacts {
  Date production_date;
  std::optional<Date> expiry_date;
  std::string product_id;  // catalogue product, may be empty
};

// A trace code at the enterprise that generated it.
struct OriginCodeFacts {
  bool generated = false;  // generated there, in a known code run
  std::string gtin14;      // the run's GTIN (when generated)
  bool disabled = false;   // disabled individually or through its run (when generated)
  bool recalled = false;   // named by a code recall of the origin enterprise
  std::string recall_id;   // that recall, or ""
};

// A recall found walking upstream from an item: raised by `tenant`.
struct UpstreamRecall {
  std::string tenant;
  std::string recall_id;
};

class CrossTenantFacts {
 public:
  virtual ~CrossTenantFacts() = default;
  // The enterprise `tenant` (nullopt when nothing is known of it).
  virtual std::optional<EnterpriseFacts> enterprise(std::string_view tenant) const = 0;
  // The batch `batch_id` of the producer `producer` (nullopt when unknown).
  virtual std::optional<ProducerBatchFacts> producer_batch(std::string_view producer,
                                                           std::string_view batch_id) const = 0;
  // The code `serial` at its origin enterprise (nullopt when the origin enterprise is unknown).
  virtual std::optional<OriginCodeFacts> origin_code(std::string_view origin,
                                                     std::string_view serial) const = 0;
  // The first recall of the goods of `tenant`'s item `item_id`: its own recalls, the lots an own
  // batch consumed, and for a received lot its sender's item, on upstream. `depth` is how many
  // steps the asking walk has already taken (the walk stops at 8).
  virtual std::optional<UpstreamRecall> upstream_recall(std::string_view tenant,
                                                        std::string_view item_id,
                                                        int depth) const = 0;
  // A product of the platform's base catalogue (R-4.2.7; nullopt when there is none).
  virtual std::optional<CatalogueProduct> catalogue_product(std::string_view product_id) const = 0;
};

}  // namespace agritrace::core
