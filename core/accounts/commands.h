// Commands of accounts (R-4.2.8 context); rules in core/accounts/rules.h.
#pragma once

#include <string>

namespace agritrace::core {

struct RegisterEnterprise {
  std::string enterprise_id;  // the USCC; must equal Context::tenant
  std::string name;
  std::string region;
  std::string api_key_id;
  std::string api_key_sha256;
};

}  // namespace agritrace::core
