// EPCIS 2.0 capture (issue 14): what a partner's EPCIS event becomes in the capturing
// enterprise's ledger — the mapping onto the commands our own routes issue. Pure: no I/O, no
// clock. docs/INTERCHANGE.md ("Capture") documents the mapping.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/quantity.h"
#include "core/base/status.h"
#include "core/interchange/epcis.h"
#include "core/production/commands.h"

namespace agritrace::core::epcis {

enum class CaptureKind {
  // ObjectEvent ADD, bizStep commissioning: the goods are registered as batches (CreateBatch).
  kCommissioning,
  // ObjectEvent OBSERVE, bizStep receiving / arriving / accepting of trace codes, or a partner's
  // shipping event whose destination is the capturing enterprise: a receipt by scan.
  kReceipt,
  kNotMappable,
};

// `tenant` is the capturing enterprise's USCC (a shipping event addressed to it is its inbound).
CaptureKind capture_kind(const Event& e, std::string_view tenant);

// A quantity of a quantityList element in the ledger's base unit: KGM -> grams and LTR ->
// millilitres (up to three decimals), EA or no uom -> pieces (whole). Reasons quantity_required,
// quantity_invalid, uom_unsupported.
Result<Quantity> ledger_quantity(std::string_view quantity, std::string_view uom,
                                 std::string_view field);

// The catalogue product of a GTIN, as the capturing enterprise may name it: the product
// id only when it is one of the enterprise's main varieties (the rules accept nothing else).
struct CatalogueMatch {
  std::string product_id;
  std::string name;
};
using CatalogueLookup = std::function<std::optional<CatalogueMatch>(std::string_view gtin14)>;

// The batches a commissioning ObjectEvent registers, in the event's order:
// - each quantityList element of an LGTIN class (GTIN + lot): one batch, lot code = the lot, its
//   quantity converted by ledger_quantity;
// - the SGTINs of epcList, one batch per GTIN: a count of pieces, lot code "E" + the first 12 hex
//   digits of the event hash (+ "-n" for the n-th GTIN after the first), as an SGTIN carries no
//   lot;
// the product is the catalogue product of the GTIN, else "GTIN {gtin14}"; the production date is
// the event's local date (eventTime at eventTimeZoneOffset); the note names the eventID.
// Reason epcis_event_not_mappable for a class without a GTIN or an event without goods.
Result<std::vector<CreateBatch>> commissioned_batches(const Event& e,
                                                      const CatalogueLookup& catalogue);

}  // namespace agritrace::core::epcis
