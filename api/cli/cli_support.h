// What every `agritrace` subcommand shares (defined in api/cli/main.cpp; api/cli/investigate.cpp,
// built into the same executable, uses them): the flag parser (--name value / --name=value against
// a known list), --help text, the ledger flags and opening the ledger they name, and the test
// clock flags (--clock-offset-days / --clock-start, refused unless AGRITRACE_ALLOW_TEST_CLOCK=1).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/base/env.h"
#include "core/base/status.h"
#include "events/env/controlled_env.h"
#include "events/ledger/ledger.h"
#include "events/pii/pii_vault.h"

namespace agritrace::cli {

struct Flag {
  std::string name;
  std::string default_value;
  std::string help;
};

// Parses --name value / --name=value against a known list; unknown flags are an error.
struct Args {
  std::map<std::string, std::string> values;
  bool help = false;
  std::string error;
};

Args parse_args(int argc, char** argv, int first, const std::vector<Flag>& flags);
void print_help(const char* cmd, const char* summary, const std::vector<Flag>& flags);
// Prints "agritrace: message" on stderr; returns 1.
int fail(const std::string& message);
// 0 and *out, or 2 after a message on stderr.
int parse_int_flag(const Args& a, const std::string& name, int lo, int hi, int* out);

extern const std::vector<Flag> kLedgerFlags;
// `per_partition_writers` (serve --kafka, issue 17): one transactional producer per owned
// partition, acquired by the node's KafkaOwnership, instead of the single writer's.
Result<std::unique_ptr<events::Ledger>> open_ledger(Env& env, const Args& a, bool writer,
                                                    bool per_partition_writers = false);
// The views folder of the ledger the flags name (never shared between the two ledgers).
std::string views_path(const Args& a);
// The personal-data keys (--pii-key-dir, default DATA.keys beside the data folder; refused inside it).
Result<std::unique_ptr<events::PiiVault>> open_pii_vault(Env& env, const Args& a);
// A small text file (identity, key) without its trailing newline; "" when it does not exist.
std::string read_text_file(Env& env, const std::string& path);

// The two test-clock flags, for commands that read the clock (serve, and the investigator's
// commands that check an instant against "now").
extern const std::vector<Flag> kTestClockFlags;
// Returns 0 and sets *test_clock when one was configured on `controlled`; 2 when refused.
int configure_test_clock(const Args& a, events::ControlledEnv& controlled, bool* test_clock);

// A progress line with rate and ETA on stderr, only when stderr is a terminal:
// "\rLABEL: done/total events  R events/s  ETA Ns". finish_progress ends the line.
std::function<void(uint64_t, uint64_t, double)> progress_bar(const char* label);
void finish_progress();

}  // namespace agritrace::cli
