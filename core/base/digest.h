// Hex encoding and SHA-256 (integrity: the hash chain, document addresses, key fingerprints).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace agritrace::core {

std::string hex_encode(const void* bytes, size_t size);   // lowercase
std::string sha256_hex(std::string_view bytes);          // 64 lowercase hex chars
// HMAC-SHA256 (RFC 2104) of `message` under `key`, 64 lowercase hex chars (webhook signatures).
std::string hmac_sha256_hex(std::string_view key, std::string_view message);

}  // namespace agritrace::core
