// Rules and fold of trace-linked payment (R-4.4.P).
#include <algorithm>

#include "core/base/rule_errors.h"
#include "core/public/payment_rules.h"

namespace agritrace::core {

bool is_voucher_number(std::string_view s) {
  if (s.empty() || s.size() > kMaxVoucherBytes) return false;
  return std::all_of(s.begin(), s.end(), [](char ch) { return ch > 0x20 && ch < 0x7f; });
}

namespace {

void add_unique(std::vector<std::string>& to, const std::string& v) {
  if (std::find(to.begin(), to.end(), v) == to.end()) to.push_back(v);
}

}  // namespace

Result<std::vector<Event>> decide(const TenantState& state, const RecordPaymentNotification& c,
                                  const Context&) {
  if (c.channel != "wechatpay" && c.channel != "webhook") {
    return invalid("channel_invalid", "channel is wechatpay or webhook", "channel");
  }
  if (!is_voucher_number(c.transaction_id)) {
    return invalid("transaction_id_invalid",
                   "a voucher number is 1 to 64 printable ASCII characters without spaces",
                   "transaction_id");
  }
  if (!c.out_trade_no.empty() && !is_voucher_number(c.out_trade_no)) {
    return invalid("out_trade_no_invalid",
                   "a merchant order number is 1 to 64 printable ASCII characters without spaces",
                   "out_trade_no");
  }
  if (c.trade_state != "SUCCESS") {
    return invalid("trade_state_not_success",
                   "only a successful payment (trade_state SUCCESS) is recorded", "trade_state");
  }
  if (c.amount_fen <= 0)
    return invalid("amount_invalid", "the amount is a positive number of fen", "amount");
  if (c.currency != "CNY") return invalid("currency_invalid", "the currency is CNY", "currency");
  auto paid_ms = parse_rfc3339(c.paid_at, "success_time");
  if (!paid_ms.ok()) return paid_ms.error();
  // A platform sends a notification again until it is answered: the same voucher is recorded once
  // (the API answers this refusal as a success, api/public/payment_routes.cpp).
  if (state.payments.notified.contains(c.transaction_id)) {
    return conflict("payment_already_recorded", "this voucher's payment is already recorded", "transaction_id");
  }

  PaymentNotified e;
  e.transaction_id = c.transaction_id;
  e.channel = c.channel;
  e.out_trade_no = c.out_trade_no;
  e.notification_id = c.notification_id;
  e.amount_fen = c.amount_fen;
  e.currency = c.currency;
  e.paid_at = c.paid_at;
  e.paid_on = date_from_unix_ms(*paid_ms, 480);
  for (const std::string* voucher : {&c.transaction_id, &c.out_trade_no}) {
    if (voucher->empty()) continue;
    auto it = state.payments.sales_by_voucher.find(*voucher);
    if (it == state.payments.sales_by_voucher.end()) continue;
    for (const VoucherSale& s : it->second) {
      add_unique(e.so_ids, s.so_id);
      add_unique(e.shipment_ids, s.shipment_id);
      add_unique(e.batch_ids, s.batch_id);
      for (const std::string& serial : s.serials) add_unique(e.serials, serial);
    }
  }
  return std::vector<Event>{std::move(e)};
}

void evolve(TenantState& state, const PaymentNotified& e) {
  state.payments.notified.insert(e.transaction_id);
  state.payments.by_transaction[e.transaction_id] =
      NotifiedPayment{e.amount_fen, e.paid_on, e.batch_ids, e.serials};
}

}  // namespace agritrace::core
