// Lint: nothing reads the wall clock or draws randomness except through the Env (core/base/env.h).
// Scans every file under the source folders (recursively) for direct clock and randomness calls;
// only the Env implementations and the allow-list below may name them. The scanner proves itself
// on planted files first, so a scanner that finds nothing cannot pass silently.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "tests/support/test_env.h"

namespace agritrace::testing {
namespace {

namespace fs = std::filesystem;

// The folders of product, tool and test code.
const std::vector<std::string> kScannedFolders = {"core",    "events", "projections", "api", "replay",
                                                  "devices", "bench",  "tests"};

// Paths (relative to the source root) that may name the forbidden calls, each with its reason.
const std::map<std::string, std::string> kAllowed = {
    {"events/env/posix_env.cpp", "the real Env: the one place that reads the clocks and the CSPRNG"},
    {"events/env/posix_env.h", "the real Env's header names the system calls it wraps"},
    {"events/env/controlled_env.cpp", "the controllable Env (it wraps a base Env)"},
    {"tests/lint/env_lint_test.cpp", "this lint names the patterns it looks for"},
};

// A forbidden pattern. `word_start`: the character before must not be part of an identifier
// (so `mktime(nullptr)` is not `time(nullptr)`); `word_end`: nor the character after (so
// `std::rand` does not match `std::random_device`, which has a pattern of its own).
struct Pattern {
  std::string_view text;
  bool word_start;
  bool word_end;
};
const std::vector<Pattern> kPatterns = {
    {"system_clock", true, true},          {"steady_clock", true, true},
    {"high_resolution_clock", true, true}, {"RAND_bytes", true, true},
    {"RAND_priv_bytes", true, true},       {"random_device", true, true},
    {"getrandom", true, true},             {"getentropy", true, true},
    {"gettimeofday", true, true},          {"clock_gettime", true, true},
    {"time(nullptr)", true, false},        {"time(NULL)", true, false},
    {"time(0)", true, false},              {"std::rand", true, true},
    {"srand", true, true},                 {"rand(", true, false},
    {"/dev/urandom", false, false},        {"/dev/random", false, true},
};

bool ident_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

struct Finding {
  std::string path;  // relative to the root
  size_t line;
  std::string pattern;
};

std::vector<Finding> scan_text(const std::string& rel, const std::string& text) {
  std::vector<Finding> out;
  size_t line = 1, line_start = 0;
  size_t covered_until = 0;  // a match inside an earlier one (`rand(` in `std::rand(`) is not another
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      line_start = i + 1;
      continue;
    }
    for (const Pattern& p : kPatterns) {
      if (text.compare(i, p.text.size(), p.text) != 0) continue;
      if (p.word_start && i > line_start && ident_char(text[i - 1])) continue;
      const size_t end = i + p.text.size();
      if (p.word_end && end < text.size() && ident_char(text[end])) continue;
      if (i < covered_until) continue;
      covered_until = end;
      out.push_back({rel, line, std::string(p.text)});
    }
  }
  return out;
}

// Every regular file under root/<folder> for each folder, recursively (folders may nest).
std::vector<Finding> scan_tree(const std::string& root, const std::vector<std::string>& folders,
                               const std::map<std::string, std::string>& allowed, size_t* files_scanned) {
  std::vector<Finding> out;
  *files_scanned = 0;
  for (const std::string& folder : folders) {
    const fs::path dir = fs::path(root) / folder;
    if (!fs::exists(dir)) continue;
    for (const auto& entry : fs::recursive_directory_iterator(dir)) {
      if (!entry.is_regular_file()) continue;
      const std::string rel = fs::relative(entry.path(), root).generic_string();
      ++*files_scanned;
      if (allowed.count(rel) != 0) continue;
      std::ifstream in(entry.path(), std::ios::binary);
      std::stringstream ss;
      ss << in.rdbuf();
      for (Finding& f : scan_text(rel, ss.str())) out.push_back(std::move(f));
    }
  }
  return out;
}

void write(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p) << text;
}

TEST_CASE("env lint: the scanner flags every planted direct clock or randomness call") {
  TempDir tmp;
  const fs::path root = tmp.path();
  // One planted file per pattern, in nested folders (files are moving into per-area folders).
  size_t n = 0;
  for (const Pattern& p : kPatterns) {
    write(root / "api" / "deep" / "er" / ("planted" + std::to_string(n++) + ".cpp"),
          "int f() {\n  // fine\n  return g(" + std::string(p.text) + (p.word_end ? "()" : "") + ");\n}\n");
  }
  // Look-alikes that are fine.
  write(root / "core" / "clean.h",
        "#include <random>\n// mktime(nullptr); std::random_shuffle; my_steady_clock_like; strand(x);\n"
        "asio::steady_timer t; env.random_bytes(p, n); env.now_ms(); operand(1);\n");
  // An allow-listed file is not reported; a file outside the scanned folders is not read.
  write(root / "events" / "env" / "posix_env.cpp", "clock_gettime(CLOCK_REALTIME, &ts);\n");
  write(root / "docs" / "notes.md", "std::chrono::system_clock\n");

  size_t files = 0;
  const std::vector<Finding> found =
      scan_tree(root.string(), kScannedFolders, {{"events/env/posix_env.cpp", "test"}}, &files);
  CHECK(files == kPatterns.size() + 2);
  std::set<std::string> flagged;
  for (const Finding& f : found) {
    INFO(f.path, ":", f.line, " ", f.pattern);
    CHECK(f.path.starts_with("api/deep/er/planted"));
    CHECK(f.line == 3);
    flagged.insert(f.pattern);
  }
  CHECK(found.size() == kPatterns.size());
  for (const Pattern& p : kPatterns) CHECK_MESSAGE(flagged.count(std::string(p.text)) == 1, p.text);
}

TEST_CASE("env lint: no source outside the Env reads the clock or draws randomness directly") {
  size_t files = 0;
  const std::vector<Finding> found = scan_tree(AGRITRACE_SOURCE_DIR, kScannedFolders, kAllowed, &files);
  CHECK(files > 100);  // the scan really read the tree
  for (const Finding& f : found) {
    FAIL_CHECK(f.path << ":" << f.line << ": `" << f.pattern
                      << "` outside the Env: use Env::now_ms/monotonic_ns/random_bytes "
                         "(core/base/env.h), or allow-list the file in tests/lint/env_lint_test.cpp with a reason");
  }
  // Every allow-listed file still exists (a stale entry would hide a moved file).
  for (const auto& [path, reason] : kAllowed) {
    CHECK_MESSAGE(fs::exists(fs::path(AGRITRACE_SOURCE_DIR) / path), path << " (" << reason << ")");
  }
}

}  // namespace
}  // namespace agritrace::testing
