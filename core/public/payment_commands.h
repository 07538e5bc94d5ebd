// Commands of trace-linked payment (R-4.4.P); rules in core/public/payment_rules.h. The API has
// verified the notification (signature, time window, replay, decryption) before it is a command.
#pragma once

#include <cstdint>
#include <string>

#include "core/base/civil_time.h"

namespace agritrace::core {

struct RecordPaymentNotification {
  std::string channel;  // "wechatpay" | "webhook"
  std::string transaction_id;
  std::string out_trade_no;
  std::string notification_id;
  int64_t amount_fen = 0;
  std::string currency;
  std::string paid_at;  // RFC 3339
  std::string trade_state;  // "SUCCESS" only is recorded
};

}  // namespace agritrace::core
