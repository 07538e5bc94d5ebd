// Read models of the catalogue, trace codes and the resolver index (R-4.2.5, R-4.4.1
// groundwork) and publishing. Keys (all view/<name>/<tenant>/...):
//   cat/platform/<product_id>            catalogue product
//   mainvar/<t>                          {"product_ids":[...]}
//   ctpl/<t>/<template sid>              code template
//   crun/<t>/<run sid>                   code run;  crund/<t>/<run sid> present while disabled
//   crcode/<t>/<run sid>/<index 9 digits> serial, in generation order (downloads, paging)
//   code/<t>/<serial>                    {"run_id","batch_id","index"}
//   codedis/<t>/<serial>                 present while the code is disabled individually
//   dl/gs1/<serial>                      resolver index: {"tenant","run_id","batch_id","gtin","lot"}
//   dllot/gs1/<gtin14>/<lot>             resolver index of less specific URIs: the newest run's
//                                        {"tenant","run_id","batch_id","gtin","lot","base_url"}
//   pbatch/<t>/<product_id>/<batch sid>  batches of a catalogue product (newest batches)
//   pub/<t>/<product_id>                 published product; market/all/<t>/<product_id> the same
#include "projections/codes/projection.h"

#include <fmt/format.h>

#include "core/base/json_writer.h"
#include "core/domain/event.h"
#include "events/codec/domain_codec.h"
#include "projections/base/keys.h"
#include "projections/codes/keys.h"
#include "projections/base/view_values.h"

namespace agritrace::projections {
namespace {

class CodesProjection final : public EventProjection<CodesProjection, codes::Handled, tenant_and_time> {
 public:
  std::string_view name() const override { return "codes"; }

 private:
  friend EventProjection;

  void on(const std::string& t, const std::string&, const core::CatalogueProductAdded& e, ViewBatch& b) {
    JsonWriter w;
    w.begin_object().field("product_id", e.product.product_id).field("name", e.product.name)
        .field("category", e.product.category).field("unit", e.product.unit).field("gtin", e.product.gtin)
        .end_object();
    b.put(codes::keys::catalogue(t, e.product.product_id), w.str());
  }

  void on(const std::string& t, const std::string& at, const core::MainVarietiesSet& e, ViewBatch& b) {
    JsonWriter w;
    w.begin_object().key("product_ids").begin_array();
    for (const auto& id : e.product_ids) w.value(id);
    w.end_array().field("updated_at", at).end_object();
    b.put(codes::keys::main_varieties(t), w.str());
  }

  void on(const std::string& t, const std::string& at, const core::CodeTemplateCreated& e, ViewBatch& b) {
    JsonWriter w;
    w.begin_object().field("template_id", e.template_id).field("name", e.name).field("product_id", e.product_id)
        .field("gtin", e.gtin14).field("base_url", e.base_url)
        .field("serial_format", core::serial_format_name(e.serial_format))
        .field("packaging_level", core::packaging_level_name(e.packaging_level));
    write_quantity(w, "quantity_per_code", e.quantity_per_code);
    w.field("created_at", at).end_object();
    b.put(codes::keys::code_template(t, sort_id(e.template_id)), w.str());
  }

  void on(const std::string& t, const std::string& at, const core::CodeRunStarted& e, ViewBatch& b) {
    JsonWriter w;
    w.begin_object().field("run_id", e.run_id).field("template_id", e.template_id).field("batch_id", e.batch_id)
        .field("gtin", e.gtin14).field("lot_code", e.lot_code).field("base_url", e.base_url)
        .field("serial_format", core::serial_format_name(e.serial_format))
        .field("packaging_level", core::packaging_level_name(e.packaging_level));
    write_quantity(w, "quantity_per_code", e.quantity_per_code);
    w.field("count", e.count).field("created_at", at).end_object();
    b.put(codes::keys::code_run(t, sort_id(e.run_id)), w.str());
    // The resolver's less specific URIs (/01/{gtin}/10/{lot}, /01/{gtin}): the newest run wins.
    JsonWriter l;
    l.begin_object().field("tenant", t).field("run_id", e.run_id).field("batch_id", e.batch_id)
        .field("gtin", e.gtin14).field("lot", e.lot_code).field("base_url", e.base_url).end_object();
    b.put(codes::keys::digital_link_lot("gs1", e.gtin14, e.lot_code), l.str());
  }

