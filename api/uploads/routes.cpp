// ERP uploads: POST /v1/uploads takes a goods-in / goods-out file (CSV in UTF-8 or GB18030),
// keeps it in the blob store and answers a job at once; a worker reads the file in chunks
// (core/uploads/upload_scan.h), validates every row, and appends the accepted rows through the
// writer's command path (append_records: the one place a bulk append can replace). GET
// /v1/uploads/{id} shows the job's state and progress, GET /v1/uploads/{id}/errors.csv its error
// report. The same file of the same type (same tenant) is the same job: its id is derived from
// the content hash. Every job is recorded in the job store (api/service/job_store.h) at each
// change of state: after a restart GET answers a finished job's final state and error report,
// and a job the server did not finish as "interrupted"; sending the same file again resumes it
// (each row's command has an Idempotency-Key of the job and the row: nothing is appended twice).
#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <future>
#include <map>
#include <memory>
#include <thread>

#include "api/http/route_kit.h"
#include "core/uploads/upload_scan.h"
#include "core/uploads/xlsx_stream.h"
#include "projections/production/keys.h"

namespace agritrace::api {
namespace {

namespace up = core::uploads;

constexpr size_t kChunkBytes = 64 * 1024;
constexpr std::string_view kXlsxType =
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

struct UploadJob {
  std::string id;
  std::string tenant;
  std::string actor;
  std::string source;
  up::RecordType type = up::RecordType::kGoodsIn;
  up::UploadMode mode = up::UploadMode::kAllOrNothing;
  core::Date today;
  std::string content;  // the file until the job has read it (it stays in the blob store)
  std::string sha256;
  int64_t size_bytes = 0;
  bool xlsx = false;  // an XLSX workbook (its first sheet), else CSV
  // The tenant's acknowledged positions when the file came: the counterparties registered before
  // the upload must be in the views the job reads.
  std::vector<events::Position> views_at;

  mutable std::mutex mu;         // guards what follows
  std::string state = "queued";  // queued, reading, appending, done, refused, failed
  int64_t bytes_read = 0;
  int64_t rows_read = 0, rows_valid = 0, rows_invalid = 0, rows_appended = 0;
  std::vector<up::RowError> errors;
  std::string detail;
  std::string position;  // of the last appended event: ?after= for reads that must see the rows
  std::vector<Responder> waiters;  // GET ?wait=true: answered at the job's next change

  bool failed() const {
    std::lock_guard lock(mu);
    return state == "failed";
  }
  bool finished_locked() const {
    return state == "done" || state == "refused" || state == "failed";
  }
  // Answers the requests waiting for a change.
  void notify();

  // The job as GET answers it; with `as_interrupted` as it reads when the server stops before
  // the job has finished (what the job store keeps until then).
  std::string json(bool as_interrupted = false) const {
    std::lock_guard lock(mu);
    const bool interrupted = as_interrupted && !finished_locked();
    JsonWriter w;
    w.begin_object()
        .field("id", id)
        .field("type", up::upload_type_name(type))
        .field("mode", up::upload_mode_name(mode))
        .field("state", interrupted ? std::string("interrupted") : state)
        .field("sha256", sha256)
        .field("size_bytes", size_bytes)
        .field("bytes_read", bytes_read)
        .field("progress_percent", size_bytes == 0 ? int64_t{100} : bytes_read * 100 / size_bytes)
        .field("rows_read", rows_read)
        .field("rows_valid", rows_valid)
        .field("rows_invalid", rows_invalid)
        .field("rows_appended", rows_appended)
        .field("error_count", static_cast<int64_t>(errors.size()));
    if (interrupted) {
      w.field("detail",
              "the server stopped before the upload finished; send the same file again to resume "
              "it (rows already appended are not appended twice)");
    } else if (!detail.empty()) {
      w.field("detail", detail);
    }
    if (!position.empty()) w.field("position", position);
    w.end_object();
    return w.take();
  }

