// Events of accounts: the enterprise registers itself on the platform (R-4.2.8 context).
#pragma once

#include <string>
#include <string_view>
#include <tuple>
#include "core/base/describe.h"

namespace agritrace::core {

// context: the enterprise itself; enterprise_id is its USCC and the tenant.
struct EnterpriseRegistered {
  static constexpr std::string_view kType = "enterprise.registered";
  std::string enterprise_id;
  std::string name;
  std::string region;          // free text, e.g. "广东省惠州市博罗县"
  std::string api_key_id;
  std::string api_key_sha256;  // hex SHA-256 of the API key; the key itself is never stored
  bool operator==(const EnterpriseRegistered&) const = default;
  static constexpr auto kFields = std::make_tuple(
      describe::field("enterprise_id", &EnterpriseRegistered::enterprise_id),
      describe::field("name", &EnterpriseRegistered::name),
      describe::field("region", &EnterpriseRegistered::region),
      describe::field("api_key_id", &EnterpriseRegistered::api_key_id),
      describe::field("api_key_sha256", &EnterpriseRegistered::api_key_sha256));
};

}  // namespace agritrace::core
