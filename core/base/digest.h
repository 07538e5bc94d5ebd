// Hex encoding and SHA-256 (integrity: the hash chain, document addresses, key fingerprints).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace agritrace::core {

std::string hex_encode(const void* bytes, size_t size);   // lowercase
std::string sha256_hex(std::string_view bytes);          // 64 lowercase hex chars

}  // namespace agritrace::core
