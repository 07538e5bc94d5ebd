// End to end on both ledgers (R-4.4.P): WeChat Pay API v3 payment notifications with keys this
// test generates (RSA-2048 platform key, AES-256-GCM under the APIv3 key), the plain HMAC webhook,
// forged and replayed notifications refused with problem+json, and the consumer's voucher lookup
// showing the trace of the code the payment bought.
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "core/base/civil_time.h"
#include "tests/e2e/base/fixtures.h"
#include "tests/support/api_client.h"
#include "tests/support/test_env.h"

namespace agritrace::testing {
namespace {

constexpr const char* kApiV3Key = "0123456789abcdefghijABCDEFGHIJ01";  // 32 bytes
constexpr const char* kWrongApiV3Key = "ZZZZ456789abcdefghijABCDEFGHIJ01";
constexpr const char* kWebhookSecret = "pos-webhook-secret-of-at-least-32-bytes";
constexpr const char* kMchId = "1900000109";
constexpr const char* kSerial = "5157F09EFDC096DE15EBE81A47057A7232F1B8E1";

struct KeyDeleter {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
using Key = std::unique_ptr<EVP_PKEY, KeyDeleter>;

Key new_rsa_key() {
  Key k(EVP_RSA_gen(2048));
  REQUIRE(k);
  return k;
}

std::string public_pem(EVP_PKEY* k) {
  BIO* bio = BIO_new(BIO_s_mem());
  REQUIRE(PEM_write_bio_PUBKEY(bio, k) == 1);
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio, &data);
  std::string pem(data, static_cast<size_t>(n));
  BIO_free(bio);
  return pem;
}

std::string b64(const std::string& bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()),
                                static_cast<int>(bytes.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

std::string sign_rsa_sha256(EVP_PKEY* k, const std::string& message) {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  size_t len = 0;
  REQUIRE(EVP_DigestSignInit(ctx, nullptr, EVP_sha256(), nullptr, k) == 1);
  REQUIRE(EVP_DigestSign(ctx, nullptr, &len, reinterpret_cast<const unsigned char*>(message.data()),
                         message.size()) == 1);
  std::string sig(len, '\0');
  REQUIRE(EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(sig.data()), &len,
                         reinterpret_cast<const unsigned char*>(message.data()),
                         message.size()) == 1);
  sig.resize(len);
  EVP_MD_CTX_free(ctx);
  return sig;
}

// base64(AES-256-GCM(plain) || tag), as WeChat Pay encrypts a notification's resource.
std::string encrypt_resource(const std::string& key, const std::string& nonce,
                             const std::string& ad, const std::string& plain) {
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  std::string out(plain.size() + 16, '\0');
  int len = 0;
  REQUIRE(EVP_EncryptInit_ex(ctx, EVP_aes_256_gcm(), nullptr, nullptr, nullptr) == 1);
  REQUIRE(EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(nonce.size()),
                              nullptr) == 1);
  REQUIRE(EVP_EncryptInit_ex(ctx, nullptr, nullptr,
                             reinterpret_cast<const unsigned char*>(key.data()),
                             reinterpret_cast<const unsigned char*>(nonce.data())) == 1);
  REQUIRE(EVP_EncryptUpdate(ctx, nullptr, &len, reinterpret_cast<const unsigned char*>(ad.data()),
                            static_cast<int>(ad.size())) == 1);
  REQUIRE(EVP_EncryptUpdate(ctx, reinterpret_cast<unsigned char*>(out.data()), &len,
                            reinterpret_cast<const unsigned char*>(plain.data()),
                            static_cast<int>(plain.size())) == 1);
  int total = len;
  REQUIRE(EVP_EncryptFinal_ex(ctx, reinterpret_cast<unsigned char*>(out.data()) + total, &len) ==
          1);
  total += len;
  REQUIRE(EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, 16, out.data() + total) == 1);
  EVP_CIPHER_CTX_free(ctx);
  out.resize(static_cast<size_t>(total) + 16);
  return b64(out);
}

std::string hmac_hex(const std::string& key, const std::string& message) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac, &len);
  std::string hex;
  for (unsigned int i = 0; i < len; ++i) hex += fmt::format("{:02x}", mac[i]);
  return hex;
}

