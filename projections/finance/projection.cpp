#include "projections/finance/projection.h"

#include "core/base/json_writer.h"
#include "core/domain/event.h"
#include "projections/base/keys.h"
#include "projections/finance/keys.h"

namespace agritrace::projections {
namespace {

std::string joined(std::initializer_list<std::string_view> parts) {
  std::string out;
  for (std::string_view p : parts) {
    if (!out.empty()) out += kFinanceKeySep;
    out += p;
  }
  return out;
}

class FinanceProjection final : public EventProjection<FinanceProjection, finance::Handled, whole_event> {
 public:
  std::string_view name() const override { return "finance"; }

 private:
  friend EventProjection;

  void on(const events::StoredEvent& se, const core::FinanceEntryRecorded& e, ViewBatch& b) {
    const std::string& t = se.envelope.tenant;
    const std::string sid = sort_id(e.entry_id);
    const std::string date = core::format_date(e.date);
    const std::string_view direction = core::finance_direction_name(e.direction);
    JsonWriter w;
    w.begin_object().field("entry_id", e.entry_id).field("direction", direction)
        .field("amount_fen", e.amount_fen).field("category", e.category);
    w.key("counterparty_id");
    if (e.counterparty_id.empty()) w.null(); else w.value(e.counterparty_id);
    w.key("counterparty_name");
    if (e.counterparty_name.empty()) w.null(); else w.value(e.counterparty_name);
    w.field("document", e.document).field("date", date).field("note", e.note)
        .field("automatic", e.automatic)
        .field("recorded_at", core::format_rfc3339_utc(se.envelope.occurred_at_ms)).end_object();
    b.put(finance::keys::entry(t, date, sid), w.str());
    b.put(finance::keys::entry_date(t, sid), date);
    const std::string sum = joined({date, direction, e.category, e.automatic ? "auto" : "manual"});
    b.add_int(finance::keys::sum(t, sum), e.amount_fen);
    b.add_int(finance::keys::count(t, sum), 1);
    if (e.automatic && !e.document.empty()) {
      b.add_int(finance::keys::by_document(t, joined({e.category, e.document})), e.amount_fen);
    }
  }

  // The goods side of the reconciliation: what priced movements say should have been posted.
  void priced(const std::string& t, core::Date day, std::string_view category, const std::string& document,
              int64_t price_fen, ViewBatch& b) {
    const std::string date = core::format_date(day);
    b.add_int(finance::keys::priced_movements(t, joined({date, category})), price_fen);
    b.put(finance::keys::priced_movement(t, date, joined({category, document})), std::to_string(price_fen));
  }

  void on(const events::StoredEvent& se, const core::ShipmentRecorded& e, ViewBatch& b) {
    if (!e.price_fen) return;
    priced(se.envelope.tenant, e.ship_date, core::kSalesCategory, "shipment:" + e.shipment_id, *e.price_fen, b);
  }

  void on(const events::StoredEvent& se, const core::PurchaseOrderReceived& e, ViewBatch& b) {
    if (!e.price_fen) return;
    priced(se.envelope.tenant, e.received_on, core::kPurchasesCategory, "purchase_order:" + e.po_id, *e.price_fen, b);
  }

  void on(const events::StoredEvent& se, const core::GoodsReceived& e, ViewBatch& b) {
    if (!e.price_fen) return;
    priced(se.envelope.tenant, e.received_on, core::kPurchasesCategory, "receipt:" + e.receipt_id, *e.price_fen, b);
  }
};

}  // namespace

std::unique_ptr<Projection> make_finance_projection() { return std::make_unique<FinanceProjection>(); }

}  // namespace agritrace::projections
