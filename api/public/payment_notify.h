// Payment notifications (R-4.4.P), verified for real before anything reaches the ledger:
//  - WeChat Pay API v3 (微信支付 APIv3 支付通知): the platform signs "timestamp\nnonce\nbody\n"
//  with
//    RSA-SHA256 (PKCS#1 v1.5) and sends Wechatpay-Timestamp / -Nonce / -Signature (base64) /
//    -Serial; the transaction is the body's `resource`, encrypted with AEAD_AES_256_GCM under the
//    merchant's APIv3 key (nonce, associated_data, ciphertext||tag in base64).
//  - a plain signed webhook for other POS systems: X-Agritrace-Timestamp / -Nonce / -Signature,
//    the signature being hex HMAC-SHA256(secret, "timestamp\nnonce\nbody\n").
// Both refuse a timestamp outside ±5 minutes of the Env clock and a nonce seen before within
// that window. The merchants' keys come from a file given to `serve --payment-keys`.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "core/base/status.h"

namespace agritrace::api {

inline constexpr int64_t kNotificationWindowMs = 5 * 60 * 1000;

struct WechatPayKeys {
  std::string mchid;
  std::string apiv3_key;         // 32 bytes
  std::string platform_serial;   // the serial of the platform certificate / public key
  std::string platform_key_pem;  // PEM public key or certificate
};

struct MerchantPaymentKeys {
  std::optional<WechatPayKeys> wechatpay;
  std::string webhook_secret;  // empty: no webhook
};

// The --payment-keys file (JSON):
//   {"merchants": [{"uscc": "<USCC>", "wechatpay": {"mchid": "...", "apiv3_key": "<32 bytes>",
//      "platform_serial": "...", "platform_public_key_file": "wechatpay_platform.pem"},
//      "webhook": {"secret": "<at least 32 bytes>"}}]}
// Key files are read relative to the file's folder.
using PaymentKeys = std::map<std::string, MerchantPaymentKeys, std::less<>>;
Result<PaymentKeys> load_payment_keys(const std::string& path);

// Standard base64 (with padding) -> bytes; nullopt when malformed.
std::optional<std::string> base64_decode(std::string_view text);
std::string base64_encode(std::string_view bytes);

// RSA-SHA256 (PKCS#1 v1.5) signature of `message` by the key of `pem` (a public key or an X.509
// certificate). False for a bad key, a bad signature or a malformed one.
bool verify_rsa_sha256(std::string_view pem, std::string_view message, std::string_view signature);

// AEAD_AES_256_GCM decryption of a WeChat Pay resource (ciphertext = base64(ct || 16-byte tag)).
Result<std::string> decrypt_aes256gcm(std::string_view key, std::string_view nonce,
                                      std::string_view associated_data,
                                      std::string_view ciphertext_b64);

// Lowercase hex HMAC-SHA256.
std::string hmac_sha256_hex(std::string_view key, std::string_view message);
// Constant-time equality of two strings.
bool equal_constant_time(std::string_view a, std::string_view b);

// Nonces seen within the window (per merchant): a second use is a replay. In memory: after a
// restart a replayed notification passes this check but records nothing new, because the ledger
// records a transaction once (core/public/payment_decide.cpp).
class NonceGuard {
 public:
  // True the first time (key, nonce) is seen (remembered until expires_ms); false for a replay.
  bool first_use(const std::string& key, int64_t now_ms, int64_t expires_ms);

 private:
  std::mutex mu_;
  std::map<std::string, int64_t> seen_;  // key -> expiry (ms)
};

}  // namespace agritrace::api
