#include "projections/public/payment_queries.h"

#include <simdjson.h>

#include <vector>

#include "core/base/digest.h"
#include "core/base/json_writer.h"
#include "projections/base/keys.h"
#include "projections/public/payment_keys.h"
#include "projections/trace/queries.h"

namespace agritrace::projections {
namespace {

struct StoredPayment {
  std::string tenant, transaction_id, channel, paid_at, paid_on;
  int64_t amount_fen = 0;
  std::vector<std::string> so_ids, batch_ids, serials;
};

std::optional<StoredPayment> parse_payment(const std::string& json) {
  simdjson::ondemand::parser parser;
  simdjson::padded_string padded(json);
  simdjson::ondemand::document doc;
  if (parser.iterate(padded).get(doc)) return std::nullopt;
  StoredPayment p;
  auto str = [&](const char* key, std::string& out) {
    std::string_view s;
    if (!doc[key].get_string().get(s)) out.assign(s);
  };
  auto strings = [&](const char* key, std::vector<std::string>& out) {
    simdjson::ondemand::array arr;
    if (doc[key].get_array().get(arr)) return;
    for (auto item : arr) {
      std::string_view s;
      if (!item.get_string().get(s)) out.emplace_back(s);
    }
  };
  str("tenant", p.tenant);
  str("transaction_id", p.transaction_id);
  str("channel", p.channel);
  if (doc["amount_fen"].get_int64().get(p.amount_fen)) return std::nullopt;
  str("paid_at", p.paid_at);
  str("paid_on", p.paid_on);
  strings("so_ids", p.so_ids);
  strings("batch_ids", p.batch_ids);
  strings("serials", p.serials);
  return p;
}

void write_strings(JsonWriter& w, std::string_view key, const std::vector<std::string>& values) {
  w.key(key).begin_array();
  for (const std::string& v : values) w.value(v);
  w.end_array();
}

}  // namespace

std::optional<VoucherPayment> find_voucher_payment(const ViewStore& v, std::string_view voucher,
                                                   int64_t amount_fen, core::Date paid_on) {
  const std::string prefix = payments::keys::by_voucher(core::sha256_hex(voucher));
  std::vector<std::pair<std::string, std::string>> found;  // tenant, transaction id
  v.scan_prefix(prefix, [&](std::string_view key, std::string_view value) {
    std::string_view rest = key.substr(prefix.size());
    found.emplace_back(std::string(rest.substr(0, rest.find('/'))), std::string(value));
    return found.size() < 16;
  });
  const std::string day = core::format_date(paid_on);
  for (const auto& [tenant, txn] : found) {
    auto record = v.get(payments::keys::payment(tenant, txn));
    if (!record) continue;
    auto p = parse_payment(*record);
    if (p && p->amount_fen == amount_fen && p->paid_on == day) return VoucherPayment{tenant, txn};
  }
  return std::nullopt;
}

Result<std::string> voucher_trace(const ViewStore& v, std::string_view voucher, int64_t amount_fen,
                                  core::Date paid_on) {
  const std::string prefix = payments::keys::by_voucher(core::sha256_hex(voucher));
  std::vector<std::pair<std::string, std::string>> found;  // tenant, transaction id
  v.scan_prefix(prefix, [&](std::string_view key, std::string_view value) {
    std::string_view rest = key.substr(prefix.size());
    found.emplace_back(std::string(rest.substr(0, rest.find('/'))), std::string(value));
    return found.size() < 16;
  });
  const std::string day = core::format_date(paid_on);
  for (const auto& [tenant, txn] : found) {
    auto record = v.get(payments::keys::payment(tenant, txn));
    if (!record) continue;
    auto p = parse_payment(*record);
    if (!p || p->amount_fen != amount_fen || p->paid_on != day) continue;
    JsonWriter w;
    w.begin_object()
        .field("voucher", std::string(voucher))
        .field("transaction_id", p->transaction_id)
        .field("channel", p->channel)
        .field("amount_fen", p->amount_fen)
        .field("paid_at", p->paid_at)
        .field("paid_on", p->paid_on);
    w.key("merchant")
        .begin_object()
        .field("name", enterprise_name_of(v, tenant))
        .field("region", enterprise_region_of(v, tenant))
        .end_object();
    write_strings(w, "batch_ids", p->batch_ids);
    w.field("linked", !p->so_ids.empty());
    w.key("codes").begin_array();
    for (const std::string& serial : p->serials) {
      auto path = code_path(v, serial);
      if (!path) continue;
      w.begin_object();
      write_code_path(w, v, "", *path);
      w.end_object();
    }
    w.end_array();
    w.end_object();
    return w.take();
  }
  return make_error(ErrorCode::kNotFound, "voucher_not_found",
                    "no payment with this voucher number, amount and date", "voucher");
}

}  // namespace agritrace::projections
