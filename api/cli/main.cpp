// agritrace: one binary, subcommands: serve, demo, replay, verify, keygen, backup, restore, print.
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
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <future>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "api/cli/cli_support.h"
#include "api/cli/demo.h"
#include "api/cli/exit_codes.h"
#include "api/cli/feed_cli.h"
#include "api/cli/integrity.h"
#include "api/cli/investigate.h"
#include "api/codes/catalogue_loader.h"
#include "api/devices/print_lines.h"
#include "api/http/forwarder.h"
#include "api/http/http_client.h"
#include "api/http/http_server.h"
#include "api/http/json_input.h"
#include "api/http/metrics.h"
#include "api/http/problem.h"
#include "api/http/rate_limit.h"
#include "api/http/router.h"
#include "api/http/thread_defaults.h"
#include "api/production/blob_store.h"
#include "api/public/complaint_desk.h"
#include "api/public/payment_notify.h"
#include "api/public/scan_log.h"
#include "api/public/scan_page.h"
#include "api/service/job_store.h"
#include "api/service/service.h"
#include "core/base/civil_time.h"
#include "core/base/digest.h"
#include "core/base/json_writer.h"
#include "events/audit/audit_log.h"
#include "events/cluster/kafka_ownership.h"
#include "events/cluster/partition_ownership.h"
#include "events/env/controlled_env.h"
#include "events/env/posix_env.h"
#include "events/ledger/ledger.h"
#include "events/pii/pii_vault.h"
#include "events/writer/command_writer.h"
#include "projections/base/keys.h"
#include "projections/base/runner.h"
#include "projections/production/projection.h"
#include "replay/as_of.h"
#include "replay/backup.h"
#include "replay/replay.h"

// The helpers every subcommand shares (declared in api/cli/cli_support.h; the investigator's
// commands in api/cli/investigate.cpp use them too).
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
  // The data folder by its absolute, normal path: the ledger's identity (views.ledger, the code
  // index, as-of folders) names it, so `replay --data var/data` and `serve --data /srv/var/data`
  // must agree, or the views are thrown away and rebuilt.
  if (auto d = a.values.find("data"); d != a.values.end() && !d->second.empty()) {
    std::error_code ec;
    std::filesystem::path p = std::filesystem::weakly_canonical(d->second, ec);
    if (!ec) {
      std::string normal = p.lexically_normal().string();
      while (normal.size() > 1 && normal.back() == '/') normal.pop_back();
      d->second = normal;
    }
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

// "RATE[:BURST]" requests per second (BURST defaults to RATE); "0" switches the limit off.
int parse_rate_flag(const Args& a, const std::string& name, agritrace::api::RateLimit* out) {
  const std::string& v = a.values.at(name);
  try {
    size_t used = 0;
    const double rate = std::stod(v, &used);
    double burst = rate;
    if (used < v.size()) {
      if (v[used] != ':') throw std::invalid_argument(name);
      size_t used_burst = 0;
      burst = std::stod(v.substr(used + 1), &used_burst);
      if (used + 1 + used_burst != v.size()) throw std::invalid_argument(name);
    }
    if (!(rate >= 0) || !(burst >= 1 || rate == 0) || rate > 1e9 || burst > 1e9) throw std::out_of_range(name);
    *out = agritrace::api::RateLimit{rate, burst};
    return 0;
  } catch (const std::exception&) {
    std::fprintf(stderr, "agritrace: --%s must be RATE[:BURST] requests per second, e.g. 50:200 (0: off)\n",
                 name.c_str());
    return 2;
  }
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
    {"pii-key-dir", "", "folder of the personal-data keys, OUTSIDE the data folder (default: DATA.keys next to it);"
                        " back it up separately"},
};

// The personal-data key folder: --pii-key-dir, or the data folder's sibling "<data>.keys".
std::string pii_key_dir(const Args& a) {
  if (!a.values.at("pii-key-dir").empty()) return a.values.at("pii-key-dir");
  std::string data = a.values.at("data");
  while (data.size() > 1 && data.back() == '/') data.pop_back();
  return data + ".keys";
}

Result<std::unique_ptr<agritrace::events::PiiVault>> open_pii_vault(Env& env, const Args& a) {
  const std::string dir = pii_key_dir(a);
  const std::filesystem::path data = std::filesystem::weakly_canonical(a.values.at("data"));
  const std::filesystem::path keys = std::filesystem::weakly_canonical(dir);
  const auto [d, k] = std::mismatch(data.begin(), data.end(), keys.begin(), keys.end());
  if (d == data.end()) {
    return agritrace::make_error(agritrace::ErrorCode::kInvalidArgument, "pii_key_dir_inside_data",
                                 "--pii-key-dir " + dir + " is inside the data folder; keep the keys apart from the data",
                                 "pii-key-dir");
  }
  return agritrace::events::PiiVault::open(env, dir);
}

Result<std::unique_ptr<agritrace::events::Ledger>> open_ledger(Env& env, const Args& a, bool writer,
                                                                bool per_partition_writers) {
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
    if (writer) o.transactional_id = "agritrace-writer." + o.topic;  // a prefix when per partition
    o.per_partition_writers = writer && per_partition_writers;
    return agritrace::events::open_kafka_ledger(o);
  }
  if (Status d = env.create_dirs(a.values.at("data")); !d.ok()) return d.error();
  agritrace::events::LocalLedgerOptions o;
  o.path = a.values.at("data") + "/ledger";
  o.partitions = partitions;
  o.read_only = !writer;
  return agritrace::events::open_local_ledger(o);
}

const std::vector<Flag> kCheckpointFlags = {
    {"checkpoint-dir", "",
     "folder of the signed checkpoint log (default: the data folder; better: "
     "another disk, shipped off-site)"},
};

agritrace::cli::IntegrityPaths integrity_paths(const Args& a) {
  return agritrace::cli::integrity_paths(a.values.at("data"),
                                         a.values.at("kafka").empty() ? "" : a.values.at("topic"),
                                         a.values.at("checkpoint-dir"));
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


}  // namespace agritrace::cli

namespace {

using agritrace::Env;
using agritrace::Error;
using agritrace::Result;
using agritrace::Status;

using agritrace::cli::Args;
using agritrace::cli::configure_test_clock;
using agritrace::cli::fail;
using agritrace::cli::Flag;
using agritrace::cli::kLedgerFlags;
using agritrace::cli::kCheckpointFlags;
using agritrace::cli::kTestClockFlags;
using agritrace::cli::open_ledger;
using agritrace::cli::parse_args;
using agritrace::cli::parse_int_flag;
using agritrace::cli::print_help;
using agritrace::cli::read_text_file;
using agritrace::cli::views_path;
using agritrace::cli::integrity_paths;

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

}  // namespace

