// Trace-linked payment (R-4.4.P): the payment platforms' notifications (WeChat Pay API v3 and a
// plain HMAC-signed webhook for other POS systems), verified before they become a command, and
// the consumer's voucher lookup. Protocol details: api/public/payment_notify.h; docs/PUBLIC.md.
#include <charconv>
#include <cstdlib>
#include <memory>

#include "api/http/route_kit.h"
#include "api/public/payment_notify.h"
#include "core/public/payment_rules.h"
#include "projections/public/payment_queries.h"

namespace agritrace::api {
namespace {

struct SignedHeaders {
  std::string timestamp, nonce, signature, serial;
};

// The payment routes' shared state: the merchants' keys and the nonces seen.
struct PaymentDesk {
  explicit PaymentDesk(RouteKit& k) : kit(k) {}
  RouteKit& kit;
  std::optional<PaymentKeys> keys;  // nullopt: serve was started without --payment-keys
  NonceGuard nonces;

  const MerchantPaymentKeys* merchant(std::string_view uscc) const {
    if (!keys) return nullptr;
    auto it = keys->find(uscc);
    return it == keys->end() ? nullptr : &it->second;
  }

  // The signed headers, the time window and the nonce: nullopt when they pass.
  std::optional<HttpResponse> check_envelope(const HttpRequest& req, std::string_view prefix,
                                             bool with_serial, SignedHeaders& h) {
    auto get = [&](std::string_view name, std::string& out) -> std::optional<HttpResponse> {
      const std::string header = std::string(prefix) + std::string(name);
      auto v = req.header(header);
      if (!v || v->empty() || v->size() > 1024) {
        return problem_response(400, "notification_header_missing",
                                fmt::format("the {} header is required", header), header);
      }
      out.assign(*v);
      return std::nullopt;
    };
    if (auto r = get("Timestamp", h.timestamp)) return r;
    if (auto r = get("Nonce", h.nonce)) return r;
    if (auto r = get("Signature", h.signature)) return r;
    if (with_serial) {
      if (auto r = get("Serial", h.serial)) return r;
    }
    int64_t seconds = 0;
    auto [ptr, ec] =
        std::from_chars(h.timestamp.data(), h.timestamp.data() + h.timestamp.size(), seconds);
    if (ec != std::errc() || ptr != h.timestamp.data() + h.timestamp.size() || seconds < 0 ||
        seconds > 32'503'680'000) {
      return problem_response(400, "notification_timestamp_invalid",
                              "the timestamp is Unix seconds", std::string(prefix) + "Timestamp");
    }
    const int64_t now = kit.env.now_ms();
    if (std::llabs(seconds * 1000 - now) > kNotificationWindowMs) {
      return problem_response(
          401, "notification_expired",
          "the notification's timestamp is more than 5 minutes from the server's clock",
          std::string(prefix) + "Timestamp");
    }
    return std::nullopt;
  }

  // Only after the signature is verified (a forged message must not burn a genuine nonce); the
  // nonce is remembered as long as the timestamp check would let the same message in.
  std::optional<HttpResponse> check_replay(std::string_view channel, std::string_view merchant_id,
                                           const SignedHeaders& h, std::string_view header) {
    int64_t seconds = 0;
    std::from_chars(h.timestamp.data(), h.timestamp.data() + h.timestamp.size(), seconds);
    const std::string key = fmt::format("{}/{}/{}", channel, merchant_id, h.nonce);
    if (!nonces.first_use(key, kit.env.now_ms(), seconds * 1000 + kNotificationWindowMs)) {
      return problem_response(409, "notification_replayed",
                              "this notification (nonce) was already received", header);
    }
    return std::nullopt;
  }

  void record(const HttpRequest& req, const std::string& merchant_id,
              core::RecordPaymentNotification c, Responder respond) {
    Caller caller{merchant_id, "payment:" + c.channel, false};
    const std::string transaction_id = c.transaction_id;
    // A platform's retry of a recorded voucher is answered as a success (it stops retrying), with
    // nothing recorded: the rules refuse it as payment_already_recorded.
    Responder answer = [respond = std::move(respond), transaction_id](HttpResponse r) {
      if (r.status == 409 &&
          r.body.find(R"("code":"payment_already_recorded")") != std::string::npos) {
        JsonWriter w;
        w.begin_object()
            .field("code", "SUCCESS")
            .field("recorded", false)
            .field("transaction_id", transaction_id);
        w.end_object();
        return respond(json_response(200, w.take()));
      }
      respond(std::move(r));
    };
    kit.submit(req, std::move(answer), caller, "record_payment_notification",
               core::Command(std::move(c)), 200,
               [](JsonWriter& w, const events::CommandOutcome&) {
                 w.field("code", "SUCCESS").field("recorded", true);
               },
               {{"amount_fen", "amount"}});
  }

