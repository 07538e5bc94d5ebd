#include "api/public/payment_notify.h"

#include <fmt/format.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "api/http/json_input.h"

namespace agritrace::api {
namespace {

Error config_error(std::string message) {
  return make_error(ErrorCode::kInvalidArgument, "payment_keys_invalid", std::move(message));
}

std::optional<std::string> read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

struct PkeyDeleter {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyDeleter>;

Pkey public_key_of(std::string_view pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  if (bio == nullptr) return nullptr;
  Pkey key(PEM_read_bio_PUBKEY(bio, nullptr, nullptr, nullptr));
  if (!key) {
    (void)BIO_reset(bio);
    X509* cert = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
    if (cert != nullptr) {
      key.reset(X509_get_pubkey(cert));
      X509_free(cert);
    }
  }
  BIO_free(bio);
  return key;
}

}  // namespace

std::optional<std::string> base64_decode(std::string_view text) {
  if (text.empty()) return std::string();
  if (text.size() % 4 != 0 || text.size() > (1u << 24)) return std::nullopt;
  std::string out(text.size() / 4 * 3, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(text.data()),
                                static_cast<int>(text.size()));
  if (n < 0) return std::nullopt;
  size_t len = static_cast<size_t>(n);
  if (text.back() == '=') --len;
  if (text.size() >= 2 && text[text.size() - 2] == '=') --len;
  out.resize(len);
  return out;
}

std::string base64_encode(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()),
                                static_cast<int>(bytes.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

bool verify_rsa_sha256(std::string_view pem, std::string_view message, std::string_view signature) {
  Pkey key = public_key_of(pem);
  if (!key || EVP_PKEY_base_id(key.get()) != EVP_PKEY_RSA) return false;
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  if (ctx == nullptr) return false;
  bool ok = EVP_DigestVerifyInit(ctx, nullptr, EVP_sha256(), nullptr, key.get()) == 1 &&
            EVP_DigestVerify(
                ctx, reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
                reinterpret_cast<const unsigned char*>(message.data()), message.size()) == 1;
  EVP_MD_CTX_free(ctx);
  return ok;
}

Result<std::string> decrypt_aes256gcm(std::string_view key, std::string_view nonce,
                                      std::string_view associated_data,
                                      std::string_view ciphertext_b64) {
  auto fail = [](std::string message) {
    return make_error(ErrorCode::kInvalidArgument, "resource_decrypt_failed", std::move(message),
                      "resource");
  };
  if (key.size() != 32) return fail("the APIv3 key is not 32 bytes");
  if (nonce.empty() || nonce.size() > 64) return fail("resource.nonce is missing or too long");
  auto data = base64_decode(ciphertext_b64);
  if (!data || data->size() < 16)
    return fail("resource.ciphertext is not base64 of ciphertext and tag");
  const size_t ct_len = data->size() - 16;
  std::string plain(ct_len, '\0');
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  if (ctx == nullptr) return fail("no cipher context");
  int len = 0;
  int total = 0;
  bool ok =
      EVP_DecryptInit_ex(ctx, EVP_aes_256_gcm(), nullptr, nullptr, nullptr) == 1 &&
      EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(nonce.size()), nullptr) ==
          1 &&
      EVP_DecryptInit_ex(ctx, nullptr, nullptr, reinterpret_cast<const unsigned char*>(key.data()),
                         reinterpret_cast<const unsigned char*>(nonce.data())) == 1 &&
      EVP_DecryptUpdate(ctx, nullptr, &len,
                        reinterpret_cast<const unsigned char*>(associated_data.data()),
                        static_cast<int>(associated_data.size())) == 1 &&
      EVP_DecryptUpdate(ctx, reinterpret_cast<unsigned char*>(plain.data()), &len,
                        reinterpret_cast<const unsigned char*>(data->data()),
                        static_cast<int>(ct_len)) == 1;
  total = len;
  if (ok) {
    std::string tag = data->substr(ct_len);
    ok =
        EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, 16, tag.data()) == 1 &&
        EVP_DecryptFinal_ex(ctx, reinterpret_cast<unsigned char*>(plain.data()) + total, &len) == 1;
    total += len;
  }
  EVP_CIPHER_CTX_free(ctx);
  if (!ok) return fail("the resource does not decrypt under the APIv3 key (forged or damaged)");
  plain.resize(static_cast<size_t>(total));
  return plain;
}

std::string hmac_sha256_hex(std::string_view key, std::string_view message) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac, &len);
  std::string hex;
  for (unsigned int i = 0; i < len; ++i) hex += fmt::format("{:02x}", mac[i]);
  return hex;
}

