// PiiVault: personal data encrypted at rest with crypto-shredding (issue 16).
//
// - A master key (32 random bytes, hex) in `<key folder>/master.key`; the key folder lives
//   outside the data folder (serve --pii-key-dir), so a copy of the data folder alone reveals no
//   personal data.
// - One data key per subject (tenant + counterparty), random, kept in `<key folder>/subjects.keys`
//   wrapped by the master key (AES-256-GCM). The ring is rewritten atomically on every change.
// - seal(): before an event is encoded, the personal fields of counterparty and filed-entity
//   events (id_number,
//   phone) become "pii:v1:<key id>:<hex>" — AES-256-GCM under the subject's key, the subject and
//   field name as associated data. The hash chain covers these sealed bytes.
// - open(): after an event is decoded, sealed fields become plaintext again, or core::kPiiErased
//   when the subject's key is gone (or is a newer key than the one that sealed them).
// - A CounterpartyPersonalDataErased event destroys the subject's key when it is sealed (before
//   the append: even a failed append leaves the data unreadable; the retry records the erasure).
//
// Thread-safe. Randomness (keys, nonces) comes from the Env.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "core/base/env.h"
#include "core/base/status.h"
#include "core/domain/event.h"

namespace agritrace::events {

class PiiVault {
 public:
  // Opens the key folder, creating it (0700), the master key and an empty ring when absent.
  // kInvalidArgument/`pii_key_invalid` for a master key or ring that cannot be read.
  static Result<std::unique_ptr<PiiVault>> open(Env& env, const std::string& key_dir);

  // Seals the personal fields of `event` for `tenant` (other events: unchanged). Creates the
  // subject's key on first use; destroys it for an erasure event.
  Status seal(const std::string& tenant, core::Event& event);

  // Opens the sealed personal fields of `event` in place; unreadable ones become kPiiErased.
  void open(const std::string& tenant, core::Event& event) const;

  // Destroys the subject's data key (idempotent).
  Status erase(const std::string& tenant, const std::string& subject_id);

  // Subjects that currently have a key (diagnostics and tests).
  size_t subject_keys() const;

 private:
  struct SubjectKey {
    std::string key_id;  // 16 hex
    std::string key;     // 32 raw bytes
  };
  PiiVault(Env& env, std::string key_dir, std::string master);
  Status load_ring();
  Status save_ring();  // under mu_
  Result<std::string> seal_value(const std::string& subject, std::string_view field, std::string_view plain,
                                 const SubjectKey& key);
  std::string open_value(const std::string& subject, std::string_view field, const std::string& sealed) const;
  Result<SubjectKey> key_for(const std::string& subject);  // under mu_: creates when absent

  Env& env_;
  const std::string key_dir_;
  const std::string master_;  // 32 raw bytes
  mutable std::mutex mu_;
  std::map<std::string, SubjectKey> keys_;  // by subject ("tenant/counterparty")
};

}  // namespace agritrace::events