  void on(const std::string& t, const std::string&, const core::CodesGenerated& e, ViewBatch& b) {
    const std::string run_sid = sort_id(e.run_id);
    auto run = b.get(codes::keys::code_run(t, run_sid));
    const std::string gtin = run ? json_string_field(*run, "gtin").value_or("") : "";
    const std::string lot = run ? json_string_field(*run, "lot_code").value_or("") : "";
    const int64_t first = e.chunk * static_cast<int64_t>(core::kSerialsPerEvent);
    for (size_t i = 0; i < e.serials.size(); ++i) {
      const std::string& serial = e.serials[i];
      const int64_t index = first + static_cast<int64_t>(i);
      b.put(codes::keys::code_of_run(t, run_sid, fmt::format("{:09d}", index)), serial);
      JsonWriter c;
      c.begin_object().field("run_id", e.run_id).field("batch_id", e.batch_id).field("index", index).end_object();
      b.put(codes::keys::code(t, serial), c.str());
      JsonWriter g;
      g.begin_object().field("tenant", t).field("run_id", e.run_id).field("batch_id", e.batch_id)
          .field("gtin", gtin).field("lot", lot).end_object();
      b.put(codes::keys::digital_link("gs1", serial), g.str());
    }
  }

  static std::string reason_json(const std::string& reason, const std::string& at) {
    JsonWriter w;
    w.begin_object().field("reason", reason).field("disabled_at", at).end_object();
    return w.take();
  }

  void on(const std::string& t, const std::string& at, const core::CodeDisabled& e, ViewBatch& b) {
    b.put(codes::keys::code_disabled(t, e.serial), reason_json(e.reason, at));
  }
  void on(const std::string& t, const std::string&, const core::CodeEnabled& e, ViewBatch& b) {
    b.del(codes::keys::code_disabled(t, e.serial));
  }
  void on(const std::string& t, const std::string& at, const core::CodeRunDisabled& e, ViewBatch& b) {
    b.put(codes::keys::code_run_disabled(t, sort_id(e.run_id)), reason_json(e.reason, at));
  }
  void on(const std::string& t, const std::string&, const core::CodeRunEnabled& e, ViewBatch& b) {
    b.del(codes::keys::code_run_disabled(t, sort_id(e.run_id)));
  }

  void on(const std::string& t, const std::string&, const core::BatchCreated& e, ViewBatch& b) {
    if (e.product_id.empty()) return;
    JsonWriter w;
    w.begin_object().field("batch_id", e.batch_id).field("product", e.product).field("lot_code", e.lot_code);
    write_quantity(w, "quantity", e.quantity);
    w.field("production_date", core::format_date(e.production_date));
    w.key("expiry_date");
    if (e.expiry_date) w.value(core::format_date(*e.expiry_date)); else w.null();
    w.end_object();
    b.put(codes::keys::product_batch(t, e.product_id, sort_id(e.batch_id)), w.str());
  }

  void on(const std::string& t, const std::string& at, const core::ProductPublished& e, ViewBatch& b) {
    JsonWriter w;
    w.begin_object().field("producer_id", t).field("product_id", e.product_id).field("description", e.description)
        .field("published_at", at).end_object();
    b.put(codes::keys::publication(t, e.product_id), w.str());
    b.put(codes::keys::market_listing("all", t, e.product_id), w.str());
  }
  void on(const std::string& t, const std::string&, const core::ProductUnpublished& e, ViewBatch& b) {
    b.del(codes::keys::publication(t, e.product_id));
    b.del(codes::keys::market_listing("all", t, e.product_id));
  }
};

}  // namespace

std::unique_ptr<Projection> make_codes_projection() { return std::make_unique<CodesProjection>(); }

}  // namespace agritrace::projections
