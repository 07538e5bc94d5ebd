// Test helper: a single writer in miniature. apply() runs decide and, on success, evolves the
// state with the events, exactly as the ledger writer does.
#pragma once

#include <string>
#include <vector>

#include "core/domain/decide.h"
#include "core/domain/evolve.h"

namespace agritrace::core::testing {

inline constexpr const char* kTenant = "91350100M000100Y43";
inline constexpr const char* kSupplierUscc = "91441322MA4UHK1P0J";
inline constexpr const char* kCustomerUscc = "92441322MA51AB2C36";
inline constexpr const char* kFarmerId = "440305198810108889";

inline Date day(const char* text) { return *parse_date(text, "test"); }

inline CounterpartyRecord enterprise_supplier(std::string uscc = kSupplierUscc) {
  CounterpartyRecord r;
  r.kind = CounterpartyKind::kEnterprise;
  r.roles.supplier = true;
  r.name = "博罗县绿源农业有限公司";
  r.uscc = std::move(uscc);
  r.legal_representative = "张三";
  r.contact_person = "李四";
  r.phone = "0752-6123456";
  r.address = "广东省惠州市博罗县";
  return r;
}

inline CounterpartyRecord individual_supplier(std::string id_number = kFarmerId) {
  CounterpartyRecord r;
  r.kind = CounterpartyKind::kIndividual;
  r.roles.supplier = true;
  r.name = "王五";
  r.id_number = std::move(id_number);
  r.phone = "13800138000";
  return r;
}

struct Harness {
  TenantState state;
  Context ctx{kTenant, "key-1", 1'795'622'341'123, day("2026-11-25")};

  Result<std::vector<Event>> apply(const Command& command) {
    auto events = decide(state, command, ctx);
    if (events.ok()) {
      for (const Event& e : *events) evolve(state, e);
    }
    return events;
  }

  // The id/subject of the single event a successful command produced.
  std::string must(const Command& command) {
    auto events = apply(command);
    if (!events.ok()) return "ERROR " + events.status().to_string();
    if (events->size() != 1) return "ERROR event count";
    return event_subject(events->front());
  }

  void register_enterprise() {
    must(RegisterEnterprise{kTenant, "惠州市罗浮山食品有限公司", "广东省惠州市博罗县", "key-1",
                            std::string(64, 'a')});
  }
};

inline std::string reason(const Result<std::vector<Event>>& r) {
  return r.ok() ? "ok" : r.error().reason;
}

}  // namespace agritrace::core::testing
