#include "api/cli/investigate.h"

#include <fmt/format.h>
#include <simdjson.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/civil_time.h"
#include "core/base/json_writer.h"
#include "events/env/posix_env.h"
#include "projections/base/pagination.h"
#include "projections/base/view_store.h"
#include "projections/sales/queries.h"
#include "replay/as_of.h"
#include "replay/code_index.h"
#include "replay/investigate.h"

namespace agritrace::cli {

namespace {

using replay::LedgerEntry;

// --- exit codes and messages -------------------------------------------------------------------

int report_error(const Error& e) {
  std::fprintf(stderr, "agritrace: %s\n", e.message.empty() ? e.reason.c_str() : e.message.c_str());
  return exit_code_for(e);
}

int usage_error(const std::string& message) {
  std::fprintf(stderr, "agritrace: %s\n", message.c_str());
  return kExitUsage;
}

// An RFC 3339 instant; also "YYYY-MM-DDTHH:MM±hh:mm" (seconds left out, as people type it).
Result<int64_t> parse_instant(const std::string& text, const char* flag) {
  auto at = core::parse_rfc3339(text, flag);
  if (at.ok() || text.size() < 17 || text[16] == ':' || text[13] != ':') return at;
  std::string with_seconds = text;
  with_seconds.insert(16, ":00");
  auto again = core::parse_rfc3339(with_seconds, flag);
  return again.ok() ? again : at;
}

// --- output ------------------------------------------------------------------------------------

enum class Format { kTable, kJson, kCsv };

Result<Format> format_of(const Args& a) {
  const std::string& f = a.values.at("format");
  if (f.empty()) return ::isatty(STDOUT_FILENO) != 0 ? Format::kTable : Format::kJson;
  if (f == "table") return Format::kTable;
  if (f == "json") return Format::kJson;
  if (f == "csv") return Format::kCsv;
  return make_error(ErrorCode::kInvalidArgument, "format_invalid", "--format must be table, json or csv", "format");
}

const Flag kFormatFlag{"format", "", "table | json | csv (default: table on a terminal, else json)"};

// A CSV cell: quoted when needed; a leading = + - @ neutralised (spreadsheets run them as formulas).
std::string csv_cell(std::string_view v) {
  const bool formula = !v.empty() && (v[0] == '=' || v[0] == '+' || v[0] == '-' || v[0] == '@');
  std::string s = formula ? "'" : "";
  s.append(v);
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

// Terminal columns of a UTF-8 string (CJK and other wide characters count two).
size_t display_width(std::string_view s) {
  size_t w = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if ((c & 0xC0) == 0x80) continue;
    w += c >= 0xE0 ? 2 : 1;
  }
  return w;
}

void print_table(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> width(header.size());
  for (size_t c = 0; c < header.size(); ++c) width[c] = display_width(header[c]);
  for (const auto& r : rows) {
    for (size_t c = 0; c < r.size() && c < width.size(); ++c) width[c] = std::max(width[c], display_width(r[c]));
  }
  auto line = [&](const std::vector<std::string>& r) {
    std::string out;
    for (size_t c = 0; c < r.size(); ++c) {
      out += r[c];
      if (c + 1 < r.size()) out += std::string(width[c] - display_width(r[c]) + 2, ' ');
    }
    std::printf("%s\n", out.c_str());
  };
  line(header);
  for (const auto& r : rows) line(r);
}

void print_csv(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows) {
  auto line = [](const std::vector<std::string>& r) {
    std::string out;
    for (size_t c = 0; c < r.size(); ++c) {
      if (c > 0) out += ',';
      out += csv_cell(r[c]);
    }
    std::printf("%s\n", out.c_str());
  };
  line(header);
  for (const auto& r : rows) line(r);
}

// Ledger entries as a table, CSV (full hashes) or a JSON array (payloads included).
void print_entries(const std::vector<LedgerEntry>& entries, Format format) {
  if (format == Format::kJson) {
    JsonWriter w;
    w.begin_array();
    for (const LedgerEntry& x : entries) {
      const events::Envelope& e = x.envelope;
      w.begin_object()
          .field("recorded_at", core::format_rfc3339_utc(e.recorded_at_ms))
          .field("occurred_at", core::format_rfc3339_utc(e.occurred_at_ms))
          .field("position", x.position.to_string())
          .field("enterprise_id", e.tenant)
          .field("enterprise", x.enterprise)
          .field("tenant_seq", e.tenant_seq)
          .field("type", e.type)
          .field("subject", e.subject);
      replay::write_chain_link(w, x);
      w.field_raw("payload", e.payload_json.empty() ? "{}" : e.payload_json).end_object();
    }
    w.end_array();
    std::printf("%s\n", w.take().c_str());
    return;
  }
  const bool table = format == Format::kTable;
  auto short_hash = [table](const std::string& h) { return table ? h.substr(0, 12) : h; };
  std::vector<std::string> header{"recorded_at", "position", "enterprise_id", "enterprise", "seq",
                                  "type",        "subject",  "prev_hash",     "hash",       "verified"};
  std::vector<std::vector<std::string>> rows;
  for (const LedgerEntry& x : entries) {
    const events::Envelope& e = x.envelope;
    rows.push_back({core::format_rfc3339_utc(e.recorded_at_ms), x.position.to_string(), e.tenant, x.enterprise,
                    std::to_string(e.tenant_seq), e.type, e.subject, short_hash(e.prev_hash), short_hash(e.hash),
                    x.verified ? "yes" : "NO: " + x.problem});
  }
  if (table) {
    print_table(header, rows);
  } else {
    print_csv(header, rows);
  }
}

// A JSON document as (path, value) rows: "enterprises[0].name  鲜达".
void flatten(simdjson::dom::element el, const std::string& path, std::vector<std::vector<std::string>>& rows) {
  switch (el.type()) {
    case simdjson::dom::element_type::OBJECT: {
      simdjson::dom::object object;
      if (el.get(object) != simdjson::SUCCESS) break;
      for (auto field : object) {
        const std::string key(field.key);
        flatten(field.value, path.empty() ? key : path + "." + key, rows);
      }
      break;
    }
    case simdjson::dom::element_type::ARRAY: {
      simdjson::dom::array array;
      if (el.get(array) != simdjson::SUCCESS) break;
      size_t i = 0;
      for (auto item : array) flatten(item, fmt::format("{}[{}]", path, i++), rows);
      if (i == 0) rows.push_back({path, "[]"});
      break;
    }
    case simdjson::dom::element_type::STRING:
      rows.push_back({path, std::string(el.get_string().value_unsafe())});
      break;
    default:
      rows.push_back({path, simdjson::minify(el)});
  }
}

// A query's JSON answer: as is, or flattened into a table / CSV.
int print_document(const std::string& json, Format format) {
  if (format == Format::kJson) {
    std::printf("%s\n", json.c_str());
    return kExitOk;
  }
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(json).get(doc) != simdjson::SUCCESS) {
    std::printf("%s\n", json.c_str());
    return kExitOk;
  }
  std::vector<std::vector<std::string>> rows;
  flatten(doc, "", rows);
  if (format == Format::kTable) {
    print_table({"field", "value"}, rows);
  } else {
    print_csv({"field", "value"}, rows);
  }
  return kExitOk;
}

// --- the Env, the ledger and the views -------------------------------------------------------------

// The command's Env: POSIX, or a test clock over it (refused unless AGRITRACE_ALLOW_TEST_CLOCK=1).
struct CommandEnv {
  events::ControlledEnv test{events::posix_env()};
  bool test_clock = false;
  Env& env() { return test_clock ? static_cast<Env&>(test) : events::posix_env(); }
};

// A temporary as-of folder, removed when the command ends.
struct ScratchDir {
  std::string path;
  ~ScratchDir() {
    std::error_code ec;
    if (!path.empty()) std::filesystem::remove_all(path, ec);
  }
};

// The views a query reads: --views DIR (made by replay --as-of), else views rebuilt as of --as-of
// (default: now) in a scratch folder.
Result<std::unique_ptr<projections::ViewStore>> query_views(const Args& a, Env& env, ScratchDir& scratch) {
  const std::string& dir = a.values.at("views");
  const std::string& as_of = a.values.at("as-of");
  if (!dir.empty()) {
    if (!as_of.empty()) {
      return make_error(ErrorCode::kInvalidArgument, "flags_exclusive",
                        "--views and --as-of exclude each other (the folder has its own instant)", "as-of");
    }
    auto folder = replay::open_as_of_folder(env, dir);
    if (!folder.ok()) return folder.error();
    if (Status format = replay::check_views_format(*folder); !format.ok()) return format.error();
    std::fprintf(stderr, "agritrace: views of %s as of %s\n", folder->ledger.c_str(),
                 core::format_rfc3339_utc(folder->as_of_ms).c_str());
    return projections::ViewStore::open(folder->views);
  }
  int64_t at = env.now_ms();
  if (!as_of.empty()) {
    auto parsed = parse_instant(as_of, "as-of");
    if (!parsed.ok()) return parsed.error();
    at = *parsed;
  }
  auto ledger = open_ledger(env, a, false);
  if (!ledger.ok()) return ledger.error();
  std::error_code ec;
  scratch.path = (std::filesystem::temp_directory_path(ec) /
                  fmt::format("agritrace-asof-{}-{}", ::getpid(), env.monotonic_ns()))
                     .string();
  auto pii = open_pii_vault(env, a);
  if (!pii.ok()) return pii.error();
  auto built = replay::build_views_as_of(env, **ledger, scratch.path, at, progress_bar("views as of"), pii->get());
  finish_progress();
  if (!built.ok()) return built.error();
  return projections::ViewStore::open(built->views);
}

std::vector<Flag> with_ledger_flags(std::vector<Flag> own) {
  own.insert(own.end(), kLedgerFlags.begin(), kLedgerFlags.end());
  own.insert(own.end(), kTestClockFlags.begin(), kTestClockFlags.end());
  return own;
}

int need(const Args& a, std::initializer_list<const char*> names, const char* cmd) {
  for (const char* n : names) {
    if (a.values.at(n).empty()) return usage_error(fmt::format("{} needs --{}", cmd, n));
  }
  return kExitOk;
}

// One investigate subcommand: its flags (own + ledger + test clock + --format), parsed and checked.
struct Command {
  Args a;
  Format format = Format::kJson;
  CommandEnv ce;
  Env& env() { return ce.env(); }
  const std::string& operator[](const char* flag) const { return a.values.at(flag); }
};

// Parses argv into *cmd; false with the exit code in *rc on --help (0) or bad usage.
bool start_command(int argc, char** argv, const char* name, const char* summary, std::vector<Flag> own,
                   std::initializer_list<const char*> required, Command* cmd, int* rc) {
  own.push_back(kFormatFlag);
  const std::vector<Flag> flags = with_ledger_flags(std::move(own));
  cmd->a = parse_args(argc, argv, 3, flags);
  *rc = kExitOk;
  if (cmd->a.help) {
    print_help(name, summary, flags);
    return false;
  }
  if (!cmd->a.error.empty()) {
    *rc = usage_error(cmd->a.error);
    return false;
  }
  if ((*rc = need(cmd->a, required, name)) != kExitOk) return false;
  auto format = format_of(cmd->a);
  if (!format.ok()) {
    *rc = usage_error(format.error().message);
    return false;
  }
  cmd->format = *format;
  *rc = configure_test_clock(cmd->a, cmd->ce.test, &cmd->ce.test_clock);
  return *rc == kExitOk;
}

// --- commands ----------------------------------------------------------------------------------

// Entries that were read (or why they could not be): printed, then kExitChainBroken when one of
// them failed its hash-chain check.
int finish_entries(const Result<std::vector<LedgerEntry>>& entries, Format format) {
  if (!entries.ok()) return report_error(entries.error());
  print_entries(*entries, format);
  size_t broken = 0;
  for (const LedgerEntry& x : *entries) broken += x.verified ? 0 : 1;
  if (broken == 0) return kExitOk;
  std::fprintf(stderr, "agritrace: DAMAGED LEDGER: %zu of these events fail their hash-chain check (verified: NO)\n",
               broken);
  return kExitChainBroken;
}

int investigate_timeline(int argc, char** argv) {
  Command cmd;
  int rc = 0;
  if (!start_command(argc, argv, "investigate timeline",
                     "Every event that touched a code or a lot, in recorded order, with its enterprise, time,\n"
                     "ledger position and hash-chain link (prev_hash -> hash, verified).",
                     {{"code", "", "a trace code: its serial or its GS1 Digital Link URI"},
                      {"lot", "", "a lot or batch id (lot-3, b-2)"},
                      {"tenant", "", "only this enterprise's events (its USCC)"},
                      {"index", "", "a code index folder of your own (created, then brought up to date on each"
                                    " use): a code's timeline reads it instead of scanning the ledger"}},
                     {}, &cmd, &rc)) {
    return rc;
  }
  if (cmd["code"].empty() == cmd["lot"].empty()) {
    return usage_error("investigate timeline needs exactly one of --code and --lot");
  }
  auto ledger = open_ledger(cmd.env(), cmd.a, false);
  if (!ledger.ok()) return report_error(ledger.error());
  auto serial = cmd["code"].empty() ? Result<std::string>(std::string()) : replay::code_serial(cmd["code"]);
  if (!serial.ok()) return report_error(serial.error());
  if (!cmd["index"].empty() && replay::CodeIndex::covers(*serial)) {
    auto index = replay::CodeIndex::open(cmd["index"]);
    if (!index.ok()) return report_error(index.error());
    Status caught_up = (*index)->catch_up(cmd.env(), **ledger, progress_bar("index"));
    finish_progress();
    if (!caught_up.ok()) return report_error(caught_up.error());
    return finish_entries((*index)->timeline(**ledger, *serial, cmd["tenant"]), cmd.format);
  }
  replay::TimelineQuery q{cmd["code"], cmd["lot"], cmd["tenant"]};
  auto entries = replay::timeline(cmd.env(), **ledger, q, progress_bar("timeline"));
  finish_progress();
  return finish_entries(entries, cmd.format);
}

const Flag kAsOfFlag{"as-of", "", "RFC 3339 instant: the answer as it stood then (default: now)"};
const Flag kViewsFlag{"views", "", "a folder made by `replay --as-of T --out DIR` (instead of --as-of)"};

int investigate_whereabouts(int argc, char** argv) {
  Command cmd;
  int rc = 0;
  if (!start_command(argc, argv, "investigate whereabouts",
                     "Where the goods of a lot are (or were at --as-of): the same answer as\n"
                     "GET /v1/whereabouts?lot_id=ID for the enterprise --tenant, from views rebuilt as of the instant.",
                     {{"lot", "", "the lot (or batch) id, as the enterprise knows it (lot-3, b-2)"},
                      {"tenant", "", "the enterprise asking (its USCC): the answer is the one GET /v1/whereabouts gives it"},
                      kAsOfFlag, kViewsFlag},
                     {"lot", "tenant"}, &cmd, &rc)) {
    return rc;
  }
  ScratchDir scratch;
  auto views = query_views(cmd.a, cmd.env(), scratch);
  if (!views.ok()) return report_error(views.error());
  const std::string& lot = cmd["lot"];
  projections::SalesQueries q(**views);
  auto answer = lot.starts_with("b-") ? q.whereabouts_batch(cmd["tenant"], lot) : q.whereabouts_lot(cmd["tenant"], lot);
  if (!answer.ok()) return report_error(answer.error());
  return print_document(*answer, cmd.format);
}

// The recalls of `tenant` whose target is `lot` (GET /v1/recalls, every page).
Result<std::vector<std::string>> recalls_of_lot(const projections::SalesQueries& q, const std::string& tenant,
                                                const std::string& lot) {
  std::vector<std::string> ids;
  projections::Page page;
  page.limit = 1000;
  simdjson::dom::parser parser;
  for (;;) {
    auto list = q.recalls(tenant, page);
    if (!list.ok()) return list.error();
    simdjson::dom::element doc;
    simdjson::dom::array items;
    if (parser.parse(*list).get(doc) != simdjson::SUCCESS || doc["items"].get(items) != simdjson::SUCCESS) {
      return make_error(ErrorCode::kInternal, "recalls_unreadable", "the recall list is not JSON");
    }
    for (auto item : items) {
      std::string_view target, id;
      if (item["target"].get(target) == simdjson::SUCCESS && target == lot &&
          item["recall_id"].get(id) == simdjson::SUCCESS) {
        ids.emplace_back(id);
      }
    }
    std::string_view next;
    if (doc["next_after"].get(next) != simdjson::SUCCESS) break;
    page.after = std::string(next);
  }
  return ids;
}

int investigate_recall_report(int argc, char** argv) {
  Command cmd;
  int rc = 0;
  if (!start_command(argc, argv, "investigate recall-report",
                     "The recall report of a lot: the same answer as GET /v1/recalls/{id} (CSV: as\n"
                     "GET /v1/recalls/{id}/report.csv) for the enterprise that raised it, as of an instant.\n"
                     "Several recalls of the lot: a JSON array of their reports.",
                     {{"lot", "", "the recalled lot (or batch) id of the enterprise (lot-3, b-2)"},
                      {"recall", "", "the recall id (rc-1) instead of --lot"},
                      {"tenant", "", "the enterprise that raised the recall (its USCC)"},
                      kAsOfFlag, kViewsFlag},
                     {"tenant"}, &cmd, &rc)) {
    return rc;
  }
  if (cmd["lot"].empty() == cmd["recall"].empty()) {
    return usage_error("investigate recall-report needs exactly one of --lot and --recall");
  }
  ScratchDir scratch;
  auto views = query_views(cmd.a, cmd.env(), scratch);
  if (!views.ok()) return report_error(views.error());
  const std::string& tenant = cmd["tenant"];
  projections::SalesQueries q(**views);
  std::vector<std::string> ids{cmd["recall"]};
  if (ids[0].empty()) {
    auto found = recalls_of_lot(q, tenant, cmd["lot"]);
    if (!found.ok()) return report_error(found.error());
    if (found->empty()) {
      return report_error(make_error(ErrorCode::kNotFound, "recall_not_found",
                                     fmt::format("enterprise {} raised no recall of {} (as of this instant)", tenant,
                                                 cmd["lot"])));
    }
    ids = std::move(found).value();
  }
  std::vector<std::string> answers;
  for (const std::string& id : ids) {
    auto answer = cmd.format == Format::kCsv ? q.recall_csv(tenant, id) : q.recall(tenant, id);
    if (!answer.ok()) return report_error(answer.error());
    answers.push_back(std::move(answer).value());
  }
  if (cmd.format == Format::kCsv) {
    for (const std::string& csv : answers) std::fputs(csv.c_str(), stdout);
    return kExitOk;
  }
  if (answers.size() == 1) return print_document(answers[0], cmd.format);
  std::string all = "[";
  for (size_t i = 0; i < answers.size(); ++i) {
    if (i > 0) all += ',';
    all += answers[i];
  }
  return print_document(all + "]", cmd.format);
}

int investigate_diff(int argc, char** argv) {
  Command cmd;
  int rc = 0;
  if (!start_command(argc, argv, "investigate diff",
                     "What moved between two instants: every event recorded after --from and up to --to\n"
                     "(shipments, receipts, consumptions, sales, recalls...), in order, with its chain link.",
                     {{"from", "", "RFC 3339 instant: the earlier state"},
                      {"to", "", "RFC 3339 instant: the later state (default: now)"},
                      {"lot", "", "only events that name this lot or batch id"},
                      {"tenant", "", "only this enterprise's events (its USCC)"}},
                     {"from"}, &cmd, &rc)) {
    return rc;
  }
  auto from = parse_instant(cmd["from"], "from");
  if (!from.ok()) return usage_error(from.error().message);
  int64_t to = cmd.env().now_ms();
  if (!cmd["to"].empty()) {
    auto parsed = parse_instant(cmd["to"], "to");
    if (!parsed.ok()) return usage_error(parsed.error().message);
    to = *parsed;
  }
  if (*from >= to) return usage_error("--from must be before --to");
  auto ledger = open_ledger(cmd.env(), cmd.a, false);
  if (!ledger.ok()) return report_error(ledger.error());
  for (auto [at, name] : {std::pair{*from, "from"}, std::pair{to, "to"}}) {
    if (Status s = replay::check_instant(cmd.env(), **ledger, at, name); !s.ok()) return report_error(s.error());
  }
  replay::TimelineQuery lot{"", cmd["lot"], cmd["tenant"]};
  auto entries = replay::recorded_between(cmd.env(), **ledger, *from, to, lot, progress_bar("diff"));
  finish_progress();
  return finish_entries(entries, cmd.format);
}

}  // namespace

