// Trace codes, the shared product catalogue and main varieties and product
// publishing: the write-model state the rules need, and the GS1 Digital Link helpers
// (GS1 Digital Link 1.x: "{base}/01/{GTIN-14}/10/{lot}/21/{serial}") shared by the resolver and
// by shipping, which reads scanned codes.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>
#include <tuple>

#include "core/base/civil_time.h"
#include "core/base/describe.h"
#include "core/base/quantity.h"
#include "core/base/status.h"

namespace agritrace::core {

// The tenant that owns platform-wide facts (the base catalogue). Never a USCC (18 characters).
inline constexpr std::string_view kPlatformTenant = "platform";

inline constexpr int64_t kMaxCodesPerRun = 100'000;    // bulk generation in one request
inline constexpr size_t kSerialsPerEvent = 5'000;      // keeps each codes.generated payload < 100 KB
inline constexpr size_t kMaxSerialChars = 20;          // GS1 AI (21): up to 20 characters
inline constexpr size_t kMaxBaseUrlBytes = 200;

// one product of the shared base catalogue (tenant "platform").
struct CatalogueProduct {
  std::string product_id;  // stable, e.g. "veg-caixin"
  std::string name;        // 菜心
  std::string category;    // vegetable | fruit | grain | meat | egg | aquatic | tea | ...
  std::string unit;        // the selling unit as text, e.g. "kg", "盒"
  std::string gtin;        // GTIN-13 with a valid check digit
  bool operator==(const CatalogueProduct&) const = default;
  static constexpr auto kFields = std::make_tuple(
      describe::field("product_id", &CatalogueProduct::product_id),
      describe::field("name", &CatalogueProduct::name),
      describe::field("category", &CatalogueProduct::category),
      describe::field("unit", &CatalogueProduct::unit),
      describe::field("gtin", &CatalogueProduct::gtin));
};

// How a serial (AI 21) is written. Both carry at least 64 bits from a CSPRNG so codes cannot be
// guessed: 13 characters of Crockford base32 (65 bits) or 16 hex digits (64 bits).
enum class SerialFormat : uint8_t { kBase32, kHex };
std::string_view serial_format_name(SerialFormat f);  // "base32" | "hex"
Result<SerialFormat> parse_serial_format(std::string_view name, std::string_view field);
template <>
struct describe::EnumText<SerialFormat>
    : describe::EnumTextOf<SerialFormat, serial_format_name, parse_serial_format> {};
size_t serial_length(SerialFormat f);                 // 13 | 16
inline constexpr size_t kSerialRandomBytes = 9;       // enough for either format
// Turns kSerialRandomBytes random bytes into a serial of the format.
std::string make_serial(SerialFormat f, const uint8_t* random_bytes);
bool is_valid_serial(SerialFormat f, std::string_view serial);

enum class PackagingLevel : uint8_t { kItem, kCase, kPallet };
std::string_view packaging_level_name(PackagingLevel p);  // "item" | "case" | "pallet"
Result<PackagingLevel> parse_packaging_level(std::string_view name, std::string_view field);
template <>
struct describe::EnumText<PackagingLevel>
    : describe::EnumTextOf<PackagingLevel, packaging_level_name, parse_packaging_level> {};

struct CodeTemplateState {
  std::string name;
  std::string product_id;  // catalogue product, may be empty
  std::string gtin14;
  std::string base_url;    // resolver base, e.g. "https://trace.agritrace.cn"
  SerialFormat serial_format = SerialFormat::kBase32;
  PackagingLevel packaging_level = PackagingLevel::kItem;
  Quantity quantity_per_code;
};

// One generation run: `count` codes of one template for one production batch.
struct CodeRunState {
  std::string template_id;
  std::string batch_id;
  std::string gtin;        // GTIN-14
  std::string lot_code;    // the batch's lot code (AI 10)
  int64_t count = 0;       // codes generated so far (all chunks of the run)
  bool disabled = false;
};

// One generated code, keyed by its serial (AI 21) in TenantState::codes.
namespace stored {
struct In;
}
void store_encode(std::string& out, const CodeRunState& v);  // core/domain/stored_entities.cpp
void store_decode(stored::In& in, CodeRunState& v);

struct TraceCodeState {
  std::string run_id;      // the generation run
  std::string batch_id;    // production batch the code belongs to
  bool disabled = false;   // disabled individually or through its run
  bool disabled_individually = false;  // what re-enabling the run restores
};

// a published main product.
struct PublicationState {
  bool published = false;
};

struct CodeCounters {
  int64_t code_template = 0;  // "ct-N"
  int64_t code_run = 0;       // "run-N"
};

// --- GS1 Digital Link ------------------------------------------------------------------------

struct ParsedDigitalLink {
  std::string gtin14;
  std::string lot;
  std::string serial;
  bool operator==(const ParsedDigitalLink&) const = default;
};

// Accepts a full URI ("https://host[/prefix]/01/…/10/…/21/…[?query]") or a path
// ("/01/…/10/…/21/…"). The GTIN (8/12/13/14 digits) must pass its check digit and is returned as
// GTIN-14; lot and serial are percent-decoded. Errors (kInvalidArgument, field "code"):
// digital_link_syntax, gtin_bad_length, gtin_bad_character, gtin_check_failed.
Result<ParsedDigitalLink> parse_digital_link(std::string_view uri_or_path);

// "{base}/01/{gtin14}/10/{lot}/21/{serial}" (lot and serial percent-encoded where needed).
std::string format_digital_link(std::string_view base, std::string_view gtin14, std::string_view lot,
                                std::string_view serial);

// An http(s) URL without query, fragment, user info or trailing '/'. Reason base_url_invalid.
Status validate_base_url(std::string_view base, std::string_view field);

// GS1 GTIN check digit of the data digits (without the check digit): '0'..'9'.
char gtin_check_digit(std::string_view data_digits);

}  // namespace agritrace::core
