// The names of the access model and the password rules (core/accounts/access.h).
#include "core/accounts/access.h"

#include <algorithm>
#include <cctype>

#include "core/base/rule_errors.h"

namespace agritrace::core {
namespace {

template <typename E, size_t N>
Result<E> parse_named(std::string_view text, std::string_view field, const E (&all)[N],
                      std::string_view (*name)(E), std::string_view what) {
  std::string known;
  for (E e : all) {
    if (name(e) == text) return e;
    if (!known.empty()) known += ", ";
    known += name(e);
  }
  return invalid(std::string(what) + "_unknown", std::string(what) + " must be one of " + known,
                 std::string(field));
}

char lower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

}  // namespace

std::string_view role_name(Role r) {
  switch (r) {
    case Role::kAdministrator:
      return "administrator";
    case Role::kPurchasing:
      return "purchasing";
    case Role::kProduction:
      return "production";
    case Role::kSales:
      return "sales";
    case Role::kWarehouse:
      return "warehouse";
    case Role::kFinance:
      return "finance";
  }
  return "";
}

Result<Role> parse_role(std::string_view name, std::string_view field) {
  return parse_named(name, field, kAllRoles, &role_name, "role");
}

std::string_view area_name(Area a) {
  switch (a) {
    case Area::kEnterprise:
      return "enterprise";
    case Area::kPurchasing:
      return "purchasing";
    case Area::kProduction:
      return "production";
    case Area::kCodes:
      return "codes";
    case Area::kSales:
      return "sales";
    case Area::kWarehouse:
      return "warehouse";
    case Area::kFinance:
      return "finance";
    case Area::kTrace:
      return "trace";
    case Area::kAccounts:
      return "accounts";
  }
  return "";
}

Result<Area> parse_area(std::string_view name, std::string_view field) {
  return parse_named(name, field, kAllAreas, &area_name, "area");
}

std::string_view access_name(Access a) { return a == Access::kWrite ? "write" : "read"; }

Result<Access> parse_access(std::string_view name, std::string_view field) {
  static constexpr Access kAll[] = {Access::kRead, Access::kWrite};
  return parse_named(name, field, kAll, &access_name, "access");
}

Status validate_username(std::string_view username, std::string_view field) {
  const bool ok_size = username.size() >= 3 && username.size() <= 64;
  const bool ok_chars = std::all_of(username.begin(), username.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
  });
  if (!ok_size || !ok_chars || !std::isalnum(static_cast<unsigned char>(username.front()))) {
    return invalid(
        "username_invalid",
        "a username is 3 to 64 of a-z, 0-9, '.', '_', '-', starting with a letter or digit",
        std::string(field));
  }
  return Status::Ok();
}

Status check_password_rules(std::string_view password, std::string_view username,
                            std::string_view field) {
  if (password.size() < kMinPasswordBytes || password.size() > kMaxPasswordBytes) {
    return invalid("password_length", "a password has 12 to 128 characters", std::string(field));
  }
  bool has_lower = false, has_upper = false, has_digit = false, has_other = false;
  for (char c : password) {
    if (c >= 'a' && c <= 'z')
      has_lower = true;
    else if (c >= 'A' && c <= 'Z')
      has_upper = true;
    else if (c >= '0' && c <= '9')
      has_digit = true;
    else
      has_other = true;
  }
  if (has_lower + has_upper + has_digit + has_other < 3) {
    return invalid(
        "password_too_simple",
        "a password mixes at least three of: lower case, upper case, digits, other characters",
        std::string(field));
  }
  if (!username.empty()) {
    std::string p(password), u(username);
    std::transform(p.begin(), p.end(), p.begin(), lower);
    std::transform(u.begin(), u.end(), u.begin(), lower);
    if (p.find(u) != std::string::npos) {
      return invalid("password_contains_username", "a password must not contain the username",
                     std::string(field));
    }
  }
  return Status::Ok();
}

}  // namespace agritrace::core
