// What the business rules of one tenant need to know, rebuilt by folding its events with
// evolve(). Not a read model: only the facts decide() checks (existence, status, remaining
// quantities, uniqueness indexes, id counters).
#pragma once


#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "core/accounts/state.h"
#include "core/codes/code_table.h"
#include "core/codes/codes.h"
#include "core/codes/stored_map.h"
#include "core/devices/state.h"
#include "core/market/state.h"
#include "core/production/state.h"
#include "core/production/types.h"
#include "core/public/complaint_state.h"
#include "core/public/payment_state.h"
#include "core/public/sampling_state.h"
#include "core/receiving/state.h"
#include "core/regulator/state.h"
#include "core/sales/state.h"

namespace agritrace::core {

// The circulation end's part of the write model (R-4.3.x). Facts of one enterprise that another
// one's rules need (a shipment to it, a market order placed with it, the answer to its order)
// reach the other enterprise's write model through evolve_across() (core/domain/across.h),
// called by the single writer.
struct CirculationState {
  StoredMap<InboundShipment> inbound{'i'};  // "from_tenant/sh-N" (on disk in the writer)
  // Per-code maps, on disk in the writer (SerialMap, core/codes/code_table.h).
  SerialMap inbound_codes{'I'};    // serial -> inbound key
  SerialMap received_codes{'V'};   // serial -> inbound key
  SerialMap held_codes{'H'};       // serial -> lot id in stock
  SerialMap inbound_serials{'N'};  // inbound key -> the shipment's serials, one per line
  std::map<std::string, MarketOrderState, std::less<>> market_orders;        // mo-N
  std::map<std::string, IncomingMarketOrder, std::less<>> incoming_orders;  // buyer/mo-N
  std::map<std::string, std::string, std::less<>> so_market_order;  // so-N -> buyer/mo-N
  std::map<std::string, int64_t, std::less<>> adjusted;     // item id -> net adjustment
  int64_t last_receipt = 0;
  int64_t last_market_order = 0;
  int64_t last_stocktake = 0;
  int64_t last_finance_entry = 0;
};

// Last number used for each id prefix ("cp-", "po-", "lot-", "b-"); ids are deterministic.
struct IdCounters {
  int64_t counterparty = 0;
  int64_t purchase_order = 0;
  int64_t lot = 0;
  int64_t batch = 0;
};

struct TenantState {
  bool registered = false;
  std::string enterprise_id;
  std::string name;
  std::string region;
  // Ordered maps with transparent comparators: string_view lookups, deterministic iteration.
  std::map<std::string, CounterpartyRecord, std::less<>> counterparties;
  std::map<std::string, std::string, std::less<>> counterparty_by_uscc;       // uscc -> id
  std::map<std::string, std::string, std::less<>> counterparty_by_id_number;  // id number -> id
  // The per-entity maps are on disk in the writer (StoredMap, core/codes/stored_map.h).
  StoredMap<PurchaseOrderState> purchase_orders{'a'};
  StoredMap<MaterialLotState> lots{'l'};
  StoredMap<BatchState> batches{'b'};
  StoredMap<std::string> batch_by_lot_code{'c'};  // lot code -> batch id
  IdCounters counters;
  SalesState sales;  // R-4.2.3 / R-4.2.4 (core/sales/state.h)
  // R-4.2.7 (tenant "platform" only): the shared base catalogue, product_id -> product.
  std::map<std::string, CatalogueProduct, std::less<>> catalogue;
  std::set<std::string, std::less<>> main_varieties;  // catalogue product ids
  std::map<std::string, CodeTemplateState, std::less<>> code_templates;
  std::map<std::string, PublicationState, std::less<>> publications;     // by product_id
  CodeCounters code_counters;
  CodeTable codes;  // by serial (AI 21); on disk in the writer (core/codes/code_table.h)
  StoredMap<CodeRunState> code_runs{'u'};  // run_id -> run (on disk in the writer)
  CirculationState circulation;  // .x (above)
  DevicesState devices;          // lines, devices, print jobs (core/devices/state.h)
  AccountsState accounts;        // users and API keys (core/accounts/state.h, issue 16)

  // From now on the generated codes and every per-code map live in `store` under `tenant`.
  // `cache` is told which stored maps hold entries until its next flush (StoredMapCache).
  void bind(CodeStore* store, const std::string& tenant, StoredMapCache* cache) {
    codes.bind(store, tenant);
    for (SerialMap* m : {&sales.shipped_codes, &sales.recalled_codes, &circulation.inbound_codes,
                         &circulation.received_codes, &circulation.held_codes,
                         &circulation.inbound_serials, &devices.printed, &devices.open_job}) {
      m->bind(store, tenant);
    }
    for (StoredMapBase* m : stored_maps()) m->bind_base(store, tenant, cache);
  }
  std::vector<StoredMapBase*> stored_maps() {
    return {&purchase_orders, &lots, &batches, &batch_by_lot_code, &code_runs,
            &sales.orders, &sales.batch_shipped, &sales.lot_batches, &sales.batch_lots,
            &sales.recalled, &sales.recalled_lots, &circulation.inbound};
  }
  PaymentsState payments;        // .P notified vouchers (core/public/payment_state.h)
  SamplingState sampling;        // .S (tenant "platform" only; core/public/sampling_state.h)
  ComplaintsState complaints;    // complaint cases (core/public/complaint_state.h)
  RegulatorsState regulators;    // issue 13, tenant "regulators" only (core/regulator/state.h)
};

}  // namespace agritrace::core
