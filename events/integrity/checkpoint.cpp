#include "events/integrity/checkpoint.h"

#include <fmt/format.h>
#include <simdjson.h>
#include <sodium.h>

#include <algorithm>

#include "core/base/json_writer.h"

namespace agritrace::events {
namespace {

constexpr std::string_view kSecretTag = "agritrace-ed25519-secret ";
constexpr std::string_view kPublicTag = "agritrace-ed25519-public ";

Status sodium_ready() {
  if (sodium_init() < 0) {
    return make_error(ErrorCode::kInternal, "crypto_unavailable", "libsodium failed to initialise");
  }
  return Status::Ok();
}

std::string to_hex(std::string_view bytes) {
  std::string out(bytes.size() * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                 bytes.size());
  out.pop_back();
  return out;
}

std::optional<std::string> from_hex(std::string_view hex, size_t bytes) {
  if (hex.size() != bytes * 2) return std::nullopt;
  std::string out(bytes, '\0');
  size_t len = 0;
  if (sodium_hex2bin(reinterpret_cast<unsigned char*>(out.data()), bytes, hex.data(), hex.size(),
                     nullptr, &len, nullptr) != 0 ||
      len != bytes) {
    return std::nullopt;
  }
  return out;
}

std::string_view trimmed(std::string_view s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' '))
    s.remove_suffix(1);
  return s;
}

Error bad_key(std::string what) {
  return make_error(ErrorCode::kInvalidArgument, "checkpoint_key_invalid", std::move(what));
}

Error unreadable(std::string_view why) {
  return make_error(ErrorCode::kCorruption, "checkpoint_unreadable",
                    fmt::format("not a readable checkpoint: {}", why));
}

}  // namespace

Result<SigningKey> generate_signing_key(Env& env) {
  if (Status s = sodium_ready(); !s.ok()) return s.error();
  unsigned char seed[crypto_sign_SEEDBYTES];
  if (Status s = env.random_bytes(seed, sizeof seed); !s.ok()) return s.error();
  unsigned char pk[crypto_sign_PUBLICKEYBYTES];
  unsigned char sk[crypto_sign_SECRETKEYBYTES];
  crypto_sign_seed_keypair(pk, sk, seed);
  sodium_memzero(seed, sizeof seed);
  SigningKey key{std::string(reinterpret_cast<char*>(sk), sizeof sk),
                 std::string(reinterpret_cast<char*>(pk), sizeof pk)};
  sodium_memzero(sk, sizeof sk);
  return key;
}

std::string format_secret_key_file(const SigningKey& key) {
  return std::string(kSecretTag) + to_hex(key.secret) + "\n";
}

std::string format_public_key_file(const SigningKey& key) {
  return std::string(kPublicTag) + to_hex(key.public_key) + "\n";
}

Result<SigningKey> parse_secret_key_file(std::string_view text) {
  text = trimmed(text);
  if (!text.starts_with(kSecretTag)) {
    return bad_key("not an agritrace secret key file (made by `agritrace keygen`)");
  }
  auto sk = from_hex(text.substr(kSecretTag.size()), crypto_sign_SECRETKEYBYTES);
  if (!sk) return bad_key("the secret key file does not hold a 64-byte key in hex");
  // An Ed25519 secret key holds its public key in its last 32 bytes.
  return SigningKey{*sk, sk->substr(crypto_sign_SECRETKEYBYTES - crypto_sign_PUBLICKEYBYTES)};
}

Result<std::string> parse_public_key_file(std::string_view text) {
  text = trimmed(text);
  if (!text.starts_with(kPublicTag)) {
    return bad_key("not an agritrace public key file (made by `agritrace keygen`)");
  }
  auto pk = from_hex(text.substr(kPublicTag.size()), crypto_sign_PUBLICKEYBYTES);
  if (!pk) return bad_key("the public key file does not hold a 32-byte key in hex");
  return *pk;
}

std::string key_id(std::string_view public_key) {
  return to_hex(public_key.substr(0, std::min<size_t>(8, public_key.size())));
}

std::string Checkpoint::body() const {
  JsonWriter w;
  w.begin_object()
      .field("agritrace_checkpoint", int64_t{1})
      .field("ledger", ledger)
      .field("number", number)
      .field("created_at_ms", created_at_ms)
      .field("events", events);
  w.key("ends").begin_array();
  for (int64_t e : ends) w.value(e);
  w.end_array();
  w.key("tenants").begin_array();
  for (const TenantHead& t : tenants) {
    w.begin_array()
        .value(t.tenant)
        .value(t.seq)
        .value(t.hash)
        .value(t.position.to_string())
        .end_array();
  }
  w.end_array();
  if (audit) {
    // Only when present: the bytes (and so the signatures) of older checkpoints are unchanged.
    w.key("audit").begin_array().value(audit->seq).value(audit->hash).end_array();
  }
  w.end_object();
  return w.take();
}

