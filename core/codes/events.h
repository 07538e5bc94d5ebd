// Events of the catalogue and main varieties, trace codes and
// product publishing. Included by core/domain/event.h / core/domain/command.h, whose variants
// list them.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>
#include <tuple>

#include "core/base/describe.h"
#include "core/base/quantity.h"
#include "core/codes/codes.h"

namespace agritrace::core {

// the platform's base catalogue grew by one product (tenant "platform", actor "system").
struct CatalogueProductAdded {
  static constexpr std::string_view kType = "catalogue.product_added";
  CatalogueProduct product;
  bool operator==(const CatalogueProductAdded&) const = default;
  static constexpr auto kFields = std::make_tuple(
      describe::field("product", &CatalogueProductAdded::product, describe::kInline));
};

// the enterprise's main varieties, the full new list of catalogue product ids.
struct MainVarietiesSet {
  static constexpr std::string_view kType = "enterprise.main_varieties_set";
  std::vector<std::string> product_ids;
  bool operator==(const MainVarietiesSet&) const = default;
  static constexpr auto kFields = std::make_tuple(
      describe::field("product_ids", &MainVarietiesSet::product_ids));
};

//
struct CodeTemplateCreated {
  static constexpr std::string_view kType = "code_template.created";
  std::string template_id;  // "ct-N"
  std::string name;
  std::string product_id;   // catalogue product; may be empty
  std::string gtin14;
  std::string base_url;
  SerialFormat serial_format = SerialFormat::kBase32;
  PackagingLevel packaging_level = PackagingLevel::kItem;
  Quantity quantity_per_code;
  bool operator==(const CodeTemplateCreated&) const = default;
  static constexpr auto kFields = std::make_tuple(
      describe::field("template_id", &CodeTemplateCreated::template_id),
      describe::field("name", &CodeTemplateCreated::name),
      describe::field("product_id", &CodeTemplateCreated::product_id),
      describe::field("gtin", &CodeTemplateCreated::gtin14),
      describe::field("base_url", &CodeTemplateCreated::base_url),
      describe::field("serial_format", &CodeTemplateCreated::serial_format),
      describe::field("packaging_level", &CodeTemplateCreated::packaging_level),
      describe::field("quantity_per_code", &CodeTemplateCreated::quantity_per_code));
};

// a generation run starts; its serials follow in codes.generated chunks of the same
// command. The template's values are copied in so the run is described by its own events.
struct CodeRunStarted {
  static constexpr std::string_view kType = "code_run.started";
  std::string run_id;  // "run-N"
  std::string template_id;
  std::string batch_id;
  std::string gtin14;
  std::string lot_code;
  std::string base_url;
  SerialFormat serial_format = SerialFormat::kBase32;
  PackagingLevel packaging_level = PackagingLevel::kItem;
  Quantity quantity_per_code;
  int64_t count = 0;  // serials in the whole run
  bool operator==(const CodeRunStarted&) const = default;
  static constexpr auto kFields = std::make_tuple(
      describe::field("run_id", &CodeRunStarted::run_id),
      describe::field("template_id", &CodeRunStarted::template_id),
      describe::field("batch_id", &CodeRunStarted::batch_id),
      describe::field("gtin", &CodeRunStarted::gtin14),
      describe::field("lot_code", &CodeRunStarted::lot_code),
      describe::field("base_url", &CodeRunStarted::base_url),
      describe::field("serial_format", &CodeRunStarted::serial_format),
      describe::field("packaging_level", &CodeRunStarted::packaging_level),
      describe::field("quantity_per_code", &CodeRunStarted::quantity_per_code),
      describe::field("count", &CodeRunStarted::count));
};

// up to kSerialsPerEvent serials of a run (chunk 0, 1, ...).
struct CodesGenerated {
  static constexpr std::string_view kType = "codes.generated";
  std::string run_id;
  std::string batch_id;
  int64_t chunk = 0;
  std::vector<std::string> serials;
  bool operator==(const CodesGenerated&) const = default;
  static constexpr auto kFields = std::make_tuple(
      describe::field("run_id", &CodesGenerated::run_id),
      describe::field("batch_id", &CodesGenerated::batch_id),
      describe::field("chunk", &CodesGenerated::chunk),
      describe::field("serials", &CodesGenerated::serials));
};

struct CodeDisabled {
  static constexpr std::string_view kType = "code.disabled";
  std::string serial;
  std::string run_id;
  std::string reason;
  bool operator==(const CodeDisabled&) const = default;
  static constexpr auto kFields = std::make_tuple(
      describe::field("serial", &CodeDisabled::serial),
      describe::field("run_id", &CodeDisabled::run_id),
      describe::field("reason", &CodeDisabled::reason));
};

struct CodeEnabled {
  static constexpr std::string_view kType = "code.enabled";
  std::string serial;
  std::string run_id;
  bool operator==(const CodeEnabled&) const = default;
  static constexpr auto kFields = std::make_tuple(
      describe::field("serial", &CodeEnabled::serial),
      describe::field("run_id", &CodeEnabled::run_id));
};

struct CodeRunDisabled {
  static constexpr std::string_view kType = "code_run.disabled";
  std::string run_id;
  std::string reason;
  bool operator==(const CodeRunDisabled&) const = default;
  static constexpr auto kFields = std::make_tuple(
      describe::field("run_id", &CodeRunDisabled::run_id),
      describe::field("reason", &CodeRunDisabled::reason));
};

struct CodeRunEnabled {
  static constexpr std::string_view kType = "code_run.enabled";
  std::string run_id;
  bool operator==(const CodeRunEnabled&) const = default;
  static constexpr auto kFields = std::make_tuple(
      describe::field("run_id", &CodeRunEnabled::run_id));
};

// a main product is on the market (again, with a new description).
struct ProductPublished {
  static constexpr std::string_view kType = "publication.published";
  std::string product_id;
  std::string description;
  bool operator==(const ProductPublished&) const = default;
  static constexpr auto kFields = std::make_tuple(
      describe::field("product_id", &ProductPublished::product_id),
      describe::field("description", &ProductPublished::description));
};

struct ProductUnpublished {
  static constexpr std::string_view kType = "publication.withdrawn";
  std::string product_id;
  bool operator==(const ProductUnpublished&) const = default;
  static constexpr auto kFields = std::make_tuple(
      describe::field("product_id", &ProductUnpublished::product_id));
};

}  // namespace agritrace::core