  std::string error_report() const {
    std::string csv = up::error_report_header();
    std::lock_guard lock(mu);
    for (const auto& e : errors) csv += up::error_report_line(e);
    return csv;
  }
};

constexpr std::string_view kJobKind = "upload";
constexpr std::string_view kErrorsKind = "upload-errors";

HttpResponse stored_job_response(const std::string& id, const std::string& record) {
  HttpResponse r = json_response(200, record);
  r.headers.emplace_back("Location", "/v1/uploads/" + id);
  return r;
}

HttpResponse job_response(int32_t status, const UploadJob& job) {
  HttpResponse r = json_response(status, job.json());
  r.headers.emplace_back("Location", "/v1/uploads/" + job.id);
  return r;
}

void UploadJob::notify() {
  std::vector<Responder> answer;
  {
    std::lock_guard lock(mu);
    answer.swap(waiters);
  }
  for (auto& respond : answer) respond(job_response(200, *this));
}

// The jobs of this server and the worker that runs them, one at a time, in arrival order.
class UploadJobs {
 public:
  explicit UploadJobs(RouteKit& kit)
      : kit_(kit), store_(kit.job_store()), worker_([this] { run(); }) {}
  ~UploadJobs() {
    {
      std::lock_guard lock(mu_);
      stopping_ = true;
    }
    cv_.notify_all();
    worker_.join();
    for (auto& [id, job] : jobs_) job->notify();
  }

  // The job with this id, or nullopt (another tenant's job is not found either).
  std::shared_ptr<UploadJob> find(const std::string& tenant, const std::string& id) const {
    std::lock_guard lock(mu_);
    auto it = jobs_.find(id);
    if (it == jobs_.end() || it->second->tenant != tenant) return nullptr;
    return it->second;
  }

  // A job of another server run (recorded in the job store), or nullopt.
  std::optional<StoredJob> stored(const std::string& tenant, const std::string& id,
                                  std::string_view kind = kJobKind) const {
    auto job = store_.get(kind, id);
    if (!job || job->tenant != tenant) return std::nullopt;
    return job;
  }

  // The existing job of the same file, or `job` queued; *created says which. A job that a
  // previous server run finished answers its record (`*finished_record`); one it did not finish
  // (interrupted) runs again.
  Result<std::shared_ptr<UploadJob>> add(std::shared_ptr<UploadJob> job, bool* created,
                                         std::string* finished_record) {
    std::lock_guard lock(mu_);
    auto it = jobs_.find(job->id);
    // A job that failed (the ledger or the views, not the file) runs again: rows appended
    // before are answered by their Idempotency-Keys, not appended twice.
    if (it != jobs_.end() && it->second->failed()) {
      jobs_.erase(it);
      it = jobs_.end();
    }
    *created = it == jobs_.end();
    if (!*created) return it->second;
    if (auto before = store_.get(kJobKind, job->id);
        before && before->record.find("\"state\":\"interrupted\"") == std::string::npos &&
        before->record.find("\"state\":\"failed\"") == std::string::npos) {
      *created = false;
      *finished_record = before->record;
      return job;
    }
    Status recorded = record(*job);
    if (!recorded.ok()) return recorded.error();
    jobs_.emplace(job->id, job);
    queue_.push_back(job);
    cv_.notify_all();
    return job;
  }

 private:
  void run() {
    for (;;) {
      std::shared_ptr<UploadJob> job;
      {
        std::unique_lock lock(mu_);
        cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
        if (stopping_) return;
        job = queue_.front();
        queue_.pop_front();
      }
      process(*job);
    }
  }

  bool stopping() const {
    std::lock_guard lock(mu_);
    return stopping_;
  }

  // Records the job in the job store: its final state and error report once it has finished,
  // else the state it would have if the server stopped now (interrupted).
  Status record(const UploadJob& job) {
    bool finished = false;
    {
      std::lock_guard lock(job.mu);
      finished = job.finished_locked();
    }
    if (finished) {
      Status errors = store_.put(kErrorsKind, job.id, {job.tenant, job.error_report()});
      if (!errors.ok()) return errors;
    }
    return store_.put(kJobKind, job.id, {job.tenant, job.json(true)});
  }

  void set_state(UploadJob& job, std::string state, std::string detail = {}) {
    {
      std::lock_guard lock(job.mu);
      job.state = std::move(state);
      job.detail = std::move(detail);
    }
    // A job whose record cannot be written goes on: its effects are in the ledger, and its
    // record says interrupted (sending the file again answers it).
    (void)record(job);
    job.notify();
  }

