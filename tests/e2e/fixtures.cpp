#include "tests/e2e/fixtures.h"

#include <doctest/doctest.h>
#include <fmt/format.h>

#include "tests/support/test_env.h"

namespace agritrace::testing {

std::string register_enterprise(uint16_t port, const std::string& uscc, const std::string& name) {
  ApiClient admin(port, kAdminKey);
  Reply r = admin.post("/v1/enterprises",
                       fmt::format(R"({{"uscc":"{}","name":"{}","region":"广东省"}})", uscc, name));
  INFO(r.body);
  REQUIRE(r.status == 201);
  return r.str("/api_key");
}

std::string enterprise_supplier_body(const std::string& uscc) {
  return fmt::format(
      R"({{"kind":"enterprise","roles":["supplier"],"name":"博罗县绿源菜心种植专业合作社","uscc":"{}","contact_person":"黄国华","phone":"13826601234","address":"广东省惠州市博罗县"}})",
      uscc);
}

std::string individual_supplier_body() {
  return fmt::format(
      R"({{"kind":"individual","roles":["supplier"],"name":"张伟","id_number":"{}","phone":"13912345678"}})",
      kPersonId);
}

std::string purchase_order_body(const std::string& supplier_id, int64_t kg, const std::string& expiry) {
  return fmt::format(
      R"({{"material":"菜心","supplier_id":"{}","quantity":{{"amount":{},"unit":"kg"}},"supplier_lot":"HZ-1","production_date":"2026-11-01","expiry_date":"{}"}})",
      supplier_id, kg, expiry);
}

std::string batch_body(const std::string& lot_code) {
  return fmt::format(
      R"({{"product":"净菜菜心 500g","lot_code":"{}","quantity":{{"amount":100,"unit":"piece"}},"production_date":"2026-11-22"}})",
      lot_code);
}

}  // namespace agritrace::testing
