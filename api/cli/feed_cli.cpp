#include "api/cli/feed_cli.h"

#include <signal.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "api/cli/exit_codes.h"
#include "api/regulator/subscribe.h"
#include "events/env/posix_env.h"
#include "events/regulator/feed_consumer.h"

namespace agritrace::cli {
namespace {

// The SASL settings of --sasl-user and the password (--sasl-password-file, or the environment
// variable `password_env`); none without a user.
Result<std::vector<std::pair<std::string, std::string>>> sasl_config(const Args& a,
                                                                     const std::string& prefix,
                                                                     const char* password_env) {
  const std::string user = a.values.at(prefix + "sasl-user");
  if (user.empty()) return std::vector<std::pair<std::string, std::string>>{};
  std::string password;
  if (const char* e = std::getenv(password_env); e && *e) {
    password = e;
  } else if (!a.values.at(prefix + "sasl-password-file").empty()) {
    password = read_text_file(events::posix_env(), a.values.at(prefix + "sasl-password-file"));
  }
  if (password.empty()) {
    return make_error(ErrorCode::kInvalidArgument, "sasl_password_missing",
                      "--" + prefix + "sasl-user needs a password: --" + prefix +
                          "sasl-password-file FILE or " + password_env);
  }
  return events::feed_sasl_config(user, password, a.values.at(prefix + "sasl-mechanism"));
}

std::atomic<bool> g_stop{false};

}  // namespace

const std::vector<Flag> kRegulatorFeedFlags = {
    {"regulator-feed-kafka", "",
     "publish the regulators' per-jurisdiction CloudEvents topics to this Kafka cluster (both "
     "ledgers; docs/REGULATOR-FEED.md)"},
    {"regulator-feed-prefix", "agritrace.reg.",
     "topic name prefix: PREFIX<jurisdiction>, PREFIX_position"},
    {"regulator-feed-sasl-user", "", "the feed's SASL principal (empty: PLAINTEXT)"},
    {"regulator-feed-sasl-password-file", "",
     "file with that principal's password (AGRITRACE_FEED_SASL_PASSWORD overrides)"},
    {"regulator-feed-sasl-mechanism", "SCRAM-SHA-256", "SCRAM-SHA-256 | PLAIN"},
    {"regulator-webhook-retry-ms", "1000",
     "first back-off of a failed webhook delivery (doubles each time)"},
    {"regulator-webhook-retry-max-ms", "300000", "longest back-off between webhook attempts"},
};

std::unique_ptr<api::RegulatorFeed> start_regulator_feed(const Args& a, Env& env,
                                                         events::Ledger& ledger,
                                                         const events::PiiVault* pii, int* rc) {
  *rc = 0;
  if (a.values.at("regulator-feed-kafka").empty()) return nullptr;
  auto sasl = sasl_config(a, "regulator-feed-", "AGRITRACE_FEED_SASL_PASSWORD");
  if (!sasl.ok()) {
    *rc = 2;
    (void)fail(sasl.error().message);
    return nullptr;
  }
  api::RegulatorFeedOptions o;
  o.sink.brokers = a.values.at("regulator-feed-kafka");
  o.sink.prefix = a.values.at("regulator-feed-prefix");
  o.sink.client_config = std::move(sasl).value();
  o.pii = pii;
  o.env = &env;
  auto feed = std::make_unique<api::RegulatorFeed>(ledger, std::move(o));
  feed->start();
  std::fprintf(stderr, "agritrace: regulator feed to %s, topics %s<jurisdiction>\n",
               a.values.at("regulator-feed-kafka").c_str(),
               a.values.at("regulator-feed-prefix").c_str());
  return feed;
}

std::unique_ptr<api::RegulatorWebhooks> start_regulator_webhooks(const Args& a, Env& env,
                                                                 events::Ledger& ledger,
                                                                 const events::PiiVault* pii,
                                                                 int* rc) {
  int base = 0, cap = 0;
  if (parse_int_flag(a, "regulator-webhook-retry-ms", 1, 3'600'000, &base) != 0 ||
      parse_int_flag(a, "regulator-webhook-retry-max-ms", 1, 86'400'000, &cap) != 0) {
    *rc = kExitUsage;
    return nullptr;
  }
  api::WebhookOptions o;
  o.dir = a.values.at("data") + "/regulator-webhooks";
  o.retry_base_ms = base;
  o.retry_max_ms = std::max(base, cap);
  auto hooks = std::make_unique<api::RegulatorWebhooks>(ledger, pii, env, o);
  if (Status s = hooks->start(); !s.ok()) {
    *rc = fail("regulator webhooks: " + s.to_string());
    return nullptr;
  }
  *rc = 0;
  return hooks;
}

int cmd_subscribe(int argc, char** argv) {
  const std::vector<Flag> flags = {
      {"kafka", "", "the cluster's SASL listener host:port[,host:port]"},
      {"jurisdiction", "", "division code (e.g. 440300) or GBA: reads PREFIX<jurisdiction>"},
      {"prefix", "agritrace.reg.", "topic name prefix the server publishes with"},
      {"sasl-user", "", "the bureau's SASL principal"},
      {"sasl-password-file", "", "file with its password (AGRITRACE_SASL_PASSWORD overrides)"},
      {"sasl-mechanism", "SCRAM-SHA-256", "SCRAM-SHA-256 | PLAIN"},
      {"out", "", "folder of the local copy: events.jsonl + position (resumable)"},
      {"follow", "false", "true: keep copying new records until SIGINT/SIGTERM"},
  };
  Args a = parse_args(argc, argv, 2, flags);
  if (a.help) {
    print_help("subscribe",
               "Copies a jurisdiction's regulator feed (CloudEvents) into OUT/events.jsonl, one "
               "event a line,\nresuming where the last run stopped; exits once caught up unless "
               "--follow true.",
               flags);
    return 0;
  }
  if (!a.error.empty()) return fail(a.error);
  for (const char* r : {"kafka", "jurisdiction", "out"}) {
    if (a.values.at(r).empty()) {
      (void)fail("subscribe needs --kafka, --jurisdiction and --out");
      return kExitUsage;
    }
  }
  auto sasl = sasl_config(a, "", "AGRITRACE_SASL_PASSWORD");
  if (!sasl.ok()) {
    (void)fail(sasl.error().message);
    return kExitUsage;
  }
  api::SubscribeOptions o;
  o.brokers = a.values.at("kafka");
  o.client_config = std::move(sasl).value();
  o.topic = a.values.at("prefix") + a.values.at("jurisdiction");
  o.out_dir = a.values.at("out");
  o.follow = a.values.at("follow") == "true";
  if (o.follow) {
    struct sigaction sa{};
    sa.sa_handler = [](int) { g_stop.store(true); };
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);
  }
  auto r = api::run_subscribe(o, &g_stop);
  if (!r.ok()) {
    (void)fail(r.status().to_string());
    return r.error().code == ErrorCode::kPermissionDenied ||
                   r.error().code == ErrorCode::kUnauthenticated
               ? kExitNotAuthorized
               : kExitFailure;
  }
  std::printf("copied %llu events of %s into %s/events.jsonl; next offset %lld\n",
              static_cast<unsigned long long>(r->copied), o.topic.c_str(), o.out_dir.c_str(),
              static_cast<long long>(r->next_offset));
  return 0;
}

}  // namespace agritrace::cli