  void process(UploadJob& job) {
    set_state(job, "reading");
    up::UploadScan scan(job.type, job.today);
    const std::string_view all(job.content);
    auto progress = [&](int64_t bytes_read) {
      {
        std::lock_guard lock(job.mu);
        job.bytes_read = bytes_read;
        job.rows_read = scan.rows_read();
        job.rows_valid = scan.rows_valid();
        job.rows_invalid = scan.rows_invalid();
      }
      job.notify();
    };
    if (job.xlsx) {
      // The zip's directory is at its end: the container is opened over the whole file, the
      // sheet decompressed and parsed a piece at a time.
      auto reader = up::XlsxReader::open(all);
      if (!reader.ok()) scan.stop(reader.error());
      std::vector<core::uploads::CsvRow> rows;
      while (reader.ok() && !scan.fatal()) {
        auto more = (*reader)->next(&rows);
        if (!more.ok()) {
          scan.stop(more.error());
          break;
        }
        scan.feed_rows(rows);
        const int64_t total = std::max<int64_t>(1, (*reader)->total());
        progress(job.size_bytes * std::min<int64_t>((*reader)->consumed(), total) / total);
        if (!*more) break;
      }
    } else {
      for (size_t at = 0; at < all.size() && !scan.fatal(); at += kChunkBytes) {
        const std::string_view chunk = all.substr(at, kChunkBytes);
        scan.feed(chunk);
        progress(static_cast<int64_t>(at + chunk.size()));
      }
    }
    scan.finish();
    {
      std::lock_guard lock(job.mu);
      job.bytes_read = job.size_bytes;
    }
    std::string().swap(job.content);
    std::vector<up::RowError> errors = scan.errors();
    std::vector<up::UploadRecord>& records = scan.records();
    int64_t invalid = scan.rows_invalid();
    // What the views know: each record's counterparty must be registered under its USCC.
    std::vector<std::string> counterparty_ids;
    std::vector<std::string> item_ids;  // goods-out: the batch or received lot of each record
    if (!scan.fatal()) {
      if (Status caught_up = wait_for_views(job); !caught_up.ok()) {
        return set_state(job, "failed", caught_up.error().message);
      }
      std::map<std::string, std::string> by_uscc;
      kit_.views.scan_prefix(projections::production::keys::counterparty(job.tenant),
                             [&](std::string_view, std::string_view v) {
                               auto uscc = projections::json_string_field(v, "uscc");
                               auto id = projections::json_string_field(v, "counterparty_id");
                               if (uscc && id && !uscc->empty()) by_uscc.emplace(*uscc, *id);
                               return true;
                             });
      const bool in = job.type == up::RecordType::kGoodsIn;
      const std::string column = in ? "supplier_uscc" : "customer_uscc";
      std::vector<up::UploadRecord> known;
      for (auto& r : records) {
        auto it = by_uscc.find(r.counterparty_uscc);
        std::string item_id = in ? std::string() : item_of_lot_code(job.tenant, r.lot_code);
        if (it == by_uscc.end()) {
          errors.push_back(
              {r.row, column, in ? "supplier_unknown" : "customer_unknown",
               "no counterparty with USCC " + r.counterparty_uscc + "; register it first"});
          ++invalid;
        } else if (!in && item_id.empty()) {
          errors.push_back({r.row, "lot_code", "lot_unknown",
                            "no batch or received lot with lot code " + r.lot_code});
          ++invalid;
        } else {
          counterparty_ids.push_back(it->second);
          item_ids.push_back(std::move(item_id));
          known.push_back(std::move(r));
        }
      }
      records = std::move(known);
    }
    std::stable_sort(errors.begin(), errors.end(),
                     [](const up::RowError& a, const up::RowError& b) { return a.row < b.row; });
    {
      std::lock_guard lock(job.mu);
      job.rows_read = scan.rows_read();
      job.rows_valid = static_cast<int64_t>(records.size());
      job.rows_invalid = invalid;
      job.errors = errors;
    }
    if (scan.fatal())
      return set_state(job, "refused", "the file cannot be read; see the error report");
    if (job.mode == up::UploadMode::kAllOrNothing && !errors.empty()) {
      return set_state(job, "refused",
                       "all_or_nothing: rows failed, nothing was appended; see the error report");
    }
    set_state(job, "appending");
    Status s = append_records(job, records, counterparty_ids, item_ids);
    // The server stops: the job's record stays "interrupted" (sending the file again resumes it).
    if (!s.ok() && s.error().reason == "server_stopping") return;
    if (!s.ok()) return set_state(job, "failed", s.error().message);
    set_state(job, "done");
  }

