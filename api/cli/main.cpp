// agritrace: one binary, subcommands. serve | demo | replay | verify.
#include <fmt/format.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <future>
#include <map>
#include <string>
#include <vector>

#include "api/devices/print_lines.h"
#include "api/cli/demo.h"
#include "api/codes/catalogue_loader.h"
#include "api/http/http_client.h"
#include "api/http/http_server.h"
#include "api/http/metrics.h"
#include "api/http/router.h"
#include "api/production/blob_store.h"
#include "api/service/service.h"
#include "core/base/civil_time.h"
#include "core/base/digest.h"
#include "core/base/json_writer.h"
#include "events/ledger/ledger.h"
#include "events/writer/command_writer.h"
#include "projections/base/keys.h"
#include "projections/base/runner.h"
#include "projections/production/projection.h"
#include "events/env/controlled_env.h"
#include "events/env/posix_env.h"
#include "replay/replay.h"

namespace {

using agritrace::Env;
using agritrace::Error;
using agritrace::Result;
using agritrace::Status;

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

// The administrator key: AGRITRACE_ADMIN_KEY, else the key file (created with a new random key,
// mode 0600, written durably).
Result<std::string> admin_key(Env& env, const std::string& path) {
  if (const char* e = std::getenv("AGRITRACE_ADMIN_KEY"); e && *e) return std::string(e);
  if (env.file_exists(path)) {
    std::string k = read_text_file(env, path);
    if (k.size() < 16) {
      return agritrace::make_error(agritrace::ErrorCode::kInvalidArgument, "admin_key_short",
                                   "the admin key file holds fewer than 16 characters: " + path);
    }
    return k;
  }
  auto generated = agritrace::api::generate_api_key(env);
  if (!generated.ok()) return generated.error();
  Status w = env.write_file_durably(path, generated->key + "\n");
  if (!w.ok()) return w.error();
  return generated->key;
}

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

int cmd_serve(int argc, char** argv) {
  std::vector<Flag> flags = kLedgerFlags;
  flags.push_back({"listen", "127.0.0.1:8080", "HTTP listen address host:port (port 0: any free port)"});
  flags.push_back({"threads", "2", "HTTP I/O threads"});
  flags.push_back({"max-body-bytes", "8388608", "largest request body accepted (documents included)"});
  flags.push_back({"admin-key-file", "", "file holding the platform administrator key (default DATA/admin.key;"
                                         " AGRITRACE_ADMIN_KEY overrides)"});
  flags.push_back({"idempotency-retention-days", "7", "how long an Idempotency-Key answers its first command;"
                                                      " an older retry answers 409 idempotency_key_expired"});
  flags.push_back({"clock-offset-days", "", "TESTS/DEMOS ONLY: the server's clock is the wall clock + N days"
                                            " (N may be negative); needs AGRITRACE_ALLOW_TEST_CLOCK=1"});
  flags.push_back({"clock-start", "", "TESTS/DEMOS ONLY: the server's clock starts at this RFC 3339 instant"
                                      " and advances with the monotonic clock; needs AGRITRACE_ALLOW_TEST_CLOCK=1"});
  Args a = parse_args(argc, argv, 2, flags);
  if (a.help) {
    print_help("serve", "Serves the AgriTrace HTTP API on the embedded ledger, or on Kafka with --kafka.", flags);
    return 0;
  }
  if (!a.error.empty()) return fail(a.error);
  int threads = 0, max_body = 0, retention_days = 0;
  if (parse_int_flag(a, "threads", 1, 64, &threads) || parse_int_flag(a, "max-body-bytes", 1024, 1 << 30, &max_body) ||
      parse_int_flag(a, "idempotency-retention-days", 1, 3650, &retention_days)) {
    return 2;
  }

  // The server's Env: the POSIX one, or a test clock over it (refused unless explicitly allowed).
  agritrace::events::ControlledEnv test_env(agritrace::events::posix_env());
  bool test_clock = false;
  if (int rc = configure_test_clock(a, test_env, &test_clock); rc != 0) return rc;
  Env& env = test_clock ? static_cast<Env&>(test_env) : agritrace::events::posix_env();

  const std::string data = a.values.at("data");
  if (Status s = env.create_dirs(data); !s.ok()) return fail(fmt::format("cannot create {}: {}", data, s.to_string()));

  // Block the stop signals before any thread starts, so only sigwait below receives them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  const std::string key_file = a.values.at("admin-key-file").empty() ? data + "/admin.key" : a.values.at("admin-key-file");
  auto key = admin_key(env, key_file);
  if (!key.ok()) return fail(key.error().message);

  auto ledger = open_ledger(env, a, true);
  if (!ledger.ok()) return fail(ledger.status().to_string());

  auto opened_audit = env.open_appendable(data + "/audit.log");
  if (!opened_audit.ok()) return fail("cannot open the audit log: " + opened_audit.status().to_string());
  std::unique_ptr<agritrace::AppendableFile> audit = std::move(opened_audit).value();
  agritrace::events::CommandWriterOptions wo;
  wo.env = &env;
  // Generated codes and Idempotency-Key records: on disk, rebuilt from the ledger when missing.
  wo.index_path = data + "/writer-index";
  wo.idempotency_retention_ms = int64_t{retention_days} * 24 * 3600 * 1000;
  wo.audit = [file = audit.get(), failing = false](const agritrace::events::AuditRecord& r) mutable {
    agritrace::JsonWriter w;
    w.begin_object().field("at", agritrace::core::format_rfc3339_utc(r.at_ms)).field("tenant", r.tenant)
        .field("actor", r.actor).field("command", r.command_name).field("idempotency_key", r.idempotency_key)
        .field("outcome", r.outcome).field("command_id", r.command_id).end_object();
    std::string line = w.take();
    line.push_back('\n');
    Status s = file->append(line);
    // Said once per failing stretch, not once per command (the writer thread must not stall).
    if (!s.ok() && !failing) std::fprintf(stderr, "agritrace: audit log: %s\n", s.to_string().c_str());
    failing = !s.ok();
  };
  auto writer = agritrace::events::start_command_writer(**ledger, wo);
  if (!writer.ok()) return fail("cannot load the ledger: " + writer.status().to_string());
  // the base catalogue, appended once (later starts add only new products).
  auto added = agritrace::api::load_base_catalogue(**writer, agritrace::api::base_catalogue_json());
  if (!added.ok()) return fail("cannot load the base catalogue: " + added.status().to_string());
  if (added->added > 0) {
    std::fprintf(stderr, "agritrace: base catalogue: %lld products added\n", static_cast<long long>(added->added));
  }

  const std::string vpath = views_path(a);
  const std::string identity_file = vpath + ".ledger";
  if (read_text_file(env, identity_file) != (*ledger)->describe()) {
    // Views built from another ledger are meaningless here: rebuild them from this one.
    Status d = agritrace::projections::destroy_view_store(vpath);
    if (!d.ok()) return fail(d.to_string());
    Status w = env.write_file_durably(identity_file, (*ledger)->describe() + "\n");
    if (!w.ok()) return fail(w.to_string());
  }
  auto views = agritrace::projections::ViewStore::open(vpath);
  if (!views.ok()) return fail(views.status().to_string());
  agritrace::projections::ProjectionRunner runner(**ledger, **views, agritrace::projections::make_all_projections(), &env);
  runner.start();
  if (added->last.offset >= 0) {
    // Serve only once the views show the catalogue just appended (bounded: a slow projection
    // must not keep the server down; queries then simply see it a moment later).
    std::promise<bool> shown;
    runner.wait_for(added->last, 30'000, [&shown](bool ok) { shown.set_value(ok); });
    if (!shown.get_future().get()) std::fprintf(stderr, "agritrace: views still catching up with the catalogue\n");
  }

  agritrace::api::MetricsRegistry metrics;
  agritrace::api::BlobStore blobs(env, data + "/documents");
  agritrace::api::ServiceOptions so;
  so.admin_key_sha256 = agritrace::core::sha256_hex(*key);
  so.env = &env;
  so.test_clock = test_clock;
  // one job runner per production line, resuming unfinished jobs from the ledger.
  agritrace::api::PrintLines print_lines(**ledger, **writer, env);
  if (Status p = print_lines.start(); !p.ok()) return fail("cannot start the print lines: " + p.to_string());
  so.print_lines = &print_lines;
  agritrace::api::Service service(**ledger, **writer, runner, **views, blobs, metrics, so);
  agritrace::api::Router router(&metrics, &env);
  service.register_routes(router);

  agritrace::api::HttpServerOptions ho;
  ho.listen = a.values.at("listen");
  ho.threads = threads;
  ho.max_body_bytes = static_cast<uint64_t>(max_body);
  ho.env = &env;
  agritrace::api::HttpServer server(ho, router.handler());
  Status started = server.start();
  if (!started.ok()) return fail(started.to_string());
  const std::string host = ho.listen.substr(0, ho.listen.rfind(':'));
  std::printf("agritrace: listening on http://%s:%u (ledger %s, views %s)\n", host.c_str(),
              static_cast<unsigned>(server.port()), (*ledger)->describe().c_str(), vpath.c_str());
  std::fflush(stdout);

  int sig = 0;
  sigwait(&stop_signals, &sig);
  std::fprintf(stderr, "agritrace: signal %d, stopping\n", sig);
  server.stop();
  print_lines.stop();  // before the writer: the runners append through it
  (*writer)->stop();
  runner.stop();
  if (Status c = audit->close(); !c.ok()) std::fprintf(stderr, "agritrace: audit log: %s\n", c.to_string().c_str());
  return 0;
}

int cmd_replay(int argc, char** argv) {
  std::vector<Flag> flags = kLedgerFlags;
  Args a = parse_args(argc, argv, 2, flags);
  if (a.help) {
    print_help("replay",
               "Rebuilds every view from the ledger (stop the server first: it holds the views),\n"
               "shows progress on a terminal and prints the views' SHA-256 digest.",
               flags);
    return 0;
  }
  if (!a.error.empty()) return fail(a.error);
  auto ledger = open_ledger(agritrace::events::posix_env(), a, false);
  if (!ledger.ok()) return fail(ledger.status().to_string());
  const bool tty = ::isatty(STDERR_FILENO) != 0;
  auto report = agritrace::replay::rebuild_views(
      agritrace::events::posix_env(), **ledger, views_path(a), [tty](uint64_t done, uint64_t total, double secs) {
        if (!tty) return;
        const double rate = secs > 0 ? static_cast<double>(done) / secs : 0;
        const double eta = rate > 0 && total > done ? static_cast<double>(total - done) / rate : 0;
        std::fprintf(stderr, "\rreplay: %llu/%llu events  %.0f events/s  ETA %.0fs   ",
                     static_cast<unsigned long long>(done), static_cast<unsigned long long>(total), rate, eta);
      });
  if (tty) std::fprintf(stderr, "\n");
  if (!report.ok()) return fail(report.status().to_string());
  Status identity = agritrace::events::posix_env().write_file_durably(views_path(a) + ".ledger",
                                                                     (*ledger)->describe() + "\n");
  if (!identity.ok()) return fail(identity.to_string());
  std::printf("replayed %llu events in %.3f s (%.0f events/s)\nviews digest %s\n",
              static_cast<unsigned long long>(report->events), report->seconds,
              report->seconds > 0 ? static_cast<double>(report->events) / report->seconds : 0.0,
              report->digest.c_str());
  return 0;
}

int cmd_verify(int argc, char** argv) {
  std::vector<Flag> flags = kLedgerFlags;
  Args a = parse_args(argc, argv, 2, flags);
  if (a.help) {
    print_help("verify", "Checks every tenant's SHA-256 hash chain and names the first broken link.", flags);
    return 0;
  }
  if (!a.error.empty()) return fail(a.error);
  auto ledger = open_ledger(agritrace::events::posix_env(), a, false);
  if (!ledger.ok()) return fail(ledger.status().to_string());
  auto report = agritrace::replay::verify_chains(**ledger);
  if (!report.ok()) return fail(report.status().to_string());
  if (!report->intact) {
    std::printf("BROKEN: %s\n", report->first_broken.c_str());
    return 3;
  }
  std::printf("ok: %llu events, %llu tenants, every hash chain intact\n",
              static_cast<unsigned long long>(report->events), static_cast<unsigned long long>(report->tenants));
  return 0;
}

int cmd_demo(int argc, char** argv) {
  std::vector<Flag> flags = {
      {"url", "http://127.0.0.1:8080", "the AgriTrace server"},
      {"admin-key-file", "./var/data/admin.key", "file with the administrator key (AGRITRACE_ADMIN_KEY overrides)"},
      {"printer", "", "zpl|coder:HOST:PORT: also register a packing line with this printer (R-4.2.6)"},
  };
  Args a = parse_args(argc, argv, 2, flags);
  if (a.help) {
    print_help("demo", "Seeds a small Guangdong supply chain through the public API and prints the\n"
                       "accounts and API keys it created.", flags);
    return 0;
  }
  if (!a.error.empty()) return fail(a.error);
  std::string key;
  if (const char* env = std::getenv("AGRITRACE_ADMIN_KEY"); env && *env) {
    key = env;
  } else {
    key = read_text_file(agritrace::events::posix_env(), a.values.at("admin-key-file"));
  }
  if (key.empty()) return fail("no administrator key: set AGRITRACE_ADMIN_KEY or --admin-key-file");
  Status s = agritrace::api::run_demo(a.values.at("url"), key, stdout, a.values.at("printer"));
  if (!s.ok()) return fail(s.to_string());
  return 0;
}

// `agritrace print ACTION`: the print-job CLI for operators on the line. A thin client
// of the HTTP API (the same routes, the same answers): it prints the server's JSON on stdout and,
// for a refusal, the problem's code and detail on stderr. Exit 0 on 2xx, 1 on a refusal or a
// server that cannot be reached, 2 on bad usage.
int cmd_print(int argc, char** argv) {
  static const char* kActions =
      "actions:\n"
      "  lines | devices | jobs            list\n"
      "  register-line --name N\n"
      "  register-device --line ID --name N --protocol zpl|coder --host H --port P [--max-in-flight K]\n"
      "  start --line ID (--run RUN [--offset O] [--limit L] | --codes S1,S2,...)\n"
      "  show | pause | resume | cancel | void --job ID\n";
  if (argc < 3 || std::string(argv[2]) == "--help" || std::string(argv[2]) == "-h") {
    std::printf("usage: agritrace print ACTION [flags]\n\nSends print jobs to the coders and label printers "
                "of a production line\nthrough the HTTP API of a running server.\n\n%s\nflags: --url "
                "(http://127.0.0.1:8080), --key-file FILE (or AGRITRACE_KEY),\n       --idempotency-key K "
                "(commands; a retry with the same key never acts twice)\n",
                kActions);
    return argc < 3 ? 2 : 0;
  }
  const std::string action = argv[2];
  std::vector<Flag> flags = {
      {"url", "http://127.0.0.1:8080", "the AgriTrace server"},
      {"key-file", "", "file with the enterprise's API key (AGRITRACE_KEY overrides)"},
      {"idempotency-key", "", "Idempotency-Key of a command"},
      {"name", "", "name of a line or device"},
      {"line", "", "line id (ln-N)"},
      {"protocol", "", "zpl | coder"},
      {"host", "", "device host"},
      {"port", "", "device TCP port"},
      {"max-in-flight", "", "codes sent ahead of the device's acknowledgements"},
      {"run", "", "code run id (run-N)"},
      {"offset", "", "first code of the run (0-based)"},
      {"limit", "", "number of codes of the run"},
      {"codes", "", "comma-separated serials or Digital Link URIs"},
      {"job", "", "print job id (pj-N)"},
  };
  Args a = parse_args(argc, argv, 3, flags);
  if (a.help) {
    print_help("print ACTION", kActions, flags);
    return 0;
  }
  if (!a.error.empty()) {
    std::fprintf(stderr, "agritrace: %s\n", a.error.c_str());
    return 2;
  }
  auto need = [&](const char* name) -> bool {
    if (!a.values.at(name).empty()) return true;
    std::fprintf(stderr, "agritrace: print %s needs --%s\n", action.c_str(), name);
    return false;
  };
  auto integer = [&](const char* name, int64_t* out) -> bool {
    const std::string& v = a.values.at(name);
    char* end = nullptr;
    errno = 0;
    const long long n = std::strtoll(v.c_str(), &end, 10);
    if (v.empty() || *end != '\0' || errno != 0 || n < 0) {
      std::fprintf(stderr, "agritrace: --%s must be a non-negative integer\n", name);
      return false;
    }
    *out = n;
    return true;
  };
  std::string method = "GET", target, body;
  agritrace::JsonWriter w;
  if (action == "lines" || action == "devices" || action == "jobs") {
    target = action == "jobs" ? "/v1/print-jobs" : "/v1/" + action;
  } else if (action == "register-line") {
    if (!need("name")) return 2;
    method = "POST", target = "/v1/lines";
    w.begin_object().field("name", a.values.at("name")).end_object();
  } else if (action == "register-device") {
    int64_t port = 0, max_in_flight = 0;
    if (!need("line") || !need("name") || !need("protocol") || !need("host") || !need("port")) return 2;
    if (!integer("port", &port)) return 2;
    method = "POST", target = "/v1/devices";
    w.begin_object().field("line_id", a.values.at("line")).field("name", a.values.at("name"))
        .field("protocol", a.values.at("protocol")).field("host", a.values.at("host")).field("port", port);
    if (!a.values.at("max-in-flight").empty()) {
      if (!integer("max-in-flight", &max_in_flight)) return 2;
      w.field("max_in_flight", max_in_flight);
    }
    w.end_object();
  } else if (action == "start") {
    if (!need("line")) return 2;
    const bool by_run = !a.values.at("run").empty(), by_codes = !a.values.at("codes").empty();
    if (by_run == by_codes) {
      std::fprintf(stderr, "agritrace: print start needs exactly one of --run and --codes\n");
      return 2;
    }
    method = "POST", target = "/v1/print-jobs";
    w.begin_object().field("line_id", a.values.at("line"));
    if (by_run) {
      w.field("run_id", a.values.at("run"));
      for (const char* name : {"offset", "limit"}) {
        int64_t n = 0;
        if (a.values.at(name).empty()) continue;
        if (!integer(name, &n)) return 2;
        w.field(name, n);
      }
    } else {
      w.key("codes").begin_array();
      const std::string& codes = a.values.at("codes");
      for (size_t at = 0; at <= codes.size();) {
        const size_t comma = std::min(codes.find(',', at), codes.size());
        if (comma > at) w.value(std::string_view(codes).substr(at, comma - at));
        at = comma + 1;
      }
      w.end_array();
    }
    w.end_object();
  } else if (action == "show" || action == "pause" || action == "resume" || action == "cancel" ||
             action == "void") {
    if (!need("job")) return 2;
    target = "/v1/print-jobs/" + a.values.at("job");
    if (action != "show") method = "POST", target += "/" + action, w.begin_object().end_object();
  } else {
    std::fprintf(stderr, "agritrace: unknown print action '%s'\n\n%s", action.c_str(), kActions);
    return 2;
  }
  if (method == "POST") body = w.take();

  std::string key;
  if (const char* env = std::getenv("AGRITRACE_KEY"); env && *env) {
    key = env;
  } else if (!a.values.at("key-file").empty()) {
    key = read_text_file(agritrace::events::posix_env(), a.values.at("key-file"));
  }
  if (key.empty()) return fail("no API key: set AGRITRACE_KEY or --key-file");
  auto url = agritrace::api::parse_url(a.values.at("url"));
  if (!url.ok()) return fail(url.status().to_string());
  agritrace::api::HttpClient http(url->host, url->port);
  agritrace::api::HeaderList headers{{"Authorization", "Bearer " + key}};
  if (method == "POST") headers.emplace_back("Content-Type", "application/json");
  if (method == "POST" && !a.values.at("idempotency-key").empty()) {
    headers.emplace_back("Idempotency-Key", a.values.at("idempotency-key"));
  }
  auto r = http.request(method, target, body, headers);
  if (!r.ok()) return fail(r.status().to_string());
  if (r->status >= 300) {
    const std::string code = agritrace::projections::json_string_field(r->body, "code").value_or("");
    const std::string detail = agritrace::projections::json_string_field(r->body, "detail").value_or(r->body);
    std::fprintf(stderr, "agritrace: %s %s answered %d %s: %s\n", method.c_str(), target.c_str(), r->status,
                 code.c_str(), detail.c_str());
    return 1;
  }
  std::printf("%s\n", r->body.c_str());
  return 0;
}

void usage(FILE* out) {
  std::fprintf(out,
               "usage: agritrace <command> [flags]   (agritrace <command> --help for its flags)\n\n"
               "commands:\n"
               "  serve    serve the HTTP API (embedded ledger by default, --kafka for Kafka)\n"
               "  demo     seed a demo supply chain through the API of a running server\n"
               "  replay   rebuild every view from the ledger and print their digest\n"
               "  verify   check every tenant's hash chain\n"
               "  print    print jobs on a line's coders and label printers (through the API)\n");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    usage(stderr);
    return 2;
  }
  const std::string cmd = argv[1];
  if (cmd == "--help" || cmd == "-h" || cmd == "help") {
    usage(stdout);
    return 0;
  }
  if (cmd == "serve") return cmd_serve(argc, argv);
  if (cmd == "replay") return cmd_replay(argc, argv);
  if (cmd == "verify") return cmd_verify(argc, argv);
  if (cmd == "demo") return cmd_demo(argc, argv);
  if (cmd == "print") return cmd_print(argc, argv);
  std::fprintf(stderr, "agritrace: unknown command '%s'\n", cmd.c_str());
  usage(stderr);
  return 2;
}
