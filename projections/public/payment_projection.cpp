#include "projections/public/payment_projection.h"

#include "core/base/digest.h"
#include "core/base/json_writer.h"
#include "core/domain/event.h"
#include "projections/public/payment_keys.h"

namespace agritrace::projections {
namespace {

void write_strings(JsonWriter& w, std::string_view key, const std::vector<std::string>& values) {
  w.key(key).begin_array();
  for (const std::string& v : values) w.value(v);
  w.end_array();
}

class PaymentProjection final
    : public EventProjection<PaymentProjection, payments::Handled, tenant_and_ms> {
 public:
  std::string_view name() const override { return "payments"; }

 private:
  friend EventProjection;

  void on(const std::string& t, int64_t at_ms, const core::PaymentNotified& e, ViewBatch& b) {
    JsonWriter w;
    w.begin_object()
        .field("tenant", t)
        .field("transaction_id", e.transaction_id)
        .field("channel", e.channel)
        .field("out_trade_no", e.out_trade_no)
        .field("notification_id", e.notification_id)
        .field("amount_fen", e.amount_fen)
        .field("currency", e.currency)
        .field("paid_at", e.paid_at)
        .field("paid_on", core::format_date(e.paid_on))
        .field("notified_at", core::format_rfc3339_utc(at_ms));
    write_strings(w, "so_ids", e.so_ids);
    write_strings(w, "shipment_ids", e.shipment_ids);
    write_strings(w, "batch_ids", e.batch_ids);
    write_strings(w, "serials", e.serials);
    w.end_object();
    b.put(payments::keys::payment(t, e.transaction_id), w.str());
    b.put(payments::keys::by_voucher(core::sha256_hex(e.transaction_id), t, e.transaction_id),
          e.transaction_id);
    if (!e.out_trade_no.empty() && e.out_trade_no != e.transaction_id) {
      b.put(payments::keys::by_voucher(core::sha256_hex(e.out_trade_no), t, e.transaction_id),
            e.transaction_id);
    }
  }
};

}  // namespace

std::unique_ptr<Projection> make_payment_projection() {
  return std::make_unique<PaymentProjection>();
}

}  // namespace agritrace::projections
