// Customs / import facts of purchased goods (issue 12, R-4.4.1): optional on a purchase order and
// on its receipt, shown on the consumer's scan page. Every field is written to the event only when
// set, so orders without them keep their payload bytes (and the hash chain over them).
#pragma once

#include <string>
#include <string_view>

#include "core/base/status.h"

namespace agritrace::core {

struct CustomsInfo {
  std::string declaration_number;      // 报关单号: 18 digits
  std::string origin_country;          // 原产国: ISO 3166-1 alpha-2, e.g. "NZ"
  std::string port_of_entry;           // 入境口岸, e.g. "广州南沙港"
  std::string ciq_certificate_number;  // 入境货物检验检疫证明编号 (optional): 6..32 of [A-Z0-9-]
  bool empty() const {
    return declaration_number.empty() && origin_country.empty() && port_of_entry.empty() &&
           ciq_certificate_number.empty();
  }
  bool operator==(const CustomsInfo&) const = default;
};

// All empty, or: a declaration number, a country of origin and a port of entry, each valid (the
// certificate optional). Fields are named "<prefix>.declaration_number" etc.
Status validate_customs(const CustomsInfo& c, std::string_view prefix);

// ISO 3166-1 alpha-2 (officially assigned codes).
bool is_iso3166_alpha2(std::string_view code);

}  // namespace agritrace::core