// The transaction as WeChat Pay sends it inside the resource; paid at the test clock's now
// (Shanghai time).
std::string transaction_json(const std::string& transaction_id, const std::string& out_trade_no,
                             int64_t total) {
  const int64_t now = test_now_ms() + 8 * 3600 * 1000;
  std::string t =
      core::format_rfc3339_utc(now);  // "YYYY-MM-DDTHH:MM:SS.mmmZ" of Shanghai's wall time
  const std::string success_time = t.substr(0, 19) + "+08:00";
  return fmt::format(
      R"({{"appid":"wxd678efh567hg6787","mchid":"{}","out_trade_no":"{}","transaction_id":"{}","trade_type":"NATIVE","trade_state":"SUCCESS","trade_state_desc":"支付成功","bank_type":"CMC","attach":"","success_time":"{}","payer":{{"openid":"oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"}},"amount":{{"total":{},"payer_total":{},"currency":"CNY","payer_currency":"CNY"}}}})",
      kMchId, out_trade_no, transaction_id, success_time, total, total);
}

struct Notification {
  std::string body;
  api::HeaderList headers;
};

// A notification as WeChat Pay would send it: resource encrypted under `apiv3_key`, the message
// signed with the platform key, at `at_ms`.
Notification wechat_notification(EVP_PKEY* platform, const std::string& apiv3_key,
                                 const std::string& transaction, int64_t at_ms) {
  const std::string nonce =
      unique_suffix().substr(0, 12);  // 12 characters, as WeChat Pay's resource nonce
  const std::string ad = "transaction";
  Notification n;
  n.body = fmt::format(
      R"({{"id":"EV-{}","create_time":"{}","resource_type":"encrypt-resource","event_type":"TRANSACTION.SUCCESS","summary":"支付成功","resource":{{"original_type":"transaction","algorithm":"AEAD_AES_256_GCM","ciphertext":"{}","associated_data":"{}","nonce":"{}"}}}})",
      unique_suffix(), core::format_rfc3339_utc(at_ms),
      encrypt_resource(apiv3_key, nonce, ad, transaction), ad, nonce);
  const std::string ts = std::to_string(at_ms / 1000);
  const std::string header_nonce = unique_suffix() + unique_suffix();
  const std::string signature =
      b64(sign_rsa_sha256(platform, ts + "\n" + header_nonce + "\n" + n.body + "\n"));
  n.headers = {{"Content-Type", "application/json"},
               {"Wechatpay-Timestamp", ts},
               {"Wechatpay-Nonce", header_nonce},
               {"Wechatpay-Signature", signature},
               {"Wechatpay-Serial", kSerial}};
  return n;
}

Notification webhook_notification(const std::string& secret, const std::string& body,
                                  int64_t at_ms) {
  const std::string ts = std::to_string(at_ms / 1000);
  const std::string nonce = unique_suffix();
  return Notification{
      body,
      {{"Content-Type", "application/json"},
       {"X-Agritrace-Timestamp", ts},
       {"X-Agritrace-Nonce", nonce},
       {"X-Agritrace-Signature", hmac_hex(secret, ts + "\n" + nonce + "\n" + body + "\n")}}};
}

void set_header(api::HeaderList& headers, const std::string& name, const std::string& value) {
  for (auto& [n, v] : headers) {
    if (n == name) v = value;
  }
}

