// Test support: damaging a RocksDB write-ahead log on disk, as a failing disk or a careless copy
// would (the embedded ledger's integrity tests, unit and e2e).
#pragma once

#include <ios>
#include <string>

namespace agritrace::testing {

// The newest write-ahead log (*.log) of a RocksDB folder; fails the test when there is none.
std::string newest_wal(const std::string& dir);

// Flips the bits of `mask` in the byte at offset `at` of `file`, in place.
void flip_byte(const std::string& file, std::streamoff at, char mask);

}  // namespace agritrace::testing