  // Waits until the views hold what the tenant had recorded when the job started (the
  // counterparties and lots its rows name): the positions this process acknowledged for the tenant
  // when the file came or, when it acknowledged none (a job resumed after a restart, while the
  // views may still be catching up with the ledger; a tenant whose writes all came before this
  // process started), the newest event of every partition as the ledger stands now. Runs on the
  // job's worker, never on an HTTP I/O thread (reading the ledger's tail may wait on Kafka).
  // Bounded by max_wait_ms: past it the job fails (kTimeout `views_behind`), and sending the same
  // file again runs it again (a failed job is retried; rows appended before are not appended
  // twice).
  Status wait_for_views(UploadJob& job) {
    const int32_t budget = kit_.options.max_wait_ms;
    const int64_t deadline = kit_.env.monotonic_ns() + int64_t{budget} * 1'000'000;
    auto behind = [budget](std::string_view what) {
      return make_error(ErrorCode::kTimeout, "views_behind",
                        fmt::format("the views did not catch up with the ledger within {} ms ({}); "
                                    "send the same file again to retry",
                                    budget, what));
    };
    std::vector<events::Position> targets = job.views_at;
    if (targets.empty()) {
      auto tail = projections::ledger_tail_positions(
          kit_.ledger, kit_.runner.status().next_offsets, budget, kit_.env);
      if (!tail.ok()) return behind(tail.error().message);
      targets = std::move(tail).value();
    }
    bool waiting = false;
    for (const events::Position& p : targets) {
      if (kit_.runner.reached(p)) continue;
      if (!waiting) {
        waiting = true;
        set_state(job, "reading", "waiting for the views to catch up with the ledger");
      }
      const int64_t left_ns = std::max<int64_t>(0, deadline - kit_.env.monotonic_ns());
      auto reached = std::make_shared<std::promise<bool>>();
      auto ready = reached->get_future();
      kit_.runner.wait_for(p, static_cast<int32_t>(left_ns / 1'000'000),
                           [reached](bool ok) { reached->set_value(ok); });
      // Bounded here too: a runner that is not running (stopped, or not started yet) expires
      // no waiters.
      if (ready.wait_for(std::chrono::nanoseconds(left_ns)) != std::future_status::ready ||
          !ready.get()) {
        return behind("position " + p.to_string() + " not reached");
      }
    }
    if (waiting) set_state(job, "reading");
    return Status::Ok();
  }

  // The stock item a goods-out row ships from: the batch with that lot code, else a lot
  // received with it (R-4.3.4: goods without codes); "" when neither is known.
  std::string item_of_lot_code(const std::string& tenant, const std::string& lot_code) const {
    if (lot_code.empty()) return {};
    if (auto batch = kit_.views.get(projections::production::keys::lot_by_code(tenant, lot_code)))
      return *batch;
    std::string lot_id;
    kit_.views.scan_prefix(projections::production::keys::lot(tenant),
                           [&](std::string_view, std::string_view v) {
                             if (projections::json_string_field(v, "lot_code") != lot_code)
                               return true;
                             lot_id = projections::json_string_field(v, "lot_id").value_or("");
                             return lot_id.empty();
                           });
    return lot_id;
  }

  // Submits one command of a row through the writer and waits for its outcome; nullopt when the
  // server stops meanwhile. `step` tells a row's commands apart in the idempotency key.
  std::optional<Result<events::CommandOutcome>> submit_row(UploadJob& job, int64_t row,
                                                           std::string command_name,
                                                           std::string_view step,
                                                           core::Command command) {
    events::CommandSubmission sub;
    sub.command_name = std::move(command_name);
    sub.tenant = job.tenant;
    sub.actor = job.actor;
    // A retried job (same file) finds each row's command again instead of appending it twice.
    sub.idempotency_key = step.empty() ? fmt::format("{}/{}", job.id, row)
                                       : fmt::format("{}/{}/{}", job.id, row, step);
    sub.request_hash =
        step.empty()
            ? core::sha256_hex(fmt::format("{}\n{}\n{}", job.id, job.sha256, row))
            : core::sha256_hex(fmt::format("{}\n{}\n{}\n{}", job.id, job.sha256, row, step));
    sub.source = job.source;
    sub.command = std::move(command);
    auto done = std::make_shared<std::promise<Result<events::CommandOutcome>>>();
    auto outcome = done->get_future();
    sub.done = [done](Result<events::CommandOutcome> out) { done->set_value(std::move(out)); };
    kit_.writer.submit(std::move(sub));
    while (outcome.wait_for(std::chrono::milliseconds(200)) != std::future_status::ready) {
      if (stopping()) return std::nullopt;
    }
    return outcome.get();
  }

