#include <doctest/doctest.h>

#include "core/base/identifiers.h"

namespace agritrace::core {

namespace {
std::string reason_of(const Status& s) { return s.ok() ? "ok" : s.error().reason; }
}  // namespace

TEST_CASE("R-4.2.8 USCC check character per GB 32100-2015") {
  CHECK(validate_uscc("91350100M000100Y43", "uscc").ok());
  CHECK(validate_uscc("91441322MA4UHK1P0J", "uscc").ok());
  CHECK(validate_uscc("92441322MA51AB2C36", "uscc").ok());
  // Mutated check character.
  CHECK(reason_of(validate_uscc("91350100M000100Y44", "uscc")) == "uscc_check_failed");
  CHECK(reason_of(validate_uscc("91350100M000100Y4A", "uscc")) == "uscc_check_failed");
  // A transposition of two data characters is caught too.
  CHECK(reason_of(validate_uscc("93150100M000100Y43", "uscc")) == "uscc_check_failed");
  // I, O, S, V, Z are not in the alphabet, nor lowercase, nor anything else.
  for (char c : std::string("IOSVZa-* ")) {
    std::string code = "91350100M000100Y43";
    code[8] = c;
    auto s = validate_uscc(code, "supplier.uscc");
    CHECK(reason_of(s) == "uscc_bad_character");
    CHECK(s.error().field == "supplier.uscc");
    CHECK(s.error().code == ErrorCode::kInvalidArgument);
  }
  CHECK(reason_of(validate_uscc("91350100M000100Y4", "uscc")) == "uscc_bad_length");
  CHECK(reason_of(validate_uscc("91350100M000100Y433", "uscc")) == "uscc_bad_length");
  CHECK(reason_of(validate_uscc("", "uscc")) == "uscc_bad_length");
}

TEST_CASE("R-4.2.8 resident ID number per GB 11643-1999") {
  CHECK(validate_resident_id("11010519491231002X", "id_number").ok());
  CHECK(*normalize_resident_id("11010519491231002x", "id_number") == "11010519491231002X");
  CHECK(validate_resident_id("440305198810108889", "id_number").ok());
  // 2000 is a leap year (divisible by 400); 1900 is not (divisible by 100).
  CHECK(validate_resident_id("441302200002291234", "id_number").ok());
  CHECK(reason_of(validate_resident_id("44010619000229001X", "id_number")) ==
        "id_number_bad_birth_date");
  // Check character correct for the digits, yet 30 February does not exist.
  CHECK(reason_of(validate_resident_id("440106199002300012", "id_number")) ==
        "id_number_bad_birth_date");
  CHECK(reason_of(validate_resident_id("110105194912310021", "id_number")) ==
        "id_number_check_failed");
  CHECK(reason_of(validate_resident_id("11010519491231002", "id_number")) ==
        "id_number_bad_length");
  CHECK(reason_of(validate_resident_id("1101051949123100X2", "id_number")) ==
        "id_number_bad_character");
  CHECK(reason_of(validate_resident_id("11010519491231002Y", "id_number")) ==
        "id_number_bad_character");
  CHECK(reason_of(validate_resident_id("01010519491231002X", "id_number")) ==
        "id_number_bad_region");
  const Date today = *parse_date("2000-02-28", "today");
  CHECK(reason_of(validate_resident_id("441302200002291234", "id_number", today)) ==
        "id_number_birth_date_in_future");
  CHECK(validate_resident_id("11010519491231002X", "id_number", today).ok());
  auto s = validate_resident_id("110105194912310021", "counterparty.id_number");
  CHECK(s.error().field == "counterparty.id_number");
}

TEST_CASE("GTIN check digit per GS1 General Specifications") {
  CHECK(validate_gtin("09521234543213", "gtin").ok());
  CHECK(validate_gtin("6291041500213", "gtin").ok());
  CHECK(validate_gtin("5012345678900", "gtin").ok());
  CHECK(validate_gtin("96385074", "gtin").ok());       // GTIN-8
  CHECK(validate_gtin("036000291452", "gtin").ok());   // GTIN-12 (UPC-A)
  CHECK(reason_of(validate_gtin("6291041500214", "gtin")) == "gtin_check_failed");
  CHECK(reason_of(validate_gtin("629104150021", "gtin")) == "gtin_check_failed");
  CHECK(reason_of(validate_gtin("62910415002", "gtin")) == "gtin_bad_length");
  CHECK(reason_of(validate_gtin("629104150021X", "gtin")) == "gtin_bad_character");
  CHECK(*normalize_gtin14("6291041500213", "gtin") == "06291041500213");
  CHECK(*normalize_gtin14("96385074", "gtin") == "00000096385074");
  CHECK(*normalize_gtin14("09521234543213", "gtin") == "09521234543213");
  CHECK_FALSE(normalize_gtin14("6291041500214", "gtin").ok());
}

TEST_CASE("R-4.2.8 phone numbers: mainland mobile or landline with area code") {
  for (const char* ok : {"13800138000", "19912345678", "020-12345678", "0752-1234567",
                         "010-87654321", "0755-88889999"}) {
    CHECK_MESSAGE(validate_phone(ok, "phone").ok(), std::string(ok));
  }
  for (const char* bad : {"", "1380013800", "138001380001", "12800138000", "23800138000",
                          "02012345678", "020-1234567890", "0752-123456", "020-02345678",
                          "0752-12345678-1", "20-12345678", "0200-12345678", "075-12345678",
                          "+8613800138000", "138-0013-8000", "020-1234567a"}) {
    auto s = validate_phone(bad, "phone");
    CHECK_MESSAGE(reason_of(s) == "phone_invalid", std::string(bad));
  }
}

TEST_CASE("R-7 personal data is masked in answers") {
  CHECK(mask_id_number("11010519491231002X") == "110105********002X");
  CHECK(mask_phone("13800138000") == "138****8000");
  CHECK(mask_phone("020-12345678") == "020*****5678");
  CHECK(mask_phone("1234567") == "*******");
  CHECK(mask_id_number("") == "");
}

TEST_CASE("SHA-256 hex form") {
  CHECK(is_sha256_hex(std::string(64, 'a')));
  CHECK(is_sha256_hex("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"));
  CHECK_FALSE(is_sha256_hex(std::string(64, 'A')));
  CHECK_FALSE(is_sha256_hex(std::string(63, 'a')));
  CHECK_FALSE(is_sha256_hex(std::string(64, 'g')));
}

}  // namespace agritrace::core
