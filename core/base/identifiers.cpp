#include "core/base/identifiers.h"

namespace agritrace::core {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool all_digits(std::string_view s) {
  for (char c : s) {
    if (!is_digit(c)) return false;
  }
  return true;
}

Error invalid(std::string reason, std::string message, std::string_view field) {
  return make_error(ErrorCode::kInvalidArgument, std::move(reason), std::move(message),
                    std::string(field));
}

// GB 32100-2015 character set: the 31 characters used, in code-value order (I O S V Z excluded).
constexpr std::string_view kUsccAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
// GB 32100-2015 weights W_i = 3^(i-1) mod 31 for the first 17 characters.
constexpr int32_t kUsccWeights[17] = {1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28};

// GB 11643-1999 / ISO 7064 MOD 11-2 weights W_i = 2^(18-i) mod 11 and check characters.
constexpr int32_t kIdWeights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
constexpr std::string_view kIdCheck = "10X98765432";

std::string mask_middle(std::string_view s, size_t keep_head, size_t keep_tail) {
  if (s.size() <= keep_head + keep_tail) return std::string(s.size(), '*');
  std::string out(s.substr(0, keep_head));
  out.append(s.size() - keep_head - keep_tail, '*');
  out.append(s.substr(s.size() - keep_tail));
  return out;
}

}  // namespace

Status validate_uscc(std::string_view code, std::string_view field) {
  if (code.size() != 18) {
    return invalid("uscc_bad_length",
                   "a unified social credit code has 18 characters, got " +
                       std::to_string(code.size()),
                   field);
  }
  int32_t sum = 0;
  for (size_t i = 0; i < code.size(); ++i) {
    const size_t value = kUsccAlphabet.find(code[i]);
    if (value == std::string_view::npos) {
      return invalid("uscc_bad_character",
                     "character " + std::to_string(i + 1) +
                         " is not allowed in a unified social credit code (GB 32100-2015 uses "
                         "0-9 and A-Z without I, O, S, V, Z)",
                     field);
    }
    if (i < 17) sum += static_cast<int32_t>(value) * kUsccWeights[i];
  }
  const char expected = kUsccAlphabet[static_cast<size_t>((31 - sum % 31) % 31)];
  if (code[17] != expected) {
    return invalid("uscc_check_failed",
                   "the check character of the unified social credit code does not match "
                   "(GB 32100-2015)",
                   field);
  }
  return Status::Ok();
}

Result<std::string> normalize_resident_id(std::string_view id, std::string_view field,
                                          std::optional<Date> today) {
  if (id.size() != 18) {
    return invalid("id_number_bad_length",
                   "a resident ID number has 18 characters, got " + std::to_string(id.size()),
                   field);
  }
  std::string normal(id);
  if (normal[17] == 'x') normal[17] = 'X';
  if (!all_digits(std::string_view(normal).substr(0, 17)) ||
      !(is_digit(normal[17]) || normal[17] == 'X')) {
    return invalid("id_number_bad_character",
                   "a resident ID number is 17 digits and a digit or X (GB 11643-1999)", field);
  }
  // Region codes (GB/T 2260) never start with 0.
  if (normal[0] == '0') {
    return invalid("id_number_bad_region", "the region code of the ID number is not valid",
                   field);
  }
  const std::string_view digits(normal);
  const auto year = std::stoi(std::string(digits.substr(6, 4)));
  const auto month = static_cast<uint32_t>(std::stoi(std::string(digits.substr(10, 2))));
  const auto day = static_cast<uint32_t>(std::stoi(std::string(digits.substr(12, 2))));
  auto birth = make_date(year, month, day, field);
  if (!birth.ok() || year < 1800) {
    return invalid("id_number_bad_birth_date", "the birth date in the ID number is not a real date",
                   field);
  }
  if (today && *birth > *today) {
    return invalid("id_number_birth_date_in_future",
                   "the birth date in the ID number is in the future", field);
  }
  int32_t sum = 0;
  for (size_t i = 0; i < 17; ++i) sum += (normal[i] - '0') * kIdWeights[i];
  if (normal[17] != kIdCheck[static_cast<size_t>(sum % 11)]) {
    return invalid("id_number_check_failed",
                   "the check character of the ID number does not match (GB 11643-1999)", field);
  }
  return normal;
}

Status validate_resident_id(std::string_view id, std::string_view field,
                            std::optional<Date> today) {
  return normalize_resident_id(id, field, today).status();
}

Status validate_gtin(std::string_view gtin, std::string_view field) {
  if (gtin.size() != 8 && gtin.size() != 12 && gtin.size() != 13 && gtin.size() != 14) {
    return invalid("gtin_bad_length", "a GTIN has 8, 12, 13 or 14 digits, got " +
                                          std::to_string(gtin.size()), field);
  }
  if (!all_digits(gtin)) return invalid("gtin_bad_character", "a GTIN has digits only", field);
  // GS1 General Specifications 7.9.1: weights 3,1,3,1... from the rightmost data digit.
  int32_t sum = 0;
  int32_t weight = 3;
  for (size_t i = gtin.size() - 1; i-- > 0;) {
    sum += (gtin[i] - '0') * weight;
    weight = 4 - weight;
  }
  if (gtin.back() - '0' != (10 - sum % 10) % 10) {
    return invalid("gtin_check_failed", "the GTIN check digit does not match", field);
  }
  return Status::Ok();
}

Result<std::string> normalize_gtin14(std::string_view gtin, std::string_view field) {
  if (auto s = validate_gtin(gtin, field); !s.ok()) return s;
  return std::string(14 - gtin.size(), '0') + std::string(gtin);
}

Status validate_phone(std::string_view phone, std::string_view field) {
  const auto bad = [&] {
    return invalid("phone_invalid",
                   "expected a mobile number (11 digits) or a landline with area code such as "
                   "020-12345678",
                   field);
  };
  if (phone.size() == 11 && all_digits(phone)) {
    if (phone[0] == '1' && phone[1] >= '3' && phone[1] <= '9') return Status::Ok();
    return bad();
  }
  const size_t dash = phone.find('-');
  if (dash == std::string_view::npos) return bad();
  const std::string_view area = phone.substr(0, dash);
  const std::string_view local = phone.substr(dash + 1);
  if (!all_digits(area) || !all_digits(local) || area.empty() || area[0] != '0') return bad();
  // 010 and 02x are the only 3-digit area codes; all others have 4 digits.
  const bool short_code = area.size() >= 2 && (area[1] == '1' || area[1] == '2');
  if (area.size() != (short_code ? 3u : 4u)) return bad();
  if (local.size() < 7 || local.size() > 8 || local[0] == '0') return bad();
  return Status::Ok();
}

std::string mask_id_number(std::string_view id) { return mask_middle(id, 6, 4); }

std::string mask_phone(std::string_view phone) { return mask_middle(phone, 3, 4); }

std::string tenant_slot(std::string_view tenant, std::string_view name) {
  std::string s(tenant);
  s.push_back('\x1f');
  s += name;
  return s;
}

bool is_sha256_hex(std::string_view s) {
  if (s.size() != 64) return false;
  for (char c : s) {
    if (!is_digit(c) && !(c >= 'a' && c <= 'f')) return false;
  }
  return true;
}

}  // namespace agritrace::core
