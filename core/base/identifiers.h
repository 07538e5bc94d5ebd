// Validation and masking of the national identifiers the ledger records. Pure functions: each
// validator returns a Status whose reason is stable (e.g. `uscc_check_failed`) and whose field is
// the JSON path the caller passed in, so the API can point at the offending input.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/base/civil_time.h"
#include "core/base/status.h"

namespace agritrace::core {

// Unified social credit code, GB 32100-2015: 18 characters from 0-9 A-H J-N P-R T U W-Y, the last
// a weighted mod-31 check character. Reasons: uscc_bad_length, uscc_bad_character,
// uscc_check_failed.
Status validate_uscc(std::string_view code, std::string_view field);

// Resident ID number, GB 11643-1999: 6-digit region, 8-digit birth date, 3-digit sequence and an
// ISO 7064 MOD 11-2 check character ('X' for 10). A lowercase 'x' is accepted and normalised.
// When `today` is given, a birth date after it is refused. Returns the normalised number.
// Reasons: id_number_bad_length, id_number_bad_character, id_number_bad_region,
// id_number_bad_birth_date, id_number_birth_date_in_future, id_number_check_failed.
Result<std::string> normalize_resident_id(std::string_view id, std::string_view field,
                                          std::optional<Date> today = std::nullopt);
Status validate_resident_id(std::string_view id, std::string_view field,
                            std::optional<Date> today = std::nullopt);

// GTIN-8/12/13/14 (GS1 General Specifications): digits only, mod-10 check digit with weights
// 3,1,3,1... from the right. Reasons: gtin_bad_length, gtin_bad_character, gtin_check_failed.
Status validate_gtin(std::string_view gtin, std::string_view field);
// The 14-digit form (left-padded with zeros) used in GS1 Digital Link URIs.
Result<std::string> normalize_gtin14(std::string_view gtin, std::string_view field);

// Mainland mobile (11 digits, 1[3-9]xxxxxxxxx) or a landline with its area code and a hyphen:
// 3-digit codes 010/02x ("020-12345678"), 4-digit codes 03xx-09xx ("0752-1234567"); subscriber
// numbers have 7 or 8 digits and do not start with 0. Reason: phone_invalid.
Status validate_phone(std::string_view phone, std::string_view field);

// Personal data in answers (GB/T 22239 level 2, personal-information protection): keep the first
// 6 and last 4 characters of an ID number, the first 3 and last 4 of a phone number.
// "11010519491231002X" -> "110105********002X"; "13800138000" -> "138****8000".
// Values too short to keep those parts are masked entirely.
std::string mask_id_number(std::string_view id);
std::string mask_phone(std::string_view phone);

// 64 lowercase hex characters: the form every SHA-256 in the ledger takes.
bool is_sha256_hex(std::string_view s);

// A map key for a name inside one tenant: tenant, '\x1f', name (Idempotency-Keys, usernames).
std::string tenant_slot(std::string_view tenant, std::string_view name);

}  // namespace agritrace::core