void payment_slice(Backend backend) {
  TempDir keys_dir;
  Key platform = new_rsa_key();
  Key impostor = new_rsa_key();
  {
    std::ofstream(keys_dir.path() + "/platform.pem") << public_pem(platform.get());
    std::ofstream(keys_dir.path() + "/payment_keys.json") << fmt::format(
        R"({{"merchants":[{{"uscc":"{}","wechatpay":{{"mchid":"{}","apiv3_key":"{}","platform_serial":"{}","platform_public_key_file":"platform.pem"}},"webhook":{{"secret":"{}"}}}}]}})",
        kFarmUscc, kMchId, kApiV3Key, kSerial, kWebhookSecret);
  }
  TestLedger ledger(backend);
  ServerProcess server(
      with(ledger.flags(), {"--payment-keys", keys_dir.path() + "/payment_keys.json"}));
  server.start();
  const uint16_t port = server.port();
  ApiClient farm(port, register_enterprise(port, kFarmUscc, "惠州博罗绿源农场"));
  ApiClient consumer(port);

  // A batch with codes; the farm shop sells one code, paid by WeChat Pay (voucher 4200...).
  const std::string supplier = new_counterparty(farm, individual_supplier_body());
  const ReceivedLot lot = receive_material(farm, supplier, 100);
  const std::string batch = batch_of_lot(farm, "BL-PAY-1", lot.lot_id, 50);
  std::vector<std::string> uris;
  code_run(farm, batch, "6901234000016", R"({"amount":1,"unit":"piece"})", 4, &uris);
  const std::string voucher = "4200001234" + unique_suffix().substr(0, 12);
  Reply sale =
      farm.post("/v1/retail-sales",
                fmt::format(R"({{"codes":["{}"],"payment_voucher":"{}","price_fen":2580}})",
                            uris[0], voucher));
  INFO(sale.body);
  REQUIRE(sale.status == 201);

  const std::string notify = fmt::format("/v1/public/payments/wechatpay/{}/notify", kFarmUscc);
  const std::string paid = transaction_json(voucher, "FARM-ORDER-1", 2580);
  Notification n = wechat_notification(platform.get(), kApiV3Key, paid, test_now_ms());

  // Forged: the body changed after signing (amount), signed by another key, a wrong serial.
  {
    Notification tampered = n;
    tampered.body.replace(tampered.body.find("支付成功"), std::string("支付成功").size(),
                          "支付失败");
    check_problem(consumer.call("POST", notify, tampered.body, tampered.headers), 401,
                  "notification_signature_invalid", "Wechatpay-Signature");
    Notification by_impostor = wechat_notification(impostor.get(), kApiV3Key, paid, test_now_ms());
    check_problem(consumer.call("POST", notify, by_impostor.body, by_impostor.headers), 401,
                  "notification_signature_invalid", "Wechatpay-Signature");
    Notification serial = n;
    set_header(serial.headers, "Wechatpay-Serial", "0000");
    check_problem(consumer.call("POST", notify, serial.body, serial.headers), 401,
                  "notification_serial_unknown", "Wechatpay-Serial");
    Notification no_nonce = n;
    no_nonce.headers.erase(no_nonce.headers.begin() + 2);
    check_problem(consumer.call("POST", notify, no_nonce.body, no_nonce.headers), 400,
                  "notification_header_missing", "Wechatpay-Nonce");
    // Signed by the platform, but the resource is not encrypted under this merchant's APIv3 key.
    Notification wrong_key =
        wechat_notification(platform.get(), kWrongApiV3Key, paid, test_now_ms());
    check_problem(consumer.call("POST", notify, wrong_key.body, wrong_key.headers), 422,
                  "resource_decrypt_failed", "resource");
    // Genuine but 10 minutes old (a captured notification sent again later).
    Notification stale =
        wechat_notification(platform.get(), kApiV3Key, paid, test_now_ms() - 10 * 60 * 1000);
    check_problem(consumer.call("POST", notify, stale.body, stale.headers), 401,
                  "notification_expired", "Wechatpay-Timestamp");
    // Another merchant: nothing configured.
    check_problem(
        consumer.call("POST", fmt::format("/v1/public/payments/wechatpay/{}/notify", kPlantUscc),
                      n.body, n.headers),
        404, "merchant_not_configured", "merchant");
  }

  // The genuine notification is recorded once, linked to the retail sale and its code.
  Reply ok = consumer.call("POST", notify, n.body, n.headers);
  INFO(ok.body);
  REQUIRE(ok.status == 200);
  CHECK(ok.str("/code") == "SUCCESS");
  CHECK(ok.str("/events/0/type") == "payment.notified");
  CHECK(ok.str("/events/0/subject") == voucher);
  const std::string position = ok.str("/position");
  // Replayed (the same nonce): refused; resent by the platform with a fresh nonce: answered, not
  // recorded again.
  check_problem(consumer.call("POST", notify, n.body, n.headers), 409, "notification_replayed",
                "Wechatpay-Nonce");
  Notification resent = wechat_notification(platform.get(), kApiV3Key, paid, test_now_ms());
  Reply again = consumer.call("POST", notify, resent.body, resent.headers);
  INFO(again.body);
  CHECK(again.status == 200);
  CHECK(again.str("/code") == "SUCCESS");
  CHECK(again.body.find(R"("recorded":false)") != std::string::npos);
  CHECK_FALSE(again.has("/events"));

  // The consumer: voucher + amount + day -> what the payment bought, with its code's path.
  const std::string lookup = fmt::format("/v1/public/vouchers/{}?after={}", voucher, position);
  Reply trace = consumer.get(fmt::format("{}&amount_fen=2580&date={}", lookup, test_today()));
  INFO(trace.body);
  REQUIRE(trace.status == 200);
  CHECK(trace.str("/merchant/name") == "惠州博罗绿源农场");
  CHECK(trace.str("/batch_ids/0") == batch);
  REQUIRE(trace.size("/codes") == 1);
  CHECK(trace.str("/codes/0/serial") == serial_of(uris[0]));
  CHECK(trace.str("/codes/0/status") == "sold_to_consumer");
  // Without knowing the amount and the day, nothing is told.
  check_problem(consumer.get(fmt::format("{}&amount_fen=2581&date={}", lookup, test_today())), 404,
                "voucher_not_found", "voucher");
  check_problem(
      consumer.get(fmt::format("{}&amount_fen=2580&date={}", lookup, days_from_today(-1))), 404,
      "voucher_not_found", "voucher");
  check_problem(consumer.get(fmt::format("{}&date={}", lookup, test_today())), 400,
                "amount_invalid", "amount_fen");
  // The merchant's order number finds it too.
  CHECK(consumer
            .get(fmt::format("/v1/public/vouchers/FARM-ORDER-1?after={}&amount_fen=2580&date={}",
                             position, test_today()))
            .status == 200);

  // The POS webhook (HMAC-SHA256): another sale by quantity-less codes, paid at the till.
  const std::string pos_voucher = "POS" + unique_suffix();
  REQUIRE(
      farm.post("/v1/retail-sales",
                fmt::format(R"({{"codes":["{}","{}"],"payment_voucher":"{}","price_fen":5160}})",
                            uris[1], uris[2], pos_voucher))
          .status == 201);
  const std::string hook = fmt::format("/v1/public/payments/webhook/{}", kFarmUscc);
  const std::string pos_body =
      fmt::format(R"({{"transaction_id":"{}","amount_fen":5160,"paid_at":"{}"}})", pos_voucher,
                  test_now_rfc3339());
  Notification h = webhook_notification(kWebhookSecret, pos_body, test_now_ms());
  Notification forged =
      webhook_notification("not-the-merchants-secret-but-32-bytes-long", pos_body, test_now_ms());
  check_problem(consumer.call("POST", hook, forged.body, forged.headers), 401,
                "notification_signature_invalid", "X-Agritrace-Signature");
  Reply hooked = consumer.call("POST", hook, h.body, h.headers);
  INFO(hooked.body);
  REQUIRE(hooked.status == 200);
  check_problem(consumer.call("POST", hook, h.body, h.headers), 409, "notification_replayed",
                "X-Agritrace-Nonce");
  Reply pos_trace =
      consumer.get(fmt::format("/v1/public/vouchers/{}?after={}&amount_fen=5160&date={}",
                               pos_voucher, hooked.str("/position"), test_today()));
  INFO(pos_trace.body);
  REQUIRE(pos_trace.status == 200);
  CHECK(pos_trace.size("/codes") == 2);
  CHECK(pos_trace.str("/channel") == "webhook");
}

}  // namespace

AGRITRACE_TEST_BOTH_LEDGERS(
    "R-4.4.P payment notifications (WeChat Pay v3, webhook) link vouchers to the trace",
    payment_slice)

}  // namespace agritrace::testing
