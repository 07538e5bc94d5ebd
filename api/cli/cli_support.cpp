#include "api/cli/cli_support.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string_view>

#include "core/base/civil_time.h"

namespace agritrace::cli {

Args parse_args(int argc, char** argv, int first, const std::vector<Flag>& flags) {
  Args a;
  for (const Flag& f : flags) a.values[f.name] = f.default_value;
  for (int i = first; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      a.help = true;
      continue;
    }
    if (!arg.starts_with("--")) {
      a.error = fmt::format("unexpected argument '{}'", arg);
      return a;
    }
    std::string name = arg.substr(2), value;
    const size_t eq = name.find('=');
    bool has_value = false;
    if (eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
      has_value = true;
    }
    bool known = false;
    for (const Flag& f : flags) known = known || f.name == name;
    if (!known) {
      a.error = fmt::format("unknown flag --{}", name);
      return a;
    }
    if (!has_value) {
      if (i + 1 >= argc) {
        a.error = fmt::format("--{} needs a value", name);
        return a;
      }
      value = argv[++i];
    }
    a.values[name] = value;
  }
  return a;
}

void print_help(const char* cmd, const char* summary, const std::vector<Flag>& flags) {
  std::printf("usage: agritrace %s [flags]\n\n%s\n\nflags:\n", cmd, summary);
  for (const Flag& f : flags) {
    std::printf("  --%-22s %s%s\n", f.name.c_str(), f.help.c_str(),
                f.default_value.empty() ? "" : fmt::format(" (default: {})", f.default_value).c_str());
  }
}

int fail(const std::string& message) {
  std::fprintf(stderr, "agritrace: %s\n", message.c_str());
  return 1;
}

int parse_int_flag(const Args& a, const std::string& name, int lo, int hi, int* out) {
  try {
    size_t used = 0;
    const int v = std::stoi(a.values.at(name), &used);
    if (used != a.values.at(name).size() || v < lo || v > hi) throw std::out_of_range(name);
    *out = v;
    return 0;
  } catch (const std::exception&) {
    std::fprintf(stderr, "agritrace: --%s must be an integer in %d..%d\n", name.c_str(), lo, hi);
    return 2;
  }
}

const std::vector<Flag> kLedgerFlags = {
    {"data", "./var/data", "data folder: embedded ledger, views, documents, admin key"},
    {"kafka", "", "Kafka bootstrap servers host:port[,host:port]; empty = embedded ledger"},
    {"topic", "agritrace.events", "Kafka topic of the ledger"},
    {"partitions", "4", "ledger partitions (used when the ledger or topic is created)"},
    {"replication-factor", "1", "Kafka replication factor (used when the topic is created)"},
};

Result<std::unique_ptr<agritrace::events::Ledger>> open_ledger(Env& env, const Args& a, bool writer) {
  int partitions = 0, rf = 0;
  if (parse_int_flag(a, "partitions", 1, 1024, &partitions) != 0 ||
      parse_int_flag(a, "replication-factor", 1, 16, &rf) != 0) {
    return agritrace::make_error(agritrace::ErrorCode::kInvalidArgument, "bad_flag", "bad flag value");
  }
  if (!a.values.at("kafka").empty()) {
    agritrace::events::KafkaLedgerOptions o;
    o.brokers = a.values.at("kafka");
    o.topic = a.values.at("topic");
    o.partitions = partitions;
    o.replication_factor = static_cast<int16_t>(rf);
    o.env = &env;
    if (writer) o.transactional_id = "agritrace-writer." + o.topic;
    return agritrace::events::open_kafka_ledger(o);
  }
  std::filesystem::create_directories(a.values.at("data"));
  agritrace::events::LocalLedgerOptions o;
  o.path = a.values.at("data") + "/ledger";
  o.partitions = partitions;
  o.read_only = !writer;
  return agritrace::events::open_local_ledger(o);
}

std::string views_path(const Args& a) {
  // Views of the Kafka ledger and of the embedded one never share a folder.
  const std::string& kafka = a.values.at("kafka");
  return a.values.at("data") + (kafka.empty() ? "/views" : "/views-kafka-" + a.values.at("topic"));
}

