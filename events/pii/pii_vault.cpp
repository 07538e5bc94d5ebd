#include "events/pii/pii_vault.h"

#include <fmt/format.h>

#include <openssl/evp.h>

#include <optional>
#include <utility>
#include <variant>

#include "core/base/pii.h"

namespace agritrace::events {
namespace {

constexpr size_t kKeyBytes = 32;
constexpr size_t kNonceBytes = 12;
constexpr size_t kTagBytes = 16;
constexpr size_t kKeyIdBytes = 8;
constexpr std::string_view kMasterFile = "/master.key";
constexpr std::string_view kRingFile = "/subjects.keys";

std::string to_hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (char c : bytes) {
    const auto u = static_cast<unsigned char>(c);
    out += kDigits[u >> 4];
    out += kDigits[u & 0xF];
  }
  return out;
}

std::optional<std::string> from_hex(std::string_view hex) {
  if (hex.size() % 2 != 0) return std::nullopt;
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  std::string out;
  out.reserve(hex.size() / 2);
  for (size_t i = 0; i < hex.size(); i += 2) {
    const int hi = nibble(hex[i]), lo = nibble(hex[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out += static_cast<char>(hi * 16 + lo);
  }
  return out;
}

struct CipherCtx {
  CipherCtx() : ctx(EVP_CIPHER_CTX_new()) {}
  ~CipherCtx() { EVP_CIPHER_CTX_free(ctx); }
  CipherCtx(const CipherCtx&) = delete;
  CipherCtx& operator=(const CipherCtx&) = delete;
  EVP_CIPHER_CTX* ctx;
};

const unsigned char* bytes(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }

// AES-256-GCM: nonce | ciphertext | tag.
std::optional<std::string> gcm_seal(std::string_view key, std::string_view nonce, std::string_view aad,
                                    std::string_view plain) {
  CipherCtx c;
  std::string out(nonce);
  out.resize(kNonceBytes + plain.size() + kTagBytes);
  auto* dst = reinterpret_cast<unsigned char*>(out.data()) + kNonceBytes;
  int len = 0;
  if (c.ctx == nullptr || EVP_EncryptInit_ex(c.ctx, EVP_aes_256_gcm(), nullptr, bytes(key), bytes(nonce)) != 1 ||
      EVP_EncryptUpdate(c.ctx, nullptr, &len, bytes(aad), static_cast<int>(aad.size())) != 1 ||
      EVP_EncryptUpdate(c.ctx, dst, &len, bytes(plain), static_cast<int>(plain.size())) != 1 ||
      EVP_EncryptFinal_ex(c.ctx, dst + len, &len) != 1 ||
      EVP_CIPHER_CTX_ctrl(c.ctx, EVP_CTRL_GCM_GET_TAG, kTagBytes, dst + plain.size()) != 1) {
    return std::nullopt;
  }
  return out;
}

std::optional<std::string> gcm_open(std::string_view key, std::string_view aad, std::string_view sealed) {
  if (sealed.size() < kNonceBytes + kTagBytes) return std::nullopt;
  const std::string_view nonce = sealed.substr(0, kNonceBytes);
  const std::string_view body = sealed.substr(kNonceBytes, sealed.size() - kNonceBytes - kTagBytes);
  std::string tag(sealed.substr(sealed.size() - kTagBytes));
  CipherCtx c;
  std::string out(body.size(), '\0');
  auto* dst = reinterpret_cast<unsigned char*>(out.data());
  int len = 0;
  if (c.ctx == nullptr || EVP_DecryptInit_ex(c.ctx, EVP_aes_256_gcm(), nullptr, bytes(key), bytes(nonce)) != 1 ||
      EVP_DecryptUpdate(c.ctx, nullptr, &len, bytes(aad), static_cast<int>(aad.size())) != 1 ||
      EVP_DecryptUpdate(c.ctx, dst, &len, bytes(body), static_cast<int>(body.size())) != 1 ||
      EVP_CIPHER_CTX_ctrl(c.ctx, EVP_CTRL_GCM_SET_TAG, kTagBytes, tag.data()) != 1 ||
      EVP_DecryptFinal_ex(c.ctx, dst + len, &len) != 1) {
    return std::nullopt;  // wrong key or altered bytes
  }
  return out;
}

Error key_invalid(std::string message) {
  return make_error(ErrorCode::kInvalidArgument, "pii_key_invalid", std::move(message), "pii-key-dir");
}

Result<std::string> random_string(Env& env, size_t n) {
  std::string out(n, '\0');
  Status s = env.random_bytes(out.data(), n);
  if (!s.ok()) return s.error();
  return out;
}

// The counterparty events and complaints, and their personal fields.
// The counterparty and filed-entity events and their personal fields.
template <class F>
void for_each_personal_field(core::Event& event, F&& f) {
  auto record_fields = [&](const std::string& id, core::CounterpartyRecord& r) {
    f(id, std::string_view("id_number"), r.id_number);
    f(id, std::string_view("phone"), r.phone);
  };
  if (auto* reg = std::get_if<core::CounterpartyRegistered>(&event)) record_fields(reg->counterparty_id, reg->record);
  if (auto* am = std::get_if<core::CounterpartyAmended>(&event)) record_fields(am->counterparty_id, am->record);
  // a complainant's phone, one subject per case.
  if (auto* filed = std::get_if<core::ComplaintFiled>(&event)) {
    f("complaint/" + filed->case_id, std::string_view("phone"), filed->phone);
  }
  // an entity filed by a bureau (subject "regulators/fe-N").
  auto entity_fields = [&](const std::string& id, core::EntityRecord& r) {
    f(id, std::string_view("id_number"), r.id_number);
    f(id, std::string_view("phone"), r.phone);
  };
  if (auto* fe = std::get_if<core::EntityFiled>(&event)) entity_fields(fe->entity_id, fe->record);
  if (auto* ea = std::get_if<core::EntityAmended>(&event)) entity_fields(ea->entity_id, ea->record);
}

std::string subject_of(const std::string& tenant, const std::string& id) { return tenant + "/" + id; }

}  // namespace

PiiVault::PiiVault(Env& env, std::string key_dir, std::string master)
    : env_(env), key_dir_(std::move(key_dir)), master_(std::move(master)) {}

Result<std::unique_ptr<PiiVault>> PiiVault::open(Env& env, const std::string& key_dir) {
  if (Status s = env.create_dirs(key_dir, 0700); !s.ok()) return s.error();
  const std::string master_path = key_dir + std::string(kMasterFile);
  std::string master;
  if (env.file_exists(master_path)) {
    auto text = env.read_file(master_path);
    if (!text.ok()) return text.error();
    std::string_view hex = *text;
    while (!hex.empty() && (hex.back() == '\n' || hex.back() == '\r')) hex.remove_suffix(1);
    auto raw = from_hex(hex);
    if (!raw || raw->size() != kKeyBytes) return key_invalid(master_path + " is not 64 hex characters");
    master = std::move(*raw);
  } else {
    auto drawn = random_string(env, kKeyBytes);
    if (!drawn.ok()) return drawn.error();
    master = std::move(drawn).value();
    if (Status s = env.write_file_durably(master_path, to_hex(master) + "\n"); !s.ok()) return s.error();
  }
  std::unique_ptr<PiiVault> vault(new PiiVault(env, key_dir, std::move(master)));
  if (Status s = vault->load_ring(); !s.ok()) return s.error();
  return vault;
}

namespace {
// The associated data a subject key is wrapped with: "ring:<subject>:<key id>".
std::string ring_context(std::string_view subject, std::string_view key_id) {
  return fmt::format("ring:{}:{}", subject, key_id);
}
// The ring file's path; fmt::format, because GCC 12 warns (-Wrestrict, a false positive) about
// `key_dir_ + std::string(kRingFile)` in a Release build.
std::string ring_path(std::string_view key_dir) { return fmt::format("{}{}", key_dir, kRingFile); }
}  // namespace

Status PiiVault::load_ring() {
  const std::string path = ring_path(key_dir_);
  if (!env_.file_exists(path)) return Status::Ok();
  auto text = env_.read_file(path);
  if (!text.ok()) return text.error();
  std::string_view rest = *text;
  while (!rest.empty()) {
    const size_t nl = rest.find('\n');
    const std::string_view line = rest.substr(0, nl);
    rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
    if (line.empty()) continue;
    const size_t t1 = line.find('\t');
    const size_t t2 = t1 == std::string_view::npos ? t1 : line.find('\t', t1 + 1);
    if (t2 == std::string_view::npos) return key_invalid(path + ": malformed line");
    auto subject = from_hex(line.substr(0, t1));
    const std::string key_id(line.substr(t1 + 1, t2 - t1 - 1));
    auto wrapped = from_hex(line.substr(t2 + 1));
    if (!subject || !wrapped) return key_invalid(path + ": malformed line");
    auto key = gcm_open(master_, ring_context(*subject, key_id), *wrapped);
    if (!key || key->size() != kKeyBytes) {
      return key_invalid(path + ": a subject key does not open with this master key");
    }
    keys_[*subject] = SubjectKey{key_id, std::move(*key)};
  }
  return Status::Ok();
}

Status PiiVault::save_ring() {
  std::string text;
  for (const auto& [subject, k] : keys_) {
    auto nonce = random_string(env_, kNonceBytes);
    if (!nonce.ok()) return nonce.error();
    auto wrapped = gcm_seal(master_, *nonce, ring_context(subject, k.key_id), k.key);
    if (!wrapped) return make_error(ErrorCode::kInternal, "pii_seal_failed", "cannot wrap a subject key");
    text += to_hex(subject) + "\t" + k.key_id + "\t" + to_hex(*wrapped) + "\n";
  }
  return env_.write_file_durably(ring_path(key_dir_), text);
}

Result<PiiVault::SubjectKey> PiiVault::key_for(const std::string& subject) {
  if (auto it = keys_.find(subject); it != keys_.end()) return it->second;
  auto key = random_string(env_, kKeyBytes);
  if (!key.ok()) return key.error();
  auto id = random_string(env_, kKeyIdBytes);
  if (!id.ok()) return id.error();
  keys_[subject] = SubjectKey{to_hex(*id), std::move(key).value()};
  if (Status s = save_ring(); !s.ok()) {
    keys_.erase(subject);
    return s.error();
  }
  return keys_[subject];
}

Result<std::string> PiiVault::seal_value(const std::string& subject, std::string_view field,
                                         std::string_view plain, const SubjectKey& key) {
  auto nonce = random_string(env_, kNonceBytes);
  if (!nonce.ok()) return nonce.error();
  auto sealed = gcm_seal(key.key, *nonce, subject + ":" + std::string(field), plain);
  if (!sealed) return make_error(ErrorCode::kInternal, "pii_seal_failed", "cannot seal personal data");
  return std::string(core::kPiiSealedPrefix) + key.key_id + ":" + to_hex(*sealed);
}

std::string PiiVault::open_value(const std::string& subject, std::string_view field,
                                 const std::string& sealed) const {
  const std::string_view rest = std::string_view(sealed).substr(core::kPiiSealedPrefix.size());
  const size_t colon = rest.find(':');
  if (colon == std::string_view::npos) return std::string(core::kPiiErased);
  auto it = keys_.find(subject);
  if (it == keys_.end() || it->second.key_id != rest.substr(0, colon)) return std::string(core::kPiiErased);
  auto raw = from_hex(rest.substr(colon + 1));
  if (!raw) return std::string(core::kPiiErased);
  auto plain = gcm_open(it->second.key, subject + ":" + std::string(field), *raw);
  return plain ? std::move(*plain) : std::string(core::kPiiErased);
}

Status PiiVault::seal(const std::string& tenant, core::Event& event) {
  std::lock_guard lock(mu_);
  if (const auto* erased = std::get_if<core::CounterpartyPersonalDataErased>(&event)) {
    const std::string subject = subject_of(tenant, erased->counterparty_id);
    if (keys_.erase(subject) == 0) return Status::Ok();
    return save_ring();
  }
  Status result = Status::Ok();
  for_each_personal_field(event, [&](const std::string& id, std::string_view field, std::string& value) {
    if (!result.ok() || value.empty() || value == core::kPiiErased || core::is_pii_sealed(value)) return;
    const std::string subject = subject_of(tenant, id);
    auto key = key_for(subject);
    if (!key.ok()) {
      result = key.status();
      return;
    }
    auto sealed = seal_value(subject, field, value, *key);
    if (!sealed.ok()) {
      result = sealed.status();
      return;
    }
    value = std::move(sealed).value();
  });
  return result;
}

void PiiVault::open(const std::string& tenant, core::Event& event) const {
  std::lock_guard lock(mu_);
  for_each_personal_field(event, [&](const std::string& id, std::string_view field, std::string& value) {
    if (core::is_pii_sealed(value)) value = open_value(subject_of(tenant, id), field, value);
  });
}

Status PiiVault::erase(const std::string& tenant, const std::string& subject_id) {
  std::lock_guard lock(mu_);
  if (keys_.erase(subject_of(tenant, subject_id)) == 0) return Status::Ok();
  return save_ring();
}

size_t PiiVault::subject_keys() const {
  std::lock_guard lock(mu_);
  return keys_.size();
}

}  // namespace agritrace::events
