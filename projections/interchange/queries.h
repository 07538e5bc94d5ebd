// GET /epcis/events (EPCIS 2.0 REST binding, SimpleEventQuery): a tenant's EPCIS events from the
// interchange view (projections/interchange/projection.h), filtered and paged; identifiers that
// the view stores by reference (a serial's GTIN, a catalogue product's GTIN) are resolved here
// from views that never change once written.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/interchange/epcis.h"
#include "projections/base/view_store.h"

namespace agritrace::projections {

struct EpcisFilter {
  std::string event_type;                // "" = any
  std::optional<int64_t> ge_event_time;  // unix ms
  std::optional<int64_t> lt_event_time;
  std::optional<int64_t> ge_record_time;
  std::vector<std::string> biz_steps;        // CBV bare words (any of them); empty = any
  std::vector<core::epcis::Item> match_epc;  // any of them (epcList, input or output EPCs)
  std::vector<std::string> match_epc_class;  // Digital Link form of the classes (any of them)
  uint32_t per_page = 100;
  std::string after;  // the page token: the key suffix of the previous page's last event
};

struct EpcisPage {
  std::vector<core::epcis::Event> events;
  std::string next_token;           // empty on the last page
  std::vector<std::string> tokens;  // each event's own token (a resumable cursor after it)
};

class InterchangeQueries {
 public:
  explicit InterchangeQueries(const ViewStore& views) : views_(views) {}
  Result<EpcisPage> events(const std::string& tenant, const EpcisFilter& filter) const;
  // Fills in what the stored form names by reference (GTINs of serials and catalogue products).
  void resolve(core::epcis::Event& event) const;

 private:
  const ViewStore& views_;
};

}  // namespace agritrace::projections