namespace agritrace::cli {

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

const std::vector<Flag> kTestClockFlags = {
    {"clock-offset-days", "", "TESTS/DEMOS ONLY: the clock is the wall clock + N days"
                              " (N may be negative); needs AGRITRACE_ALLOW_TEST_CLOCK=1"},
    {"clock-start", "", "TESTS/DEMOS ONLY: the clock starts at this RFC 3339 instant"
                        " and advances with the monotonic clock; needs AGRITRACE_ALLOW_TEST_CLOCK=1"},
};

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

namespace {

// Blocks the stop signals before any thread starts, so only sigwait receives them.
sigset_t block_stop_signals() {
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  signal(SIGPIPE, SIG_IGN);
  return stop_signals;
}

// `serve --views DIR` (issue 18): the API over a folder made by `replay --as-of T --out DIR`, read
// only. The ledger is read as of T (API keys of enterprises registered by then authenticate);
// every command answers 409 problem+json `read_only`; no print line runs and nothing is appended
// or written to the data folder.
// The HTTP front as `serve`'s flags set it (listen, threads, workers, limits, TLS, rate limits):
// one value, so the read-only server has the same transport and abuse controls as the writer.
struct HttpFront {
  agritrace::api::HttpServerOptions options;
  agritrace::api::RateLimitOptions rate;
};

// Starts the front on `handler` behind the rate limits and prints where it listens.
int run_front(const HttpFront& front, Env& env, const agritrace::api::Handler& handler, const std::string& what,
              const sigset_t& stop_signals) {
  agritrace::api::HttpServerOptions ho = front.options;
  ho.env = &env;
  agritrace::api::RateLimiter limiter(front.rate, env);
  agritrace::api::HttpServer server(ho, limiter.wrap(handler));
  if (Status started = server.start(); !started.ok()) return fail(started.to_string());
  const std::string host = ho.listen.substr(0, ho.listen.rfind(':'));
  std::printf("agritrace: listening on %s://%s:%u (%s)\n", ho.tls_cert_file.empty() ? "http" : "https",
              host.c_str(), static_cast<unsigned>(server.port()), what.c_str());
  std::fflush(stdout);
  int sig = 0;
  sigwait(&stop_signals, &sig);
  std::fprintf(stderr, "agritrace: signal %d, stopping\n", sig);
  server.stop();
  return 0;
}

// Several nodes (issue 17): the base catalogue is appended by the node owning the
// platform's partition; every node tries in the background, once a second, until its writer
// accepts it or says it is up to date (a node that does not own the partition is refused
// `partition_not_owned` and tries again).
class CatalogueKeeper {
 public:
  void start(agritrace::events::CommandWriter& writer) {
    thread_ = std::thread([this, &writer] {
      std::unique_lock lock(mu_);
      while (!stopping_) {
        lock.unlock();
        auto added = agritrace::api::load_base_catalogue(writer, agritrace::api::base_catalogue_json());
        lock.lock();
        if (added.ok()) {
          if (added->added > 0) {
            std::fprintf(stderr, "agritrace: base catalogue: %lld products added\n",
                         static_cast<long long>(added->added));
          }
          return;
        }
        if (added.error().reason != "partition_not_owned" && added.error().reason != "ledger_unavailable") {
          std::fprintf(stderr, "agritrace: base catalogue: %s\n", added.status().to_string().c_str());
          return;
        }
        cv_.wait_for(lock, std::chrono::seconds(1), [this] { return stopping_; });
      }
    });
  }
  void stop() {
    {
      std::lock_guard lock(mu_);
      stopping_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
  }
  ~CatalogueKeeper() { stop(); }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;
};

// The front of `serve`, bound before the ledger is opened so that the node knows its real port
// (`--listen HOST:0`) and hence the URL it advertises to the other nodes (issue 17). Until the
// service is ready every request is answered 503 `starting` (Retry-After: 1); the listening line
// is printed only then.
class EarlyFront {
 public:
  Status start(const HttpFront& front, Env& env) {
    options_ = front.options;
    options_.env = &env;
    limiter_ = std::make_unique<agritrace::api::RateLimiter>(front.rate, env);
    agritrace::api::Handler late = [target = target_](agritrace::api::HttpRequest req,
                                                      agritrace::api::Responder respond) {
      const agritrace::api::Handler* h = target->load();
      if (h == nullptr) {
        agritrace::api::HttpResponse r = agritrace::api::problem_response(
            503, "starting", "the server is starting (loading the ledger); retry");
        r.headers.emplace_back("Retry-After", "1");
        return respond(std::move(r));
      }
      (*h)(std::move(req), std::move(respond));
    };
    server_ = std::make_unique<agritrace::api::HttpServer>(options_, limiter_->wrap(std::move(late)));
    return server_->start();
  }
  uint16_t port() const { return server_->port(); }
  std::string host() const { return options_.listen.substr(0, options_.listen.rfind(':')); }

  // Hands the requests to `handler` and serves until a stop signal.
  int serve(agritrace::api::Handler handler, const std::string& what, const sigset_t& stop_signals) {
    handler_ = std::move(handler);
    target_->store(&handler_);
    std::printf("agritrace: listening on %s://%s:%u (%s)\n", options_.tls_cert_file.empty() ? "http" : "https",
                host().c_str(), static_cast<unsigned>(port()), what.c_str());
    std::fflush(stdout);
    int sig = 0;
    sigwait(&stop_signals, &sig);
    std::fprintf(stderr, "agritrace: signal %d, stopping\n", sig);
    server_->stop();
    target_->store(nullptr);
    return 0;
  }
  ~EarlyFront() {
    if (server_) server_->stop();
  }