bool equal_constant_time(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

bool NonceGuard::first_use(const std::string& key, int64_t now_ms, int64_t expires_ms) {
  std::lock_guard lock(mu_);
  if (seen_.size() > 4096)
    std::erase_if(seen_, [now_ms](const auto& kv) { return kv.second < now_ms; });
  auto [it, inserted] = seen_.emplace(key, expires_ms);
  if (inserted) return true;
  if (it->second < now_ms) {  // expired: the timestamp check refuses such a message anyway
    it->second = expires_ms;
    return true;
  }
  return false;
}

Result<PaymentKeys> load_payment_keys(const std::string& path) {
  auto text = read_file(path);
  if (!text) return config_error(fmt::format("cannot read the payment keys file {}", path));
  auto in = JsonInput::parse(*text);
  if (!in.ok()) return config_error(fmt::format("{}: {}", path, in.error().message));
  const std::filesystem::path dir = std::filesystem::path(path).parent_path();
  auto where = [&](const Error& e) {
    return config_error(fmt::format("{}: {} ({})", path, e.message, e.field));
  };
  auto merchants = in->object_array("merchants", 1000);
  if (!merchants.ok()) return where(merchants.error());
  PaymentKeys keys;
  for (const JsonInput& entry : *merchants) {
    const JsonInput* m = &entry;
    auto uscc = m->str("uscc", 32);
    if (!uscc.ok()) return where(uscc.error());
    const std::string& id = *uscc;
    if (Status s = m->only({"uscc", "wechatpay", "webhook"}); !s.ok()) return where(s.error());
    MerchantPaymentKeys mk;
    if (m->has("wechatpay")) {
      auto w = m->object("wechatpay");
      if (!w.ok()) return where(w.error());
      if (Status s = w->only({"mchid", "apiv3_key", "platform_serial", "platform_public_key_file"});
          !s.ok()) {
        return where(s.error());
      }
      WechatPayKeys wk;
      auto mchid = w->str("mchid", 32);
      auto apiv3 = w->str("apiv3_key", 32);
      auto serial = w->str("platform_serial", 128);
      auto file = w->str("platform_public_key_file", 4096);
      for (const auto* r : {&mchid, &apiv3, &serial, &file}) {
        if (!r->ok()) return where(r->error());
      }
      if (apiv3->size() != 32)
        return config_error(fmt::format("{}: {}: apiv3_key must be 32 bytes", path, id));
      std::filesystem::path pem_path(*file);
      if (pem_path.is_relative()) pem_path = dir / pem_path;
      auto pem = read_file(pem_path);
      if (!pem || !public_key_of(*pem)) {
        return config_error(fmt::format("{}: {}: no PEM public key or certificate in {}", path, id,
                                        pem_path.string()));
      }
      wk.mchid = *mchid;
      wk.apiv3_key = *apiv3;
      wk.platform_serial = *serial;
      wk.platform_key_pem = *pem;
      mk.wechatpay = std::move(wk);
    }
    if (m->has("webhook")) {
      auto h = m->object("webhook");
      if (!h.ok()) return where(h.error());
      auto secret = h->str("secret", 256);
      if (!secret.ok()) return where(secret.error());
      if (secret->size() < 32)
        return config_error(fmt::format("{}: {}: webhook secret needs 32 bytes or more", path, id));
      mk.webhook_secret = *secret;
    }
    keys.emplace(id, std::move(mk));
  }
  return keys;
}

}  // namespace agritrace::api
