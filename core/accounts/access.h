// Names of the access model of an enterprise (GB/T 22239 level 2, issue 16): the roles of its
// user accounts, the areas of the API and the read/write access of scoped API keys, plus the
// password rules. Pure. Which role may do what on which route is the API's one policy
// (api/http/route_policy.cpp); here are only the names the rules validate.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/status.h"

namespace agritrace::core {

// Roles inside an enterprise, least privilege each (api/http/route_policy.cpp).
enum class Role { kAdministrator, kPurchasing, kProduction, kSales, kWarehouse, kFinance };
inline constexpr Role kAllRoles[] = {Role::kAdministrator, Role::kPurchasing, Role::kProduction,
                                     Role::kSales,         Role::kWarehouse,  Role::kFinance};
std::string_view role_name(Role r);
Result<Role> parse_role(std::string_view name, std::string_view field);

// Business areas of the API; a route belongs to one, a scoped API key is limited to some.
// kAccounts (users, keys, audit) is for administrators only: no scoped key reaches it.
enum class Area {
  kEnterprise,  // the enterprise record, main varieties, the catalogue
  kPurchasing,  // counterparties, purchase orders, market orders placed
  kProduction,  // batches, materials, documents, lines, devices, print jobs
  kCodes,       // code templates, code runs, codes, publications
  kSales,       // sales orders, shipments, recalls, incoming market orders, retail sales
  kWarehouse,   // receipts, inventory, stocktakes
  kFinance,     // finance entries and statement
  kTrace,       // trace queries across areas
  kAccounts,    // users, API keys, the audit trail
};
inline constexpr Area kAllAreas[] = {Area::kEnterprise, Area::kPurchasing, Area::kProduction,
                                     Area::kCodes,      Area::kSales,      Area::kWarehouse,
                                     Area::kFinance,    Area::kTrace,      Area::kAccounts};
std::string_view area_name(Area a);
Result<Area> parse_area(std::string_view name, std::string_view field);

// What a scoped API key may do: read (GET) or read and write, in some areas (empty: all but
// kAccounts).
enum class Access { kRead, kWrite };
std::string_view access_name(Access a);
Result<Access> parse_access(std::string_view name, std::string_view field);

// Account names: 3..64 of [a-z0-9._-], starting with a letter or digit.
Status validate_username(std::string_view username, std::string_view field);

// Password rules: 12..128 bytes, at least three of the classes lower case, upper case, digit,
// other; must not contain the account name (case-insensitive). The password itself never
// reaches the ledger: the API checks these rules and hashes it (Argon2id) before the command.
inline constexpr size_t kMinPasswordBytes = 12;
inline constexpr size_t kMaxPasswordBytes = 128;
Status check_password_rules(std::string_view password, std::string_view username,
                            std::string_view field);

}  // namespace agritrace::core