  void wechatpay(const HttpRequest& req, const PathParams& params, Responder respond) {
    const std::string& merchant_id = path_param(params, "merchant");
    const MerchantPaymentKeys* m = merchant(merchant_id);
    if (m == nullptr || !m->wechatpay) {
      return respond(problem_response(404, "merchant_not_configured",
                                      "no WeChat Pay keys are configured for this merchant",
                                      "merchant"));
    }
    const WechatPayKeys& k = *m->wechatpay;
    SignedHeaders h;
    if (auto r = check_envelope(req, "Wechatpay-", true, h)) return respond(std::move(*r));
    if (h.serial != k.platform_serial) {
      return respond(problem_response(401, "notification_serial_unknown",
                                      "the platform certificate serial is not the configured one",
                                      "Wechatpay-Serial"));
    }
    auto signature = base64_decode(h.signature);
    const std::string message = h.timestamp + "\n" + h.nonce + "\n" + req.body + "\n";
    if (!signature || !verify_rsa_sha256(k.platform_key_pem, message, *signature)) {
      return respond(problem_response(
          401, "notification_signature_invalid",
          "the signature does not verify with the platform's public key", "Wechatpay-Signature"));
    }
    if (auto r = check_replay("wechatpay", merchant_id, h, "Wechatpay-Nonce"))
      return respond(std::move(*r));
    auto parsed = [&]() -> Result<core::RecordPaymentNotification> {
      AGT_TRY(in, JsonInput::parse(req.body));
      AGT_TRY(id, in.str("id", 64));
      AGT_TRY(event_type, in.str("event_type", 64));
      if (event_type != "TRANSACTION.SUCCESS") {
        return invalid("event_type_unsupported",
                       "only TRANSACTION.SUCCESS notifications are recorded", "event_type");
      }
      AGT_TRY(resource, in.object("resource"));
      AGT_TRY(algorithm, resource.str("algorithm", 32));
      if (algorithm != "AEAD_AES_256_GCM") {
        return invalid("algorithm_unsupported", "resource.algorithm must be AEAD_AES_256_GCM",
                       "resource.algorithm");
      }
      AGT_TRY(ciphertext, resource.str("ciphertext", 64 * 1024));
      AGT_TRY(nonce, resource.str("nonce", 64));
      AGT_TRY(ad, resource.opt_str("associated_data", 256));
      AGT_TRY(plain, decrypt_aes256gcm(k.apiv3_key, nonce, ad, ciphertext));
      AGT_TRY(tx, JsonInput::parse(plain));
      AGT_TRY(mchid, tx.str("mchid", 32));
      if (mchid != k.mchid)
        return invalid("mchid_mismatch", "the transaction is another merchant's", "mchid");
      core::RecordPaymentNotification c;
      c.channel = "wechatpay";
      c.notification_id = id;
      AGT_SET(c.transaction_id, tx.str("transaction_id", 64));
      AGT_SET(c.out_trade_no, tx.opt_str("out_trade_no", 64));
      AGT_SET(c.trade_state, tx.str("trade_state", 32));
      AGT_SET(c.paid_at, tx.str("success_time", 40));
      AGT_TRY(amount, tx.object("amount"));
      AGT_SET(c.amount_fen, amount.i64("total"));
      AGT_SET(c.currency, amount.opt_str("currency", 8));
      if (c.currency.empty()) c.currency = "CNY";
      return c;
    }();
    if (!parsed.ok()) return respond(problem_from_error(parsed.error()));
    record(req, merchant_id, std::move(*parsed), std::move(respond));
  }

