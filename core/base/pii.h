// Personal data at rest (issue 16, GB/T 22239 level 2): the ID numbers and phone numbers of
// counterparties are sealed in the ledger (events/pii/pii_vault.h) with a per-subject data key.
// Erasing a subject destroys its key; what the sealed values said is then gone for good, while
// the hash chain, which covers the sealed bytes, stays intact.
#pragma once

#include <string_view>

namespace agritrace::core {

// The value a personal field shows once its subject's key is destroyed.
inline constexpr std::string_view kPiiErased = "[erased]";
// Sealed values in event payloads: "pii:v1:<key id, 16 hex>:<hex of nonce | ciphertext | tag>".
inline constexpr std::string_view kPiiSealedPrefix = "pii:v1:";

inline bool is_pii_sealed(std::string_view v) { return v.starts_with(kPiiSealedPrefix); }

}  // namespace agritrace::core
