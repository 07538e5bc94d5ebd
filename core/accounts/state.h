// The accounts part of an enterprise's write model: what the account rules check.
#pragma once

#include <cstdint>
#include <map>
#include <string>

namespace agritrace::core {

struct AccountsState {
  struct Key {
    bool revoked = false;
  };
  std::map<std::string, std::string, std::less<>> users;  // username -> user id
  std::map<std::string, Key, std::less<>> keys;  // key id -> key (the registration key too)
  int64_t last_user = 0;
};

}  // namespace agritrace::core