  void webhook(const HttpRequest& req, const PathParams& params, Responder respond) {
    const std::string& merchant_id = path_param(params, "merchant");
    const MerchantPaymentKeys* m = merchant(merchant_id);
    if (m == nullptr || m->webhook_secret.empty()) {
      return respond(problem_response(404, "merchant_not_configured",
                                      "no webhook secret is configured for this merchant",
                                      "merchant"));
    }
    SignedHeaders h;
    if (auto r = check_envelope(req, "X-Agritrace-", false, h)) return respond(std::move(*r));
    const std::string expected =
        hmac_sha256_hex(m->webhook_secret, h.timestamp + "\n" + h.nonce + "\n" + req.body + "\n");
    if (!equal_constant_time(expected, h.signature)) {
      return respond(problem_response(
          401, "notification_signature_invalid",
          "the signature is not HMAC-SHA256 of the message under the merchant's secret",
          "X-Agritrace-Signature"));
    }
    if (auto r = check_replay("webhook", merchant_id, h, "X-Agritrace-Nonce"))
      return respond(std::move(*r));
    auto parsed = [&]() -> Result<core::RecordPaymentNotification> {
      AGT_TRY(in, JsonInput::parse(req.body));
      AGT_CHECK(in.only({"notification_id", "transaction_id", "out_trade_no", "amount_fen",
                         "currency", "paid_at"}));
      core::RecordPaymentNotification c;
      c.channel = "webhook";
      c.trade_state = "SUCCESS";
      AGT_SET(c.notification_id, in.opt_str("notification_id", 64));
      AGT_SET(c.transaction_id, in.str("transaction_id", 64));
      AGT_SET(c.out_trade_no, in.opt_str("out_trade_no", 64));
      AGT_SET(c.amount_fen, in.i64("amount_fen"));
      AGT_SET(c.currency, in.opt_str("currency", 8));
      if (c.currency.empty()) c.currency = "CNY";
      AGT_SET(c.paid_at, in.str("paid_at", 40));
      return c;
    }();
    if (!parsed.ok()) return respond(problem_from_error(parsed.error()));
    record(req, merchant_id, std::move(*parsed), std::move(respond));
  }
};

}  // namespace

void register_payment_routes(RouteKit& kit, Router& router) {
  auto desk = std::make_shared<PaymentDesk>(kit);
  if (!kit.options.payment_keys_file.empty()) {
    auto keys = load_payment_keys(kit.options.payment_keys_file);
    // serve checks the file before it starts (api/cli/main.cpp); a failure here is a race.
    if (keys.ok()) desk->keys = std::move(*keys);
  }
  router.add("POST", "/v1/public/payments/wechatpay/{merchant}/notify", "notifyWechatPayPayment",
             [desk](const HttpRequest& req, const PathParams& p, Responder respond) {
               desk->wechatpay(req, p, std::move(respond));
             });
  router.add("POST", "/v1/public/payments/webhook/{merchant}", "notifyPaymentWebhook",
             [desk](const HttpRequest& req, const PathParams& p, Responder respond) {
               desk->webhook(req, p, std::move(respond));
             });
  // The consumer's lookup: GET /v1/public/vouchers/{voucher}?amount_fen=N&date=YYYY-MM-DD.
  router.add(
      "GET", "/v1/public/vouchers/{voucher}", "lookupPaymentVoucher",
      [&kit](const HttpRequest& req, const PathParams& p, Responder respond) {
        const std::string& voucher = path_param(p, "voucher");
        if (!core::is_voucher_number(voucher)) {
          return respond(problem_response(400, "voucher_invalid",
                                          "a voucher number is 1 to 64 printable ASCII characters",
                                          "voucher"));
        }
        int64_t amount = 0;
        auto a = req.query_param("amount_fen");
        if (!a ||
            std::from_chars(a->data(), a->data() + a->size(), amount).ptr !=
                a->data() + a->size() ||
            a->empty() || amount <= 0) {
          return respond(problem_response(400, "amount_invalid",
                                          "amount_fen is the amount paid in fen", "amount_fen"));
        }
        auto d = req.query_param("date");
        if (!d)
          return respond(
              problem_response(400, "date_invalid", "date is the day paid, YYYY-MM-DD", "date"));
        auto day = core::parse_date(*d, "date");
        if (!day.ok()) return respond(problem_from_error(day.error()));
        kit.with_views(req, std::move(respond), [&kit, voucher, amount, day = *day] {
          return RouteKit::answer(projections::voucher_trace(kit.views, voucher, amount, day));
        });
      });
}

}  // namespace agritrace::api