 private:
  agritrace::api::HttpServerOptions options_;
  std::unique_ptr<agritrace::api::RateLimiter> limiter_;
  std::shared_ptr<std::atomic<const agritrace::api::Handler*>> target_ =
      std::make_shared<std::atomic<const agritrace::api::Handler*>>(nullptr);
  agritrace::api::Handler handler_;
  std::unique_ptr<agritrace::api::HttpServer> server_;
};

int serve_views(const Args& a, Env& env, bool test_clock, const HttpFront& front) {
  auto folder = agritrace::replay::open_as_of_folder(env, a.values.at("views"));
  if (!folder.ok()) return fail(folder.error().message);
  if (agritrace::Status format = agritrace::replay::check_views_format(*folder); !format.ok()) {
    return fail(format.error().message);
  }
  const sigset_t stop_signals = block_stop_signals();
  const std::string data = a.values.at("data");
  const std::string key_file = a.values.at("admin-key-file").empty() ? data + "/admin.key" : a.values.at("admin-key-file");
  auto key = admin_key(env, key_file);
  if (!key.ok()) return fail(key.error().message);
  auto base = open_ledger(env, a, false);
  if (!base.ok()) return fail(base.status().to_string());
  if (folder->ledger != (*base)->describe()) {
    return fail(fmt::format("{} was built from {}, not from this ledger ({})", a.values.at("views"), folder->ledger,
                            (*base)->describe()));
  }
  std::unique_ptr<agritrace::events::Ledger> ledger = agritrace::replay::ledger_as_of(**base, folder->as_of_ms);
  agritrace::events::CommandWriterOptions wo;
  wo.env = &env;
  auto writer = agritrace::events::start_command_writer(*ledger, wo);
  if (!writer.ok()) return fail("cannot load the ledger: " + writer.status().to_string());
  auto views = agritrace::projections::ViewStore::open(folder->views);
  if (!views.ok()) return fail(views.status().to_string());
  agritrace::projections::ProjectionRunner runner(*ledger, **views, agritrace::projections::make_all_projections(), &env);
  auto pii = open_pii_vault(env, a);
  if (!pii.ok()) return fail("cannot open the personal-data keys: " + pii.status().to_string());
  runner.set_pii(pii->get());
  // Up to the instant only (the views already are): positions before it then pass ?after=.
  if (Status s = runner.catch_up(); !s.ok()) return fail("views: " + s.to_string());

  agritrace::api::MetricsRegistry metrics;
  agritrace::api::BlobStore blobs(env, data + "/documents");
  agritrace::api::ServiceOptions so;
  so.admin_key_sha256 = agritrace::core::sha256_hex(*key);
  so.env = &env;
  so.test_clock = test_clock;
  agritrace::api::Service service(*ledger, **writer, runner, **views, blobs, metrics, so);
  agritrace::api::Router router(&metrics, &env);
  service.register_routes(router);
  const std::string detail =
      fmt::format("this server answers from the views as of {} (serve --views); it accepts no commands",
                  agritrace::core::format_rfc3339_utc(folder->as_of_ms));
  agritrace::api::Handler handler = [inner = router.handler(), detail](agritrace::api::HttpRequest req,
                                                                       agritrace::api::Responder respond) {
    if (req.method != "GET" && req.method != "HEAD") {
      return respond(agritrace::api::problem_response(409, "read_only", detail));
    }
    inner(std::move(req), std::move(respond));
  };
  const int rc = run_front(front, env, handler,
                           fmt::format("read-only: {}, views {}", ledger->describe(), folder->views), stop_signals);
  (*writer)->stop();
  return rc;
}

int cmd_serve(int argc, char** argv) {
  std::vector<Flag> flags = kLedgerFlags;
  flags.push_back({"views", "", "serve READ-ONLY from a folder made by `replay --as-of T --out DIR`: queries answer"
                                " as of T, commands answer 409 read_only"});
  flags.push_back({"listen", "127.0.0.1:8080", "HTTP listen address host:port (port 0: any free port)"});
  flags.push_back({"cluster", "0", "1: several nodes on one Kafka topic (issue 17): this node joins the writers' group,"
                                  " appends only to the partitions it owns and forwards the other commands"
                                  " (docs/OPERATIONS.md); 0: the only writer of the topic"});
  flags.push_back({"node-url", "", "with --cluster 1: the base URL the other nodes reach"
                                   " this one at (default http://LISTEN-HOST:PORT, the real port)"});
  const agritrace::api::ServerThreads thread_defaults =
      agritrace::api::default_server_threads(std::thread::hardware_concurrency());
  flags.push_back({"threads", std::to_string(thread_defaults.io_threads),
                   "HTTP I/O threads; by default half the CPUs, at least 1"});
  flags.push_back({"max-body-bytes", "8388608", "largest request body accepted (documents included)"});
  flags.push_back({"workers", std::to_string(thread_defaults.workers),
                   "worker threads that run the requests (queries, downloads) off the I/O threads"
                   "; by default one per CPU, at least 2"});
  flags.push_back({"scan-workers", "2", "worker threads of their own for consumer scans (resolver GETs, public"
                                        " pages), at a lower CPU priority, so scans never delay commands"});
  flags.push_back({"inline-cached-scans", "0", "1: a scan whose page is cached is answered on the HTTP I/O thread"
                                              " (about 1.7x the scans/s; commands then share those threads"
                                              " with the scans and answer slower while scanned)"});
  flags.push_back({"tls-cert", "", "PEM certificate chain: serve HTTPS only (TLS 1.2+, HSTS); needs --tls-key"});
  flags.push_back({"tls-key", "", "PEM private key of --tls-cert (keep it outside the data folder)"});
  flags.push_back({"rate-per-key", "1000:2000", "requests per second per API key, RATE:BURST (0: no limit)"});
  flags.push_back({"rate-per-address", "2000:4000", "requests per second per source IP, RATE:BURST (0: no limit)"});
  flags.push_back({"max-connections", "1024", "open connections in total; more are answered 503"});
  flags.push_back({"max-connections-per-address", "256", "open connections per source IP; more are answered 503"});
  flags.push_back({"max-queued-commands", "4096",
                   "commands waiting for the writer at most; more are answered"
                   " 503 writer_queue_full with Retry-After (back-pressure)"});
  flags.push_back({"admin-key-file", "", "file holding the platform administrator key (default DATA/admin.key;"
                                         " AGRITRACE_ADMIN_KEY overrides)"});
  flags.push_back({"payment-keys", "", "R-4.4.P: JSON file of the merchants' payment notification keys"
                                       " (WeChat Pay APIv3 key and platform public key, webhook secrets;"
                                       " docs/PUBLIC.md); outside the data folder"});
  flags.push_back({"complaint-accept-working-days", "7",
                   "R-4.4.2: working days to decide whether a complaint is accepted"});
  flags.push_back({"complaint-handling-working-days", "45",
                   "R-4.4.2: working days from acceptance to close a complaint"});
  flags.push_back({"holidays-file", "", "R-4.4.2: holiday calendar replacing the built-in"
                                        " api/public/holidays_cn.txt (same format)"});
  flags.push_back({"idempotency-retention-days", "7", "how long an Idempotency-Key answers its first command;"
                                                      " an older retry answers 409 idempotency_key_expired"});
  flags.push_back({"clock-offset-days", "", "TESTS/DEMOS ONLY: the server's clock is the wall clock + N days"
                                            " (N may be negative); needs AGRITRACE_ALLOW_TEST_CLOCK=1"});
  flags.push_back({"clock-start", "", "TESTS/DEMOS ONLY: the server's clock starts at this RFC 3339 instant"
                                      " and advances with the monotonic clock; needs AGRITRACE_ALLOW_TEST_CLOCK=1"});
  flags.push_back({"national-feed-url", "", "R-5.1: push the national platform feed to this http:// endpoint"
                                            " (POST /v1/national-feed/deliveries)"});
  flags.push_back({"national-feed-backoff-ms", "1000", "national feed: a failed push is retried after this,"
                                                      " doubling per attempt (6 attempts)"});
  flags.insert(flags.end(), kCheckpointFlags.begin(), kCheckpointFlags.end());
  flags.push_back({"checkpoint-key", "",
                   "secret key file (agritrace keygen) signing the chain-head checkpoints;"
                   " outside the data folder (AGRITRACE_CHECKPOINT_KEY overrides)"});
  flags.push_back({"checkpoint-every-events", "1000", "a checkpoint after this many new events"});
  flags.push_back(
      {"checkpoint-every-seconds", "60", "...or this long after the last one (and at shutdown)"});
  flags.insert(flags.end(), agritrace::cli::kRegulatorFeedFlags.begin(),
               agritrace::cli::kRegulatorFeedFlags.end());
  Args a = parse_args(argc, argv, 2, flags);
  if (a.help) {
    print_help("serve", "Serves the AgriTrace HTTP API on the embedded ledger, or on Kafka with --kafka.", flags);
    return 0;
  }
  if (!a.error.empty()) return fail(a.error);
  int threads = 0, max_body = 0, cp_events = 0, cp_seconds = 0, retention_days = 0;
  int workers = 0, max_conn = 0, max_conn_address = 0, max_queued = 0, scan_workers = 0;
  if (parse_int_flag(a, "threads", 1, 64, &threads) ||
      parse_int_flag(a, "scan-workers", 1, 256, &scan_workers) ||
      parse_int_flag(a, "max-body-bytes", 1024, 1 << 30, &max_body) ||
      parse_int_flag(a, "idempotency-retention-days", 1, 3650, &retention_days) ||
      parse_int_flag(a, "workers", 1, 256, &workers) ||
      parse_int_flag(a, "max-connections", 1, 1 << 20, &max_conn) ||
      parse_int_flag(a, "max-connections-per-address", 1, 1 << 20, &max_conn_address) ||
      parse_int_flag(a, "max-queued-commands", 1, 1 << 24, &max_queued)) {
    return 2;
  }
  if (parse_int_flag(a, "checkpoint-every-events", 1, 100'000'000, &cp_events) ||
      parse_int_flag(a, "checkpoint-every-seconds", 1, 86'400, &cp_seconds)) {
    return 2;
  }
  agritrace::api::RateLimitOptions rate;
  if (parse_rate_flag(a, "rate-per-key", &rate.per_key) || parse_rate_flag(a, "rate-per-address", &rate.per_address)) {
    return 2;
  }
  if (a.values.at("tls-cert").empty() != a.values.at("tls-key").empty()) {
    return fail("--tls-cert and --tls-key go together");
  }
  if (!a.values.at("payment-keys").empty()) {
    auto keys = agritrace::api::load_payment_keys(a.values.at("payment-keys"));
    if (!keys.ok()) return fail(keys.error().message);
  }
  HttpFront front;
  front.rate = rate;
  front.options.listen = a.values.at("listen");
  front.options.threads = threads;
  front.options.workers = workers;
  front.options.bulk = agritrace::api::is_consumer_scan;
  front.options.bulk_workers = scan_workers;
  front.options.max_body_bytes = static_cast<uint64_t>(max_body);
  front.options.max_connections = static_cast<size_t>(max_conn);
  front.options.max_connections_per_address = static_cast<size_t>(max_conn_address);
  front.options.tls_cert_file = a.values.at("tls-cert");
  front.options.tls_key_file = a.values.at("tls-key");

  // The server's Env: the POSIX one, or a test clock over it (refused unless explicitly allowed).
  agritrace::events::ControlledEnv test_env(agritrace::events::posix_env());
  bool test_clock = false;
  if (int rc = configure_test_clock(a, test_env, &test_clock); rc != 0) return rc;
  Env& env = test_clock ? static_cast<Env&>(test_env) : agritrace::events::posix_env();

  const std::string data = a.values.at("data");
  if (Status s = env.create_dirs(data); !s.ok()) return fail(fmt::format("cannot create {}: {}", data, s.to_string()));
  // Not world-readable: the folder, what is in it, and everything created from now on.
  if (Status s = env.make_private(data); !s.ok()) return fail(s.to_string());
  const agritrace::cli::IntegrityPaths integrity = integrity_paths(a);
  std::optional<agritrace::events::SigningKey> signing_key;
  std::string key_path = a.values.at("checkpoint-key");
  if (const char* e = std::getenv("AGRITRACE_CHECKPOINT_KEY"); e && *e) key_path = e;
  if (!key_path.empty()) {
    auto k = agritrace::cli::load_signing_key(env, key_path, data);
    if (!k.ok()) return fail(k.error().message);
    signing_key = std::move(k).value();
  } else {
    std::fprintf(stderr,
                 "agritrace: no --checkpoint-key: chain heads are checkpointed unsigned (loss is "
                 "detected, deliberate truncation or re-hashing is not)\n");
  }
  if (a.values.at("kafka").empty()) {
    if (int rc = agritrace::cli::refuse_vanished_ledger(env, data, integrity); rc != 0) return rc;
  }

  if (!a.values.at("views").empty()) return serve_views(a, env, test_clock, front);
  const sigset_t stop_signals = block_stop_signals();

  const std::string key_file = a.values.at("admin-key-file").empty() ? data + "/admin.key" : a.values.at("admin-key-file");
  auto key = admin_key(env, key_file);
  if (!key.ok()) return fail(key.error().message);

  // Bound first: the real port makes the URL this node advertises (issue 17, several nodes).
  EarlyFront early;
  if (Status started = early.start(front, env); !started.ok()) return fail(started.to_string());
  std::string node_url = a.values.at("node-url");
  if (node_url.empty()) {
    node_url = fmt::format("http://{}:{}", early.host(), early.port());
    if (early.host() == "0.0.0.0" || early.host() == "[::]" || early.host() == "::") {
      std::fprintf(stderr, "agritrace: listening on a wildcard address: give --node-url so that the other nodes"
                           " can forward commands to this one\n");
    }
  } else if (auto u = agritrace::api::parse_url(node_url); !u.ok()) {
    return fail("--node-url: " + u.error().message);
  }
  // Cluster mode (--cluster 1, Kafka only): this node appends only to the partitions it owns and
  // forwards the other commands to their owners. Opt-in while a broker loss can still abort the
  // nodes of a cluster (librdkafka 2.0.2, docs/OPERATIONS.md); the single writer survives it.
  int cluster_flag = 0;
  if (parse_int_flag(a, "cluster", 0, 1, &cluster_flag) != 0) return 2;
  if (cluster_flag == 1 && a.values.at("kafka").empty()) {
    return fail("--cluster 1 needs --kafka: the embedded ledger has one node");
  }
  const bool cluster = cluster_flag == 1;
  std::unique_ptr<agritrace::api::Forwarder> forwarder;
  if (cluster) forwarder = std::make_unique<agritrace::api::Forwarder>(node_url);

  auto ledger = open_ledger(env, a, true, cluster);
  if (!ledger.ok()) {
    (void)fail(ledger.status().to_string());
    return agritrace::cli::integrity_exit_code_for(ledger.error());
  }
  // The ledger must extend every checkpoint of it: never a silent start on less data. The
  // check folds the ledger on its own reader while the writer folds it, and is awaited before
  // anything is appended (the catalogue below) or served.
  // The audit trail (issue 16): chained, in DATA/audit; a broken chain refuses to start. Opened
  // first: the check below also requires it to hold the newest checkpoint's audit head, and the
  // checkpointer records its head in every checkpoint.
  auto opened_audit = agritrace::events::AuditLog::open(data + "/audit");
  if (!opened_audit.ok()) return fail("cannot open the audit trail: " + opened_audit.status().to_string());
  std::unique_ptr<agritrace::events::AuditLog> audit = std::move(opened_audit).value();
  int integrity_rc = 0;
  auto checking = std::async(std::launch::async, [&] {
    return agritrace::cli::start_checkpointer(env, **ledger, integrity, std::move(signing_key),
                                              static_cast<uint64_t>(cp_events),
                                              int64_t{cp_seconds} * 1000, audit.get(), &integrity_rc);
  });

  agritrace::events::CommandWriterOptions wo;
  wo.env = &env;
  // Generated codes and Idempotency-Key records: on disk, rebuilt from the ledger when missing.
  wo.index_path = data + "/writer-index";
  wo.idempotency_retention_ms = int64_t{retention_days} * 24 * 3600 * 1000;
  wo.max_queued_commands = static_cast<size_t>(max_queued);
  // Every command of a group, durable (fsync) before any of them is answered.
  wo.audit = [log = audit.get()](const std::vector<agritrace::events::AuditRecord>& records) {
    std::vector<agritrace::events::AuditEntry> entries;
    entries.reserve(records.size());
    for (const auto& r : records) {
      const int32_t status = r.error ? agritrace::api::http_status_for(*r.error) : 0;
      entries.push_back(agritrace::events::AuditEntry{r.at_ms, "command", r.tenant, r.actor, r.source,
                                                      r.command_name, status, r.outcome, r.command_id,
                                                      r.idempotency_key});
    }
    return log->append(entries, true);
  };
  // Issue 16: personal data sealed in the ledger, with its keys outside the data folder.
  auto pii = open_pii_vault(env, a);
  if (!pii.ok()) return fail("cannot open the personal-data keys: " + pii.status().to_string());
  wo.pii = pii->get();
  // Several nodes (issue 17, R-8): the consumer group `agritrace-writers.<topic>` assigns this
  // node the partitions it appends to (not started yet: it needs the writer, the writer needs it).
  std::unique_ptr<agritrace::events::KafkaOwnership> ownership;
  if (cluster) {
    agritrace::events::KafkaOwnershipOptions oo;
    oo.brokers = a.values.at("kafka");
    oo.topic = a.values.at("topic");
    oo.self_url = node_url;
    oo.env = &env;
    // `<topic>.owners` (the owners' announcements) as replicated as the ledger topic.
    int rf = 1;
    if (parse_int_flag(a, "replication-factor", 1, 16, &rf) != 0) return 2;
    oo.replication_factor = static_cast<int16_t>(rf);
    auto created = agritrace::events::KafkaOwnership::create(**ledger, oo);
    if (!created.ok()) return fail("cannot join the writers' group: " + created.status().to_string());
    ownership = std::move(created).value();
    wo.ownership = ownership.get();
  }
  auto writer = agritrace::events::start_command_writer(**ledger, wo);
  std::unique_ptr<agritrace::events::Checkpointer> checkpointer = checking.get();
  if (!checkpointer) return integrity_rc;  // its finding first: it says more than the writer's
  if (!writer.ok()) return fail("cannot load the ledger: " + writer.status().to_string());
  // Stops (leaves the group: its partitions move at once) before the writer, whatever the exit.
  struct LeaveGroup {
    agritrace::events::KafkaOwnership* o;
    ~LeaveGroup() {
      if (o) o->stop();
    }
  } leave_group{ownership.get()};
  if (ownership) {
    if (Status s = ownership->start(**writer); !s.ok()) return fail("cannot join the writers' group: " + s.to_string());
    // Ready once the group has given this node its share: every partition (a lone node), or a set
    // that has not changed for a second (partitions are acquired one by one). Bounded: a node
    // beyond the partitions' number owns none and serves queries and forwards commands.
    const int64_t ready_by = env.monotonic_ns() + 15'000'000'000LL;
    std::vector<int32_t> owned = ownership->wait_owned_change({}, 15'000);
    while (static_cast<int32_t>(owned.size()) < (*ledger)->partition_count() && env.monotonic_ns() < ready_by) {
      std::vector<int32_t> next = ownership->wait_owned_change(owned, 1'000);
      if (next == owned && !owned.empty()) break;
      owned = std::move(next);
    }
    std::fprintf(stderr, "agritrace: node %s owns %zu of %d partitions\n", node_url.c_str(), owned.size(),
                 (*ledger)->partition_count());
  }
  // the base catalogue, appended once (later starts add only new products).
  // Several nodes: only the owner of the platform's partition can append it, and at start a node
  // owns nothing yet; so the catalogue is loaded in the background by whichever node owns that
  // partition (a node that gets it later, after a failure, loads what is missing).
  CatalogueKeeper catalogue_keeper;
  agritrace::Result<agritrace::api::CatalogueLoad> added = agritrace::api::CatalogueLoad{};
  if (cluster) {
    catalogue_keeper.start(**writer);
  } else {
    added = agritrace::api::load_base_catalogue(**writer, agritrace::api::base_catalogue_json());
  }
  if (!added.ok()) return fail("cannot load the base catalogue: " + added.status().to_string());
  if (added->added > 0) {
    std::fprintf(stderr, "agritrace: base catalogue: %lld products added\n", static_cast<long long>(added->added));
  }

  const std::string vpath = views_path(a);
  const std::string identity_file = vpath + ".ledger";
  const std::string identity = agritrace::projections::views_identity((*ledger)->describe());
  if (read_text_file(env, identity_file) + "\n" != identity) {
    // Views built from another ledger, or in another format, are meaningless here: rebuild them
    // from this ledger.
    Status d = agritrace::projections::destroy_view_store(vpath);
    if (!d.ok()) return fail(d.to_string());
    Status w = env.write_file_durably(identity_file, identity);
    if (!w.ok()) return fail(w.to_string());
  }
  auto views = agritrace::projections::ViewStore::open(vpath);
  if (!views.ok()) return fail(views.status().to_string());
  agritrace::projections::ProjectionRunner runner(**ledger, **views, agritrace::projections::make_all_projections(), &env);
  runner.set_pii(pii->get());
  runner.start();
  if (added->last.offset >= 0) {
    // Serve only once the views show the catalogue just appended (bounded: a slow projection
    // must not keep the server down; queries then simply see it a moment later).
    std::promise<bool> shown;
    runner.wait_for(added->last, 30'000, [&shown](bool ok) { shown.set_value(ok); });
    if (!shown.get_future().get()) std::fprintf(stderr, "agritrace: views still catching up with the catalogue\n");
  }

  // Issue 13: the regulators' per-jurisdiction Kafka topics, followed from the ledger.
  int feed_rc = 0;
  auto feed = agritrace::cli::start_regulator_feed(a, env, **ledger, pii->get(), &feed_rc);
  if (feed_rc != 0) return feed_rc;
  auto webhooks = agritrace::cli::start_regulator_webhooks(a, env, **ledger, pii->get(), &feed_rc);
  if (!webhooks) return feed_rc;

  agritrace::api::MetricsRegistry metrics;
  agritrace::api::BlobStore blobs(env, data + "/documents");
  agritrace::api::ServiceOptions so;
  so.admin_key_sha256 = agritrace::core::sha256_hex(*key);
  so.env = &env;
  so.test_clock = test_clock;
  so.audit = audit.get();
  so.national_feed_url = a.values.at("national-feed-url");
  int feed_backoff_ms = 1000;
  if (parse_int_flag(a, "national-feed-backoff-ms", 1, 3'600'000, &feed_backoff_ms) != 0) return 2;
  so.national_feed_backoff_ms = feed_backoff_ms;
  // one job runner per production line, resuming unfinished jobs from the ledger.
  agritrace::api::PrintLinesOptions plo;
  if (ownership) {
    // Several nodes: only the owner of an enterprise's partition drives its lines' devices.
    plo.runs_here = [own = ownership.get(), l = ledger->get()](const std::string& tenant) {
      return own->owns(l->partition_for(tenant));
    };
  }
  agritrace::api::PrintLines print_lines(**ledger, **writer, env, plo);
  if (Status p = print_lines.start(); !p.ok()) return fail("cannot start the print lines: " + p.to_string());
  so.print_lines = &print_lines;
  so.webhooks = webhooks.get();
  so.payment_keys_file = a.values.at("payment-keys");
  {
    int accept_days = 7, handling_days = 45;
    if (parse_int_flag(a, "complaint-accept-working-days", 1, 365, &accept_days) != 0 ||
        parse_int_flag(a, "complaint-handling-working-days", 1, 365, &handling_days) != 0) {
      return 2;
    }
    so.complaint_accept_working_days = accept_days;
    so.complaint_handling_working_days = handling_days;
    so.holidays_file = a.values.at("holidays-file");
    auto calendar = agritrace::api::load_complaint_calendar(env, so.holidays_file);
    if (!calendar.ok()) return fail("--holidays-file: " + calendar.error().message);
  }
  // Issue 12: consumer scans go to their own append-only log beside the views (never through the
  // command writer): <data>/scans, or scans-kafka-<topic> next to views-kafka-<topic>.
  auto scans = agritrace::api::ScanLog::open(
      env, a.values.at("data") +
               (a.values.at("kafka").empty() ? "/scans" : "/scans-kafka-" + a.values.at("topic")));
  if (!scans.ok()) return fail(scans.status().to_string());
  so.scans = scans->get();
  // Issue 14: upload jobs, EPCIS capture jobs and national-feed deliveries outlive a restart:
  // <data>/jobs, or jobs-kafka-<topic> (one store per ledger, like the views).
  auto jobs = agritrace::api::JobStore::open(
      a.values.at("data") +
      (a.values.at("kafka").empty() ? "/jobs" : "/jobs-kafka-" + a.values.at("topic")));
  if (!jobs.ok()) return fail(jobs.status().to_string());
  so.jobs = jobs->get();
  if (cluster) {
    so.ownership = ownership.get();
    so.forwarder = forwarder.get();
  }
  agritrace::api::Service service(**ledger, **writer, runner, **views, blobs, metrics, so);
  agritrace::api::Router router(&metrics, &env);
  service.register_routes(router);
  // Issue 12: with --inline-cached-scans 1, a scan whose page parts are cached is answered on the
  // I/O thread (no hand-off).
  // Off by default: commands' latency under a scan storm is the stronger promise (docs/PUBLIC.md).
  if (a.values.at("inline-cached-scans") == "1") front.options.inline_when = service.answers_inline();

  const int served = early.serve(router.handler(),
                                 fmt::format("ledger {}, views {}{}", (*ledger)->describe(), vpath,
                                             cluster ? ", node " + node_url : std::string()),
                                 stop_signals);
  if (forwarder) forwarder->stop();
  catalogue_keeper.stop();  // before the writer: it appends through it
  print_lines.stop();  // before the writer: the runners append through it
  if (feed) feed->stop();
  webhooks->stop();
  if (ownership) ownership->stop();  // leaves the group: the partitions move to the other nodes now
  (*writer)->stop();
  runner.stop();
  if (Status c = checkpointer->stop(); !c.ok())
    std::fprintf(stderr, "agritrace: %s\n", c.to_string().c_str());
  return served;
}

int cmd_replay(int argc, char** argv) {
  std::vector<Flag> flags = kLedgerFlags;
  flags.push_back({"as-of", "", "RFC 3339 instant: build the views as they stood then, into --out (the"
                                " server's views are left alone; it may keep running)"});
  flags.push_back({"out", "", "with --as-of: the folder to build them in (query it with investigate --views)"});
  flags.insert(flags.end(), kTestClockFlags.begin(), kTestClockFlags.end());
  Args a = parse_args(argc, argv, 2, flags);
  if (a.help) {
    print_help("replay",
               "Rebuilds every view from the ledger (stop the server first: it holds the views),\n"
               "shows progress on a terminal and prints the views' SHA-256 digest.\n"
               "With --as-of T --out DIR: every view as it stood at T, in DIR\n"
               "(exit codes: docs/OPERATIONS.md#exit-codes).",
               flags);
    return 0;
  }
  if (!a.error.empty()) return fail(a.error);
  if (!a.values.at("as-of").empty() || !a.values.at("out").empty()) {
    agritrace::events::ControlledEnv test_env(agritrace::events::posix_env());
    bool test_clock = false;
    if (int rc = configure_test_clock(a, test_env, &test_clock); rc != 0) return rc;
    return agritrace::cli::replay_as_of(a, test_clock ? static_cast<Env&>(test_env) : agritrace::events::posix_env());
  }
  auto ledger = open_ledger(agritrace::events::posix_env(), a, false);
  if (!ledger.ok()) return fail(ledger.status().to_string());
  auto pii = open_pii_vault(agritrace::events::posix_env(), a);
  if (!pii.ok()) return fail("cannot open the personal-data keys: " + pii.status().to_string());
  const bool tty = ::isatty(STDERR_FILENO) != 0;
  auto report = agritrace::replay::rebuild_views(
      agritrace::events::posix_env(), **ledger, views_path(a), [tty](uint64_t done, uint64_t total, double secs) {
        if (!tty) return;
        const double rate = secs > 0 ? static_cast<double>(done) / secs : 0;
        const double eta = rate > 0 && total > done ? static_cast<double>(total - done) / rate : 0;
        std::fprintf(stderr, "\rreplay: %llu/%llu events  %.0f events/s  ETA %.0fs   ",
                     static_cast<unsigned long long>(done), static_cast<unsigned long long>(total), rate, eta);
      },
      pii->get());
  if (tty) std::fprintf(stderr, "\n");
  if (!report.ok()) return fail(report.status().to_string());
  Status identity = agritrace::events::posix_env().write_file_durably(
      views_path(a) + ".ledger", agritrace::projections::views_identity((*ledger)->describe()));
  if (!identity.ok()) return fail(identity.to_string());
  std::printf("replayed %llu events in %.3f s (%.0f events/s)\nviews digest %s\n",
              static_cast<unsigned long long>(report->events), report->seconds,
              report->seconds > 0 ? static_cast<double>(report->events) / report->seconds : 0.0,
              report->digest.c_str());
  return 0;
}

int cmd_verify(int argc, char** argv) {
  std::vector<Flag> flags = kLedgerFlags;
  flags.insert(flags.end(), kCheckpointFlags.begin(), kCheckpointFlags.end());
  flags.push_back({"checkpoint-key", "",
                   "public key file (agritrace keygen) the checkpoints must be signed with"});
  flags.push_back({"checkpoint-file", "",
                   "another copy of the checkpoint log to compare with (e.g. off-site)"});
  Args a = parse_args(argc, argv, 2, flags);
  if (a.help) {
    print_help(
        "verify",
        "Checks every tenant's SHA-256 hash chain and that the ledger extends its newest signed\n"
        "checkpoint. Exit 0 intact, 3 chain broken, 4 ledger damaged, 5 truncated, 6 tenant "
        "erased,\n"
        "7 rewritten, 8 forged checkpoint, 9 ledger vanished (1 other errors, 2 usage).",
        flags);
    return 0;
  }
  if (!a.error.empty()) return fail(a.error);
  Env& env = agritrace::events::posix_env();
  agritrace::cli::IntegrityPaths integrity = integrity_paths(a);
  if (!a.values.at("checkpoint-file").empty())
    integrity.files.extra.push_back(a.values.at("checkpoint-file"));
  if (a.values.at("kafka").empty()) {
    if (int rc = agritrace::cli::refuse_vanished_ledger(env, a.values.at("data"), integrity);
        rc != 0) {
      std::printf("BROKEN: the ledger vanished\nfinding: ledger_vanished\n");
      return rc;
    }
  }
  auto ledger = open_ledger(env, a, false);
  if (!ledger.ok()) {
    if (ledger.error().code == agritrace::ErrorCode::kCorruption) {
      std::printf("BROKEN: %s\nfinding: ledger_corrupt\n", ledger.error().message.c_str());
    }
    (void)fail(ledger.status().to_string());
    return agritrace::cli::integrity_exit_code_for(ledger.error());
  }
  return agritrace::cli::run_verify(env, **ledger, integrity, a.values.at("checkpoint-key"),
                                    a.values.at("data") + "/audit",
                                    stdout);
}

// The start of a command with required flags: parses argv into *a. A value means the command is
// done: 0 after --help, 1 after a message for a bad flag, or `missing` when a `required` flag is
// empty.
std::optional<int> begin_command(int argc, char** argv, const char* name, const char* summary,
                                 const std::vector<Flag>& flags,
                                 std::initializer_list<const char*> required, const char* missing,
                                 Args* a) {
  *a = parse_args(argc, argv, 2, flags);
  if (a->help) {
    print_help(name, summary, flags);
    return 0;
  }
  if (!a->error.empty()) return fail(a->error);
  for (const char* r : required) {
    if (a->values.at(r).empty()) return fail(missing);
  }
  return std::nullopt;
}

int cmd_keygen(int argc, char** argv) {
  std::vector<Flag> flags = {{"out", "", "path prefix: writes PREFIX.key (secret) and PREFIX.pub"}};
  const char* summary =
      "Writes an Ed25519 key pair for signed checkpoints (serve and verify --checkpoint-key).\n"
      "Keep the secret key outside the data folder.";
  Args a;
  auto done =
      begin_command(argc, argv, "keygen", summary, flags, {"out"}, "keygen needs --out PREFIX", &a);
  if (done) return *done;
  return agritrace::cli::run_keygen(agritrace::events::posix_env(), a.values.at("out"), stdout);
}

int cmd_backup(int argc, char** argv) {
  std::vector<Flag> flags = {
      {"data", "./var/data", "the data folder (the server may be running on it)"},
      {"to", "", "backup folder (incremental: later backups share unchanged files)"}};
  const char* summary =
      "A consistent online backup of the ledger, documents, keys, manifests and checkpoint\n"
      "logs of a data folder (docs/OPERATIONS.md).";
  Args a;
  auto done = begin_command(argc, argv, "backup", summary, flags, {"to"},
                            "backup needs --to BACKUPDIR", &a);
  if (done) return *done;
  Env& env = agritrace::events::posix_env();
  if (Status s = env.make_private(""); !s.ok()) return fail(s.to_string());
  auto r = agritrace::replay::backup_data_folder(env, a.values.at("data"), a.values.at("to"));
  if (!r.ok()) {
    (void)fail(r.status().to_string());
    return agritrace::cli::integrity_exit_code_for(r.error());
  }
  std::printf("backup %u: %llu ledger events (%llu new), %llu new documents%s\n", r->backup_id,
              static_cast<unsigned long long>(r->entries_total),
              static_cast<unsigned long long>(r->entries_copied),
              static_cast<unsigned long long>(r->documents_copied),
              r->embedded_ledger
                  ? ""
                  : "; Kafka ledger: the topic is not in this backup (docs/OPERATIONS.md)");
  return 0;
}

int cmd_restore(int argc, char** argv) {
  std::vector<Flag> flags = {{"from", "", "backup folder"},
                             {"to", "", "new data folder (must not exist or be empty)"},
                             {"backup", "0", "backup number (0: the newest)"},
                             {"pii-key-dir", "", "the restored personal-data key folder (default: TO.keys beside it)"}};
  const char* summary =
      "Restores a backup into a new data folder and rebuilds its views; then run verify.";
  Args a;
  auto done = begin_command(argc, argv, "restore", summary, flags, {"from", "to"},
                            "restore needs --from and --to", &a);
  if (done) return *done;
  int id = 0;
  if (parse_int_flag(a, "backup", 0, 1 << 30, &id) != 0) return 2;
  Env& env = agritrace::events::posix_env();
  if (Status s = env.make_private(""); !s.ok()) return fail(s.to_string());
  const std::string to = a.values.at("to");
  auto r = agritrace::replay::restore_data_folder(env, a.values.at("from"), to,
                                                  static_cast<uint32_t>(id));
  if (!r.ok()) return fail(r.status().to_string());
  std::printf("restored backup %u into %s (%llu documents)\n", r->backup_id, to.c_str(),
              static_cast<unsigned long long>(r->documents));
  if (!env.file_exists(to + "/ledger")) return 0;  // a Kafka data folder: views rebuild at serve
  agritrace::events::LocalLedgerOptions o;
  o.path = to + "/ledger";
  o.read_only = true;
  auto ledger = agritrace::events::open_local_ledger(o);
  if (!ledger.ok()) return fail(ledger.status().to_string());
  // The views open sealed personal data with the key folder restored beside the data (backed up
  // separately, docs/OPERATIONS.md); without it they show it as erased, and say so.
  std::string key_dir = a.values.at("pii-key-dir");
  if (key_dir.empty()) key_dir = (to.ends_with('/') ? to.substr(0, to.size() - 1) : to) + ".keys";
  std::unique_ptr<agritrace::events::PiiVault> pii;
  if (env.file_exists(key_dir)) {
    auto opened = agritrace::events::PiiVault::open(env, key_dir);
    if (!opened.ok()) return fail("cannot open the personal-data keys: " + opened.status().to_string());
    pii = std::move(opened).value();
  } else {
    std::fprintf(stderr, "agritrace: no personal-data key folder at %s: restore it there (or give --pii-key-dir) "
                 "before serving, or ID numbers and phones read [erased]\n", key_dir.c_str());
  }
  auto report = agritrace::replay::rebuild_views(env, **ledger, to + "/views", {}, pii.get());
  if (!report.ok()) return fail(report.status().to_string());
  if (Status s = env.write_file_durably(to + "/views.ledger", agritrace::projections::views_identity((*ledger)->describe()));
      !s.ok()) {
    return fail(s.to_string());
  }
  std::printf("views rebuilt: %llu events\nviews digest %s\n",
              static_cast<unsigned long long>(report->events), report->digest.c_str());
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

// uploads a goods-in / goods-out file (POST /v1/uploads) and follows its job to the end: a
// progress bar on a terminal, one line per step of progress otherwise. Exit 0 when every row was
// appended, kExitUploadRefused when the file or some rows were refused (the error report's address
// is printed), 1 when the server cannot be reached or the job failed, 2 for usage.
int cmd_import(int argc, char** argv) {
  std::vector<Flag> flags = {
      {"url", "http://127.0.0.1:8080", "the AgriTrace server"},
      {"key", "", "the enterprise's API key (or AGRITRACE_KEY, or --key-file)"},
      {"key-file", "", "file with the enterprise's API key"},
      {"type", "goods_in", "goods_in | goods_out"},
      {"mode", "all_or_nothing", "all_or_nothing | valid_rows"},
  };
  if (argc < 3 || std::string_view(argv[2]) == "--help" || std::string_view(argv[2]) == "-h") {
    print_help("import FILE", "uploads an ERP goods-in / goods-out file (CSV) and follows its job",
               flags);
    return argc < 3 ? agritrace::cli::kExitUsage : agritrace::cli::kExitOk;
  }
  const std::string file = argv[2];
  Args a = parse_args(argc, argv, 3, flags);
  if (a.help) {
    print_help("import FILE", "uploads an ERP goods-in / goods-out file (CSV) and follows its job",
               flags);
    return agritrace::cli::kExitOk;
  }
  if (!a.error.empty()) {
    std::fprintf(stderr, "agritrace: %s\n", a.error.c_str());
    return agritrace::cli::kExitUsage;
  }
  std::string key = a.values.at("key");
  if (key.empty()) {
    if (const char* env = std::getenv("AGRITRACE_KEY"); env && *env) {
      key = env;
    } else if (!a.values.at("key-file").empty()) {
      key = read_text_file(agritrace::events::posix_env(), a.values.at("key-file"));
    }
  }
  if (key.empty()) {
    std::fprintf(stderr, "agritrace: no API key: --key, AGRITRACE_KEY or --key-file\n");
    return agritrace::cli::kExitUsage;
  }
  auto bytes = agritrace::events::posix_env().read_file(file);
  if (!bytes.ok()) return fail("cannot read " + file + ": " + bytes.status().to_string());
  auto url = agritrace::api::parse_url(a.values.at("url"));
  if (!url.ok()) return fail(url.status().to_string());
  agritrace::api::HttpClient http(url->host, url->port);
  const agritrace::api::HeaderList auth{{"Authorization", "Bearer " + key}};
  agritrace::api::HeaderList post_headers = auth;
  const bool xlsx = file.size() > 5 && file.substr(file.size() - 5) == ".xlsx";
  post_headers.emplace_back(
      "Content-Type",
      xlsx ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" : "text/csv");
  const std::string target =
      "/v1/uploads?type=" + a.values.at("type") + "&mode=" + a.values.at("mode");
  auto answer_problem = [](const std::string& what, const agritrace::api::HttpResponse& r) {
    const std::string code = agritrace::projections::json_string_field(r.body, "code").value_or("");
    const std::string detail =
        agritrace::projections::json_string_field(r.body, "detail").value_or(r.body);
    std::fprintf(stderr, "agritrace: %s answered %d %s: %s\n", what.c_str(), r.status, code.c_str(),
                 detail.c_str());
  };
  auto r = http.request("POST", target, *bytes, post_headers);
  if (!r.ok()) return fail(r.status().to_string());
  if (r->status >= 300) {
    answer_problem("POST " + target, *r);
    return r->status == 401 || r->status == 403 ? agritrace::cli::kExitFailure
                                                : agritrace::cli::kExitUsage;
  }
  const std::string id = agritrace::projections::json_string_field(r->body, "id").value_or("");
  std::printf("upload %s (%s)\n", id.c_str(),
              r->status == 200 ? "the same file was uploaded before" : "new");
  std::fflush(stdout);
  const bool tty = isatty(fileno(stdout)) != 0;
  int64_t shown = -1;
  std::string body = r->body, state;
  for (;;) {
    auto job = agritrace::api::JsonInput::parse(body);
    if (!job.ok()) return fail("unreadable job: " + body);
    auto num = [&job](const char* k) -> int64_t {
      auto v = job->i64(k);
      return v.ok() ? *v : 0;
    };
    auto text = [&job](const char* k) -> std::string {
      auto v = job->opt_str(k, 4096);
      return v.ok() ? *v : std::string();
    };
    state = text("state");
    const int64_t percent = num("progress_percent");
    const int64_t read = num("rows_read"), invalid = num("rows_invalid");
    const bool finished = state == "done" || state == "refused" || state == "failed";
    if (tty) {
      const int width = 30, filled = static_cast<int>(percent * width / 100);
      std::printf("\r[%s%s] %3lld%%  %lld rows, %lld refused  %-9s",
                  std::string(filled, '#').c_str(), std::string(width - filled, ' ').c_str(),
                  static_cast<long long>(percent), static_cast<long long>(read),
                  static_cast<long long>(invalid), state.c_str());
      if (finished) std::printf("\n");
      std::fflush(stdout);
    } else if (percent / 10 != shown / 10 || finished) {
      std::printf("progress %lld%% rows_read=%lld rows_invalid=%lld state=%s\n",
                  static_cast<long long>(percent), static_cast<long long>(read),
                  static_cast<long long>(invalid), state.c_str());
      std::fflush(stdout);
      shown = percent;
    }
    if (finished) {
      std::printf("%s: %lld rows read, %lld valid, %lld refused, %lld appended\n", state.c_str(),
                  static_cast<long long>(read), static_cast<long long>(num("rows_valid")),
                  static_cast<long long>(invalid), static_cast<long long>(num("rows_appended")));
      const int64_t errors = num("error_count");
      if (errors > 0)
        std::printf("error report: %s/v1/uploads/%s/errors.csv\n", a.values.at("url").c_str(),
                    id.c_str());
      if (state == "failed") {
        std::fprintf(stderr, "agritrace: the upload failed: %s\n", text("detail").c_str());
        return agritrace::cli::kExitFailure;
      }
      return errors > 0 ? agritrace::cli::kExitUploadRefused : agritrace::cli::kExitOk;
    }
    // The server answers at the job's next change (progress or state).
    auto next = http.request("GET", "/v1/uploads/" + id + "?wait=true", "", auth);
    if (!next.ok()) return fail(next.status().to_string());
    if (next->status != 200) {
      answer_problem("GET /v1/uploads/" + id, *next);
      return agritrace::cli::kExitFailure;
    }
    body = next->body;
  }
}

void usage(FILE* out) {
  std::fprintf(out,
               "usage: agritrace <command> [flags]   (agritrace <command> --help for its flags)\n\n"
               "commands:\n"
               "  serve    serve the HTTP API (embedded ledger by default, --kafka for Kafka)\n"
               "  demo     seed a demo supply chain through the API of a running server\n"
               "  replay   rebuild every view from the ledger and print their digest\n"
               "  verify   check every tenant's hash chain and the signed checkpoints\n"
               "  keygen   write an Ed25519 key pair for signed checkpoints\n"
               "  backup   online, incremental backup of a data folder\n"
               "  restore  restore a backup into a new data folder\n"
               "  print    print jobs on a line's coders and label printers (through the API)\n"
               "  subscribe  a regulator's local copy of its jurisdiction's Kafka feed (JSON lines)\n"
               "  import   upload an ERP goods-in / goods-out file and follow its job (through the API)\n"
               "  investigate  timeline | whereabouts | recall-report | diff: ask the ledger about the past\n"
               "           (replay --as-of T --out DIR: every view as it stood at an instant; serve --views DIR)\n"
               "  audit    an enterprise's events with their hash-chain status, for an external auditor\n");
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
  if (cmd == "keygen") return cmd_keygen(argc, argv);
  if (cmd == "backup") return cmd_backup(argc, argv);
  if (cmd == "restore") return cmd_restore(argc, argv);
  if (cmd == "demo") return cmd_demo(argc, argv);
  if (cmd == "print") return cmd_print(argc, argv);
  if (cmd == "subscribe") return agritrace::cli::cmd_subscribe(argc, argv);
  if (cmd == "import") return cmd_import(argc, argv);
  if (cmd == "investigate") return agritrace::cli::cmd_investigate(argc, argv);
  if (cmd == "audit") return agritrace::cli::cmd_audit(argc, argv);
  std::fprintf(stderr, "agritrace: unknown command '%s'\n", cmd.c_str());
  usage(stderr);
  return 2;
}