int exit_code_for(const Error& e) {
  const std::string& r = e.reason;
  if (r == replay::kAsOfBeforeStart || r == replay::kLedgerEmpty) return kExitBeforeStart;
  if (r == replay::kAsOfInFuture) return kExitFuture;
  if (r == "as_of_folder_missing" || r == "as_of_views_format") return kExitNoViews;
  if (e.code == ErrorCode::kCorruption) return kExitLedgerCorrupt;
  if (e.code == ErrorCode::kNotFound && r != "ledger_missing") return kExitUnknown;
  if (e.code == ErrorCode::kInvalidArgument) return kExitUsage;
  return kExitFailure;
}

int replay_as_of(const Args& a, Env& env) {
  if (a.values.at("as-of").empty() || a.values.at("out").empty()) {
    return usage_error("replay --as-of T needs --out DIR (and --out needs --as-of)");
  }
  auto at = parse_instant(a.values.at("as-of"), "as-of");
  if (!at.ok()) return usage_error(at.error().message);
  // Never over production's views, nor over a folder that is not an as-of folder already.
  const std::string& out = a.values.at("out");
  std::error_code ec;
  const auto canonical = [&ec](const std::string& p) { return std::filesystem::weakly_canonical(p, ec).string(); };
  if (canonical(out + "/views") == canonical(views_path(a)) || canonical(out) == canonical(a.values.at("data"))) {
    return usage_error(fmt::format("--out {} would replace the server's views: give a folder of its own", out));
  }
  if (std::filesystem::exists(out, ec) && !std::filesystem::is_empty(out, ec) &&
      !replay::open_as_of_folder(env, out).ok()) {
    return usage_error(fmt::format("--out {} exists and is not an as-of folder: give a new or empty folder", out));
  }
  auto ledger = open_ledger(env, a, false);
  if (!ledger.ok()) return report_error(ledger.error());
  auto pii = open_pii_vault(env, a);
  if (!pii.ok()) return report_error(pii.error());
  auto report = replay::build_views_as_of(env, **ledger, a.values.at("out"), *at, progress_bar("replay as of"), pii->get());
  finish_progress();
  if (!report.ok()) return report_error(report.error());
  std::printf("views as of %s: %llu events in %.3f s (%.0f events/s)\nviews digest %s\nfolder %s\n",
              core::format_rfc3339_utc(*at).c_str(), static_cast<unsigned long long>(report->events), report->seconds,
              report->seconds > 0 ? static_cast<double>(report->events) / report->seconds : 0.0,
              report->digest.c_str(), a.values.at("out").c_str());
  return kExitOk;
}