  // Goods-out rows: a sales order of the row's batch or lot for the customer, shipped at once by
  // quantity (R-4.3.4: goods without codes). The shipment's outcome is the row's.
  std::optional<Result<events::CommandOutcome>> ship_row(UploadJob& job, const up::UploadRecord& r,
                                                         const std::string& customer_id,
                                                         const std::string& item_id) {
    core::CreateSalesOrder so;
    so.customer_id = customer_id;
    so.batch_id = item_id;
    so.product = r.product;
    so.quantity = r.quantity;
    so.production_date = r.production_date;
    so.expiry_date = r.expiry_date;
    so.note = r.reference;
    auto created = submit_row(job, r.row, "create_sales_order", "so", core::Command(std::move(so)));
    if (!created || !created->ok()) return created;
    const auto& evs = (*created)->events;
    auto it = std::find_if(evs.begin(), evs.end(), [](const events::EventRef& e) {
      return e.type == core::SalesOrderCreated::kType;
    });
    if (it == evs.end()) {
      return Result<events::CommandOutcome>(make_error(ErrorCode::kInternal, "sales_order_missing",
                                                       "the sales order was not created", "row"));
    }
    core::ShipSalesOrder ship{it->subject, {}, r.date, {}, r.quantity};
    return submit_row(job, r.row, "ship_sales_order", "ship", core::Command(std::move(ship)));
  }

  // Appends the records through the writer's command path: goods-in one receipt per row,
  // goods-out a sales order and its shipment per row. The single place that appends: a bulk
  // append can replace the loop. A command the rules refuse becomes a row error; stopping the
  // server stops the loop.
  Status append_records(UploadJob& job, const std::vector<up::UploadRecord>& records,
                        const std::vector<std::string>& counterparty_ids,
                        const std::vector<std::string>& item_ids) {
    for (size_t i = 0; i < records.size(); ++i) {
      const up::UploadRecord& r = records[i];
      std::optional<Result<events::CommandOutcome>> out;
      if (job.type == up::RecordType::kGoodsOut) {
        out = ship_row(job, r, counterparty_ids[i], item_ids[i]);
      } else {
        core::ReceiveGoodsManually c;
        c.supplier_id = counterparty_ids[i];
        c.product = r.product;
        c.lot_code = r.lot_code;
        c.quantity = r.quantity;
        c.production_date = r.production_date.value_or(core::Date{});  // required by the template
        c.expiry_date = r.expiry_date;
        c.received_on = r.date;
        c.note = r.reference;
        out = submit_row(job, r.row, "receive_goods_manually", "", core::Command(std::move(c)));
      }
      if (!out) return make_error(ErrorCode::kUnavailable, "server_stopping", "the server stopped");
      {
        std::lock_guard lock(job.mu);
        if (out->ok()) {
          ++job.rows_appended;
          if (!(*out)->events.empty()) {
            kit_.appended.note(job.tenant, (*out)->events.back().position);
            job.position = (*out)->events.back().position.to_string();
          }
        } else {
          job.errors.push_back(
              {r.row, out->error().field, out->error().reason, out->error().message});
        }
      }
      job.notify();
    }
    return Status();
  }

