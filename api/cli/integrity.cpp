#include "api/cli/integrity.h"

#include <fmt/format.h>

#include <filesystem>
#include <system_error>

namespace agritrace::cli {
namespace {

int report_finding(const events::IntegrityReport& r, const char* who, FILE* out) {
  std::fprintf(out, "%s: %s: %s\n", who, events::finding_name(r.finding), r.detail.c_str());
  return exit_code_of(r.finding);
}

bool inside(const std::string& path, const std::string& folder) {
  std::error_code ec;
  const auto p = std::filesystem::weakly_canonical(std::filesystem::absolute(path, ec), ec);
  const auto f = std::filesystem::weakly_canonical(std::filesystem::absolute(folder, ec), ec);
  const std::string ps = p.string(), fs = f.string();
  return ps.size() > fs.size() && ps.starts_with(fs) && ps[fs.size()] == '/';
}

}  // namespace

IntegrityPaths integrity_paths(const std::string& data, const std::string& kafka_topic,
                               const std::string& checkpoint_dir) {
  IntegrityPaths p;
  const std::string suffix = kafka_topic.empty() ? "" : "-kafka-" + kafka_topic;
  p.ledger_name = kafka_topic.empty() ? "embedded" : "kafka:" + kafka_topic;
  p.files.manifest = data + "/ledger" + suffix + ".manifest";
  p.files.log = (checkpoint_dir.empty() ? data : checkpoint_dir) + "/checkpoints" + suffix + ".log";
  return p;
}

int integrity_exit_code_for(const Error& e) {
  return e.code == ErrorCode::kCorruption ? kExitLedgerCorrupt : kExitFailure;
}

int refuse_vanished_ledger(Env& env, const std::string& data, const IntegrityPaths& paths) {
  std::error_code ec;
  if (std::filesystem::exists(data + "/ledger", ec)) return 0;
  auto found = events::load_checkpoints(env, nullptr, paths.files, paths.ledger_name);
  if (!found.ok()) {
    std::fprintf(stderr, "agritrace: %s\n", found.status().to_string().c_str());
    return integrity_exit_code_for(found.error());
  }
  for (const events::FoundCheckpoint& f : *found) {
    if (f.checkpoint.events == 0) continue;
    std::fprintf(
        stderr,
        "agritrace: ledger_vanished: no ledger at %s/ledger, but %s records %llu events of "
        "%zu tenants (checkpoint %llu): refusing to start on an empty ledger; restore it "
        "from a backup (docs/OPERATIONS.md)\n",
        data.c_str(), f.origin.c_str(), static_cast<unsigned long long>(f.checkpoint.events),
        f.checkpoint.tenants.size(), static_cast<unsigned long long>(f.checkpoint.number));
    return exit_code_of(events::Finding::kLedgerVanished);
  }
  return 0;
}

Result<events::SigningKey> load_signing_key(Env& env, const std::string& path,
                                            const std::string& data) {
  if (inside(path, data)) {
    return make_error(
        ErrorCode::kInvalidArgument, "checkpoint_key_in_data_folder",
        fmt::format("the checkpoint signing key {} is inside the data folder {}: keep "
                    "it elsewhere, or whoever can alter the ledger can re-sign it",
                    path, data),
        "checkpoint-key");
  }
  auto text = env.read_file(path);
  if (!text.ok()) return text.error();
  return events::parse_secret_key_file(*text);
}

Result<events::IntegrityReport> check_audit_head(const events::AuditLog& audit,
                                                 const events::Checkpoint& c,
                                                 const std::string& origin) {
  events::IntegrityReport r;
  if (!c.audit || c.audit->seq <= 0) return r;
  auto hash = audit.hash_at(c.audit->seq);
  if (!hash.ok()) return hash.error();
  if (*hash == c.audit->hash) return r;
  r.finding = events::Finding::kTruncated;
  const std::string found =
      hash->has_value()
          ? fmt::format("a record with hash {}", **hash)
          : fmt::format("no such record (the trail ends at seq {})", audit.last_seq());
  r.detail = fmt::format(
      "audit trail: checkpoint {} ({}) records audit record seq {} with hash {}, found {}: "
      "the newest audit records were deleted or replaced",
      c.number, origin, c.audit->seq, c.audit->hash, found);
  return r;
}

std::unique_ptr<events::Checkpointer> start_checkpointer(Env& env, events::Ledger& ledger,
                                                         const IntegrityPaths& paths,
                                                         std::optional<events::SigningKey> key,
                                                         uint64_t every_events, int64_t every_ms,
                                                         const events::AuditLog* audit,
                                                         int* exit_code) {
  *exit_code = 0;
  auto found = events::load_checkpoints(env, &ledger, paths.files, paths.ledger_name);
  if (!found.ok()) {
    std::fprintf(stderr, "agritrace: %s\n", found.status().to_string().c_str());
    *exit_code = integrity_exit_code_for(found.error());
    return nullptr;
  }
  std::optional<std::string> public_key;
  if (key) public_key = key->public_key;
  auto check = events::check_ledger(env, ledger, *found, public_key);
  if (!check.ok()) {
    std::fprintf(stderr, "agritrace: cannot check the ledger: %s\n",
                 check.status().to_string().c_str());
    *exit_code = integrity_exit_code_for(check.error());
    return nullptr;
  }
  if (check->report.finding != events::Finding::kIntact) {
    *exit_code = report_finding(check->report, "agritrace: refusing to start", stderr);
    return nullptr;
  }
  if (audit && check->newest) {
    auto trail = check_audit_head(*audit, *check->newest, check->newest_origin);
    if (!trail.ok()) {
      std::fprintf(stderr, "agritrace: cannot check the audit trail: %s\n",
                   trail.status().to_string().c_str());
      *exit_code = kExitFailure;
      return nullptr;
    }
    if (trail->finding != events::Finding::kIntact) {
      *exit_code = report_finding(*trail, "agritrace: refusing to start", stderr);
      return nullptr;
    }
  }
  events::CheckpointerOptions o;
  o.env = &env;
  o.ledger_name = paths.ledger_name;
  o.key = std::move(key);
  o.files = paths.files;
  o.every_events = every_events;
  o.every_ms = every_ms;
  if (audit) {
    o.audit_head = [audit] {
      auto [seq, hash] = audit->head();
      return events::AuditHead{seq, std::move(hash)};
    };
  }
  auto cp = std::make_unique<events::Checkpointer>(ledger, std::move(o), std::move(check).value());
  if (Status s = cp->start(); !s.ok()) {
    std::fprintf(stderr, "agritrace: cannot write a checkpoint: %s\n", s.to_string().c_str());
    *exit_code = 1;
    return nullptr;
  }
  return cp;
}

int run_verify(Env& env, events::Ledger& ledger, const IntegrityPaths& paths,
               const std::string& public_key_file, const std::string& audit_path, FILE* out) {
  std::optional<std::string> public_key;
  if (!public_key_file.empty()) {
    auto text = env.read_file(public_key_file);
    if (!text.ok()) {
      std::fprintf(stderr, "agritrace: %s\n", text.status().to_string().c_str());
      return 2;
    }
    auto pk = events::parse_public_key_file(*text);
    if (!pk.ok()) {
      std::fprintf(stderr, "agritrace: %s: %s\n", public_key_file.c_str(),
                   pk.error().message.c_str());
      return 2;
    }
    public_key = *pk;
  }
  auto found = events::load_checkpoints(env, &ledger, paths.files, paths.ledger_name);
  if (!found.ok()) {
    std::fprintf(out, "BROKEN: %s\n", found.error().message.c_str());
    return exit_code_of(events::Finding::kCheckpointForged);
  }
  auto check = events::check_ledger(env, ledger, *found, public_key);
  if (!check.ok()) {
    std::fprintf(out, "BROKEN: %s: %s\n", check.error().reason.c_str(),
                 check.error().message.c_str());
    return integrity_exit_code_for(check.error());
  }
  if (check->report.finding != events::Finding::kIntact) {
    std::fprintf(out, "BROKEN: %s\nfinding: %s\n", check->report.detail.c_str(),
                 events::finding_name(check->report.finding));
    return exit_code_of(check->report.finding);
  }
  std::string audit_line;
  std::error_code ec;
  if (!audit_path.empty() && std::filesystem::exists(audit_path, ec)) {
    auto audit = events::AuditLog::open_read_only(audit_path);
    if (!audit.ok()) {
      std::fprintf(out, "BROKEN: %s\nfinding: audit_unreadable\n", audit.error().message.c_str());
      return integrity_exit_code_for(audit.error());
    }
    if (check->newest) {
      auto trail = check_audit_head(**audit, *check->newest, check->newest_origin);
      if (!trail.ok()) {
        std::fprintf(stderr, "agritrace: %s\n", trail.status().to_string().c_str());
        return kExitFailure;
      }
      if (trail->finding != events::Finding::kIntact) {
        std::fprintf(out, "BROKEN: %s\nfinding: %s\n", trail->detail.c_str(),
                     events::finding_name(trail->finding));
        return exit_code_of(trail->finding);
      }
    }
    audit_line =
        fmt::format("audit trail: {} records, chain intact{}\n", (*audit)->last_seq(),
                    check->newest && check->newest->audit
                        ? fmt::format(", holds the head of checkpoint {}", check->newest->number)
                        : std::string());
  }
  std::fprintf(out, "ok: %llu events, %zu tenants, every hash chain intact\n",
               static_cast<unsigned long long>(check->fold.events()), check->fold.tenants());
  if (!check->newest) {
    std::fprintf(out, "checkpoints: none found (%s)\n", paths.files.manifest.c_str());
  } else if (!public_key) {
    std::fprintf(
        out,
        "checkpoints: the ledger extends checkpoint %llu (%s), signatures NOT checked: give "
        "--checkpoint-key PUB\n",
        static_cast<unsigned long long>(check->newest->number), check->newest_origin.c_str());
  } else if (check->newest->key_id.empty()) {
    std::fprintf(out,
                 "checkpoints: the newest (%llu, %s) is unsigned: the server ran without "
                 "--checkpoint-key\n",
                 static_cast<unsigned long long>(check->newest->number),
                 check->newest_origin.c_str());
  } else {
    std::fprintf(out,
                 "checkpoints: %zu checked with key %s; the ledger extends signed checkpoint %llu "
                 "(%s)\n",
                 check->checkpoints_seen, events::key_id(*public_key).c_str(),
                 static_cast<unsigned long long>(check->newest->number),
                 check->newest_origin.c_str());
  }
  std::fputs(audit_line.c_str(), out);
  return 0;
}

int run_keygen(Env& env, const std::string& prefix, FILE* out) {
  const std::string secret = prefix + ".key", pub = prefix + ".pub";
  if (env.file_exists(secret) || env.file_exists(pub)) {
    std::fprintf(stderr, "agritrace: %s or %s exists: refusing to overwrite a key\n",
                 secret.c_str(), pub.c_str());
    return 1;
  }
  auto key = events::generate_signing_key(env);
  if (!key.ok()) {
    std::fprintf(stderr, "agritrace: %s\n", key.status().to_string().c_str());
    return 1;
  }
  for (const auto& [path, text] : {std::pair{secret, events::format_secret_key_file(*key)},
                                   std::pair{pub, events::format_public_key_file(*key)}}) {
    if (Status s = env.write_file_durably(path, text); !s.ok()) {  // mode 0600
      std::fprintf(stderr, "agritrace: %s\n", s.to_string().c_str());
      return 1;
    }
  }
  std::fprintf(out,
               "key %s: secret %s (serve --checkpoint-key), public %s (verify --checkpoint-key)\n",
               events::key_id(key->public_key).c_str(), secret.c_str(), pub.c_str());
  return 0;
}

}  // namespace agritrace::cli