int cmd_investigate(int argc, char** argv) {
  static const char* kUsage =
      "usage: agritrace investigate SUBCOMMAND [flags]   (SUBCOMMAND --help for its flags)\n\n"
      "Asks the ledger about the past, without a server and without touching production.\n\n"
      "subcommands:\n"
      "  timeline       --code URI|SERIAL | --lot ID [--tenant USCC]: every event that touched it\n"
      "  whereabouts    --lot ID --tenant USCC [--as-of T | --views DIR]: where its goods are (were)\n"
      "  recall-report  --lot ID|--recall ID --tenant USCC [--as-of T | --views DIR]\n"
      "  diff           --from T1 [--to T2] [--lot ID] [--tenant USCC]: what moved in between\n\n"
      "exit codes: 0 ok, 1 failure, 2 bad usage, 3 broken hash chain, 4 corrupt ledger storage,\n"
      "10 instant before the ledger's start, 11 instant in the future,\n"
      "12 unknown code/lot/enterprise/recall, 13 not an as-of folder\n"
      "(the whole table: docs/OPERATIONS.md#exit-codes)\n";
  if (argc < 3 || std::string_view(argv[2]) == "--help" || std::string_view(argv[2]) == "-h") {
    std::fputs(kUsage, argc < 3 ? stderr : stdout);
    return argc < 3 ? kExitUsage : kExitOk;
  }
  const std::string_view sub = argv[2];
  if (sub == "timeline") return investigate_timeline(argc, argv);
  if (sub == "whereabouts") return investigate_whereabouts(argc, argv);
  if (sub == "recall-report") return investigate_recall_report(argc, argv);
  if (sub == "diff") return investigate_diff(argc, argv);
  std::fprintf(stderr, "agritrace: unknown investigate subcommand '%s'\n\n%s", argv[2], kUsage);
  return kExitUsage;
}