std::string Checkpoint::encode() const {
  std::string out = body();
  out.pop_back();  // the closing brace: key id and signature follow the signed members
  JsonWriter tail;
  tail.begin_object().field("key_id", key_id).field("signature", signature).end_object();
  out += ",";
  out += std::string_view(tail.str()).substr(1);
  return out;
}

void Checkpoint::sign(const SigningKey& key) {
  (void)sodium_ready();
  const std::string b = body();
  unsigned char sig[crypto_sign_BYTES];
  crypto_sign_detached(sig, nullptr, reinterpret_cast<const unsigned char*>(b.data()), b.size(),
                       reinterpret_cast<const unsigned char*>(key.secret.data()));
  signature = to_hex(std::string_view(reinterpret_cast<char*>(sig), sizeof sig));
  key_id = events::key_id(key.public_key);
}

bool Checkpoint::signed_by(std::string_view public_key) const {
  if (!sodium_ready().ok() || public_key.size() != crypto_sign_PUBLICKEYBYTES) return false;
  auto sig = from_hex(signature, crypto_sign_BYTES);
  if (!sig) return false;
  const std::string b = body();
  return crypto_sign_verify_detached(reinterpret_cast<const unsigned char*>(sig->data()),
                                     reinterpret_cast<const unsigned char*>(b.data()), b.size(),
                                     reinterpret_cast<const unsigned char*>(public_key.data())) ==
         0;
}

Result<Checkpoint> decode_checkpoint(std::string_view line) {
  line = trimmed(line);
  simdjson::ondemand::parser parser;
  simdjson::padded_string padded(line);
  simdjson::ondemand::document doc;
  simdjson::ondemand::object obj;
  if (parser.iterate(padded).get(doc) || doc.get_object().get(obj))
    return unreadable("not a JSON object");
  Checkpoint c;
  bool versioned = false;
  for (auto field : obj) {
    std::string_view key;
    if (field.unescaped_key().get(key)) return unreadable("bad key");
    auto val = field.value();
    std::string_view sv;
    bool bad = false;
    if (key == "agritrace_checkpoint") {
      int64_t v = 0;
      bad = val.get_int64().get(v) || v != 1;
      versioned = true;
    } else if (key == "ledger" || key == "key_id" || key == "signature") {
      bad = val.get_string().get(sv);
      (key == "ledger" ? c.ledger : key == "key_id" ? c.key_id : c.signature).assign(sv);
    } else if (key == "number" || key == "events") {
      bad = val.get_uint64().get(key == "number" ? c.number : c.events);
    } else if (key == "created_at_ms") {
      bad = val.get_int64().get(c.created_at_ms);
    } else if (key == "ends") {
      simdjson::ondemand::array arr;
      bad = val.get_array().get(arr);
      for (auto item : arr) {
        int64_t v = 0;
        if (bad || item.get_int64().get(v)) return unreadable("ends");
        c.ends.push_back(v);
      }
    } else if (key == "tenants") {
      simdjson::ondemand::array arr;
      bad = val.get_array().get(arr);
      for (auto item : arr) {
        simdjson::ondemand::array t;
        if (bad || item.get_array().get(t)) return unreadable("tenants");
        TenantHead h;
        std::string_view tenant, hash, pos;
        size_t index = 0;
        for (auto element : t) {
          const bool bad_element =
              index == 0   ? element.get_string().get(tenant) != simdjson::SUCCESS
              : index == 1 ? element.get_int64().get(h.seq) != simdjson::SUCCESS
              : index == 2 ? element.get_string().get(hash) != simdjson::SUCCESS
              : index == 3 ? element.get_string().get(pos) != simdjson::SUCCESS
                           : true;
          if (bad_element) return unreadable("tenant head");
          ++index;
        }
        if (index != 4) return unreadable("tenant head");
        auto p = parse_position(pos);
        if (!p.ok()) return unreadable("tenant position");
        h.tenant.assign(tenant);
        h.hash.assign(hash);
        h.position = *p;
        c.tenants.push_back(std::move(h));
      }
    } else if (key == "audit") {
      simdjson::ondemand::array arr;
      if (val.get_array().get(arr)) return unreadable("audit");
      AuditHead head;
      std::string_view hash;
      size_t index = 0;
      for (auto element : arr) {
        const bool bad_element =
            index == 0   ? element.get_int64().get(head.seq) != simdjson::SUCCESS
            : index == 1 ? element.get_string().get(hash) != simdjson::SUCCESS
                         : true;
        if (bad_element) return unreadable("audit head");
        ++index;
      }
      if (index != 2) return unreadable("audit head");
      head.hash.assign(hash);
      c.audit = std::move(head);
    }
    if (bad) return unreadable(key);
  }
  if (!versioned) return unreadable("no agritrace_checkpoint member");
  return c;
}

const char* finding_name(Finding f) {
  switch (f) {
    case Finding::kIntact:
      return "intact";
    case Finding::kChainBroken:
      return "chain_broken";
    case Finding::kTruncated:
      return "truncated";
    case Finding::kTenantErased:
      return "tenant_erased";
    case Finding::kRewritten:
      return "rewritten";
    case Finding::kCheckpointForged:
      return "checkpoint_forged";
    case Finding::kLedgerVanished:
      return "ledger_vanished";
  }
  return "?";
}

