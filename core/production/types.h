// Small value types shared by the production-end commands and events.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <tuple>

#include "core/base/describe.h"
#include "core/base/status.h"

namespace agritrace::core {

enum class CounterpartyKind : uint8_t { kEnterprise, kIndividual };
std::string_view counterparty_kind_name(CounterpartyKind kind);  // "enterprise" | "individual"
Result<CounterpartyKind> parse_counterparty_kind(std::string_view name, std::string_view field);
template <>
struct describe::EnumText<CounterpartyKind>
    : describe::EnumTextOf<CounterpartyKind, counterparty_kind_name, parse_counterparty_kind> {};

// A counterparty may be both a supplier and a customer.
struct CounterpartyRoles {
  bool supplier = false;
  bool customer = false;
  bool empty() const { return !supplier && !customer; }
  bool operator==(const CounterpartyRoles&) const = default;
};
// Role names: "supplier", "customer".
Result<CounterpartyRoles> add_counterparty_role(CounterpartyRoles roles, std::string_view name,
                                                std::string_view field);

// What records about a supplier or customer. Enterprise: uscc, legal_representative,
// contact_person; individual: id_number. Fields of the other kind stay empty.
struct CounterpartyRecord {
  CounterpartyKind kind = CounterpartyKind::kEnterprise;
  CounterpartyRoles roles;
  std::string name;
  std::string uscc;                  // GB 32100-2015 (enterprise)
  std::string legal_representative;  // enterprise, optional
  std::string contact_person;        // enterprise
  std::string id_number;             // GB 11643-1999 (individual), stored normalised (upper X)
  std::string phone;
  std::string address;               // optional
  std::string region;                // optional, e.g. "广东省广州市" (R-4.2.10 analytics by region)
  bool operator==(const CounterpartyRecord&) const = default;
  static constexpr auto kFields = std::make_tuple(
      describe::field("kind", &CounterpartyRecord::kind),
      describe::field("roles", &CounterpartyRecord::roles),
      describe::field("name", &CounterpartyRecord::name),
      describe::field("uscc", &CounterpartyRecord::uscc),
      describe::field("legal_representative", &CounterpartyRecord::legal_representative),
      describe::field("contact_person", &CounterpartyRecord::contact_person),
      describe::field("id_number", &CounterpartyRecord::id_number),
      describe::field("phone", &CounterpartyRecord::phone),
      describe::field("address", &CounterpartyRecord::address),
      describe::field("region", &CounterpartyRecord::region, describe::kOmitWhenEmpty));
};

enum class DocumentKind : uint8_t { kInspectionReport, kProductionRecord, kOther };
// "inspection_report" | "production_record" | "other"
std::string_view document_kind_name(DocumentKind kind);
Result<DocumentKind> parse_document_kind(std::string_view name, std::string_view field);
template <>
struct describe::EnumText<DocumentKind>
    : describe::EnumTextOf<DocumentKind, document_kind_name, parse_document_kind> {};

}  // namespace agritrace::core