int cmd_audit(int argc, char** argv) {
  auto flags = with_ledger_flags({
      {"tenant", "", "the enterprise (its USCC)"},
      {"from", "", "RFC 3339 instant (default: the ledger's first event)"},
      {"to", "", "RFC 3339 instant (default: now)"},
      {"out", "", "the JSON-lines file to write (one event a line; '-' for stdout)"},
  });
  Args a = parse_args(argc, argv, 2, flags);
  if (a.help) {
    print_help("audit",
               "Writes an enterprise's events recorded in [--from, --to] as JSON lines: every field the\n"
               "hash chain covers, the stored prev_hash and hash, and whether they verify (checked from\n"
               "the enterprise's first event). docs/INVESTIGATION.md says how an auditor re-checks them.\n"
               "Exit 3 when an event fails its check (the file is written all the same).",
               flags);
    return kExitOk;
  }
  if (!a.error.empty()) return usage_error(a.error);
  if (int c = need(a, {"tenant", "out"}, "audit"); c != 0) return c;
  CommandEnv ce;
  if (int c = configure_test_clock(a, ce.test, &ce.test_clock); c != 0) return c;
  Env& env = ce.env();
  auto ledger = open_ledger(env, a, false);
  if (!ledger.ok()) return report_error(ledger.error());
  int64_t from = 0, to = env.now_ms();
  if (a.values.at("from").empty()) {
    auto start = replay::ledger_start_ms(**ledger);
    if (!start.ok()) return report_error(start.error());
    from = *start;
  } else {
    auto parsed = parse_instant(a.values.at("from"), "from");
    if (!parsed.ok()) return usage_error(parsed.error().message);
    from = *parsed;
  }
  if (!a.values.at("to").empty()) {
    auto parsed = parse_instant(a.values.at("to"), "to");
    if (!parsed.ok()) return usage_error(parsed.error().message);
    to = *parsed;
  }
  if (from > to) return usage_error("--from must not be after --to");
  for (auto [at, name] : {std::pair{from, "from"}, std::pair{to, "to"}}) {
    if (Status s = replay::check_instant(env, **ledger, at, name); !s.ok()) return report_error(s.error());
  }
  auto entries = replay::audit_events(env, **ledger, a.values.at("tenant"), from, to, progress_bar("audit"));
  finish_progress();
  if (!entries.ok()) return report_error(entries.error());
  std::string lines;
  size_t broken = 0;
  for (const LedgerEntry& x : *entries) {
    lines += replay::audit_line(x) + "\n";
    broken += x.verified ? 0 : 1;
  }
  const std::string& out = a.values.at("out");
  if (out == "-") {
    std::fputs(lines.c_str(), stdout);
  } else if (Status s = env.write_file_durably(out, lines); !s.ok()) {
    return report_error(s.error());
  }
  std::fprintf(out == "-" ? stderr : stdout, "%zu events of %s recorded %s .. %s%s%s: %s\n", entries->size(),
               a.values.at("tenant").c_str(), core::format_rfc3339_utc(from).c_str(),
               core::format_rfc3339_utc(to).c_str(), out == "-" ? "" : " written to ", out == "-" ? "" : out.c_str(),
               broken == 0 ? "every hash verified" : fmt::format("{} FAIL their check", broken).c_str());
  return broken == 0 ? kExitOk : kExitChainBroken;
}

}  // namespace agritrace::cli
