#include "projections/devices/queries.h"
#include "projections/codes/queries.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <vector>

#include "core/base/json_writer.h"
#include "core/codes/codes.h"
#include "projections/base/keys.h"
#include "projections/codes/keys.h"
#include "projections/production/keys.h"
#include "projections/sales/keys.h"
#include "projections/base/view_values.h"

namespace agritrace::projections {
namespace {

int64_t int_field(std::string_view json, std::string_view key) {
  const std::string marker = fmt::format("\"{}\":", key);
  const size_t at = json.find(marker);
  if (at == std::string_view::npos) return 0;
  int64_t v = 0;
  const char* p = json.data() + at + marker.size();
  std::from_chars(p, json.data() + json.size(), v);
  return v;
}

}  // namespace

Result<std::string> CodesQueries::catalogue(std::string_view category) const {
  JsonWriter w;
  w.begin_object().key("items").begin_array();
  views_.scan_prefix(codes::keys::catalogue(core::kPlatformTenant), [&](std::string_view, std::string_view v) {
    if (category.empty() || json_string_field(v, "category").value_or("") == category) w.raw(v);
    return true;
  });
  w.end_array().end_object();
  return w.take();
}

std::optional<std::string> CodesQueries::catalogue_product(std::string_view product_id) const {
  return views_.get(codes::keys::catalogue(core::kPlatformTenant, product_id));
}

Result<std::string> CodesQueries::main_varieties(std::string_view tenant) const {
  auto v = views_.get(codes::keys::main_varieties(tenant));
  JsonWriter w;
  w.begin_object().key("products").begin_array();
  if (v) {
    // The ids in order, each with its catalogue record.
    const std::string_view s = *v;
    size_t at = s.find('[');
    const size_t end = s.find(']');
    while (at != std::string_view::npos && at < end) {
      const size_t q1 = s.find('"', at + 1);
      if (q1 == std::string_view::npos || q1 > end) break;
      const size_t q2 = s.find('"', q1 + 1);
      const std::string id(s.substr(q1 + 1, q2 - q1 - 1));
      if (auto p = catalogue_product(id)) w.raw(*p);
      at = q2;
    }
  }
  w.end_array();
  w.key("updated_at");
  if (v) w.value(json_string_field(*v, "updated_at").value_or("")); else w.null();
  w.end_object();
  return w.take();
}

Result<std::string> CodesQueries::code_templates(std::string_view tenant, const Page& page) const {
  return list_page(views_, ViewKind::kCodeTemplate, tenant, page);
}

Result<std::string> CodesQueries::code_template(std::string_view tenant, std::string_view id) const {
  auto v = views_.get(codes::keys::code_template(tenant, sort_id(id)));
  if (!v) return view_not_found("code_template", id, "template_id");
  return *v;
}

std::string CodesQueries::run_document(std::string_view tenant, std::string_view sid,
                                       const std::string& record) const {
  auto dis = views_.get(codes::keys::code_run_disabled(tenant, sid));
  JsonWriter w;
  w.begin_object().field("disabled", dis.has_value());
  if (dis) w.field("disabled_reason", json_string_field(*dis, "reason").value_or(""));
  w.end_object();
  return merge_json_objects(record, w.str());
}

Result<std::string> CodesQueries::code_runs(std::string_view tenant, const Page& page) const {
  return list_page(views_, ViewKind::kCodeRun, tenant, page,
                   [&](const std::string& sid, std::string v) { return run_document(tenant, sid, v); });
}

Result<std::string> CodesQueries::code_run(std::string_view tenant, std::string_view id) const {
  const std::string sid = sort_id(id);
  auto v = views_.get(codes::keys::code_run(tenant, sid));
  if (!v) return view_not_found("code_run", id, "run_id");
  return run_document(tenant, sid, *v);
}

Result<RunCodes> CodesQueries::run_codes(std::string_view tenant, std::string_view run_id, int64_t offset,
                                         int64_t limit) const {
  const std::string sid = sort_id(run_id);
  auto v = views_.get(codes::keys::code_run(tenant, sid));
  if (!v) return view_not_found("code_run", run_id, "run_id");
  RunCodes out;
  out.run_json = run_document(tenant, sid, *v);
  out.run_id = std::string(run_id);
  out.batch_id = json_string_field(*v, "batch_id").value_or("");
  out.base_url = json_string_field(*v, "base_url").value_or("");
  out.gtin14 = json_string_field(*v, "gtin").value_or("");
  out.lot_code = json_string_field(*v, "lot_code").value_or("");
  out.run_disabled = views_.get(codes::keys::code_run_disabled(tenant, sid)).has_value();
  out.total = int_field(*v, "count");
  out.offset = offset;
  // Codes are numbered densely from 0, so a page is a run of point reads.
  for (int64_t i = offset; i < offset + limit && i < out.total; ++i) {
    auto serial = views_.get(codes::keys::code_of_run(tenant, sid, fmt::format("{:09d}", i)));
    if (!serial) break;  // the views have not yet applied the later chunks
    const bool disabled = out.run_disabled || views_.get(codes::keys::code_disabled(tenant, *serial)).has_value();
    out.codes.push_back(RunCodes::Code{std::move(*serial), disabled});
  }
  return out;
}

Result<std::string> CodesQueries::code(std::string_view tenant, std::string_view serial) const {
  auto v = views_.get(codes::keys::code(tenant, serial));
  if (!v) return view_not_found("code", serial, "serial");
  const std::string run_id = json_string_field(*v, "run_id").value_or("");
  auto run = views_.get(codes::keys::code_run(tenant, sort_id(run_id)));
  const bool run_disabled = views_.get(codes::keys::code_run_disabled(tenant, sort_id(run_id))).has_value();
  auto own = views_.get(codes::keys::code_disabled(tenant, serial));
  JsonWriter w;
  w.begin_object().field("serial", serial).field("run_id", run_id)
      .field("batch_id", json_string_field(*v, "batch_id").value_or(""));
  if (run) {
    const std::string gtin = json_string_field(*run, "gtin").value_or("");
    const std::string lot = json_string_field(*run, "lot_code").value_or("");
    w.field("gtin", gtin).field("lot_code", lot)
        .field("uri", core::format_digital_link(json_string_field(*run, "base_url").value_or(""), gtin, lot, serial));
  }
  w.field("disabled", run_disabled || own.has_value())
      .field("disabled_individually", own.has_value())
      .field("run_disabled", run_disabled);
  if (own) w.field("disabled_reason", json_string_field(*own, "reason").value_or(""));
  // printed by a coder or label printer of a line (projections/devices/).
  const CodePrintStatus print = DevicesQueries(views_).code_status(tenant, serial);
  w.field("printed", print.status == "printed").field("print_status", print.status).key("print_job_id");
  if (print.job_id.empty()) w.null(); else w.value(print.job_id);
  w.end_object();
  return w.take();
}

std::optional<ResolvedCode> CodesQueries::resolve(std::string_view serial) const {
  auto v = views_.get(codes::keys::digital_link("gs1", serial));
  if (!v) return std::nullopt;
  ResolvedCode r;
  r.tenant = json_string_field(*v, "tenant").value_or("");
  r.run_id = json_string_field(*v, "run_id").value_or("");
  r.batch_id = json_string_field(*v, "batch_id").value_or("");
  r.gtin14 = json_string_field(*v, "gtin").value_or("");
  r.lot_code = json_string_field(*v, "lot").value_or("");
  r.run_disabled = views_.get(codes::keys::code_run_disabled(r.tenant, sort_id(r.run_id))).has_value();
  r.disabled = r.run_disabled || views_.get(codes::keys::code_disabled(r.tenant, serial)).has_value();
  return r;
}

namespace {
ResolvedLot resolved_lot(std::string_view v) {
  ResolvedLot r;
  r.tenant = json_string_field(v, "tenant").value_or("");
  r.run_id = json_string_field(v, "run_id").value_or("");
  r.batch_id = json_string_field(v, "batch_id").value_or("");
  r.gtin14 = json_string_field(v, "gtin").value_or("");
  r.lot_code = json_string_field(v, "lot").value_or("");
  r.base_url = json_string_field(v, "base_url").value_or("");
  return r;
}
}  // namespace

std::optional<ResolvedLot> CodesQueries::resolve_lot(std::string_view gtin14,
                                                     std::string_view lot) const {
  auto v = views_.get(codes::keys::digital_link_lot("gs1", gtin14, lot));
  if (!v) return std::nullopt;
  return resolved_lot(*v);
}

std::vector<ResolvedLot> CodesQueries::resolve_gtin(std::string_view gtin14, size_t limit) const {
  std::vector<ResolvedLot> out;
  if (limit == 0) return out;
  views_.scan_prefix(codes::keys::digital_link_lot("gs1", gtin14) + "/",
                     [&](std::string_view, std::string_view v) {
                       out.push_back(resolved_lot(v));
                       return out.size() < limit;
                     });
  return out;
}

Result<std::string> CodesQueries::publications(std::string_view tenant) const {
  JsonWriter w;
  w.begin_object().key("items").begin_array();
  views_.scan_prefix(codes::keys::publication(tenant), [&](std::string_view, std::string_view v) {
    const std::string product_id = json_string_field(v, "product_id").value_or("");
    auto product = catalogue_product(product_id);
    JsonWriter extra;
    extra.begin_object().key("product");
    if (product) extra.raw(*product); else extra.null();
    extra.end_object();
    w.raw(merge_json_objects(v, extra.str()));
    return true;
  });
  w.end_array().end_object();
  return w.take();
}

// the newest batches of a published product, as a buyer sees them: the
// batch's current values (amendments included) and its stock = quantity - shipped (stocktake
// adjustments are not in these views yet).
namespace {

struct MarketBatch {
  std::string production_date;
  std::string sid;
  std::string json;
};

std::optional<MarketBatch> market_batch(const ViewStore& views, std::string_view producer,
                                        std::string_view batch_sid, std::string_view pbatch_record) {
  auto current = views.get(production::keys::batch(producer, batch_sid));
  const std::string_view rec = current ? std::string_view(*current) : pbatch_record;
  auto q = json_quantity_field(rec, "quantity");
  if (!q) return std::nullopt;
  const auto shipped = views.get(sales::keys::batch_shipped(producer, batch_sid));
  int64_t shipped_amount = 0;
  if (shipped) std::from_chars(shipped->data(), shipped->data() + shipped->size(), shipped_amount);
  MarketBatch out;
  out.sid = std::string(batch_sid);
  out.production_date = json_string_field(rec, "production_date").value_or("");
  const std::string expiry = json_string_field(rec, "expiry_date").value_or("");
  JsonWriter w;
  w.begin_object().field("batch_id", json_string_field(rec, "batch_id").value_or(""))
      .field("product", json_string_field(rec, "product").value_or(""))
      .field("lot_code", json_string_field(rec, "lot_code").value_or(""));
  w.key("quantity").begin_object().field("amount", q->amount).field("unit", q->unit).end_object();
  w.field("production_date", out.production_date);
  w.key("expiry_date");
  if (expiry.empty()) w.null(); else w.value(expiry);
  w.key("shipped").begin_object().field("amount", shipped_amount).field("unit", q->unit).end_object();
  w.key("in_stock").begin_object().field("amount", q->amount - shipped_amount).field("unit", q->unit).end_object();
  w.end_object();
  out.json = w.take();
  return out;
}

}  // namespace

Result<std::string> CodesQueries::market(const MarketFilter& f) const {
  JsonWriter w;
  w.begin_object().key("items").begin_array();
  views_.scan_prefix(codes::keys::market_listing("all"), [&](std::string_view, std::string_view v) {
    const std::string producer_id = json_string_field(v, "producer_id").value_or("");
    const std::string product_id = json_string_field(v, "product_id").value_or("");
    if (!f.producer.empty() && producer_id != f.producer) return true;
    auto product = catalogue_product(product_id);
    if (!f.variety.empty() && product_id != f.variety &&
        (!product || json_string_field(*product, "category").value_or("") != f.variety)) {
      return true;
    }
    auto ent = views_.get(production::keys::enterprise(producer_id));
    const std::string region = ent ? json_string_field(*ent, "region").value_or("") : "";
    if (!f.region.empty() && region.find(f.region) == std::string::npos) return true;
    // The batches of this product (BatchCreated.product_id), newest production date first (then
    // newest id); with produced_since only those produced on or after it.
    std::vector<MarketBatch> batches;
    const std::string pbatch = codes::keys::product_batch(producer_id, product_id) + "/";
    views_.scan_prefix(pbatch, [&](std::string_view k, std::string_view b) {
      auto mb = market_batch(views_, producer_id, k.substr(pbatch.size()), b);
      if (mb && (f.produced_since.empty() || mb->production_date >= f.produced_since)) {
        batches.push_back(std::move(*mb));
      }
      return true;
    });
    if (!f.produced_since.empty() && batches.empty()) return true;
    std::sort(batches.begin(), batches.end(), [](const MarketBatch& a, const MarketBatch& b) {
      return a.production_date != b.production_date ? a.production_date > b.production_date : a.sid > b.sid;
    });
    const std::string newest_date = batches.empty() ? std::string() : batches.front().production_date;
    const std::string published = json_string_field(v, "published_at").value_or("").substr(0, 10);
    if (!f.since.empty() && published < f.since && newest_date < f.since) return true;
    w.begin_object().key("producer");
    if (ent) w.raw(*ent); else w.null();
    w.key("product");
    if (product) w.raw(*product); else w.null();
    w.field("description", json_string_field(v, "description").value_or(""))
        .field("published_at", json_string_field(v, "published_at").value_or(""));
    w.key("newest_batches").begin_array();
    for (size_t i = 0; i < batches.size() && i < kMarketNewestBatches; ++i) w.raw(batches[i].json);
    w.end_array().end_object();
    return true;
  });
  w.end_array().end_object();
  return w.take();
}

}  // namespace agritrace::projections
