#include "core/production/types.h"

namespace agritrace::core {
namespace {

Error unknown(std::string_view what, std::string_view name, std::string_view field) {
  return make_error(ErrorCode::kInvalidArgument, std::string(what) + "_unknown",
                    "unknown " + std::string(what) + " \"" + std::string(name) + "\"",
                    std::string(field));
}

}  // namespace

std::string_view counterparty_kind_name(CounterpartyKind kind) {
  switch (kind) {
    case CounterpartyKind::kEnterprise: return "enterprise";
    case CounterpartyKind::kIndividual: return "individual";
  }
  return "?";
}

Result<CounterpartyKind> parse_counterparty_kind(std::string_view name, std::string_view field) {
  if (name == "enterprise") return CounterpartyKind::kEnterprise;
  if (name == "individual") return CounterpartyKind::kIndividual;
  return unknown("counterparty_kind", name, field);
}

Result<CounterpartyRoles> add_counterparty_role(CounterpartyRoles roles, std::string_view name,
                                                std::string_view field) {
  if (name == "supplier") {
    roles.supplier = true;
  } else if (name == "customer") {
    roles.customer = true;
  } else {
    return unknown("counterparty_role", name, field);
  }
  return roles;
}

std::string_view document_kind_name(DocumentKind kind) {
  switch (kind) {
    case DocumentKind::kInspectionReport: return "inspection_report";
    case DocumentKind::kProductionRecord: return "production_record";
    case DocumentKind::kOther: return "other";
  }
  return "?";
}

Result<DocumentKind> parse_document_kind(std::string_view name, std::string_view field) {
  if (name == "inspection_report") return DocumentKind::kInspectionReport;
  if (name == "production_record") return DocumentKind::kProductionRecord;
  if (name == "other") return DocumentKind::kOther;
  return unknown("document_kind", name, field);
}

}  // namespace agritrace::core
