// Commands of the catalogue, trace codes and publishing;
// rules in core/codes/rules.h.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/base/quantity.h"
#include "core/codes/codes.h"

namespace agritrace::core {

// Issued by the server at start for tenant "platform": adds the catalogue products the ledger
// does not have yet (refused with catalogue_up_to_date when there are none).
struct LoadCatalogue {
  std::vector<CatalogueProduct> products;
};

struct SetMainVarieties {
  std::vector<std::string> product_ids;
};

struct CreateCodeTemplate {
  std::string name;
  std::string product_id;  // optional; gives the GTIN when `gtin` is empty
  std::string gtin;        // optional GTIN-8/12/13/14
  std::string base_url;
  SerialFormat serial_format = SerialFormat::kBase32;
  PackagingLevel packaging_level = PackagingLevel::kItem;
  Quantity quantity_per_code;
};

// The API layer draws kSerialRandomBytes per code from the Env's CSPRNG (Env::random_bytes) and passes
// them in, so decide stays pure; decide turns them into serials of the template's format.
struct GenerateCodes {
  std::string template_id;
  std::string batch_id;
  int64_t count = 0;
  std::string random_bytes;  // count * kSerialRandomBytes bytes
};

struct DisableCode {
  std::string serial;
  std::string reason;
};

struct EnableCode {
  std::string serial;
};

struct DisableCodeRun {
  std::string run_id;
  std::string reason;
};

struct EnableCodeRun {
  std::string run_id;
};

struct PublishProduct {
  std::string product_id;
  std::string description;
};

struct UnpublishProduct {
  std::string product_id;
};

}  // namespace agritrace::core