void ChainFold::watch(const Checkpoint& c) {
  for (const TenantHead& t : c.tenants) watched_[t.tenant] = {t.seq, std::string()};
}

void ChainFold::observe(const StoredEvent& se) {
  const Envelope& e = se.envelope;
  ++events_;
  if (se.position.partition >= 0) {
    const auto p = static_cast<size_t>(se.position.partition);
    if (next_.size() <= p) next_.resize(p + 1, 0);
    next_[p] = std::max(next_[p], se.position.offset + 1);
  }
  if (chain_.finding != Finding::kIntact) return;
  Head& h = heads_[e.tenant];
  std::string problem;
  if (e.tenant_seq != h.seq + 1) {
    problem = fmt::format("sequence jumps from {} to {}", h.seq, e.tenant_seq);
  } else if (e.prev_hash != h.hash) {
    problem = "prev_hash does not match the previous event's hash";
  } else if (compute_chain_hash(e) != e.hash) {
    problem = "hash does not match the event's bytes (altered event)";
  }
  if (!problem.empty()) {
    chain_.finding = Finding::kChainBroken;
    chain_.detail = fmt::format("tenant {} seq {} at {}: {}", e.tenant, e.tenant_seq,
                                se.position.to_string(), problem);
    return;
  }
  h.seq = e.tenant_seq;
  h.hash = e.hash;
  h.position = se.position;
  if (auto w = watched_.find(e.tenant); w != watched_.end() && w->second.first == e.tenant_seq) {
    w->second.second = e.hash;
  }
}

Checkpoint ChainFold::snapshot(int32_t partitions) const {
  Checkpoint c;
  c.ends = next_;
  c.ends.resize(static_cast<size_t>(std::max(partitions, 0)), 0);
  c.events = events_;
  for (const auto& [tenant, h] : heads_)
    c.tenants.push_back(TenantHead{tenant, h.seq, h.hash, h.position});
  return c;
}

IntegrityReport ChainFold::compare(const Checkpoint& c, const std::vector<int64_t>& ends) const {
  const std::string at =
      fmt::format("{}checkpoint {}", c.key_id.empty() ? "" : "signed ", c.number);
  if (events_ == 0 && c.events > 0) {
    return {Finding::kLedgerVanished,
            fmt::format("the ledger is empty, but {} recorded {} events of {} tenants in it", at,
                        c.events, c.tenants.size())};
  }
  for (const TenantHead& t : c.tenants) {
    auto h = heads_.find(t.tenant);
    if (h == heads_.end()) {
      return {
          Finding::kTenantErased,
          fmt::format("tenant {} has no event, but {} recorded its chain at seq {} (at {}, hash "
                      "{})",
                      t.tenant, at, t.seq, t.position.to_string(), t.hash)};
    }
    if (h->second.seq < t.seq) {
      return {
          Finding::kTruncated,
          fmt::format("tenant {} ends at seq {} (at {}), but {} recorded seq {} at {} (hash {}): "
                      "{} events missing",
                      t.tenant, h->second.seq, h->second.position.to_string(), at, t.seq,
                      t.position.to_string(), t.hash, t.seq - h->second.seq)};
    }
    auto w = watched_.find(t.tenant);
    const std::string seen = w != watched_.end() && w->second.first == t.seq ? w->second.second
                             : h->second.seq == t.seq                        ? h->second.hash
                                                                             : std::string();
    if (seen != t.hash) {
      return {Finding::kRewritten,
              fmt::format("tenant {} seq {}: {} expected hash {} (at {}), the ledger holds {}: the "
                          "chain was rewritten",
                          t.tenant, t.seq, at, t.hash, t.position.to_string(),
                          seen.empty() ? "no hash for it" : seen)};
    }
  }
  // Every tenant extends its head; a partition shorter than recorded lost entries anyway.
  for (size_t p = 0; p < c.ends.size(); ++p) {
    const int64_t now = p < ends.size() ? ends[p] : 0;
    if (now < c.ends[p]) {
      return {Finding::kTruncated,
              fmt::format("partition {} ends at offset {}, but {} recorded it at {} ({} entries "
                          "missing)",
                          p, now, at, c.ends[p], c.ends[p] - now)};
    }
  }
  return {};
}

Status fold_ledger(Ledger& ledger, ChainFold* fold) {
  auto reader = ledger.open_reader({});
  if (!reader.ok()) return reader.status();
  for (;;) {
    auto polled = (*reader)->poll(200, 4096);
    if (!polled.ok()) return polled.status();
    for (const StoredEvent& se : polled->events) fold->observe(se);
    if (polled->at_end) return Status::Ok();
    if (polled->events.empty()) {
      const LedgerHealth health = ledger.health();
      if (!health.available) {
        return make_error(ErrorCode::kUnavailable, "ledger_unavailable", health.detail);
      }
    }
  }
}

}  // namespace agritrace::events