  RouteKit& kit_;
  JobStore& store_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::map<std::string, std::shared_ptr<UploadJob>> jobs_;
  std::deque<std::shared_ptr<UploadJob>> queue_;
  std::thread worker_;  // last: starts once the rest is built
};

}  // namespace

void register_uploads_routes(RouteKit& kit, Router& router) {
  RouteKit* i = &kit;
  auto jobs = std::make_shared<UploadJobs>(kit);

  // the body is the file; ?type=goods_in|goods_out (required), ?mode=all_or_nothing
  // (default) | valid_rows. 202 with a new job, 200 with the job of the same file sent before.
  router.add("POST", "/v1/uploads", "createUpload",
             i->tenant_route([i, jobs](const HttpRequest& req, const PathParams&,
                                       const Caller& caller, Responder respond) {
               auto type_name = req.query_param("type");
               if (!type_name) {
                 return respond(problem_response(400, "field_required",
                                                 "type is goods_in or goods_out", "type"));
               }
               auto type = up::parse_upload_type(*type_name, "type");
               if (!type.ok()) return respond(problem_from_error(type.error()));
               auto mode = up::parse_upload_mode(req.query_param("mode").value_or("all_or_nothing"),
                                                 "mode");
               if (!mode.ok()) return respond(problem_from_error(mode.error()));
               const std::string_view ct = req.header("Content-Type").value_or("");
               const std::string_view media = ct.substr(0, ct.find(';'));
               if (media != "text/csv" && media != kXlsxType) {
                 return respond(problem_response(415, "media_type_unsupported",
                                                 "the body is a CSV (text/csv) or XLSX file",
                                                 "Content-Type"));
               }
               if (req.body.empty())
                 return respond(problem_response(400, "file_empty", "the file is empty", "body"));
               auto blob = i->blobs.put(caller.tenant, req.body);
               if (!blob.ok()) return respond(problem_from_error(blob.error()));
               auto job = std::make_shared<UploadJob>();
               job->id = up::upload_id(caller.tenant, *type, blob->sha256);
               job->tenant = caller.tenant;
               job->actor = caller.actor;
               job->source = req.remote_address;
               job->type = *type;
               job->mode = *mode;
               job->today = i->env.today();
               job->content = req.body;
               job->sha256 = blob->sha256;
               job->size_bytes = static_cast<int64_t>(req.body.size());
               job->xlsx = media == kXlsxType;
               job->views_at = i->appended.snapshot(caller.tenant);
               bool created = false;
               std::string finished;
               auto found = jobs->add(std::move(job), &created, &finished);
               if (!found.ok()) return respond(problem_from_error(found.error()));
               if (!finished.empty()) return respond(stored_job_response((*found)->id, finished));
               respond(job_response(created ? 202 : 200, **found));
             }));

  router.add(
      "GET", "/v1/uploads/{upload_id}", "getUpload",
      i->tenant_route([jobs](const HttpRequest& req, const PathParams& p, const Caller& caller,
                             Responder respond) {
        const std::string& id = path_param(p, "upload_id");
        auto job = jobs->find(caller.tenant, id);
        if (!job) {
          // A job of a previous server run: its recorded state.
          if (auto stored = jobs->stored(caller.tenant, id))
            return respond(stored_job_response(id, stored->record));
          return respond(problem_response(404, "upload_not_found", "no such upload", "upload_id"));
        }
        // ?wait=true: the answer comes at the job's next change (progress or state), at once
        // when it has finished. A client follows a job this way without polling.
        if (req.query_param("wait") == std::optional<std::string_view>("true")) {
          std::unique_lock lock(job->mu);
          if (!job->finished_locked()) {
            job->waiters.push_back(std::move(respond));
            return;
          }
        }
        respond(job_response(200, *job));
      }));

  // The error report: row,column,code,message (UTF-8 with BOM, CRLF).
  router.add(
      "GET", "/v1/uploads/{upload_id}/errors.csv", "getUploadErrors",
      i->tenant_route([jobs](const HttpRequest&, const PathParams& p, const Caller& caller,
                             Responder respond) {
        const std::string& id = path_param(p, "upload_id");
        auto job = jobs->find(caller.tenant, id);
        std::string csv;
        if (job) {
          csv = job->error_report();
        } else if (auto stored = jobs->stored(caller.tenant, id, kErrorsKind)) {
          csv = stored->record;  // a job of a previous server run, finished
        } else if (jobs->stored(caller.tenant, id)) {
          csv = up::error_report_header();  // interrupted before its report was complete
        } else {
          return respond(problem_response(404, "upload_not_found", "no such upload", "upload_id"));
        }
        HttpResponse r = text_response(200, std::move(csv));
        r.content_type = "text/csv; charset=utf-8";
        respond(std::move(r));
      }));
}

}  // namespace agritrace::api
