// Events of trace-linked payment (R-4.4.P): a payment platform's notification that a payment
// voucher was paid, linked to the retail sales recorded with that voucher (core/retail).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "core/base/civil_time.h"
#include "core/base/describe.h"

namespace agritrace::core {

// .P: a verified payment notification (WeChat Pay API v3 or a POS's signed webhook). The
// links (sales orders, shipments, batches, codes) are the retail sales this tenant recorded with
// the voucher before the notification arrived; a sale recorded later is joined by the voucher
// lookup from its own shipment.
struct PaymentNotified {
  static constexpr std::string_view kType = "payment.notified";
  std::string transaction_id;  // the platform's voucher number (WeChat 交易单号)
  std::string channel;         // "wechatpay" | "webhook"
  std::string out_trade_no;    // the merchant's order number (商户单号), may be empty
  std::string notification_id;
  int64_t amount_fen = 0;
  std::string currency;        // "CNY"
  std::string paid_at;         // RFC 3339 as the platform sent it
  Date paid_on;                // the platform day (UTC+8) of paid_at
  std::vector<std::string> so_ids;        // linked retail sales orders
  std::vector<std::string> shipment_ids;  // their shipments
  std::vector<std::string> batch_ids;     // the batches sold (origin batches for bought goods)
  std::vector<std::string> serials;       // the codes sold
  bool operator==(const PaymentNotified&) const = default;
  static constexpr auto kFields = std::make_tuple(
      describe::field("transaction_id", &PaymentNotified::transaction_id),
      describe::field("channel", &PaymentNotified::channel),
      describe::field("out_trade_no", &PaymentNotified::out_trade_no),
      describe::field("notification_id", &PaymentNotified::notification_id),
      describe::field("amount_fen", &PaymentNotified::amount_fen),
      describe::field("currency", &PaymentNotified::currency),
      describe::field("paid_at", &PaymentNotified::paid_at),
      describe::field("paid_on", &PaymentNotified::paid_on),
      describe::field("so_ids", &PaymentNotified::so_ids),
      describe::field("shipment_ids", &PaymentNotified::shipment_ids),
      describe::field("batch_ids", &PaymentNotified::batch_ids),
      describe::field("serials", &PaymentNotified::serials));
};

}  // namespace agritrace::core