// A small text file (identity, key) without its trailing newline; "" when it does not exist.
std::string read_text_file(Env& env, const std::string& path) {
  auto r = env.read_file(path);
  if (!r.ok()) return {};
  std::string s = std::move(r).value();
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}


const std::vector<Flag> kTestClockFlags = {
    {"clock-offset-days", "", "TESTS/DEMOS ONLY: the clock is the wall clock + N days"
                              " (N may be negative); needs AGRITRACE_ALLOW_TEST_CLOCK=1"},
    {"clock-start", "", "TESTS/DEMOS ONLY: the clock starts at this RFC 3339 instant"
                        " and advances with the monotonic clock; needs AGRITRACE_ALLOW_TEST_CLOCK=1"},
};

constexpr const char* kAllowTestClockVar = "AGRITRACE_ALLOW_TEST_CLOCK";

// --clock-offset-days / --clock-start: a test clock, refused (exit 2) unless
// AGRITRACE_ALLOW_TEST_CLOCK=1, so that no production server runs on a fake clock by accident.
// Returns 0 and sets *test_clock when one was configured on `controlled`.
int configure_test_clock(const Args& a, agritrace::events::ControlledEnv& controlled, bool* test_clock) {
  const std::string& offset = a.values.at("clock-offset-days");
  const std::string& start = a.values.at("clock-start");
  *test_clock = false;
  if (offset.empty() && start.empty()) return 0;
  const char* flag = offset.empty() ? "--clock-start" : "--clock-offset-days";
  const char* allow = std::getenv(kAllowTestClockVar);
  if (allow == nullptr || std::string_view(allow) != "1") {
    std::fprintf(stderr,
                 "agritrace: %s sets a test clock and is refused: it is for tests and demos only.\n"
                 "agritrace: set %s=1 in the environment to allow it (never on a production server).\n",
                 flag, kAllowTestClockVar);
    return 2;
  }
  if (!offset.empty() && !start.empty()) {
    std::fprintf(stderr, "agritrace: --clock-offset-days and --clock-start exclude each other\n");
    return 2;
  }
  std::string what;
  if (!offset.empty()) {
    int days = 0;
    if (parse_int_flag(a, "clock-offset-days", -36500, 36500, &days) != 0) return 2;
    controlled.set_offset_ms(int64_t{days} * 86'400'000);
    what = fmt::format("wall clock {:+d} days", days);
  } else {
    auto at = agritrace::core::parse_rfc3339(start, "clock-start");
    if (!at.ok()) {
      std::fprintf(stderr, "agritrace: --clock-start: %s\n", at.error().message.c_str());
      return 2;
    }
    controlled.start_at(*at);
    what = "started at " + start;
  }
  *test_clock = true;
  const int64_t now = controlled.now_ms();
  const std::string today = agritrace::core::format_date(
      agritrace::core::date_from_unix_ms(now, agritrace::kPlatformUtcOffsetMinutes));
  std::fprintf(stderr,
               "agritrace: WARNING: TEST CLOCK (%s): now %s, platform day %s. Never serve production "
               "data like this.\n",
               what.c_str(), agritrace::core::format_rfc3339_utc(now).c_str(), today.c_str());
  return 0;
}
std::function<void(uint64_t, uint64_t, double)> progress_bar(const char* label) {
  if (::isatty(STDERR_FILENO) == 0) return {};
  return [label](uint64_t done, uint64_t total, double secs) {
    const double rate = secs > 0 ? static_cast<double>(done) / secs : 0;
    const double eta = rate > 0 && total > done ? static_cast<double>(total - done) / rate : 0;
    std::fprintf(stderr, "\r%s: %llu/%llu events  %.0f events/s  ETA %.0fs   ", label,
                 static_cast<unsigned long long>(done), static_cast<unsigned long long>(total), rate, eta);
  };
}

void finish_progress() {
  if (::isatty(STDERR_FILENO) != 0) std::fprintf(stderr, "\n");
}

}  // namespace agritrace::cli
