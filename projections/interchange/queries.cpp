#include "projections/interchange/queries.h"

#include <algorithm>

#include "core/codes/codes.h"
#include "projections/base/keys.h"
#include "projections/codes/keys.h"
#include "projections/interchange/keys.h"
#include "projections/interchange/stored_event.h"

namespace agritrace::projections {
namespace {

namespace epcis = core::epcis;

bool matches(const epcis::Event& e, const EpcisFilter& f) {
  if (!f.event_type.empty() && e.type != f.event_type) return false;
  if (f.ge_event_time && e.event_time_ms < *f.ge_event_time) return false;
  if (f.lt_event_time && e.event_time_ms >= *f.lt_event_time) return false;
  if (f.ge_record_time && e.record_time_ms < *f.ge_record_time) return false;
  if (!f.biz_steps.empty() &&
      std::find(f.biz_steps.begin(), f.biz_steps.end(), e.biz_step) == f.biz_steps.end()) {
    return false;
  }
  if (!f.match_epc.empty()) {
    auto has = [&](const std::vector<epcis::Item>& items) {
      return std::any_of(items.begin(), items.end(), [&](const epcis::Item& i) {
        return std::find(f.match_epc.begin(), f.match_epc.end(), i) != f.match_epc.end();
      });
    };
    if (!has(e.epcs) && !has(e.output_epcs)) return false;
  }
  if (!f.match_epc_class.empty()) {
    auto has = [&](const std::vector<epcis::QuantityElement>& qs) {
      return std::any_of(qs.begin(), qs.end(), [&](const epcis::QuantityElement& q) {
        const std::string uri = epcis::class_uri(q.goods, epcis::IdFormat::kDigitalLink);
        return std::find(f.match_epc_class.begin(), f.match_epc_class.end(), uri) !=
               f.match_epc_class.end();
      });
    };
    if (!has(e.quantities) && !has(e.output_quantities)) return false;
  }
  return true;
}

}  // namespace

void InterchangeQueries::resolve(epcis::Event& e) const {
  auto items = [&](std::vector<epcis::Item>& list) {
    for (epcis::Item& i : list) {
      if (!i.gtin14.empty()) continue;
      if (auto rec = views_.get(codes::keys::digital_link("gs1", i.serial))) {
        i.gtin14 = json_string_field(*rec, "gtin").value_or("");
      }
    }
  };
  auto classes = [&](std::vector<epcis::QuantityElement>& list) {
    for (epcis::QuantityElement& q : list) {
      if (!q.goods.gtin14.empty() || q.goods.product_id.empty() || q.goods.lot.empty()) continue;
      if (auto rec =
              views_.get(codes::keys::catalogue(core::kPlatformTenant, q.goods.product_id))) {
        const std::string gtin = json_string_field(*rec, "gtin").value_or("");
        if (gtin.size() == 13) q.goods.gtin14 = "0" + gtin;
        if (gtin.size() == 14) q.goods.gtin14 = gtin;
      }
    }
  };
  items(e.epcs);
  items(e.output_epcs);
  classes(e.quantities);
  classes(e.output_quantities);
}

Result<EpcisPage> InterchangeQueries::events(const std::string& tenant,
                                             const EpcisFilter& f) const {
  const std::string prefix = interchange::keys::event(tenant);
  const std::string start = prefix + f.after;
  EpcisPage page;
  std::string last;
  Status failed = Status::Ok();
  views_.scan_prefix(prefix, [&](std::string_view k, std::string_view v) {
    if (!f.after.empty() && k <= start) return true;
    auto stored = interchange::decode_stored(v);
    if (!stored.ok()) {
      failed = stored.error();
      return false;
    }
    resolve(stored->event);
    if (!matches(stored->event, f)) return true;
    if (page.events.size() == f.per_page) {
      page.next_token = last;
      return false;
    }
    last = std::string(k.substr(prefix.size()));
    page.events.push_back(std::move(stored->event));
    page.tokens.push_back(last);
    return true;
  });
  if (!failed.ok()) return failed.error();
  return page;
}

}  // namespace agritrace::projections
