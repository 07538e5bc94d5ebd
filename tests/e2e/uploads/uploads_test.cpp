// ERP uploads end to end over HTTP on loopback, on both ledgers: goods-in files written by
// Python's csv module (UTF-8 with BOM, GB18030), all-or-nothing and valid-rows-only, idempotency
// by content hash, the error report, goods-out rows shipped by quantity, and a 100,000-row file
// read in chunks with its progress.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "tests/e2e/base/fixtures.h"

namespace agritrace::testing {
namespace {

// A goods-in file written by tests/e2e/uploads/data/make_upload.py; its bytes.
std::string make_upload(const TempDir& dir, const std::string& encoding, int rows,
                        const std::string& uscc, int bad_row = 0) {
  const std::string out =
      fmt::format("{}/upload-{}-{}-{}.csv", dir.path(), encoding, rows, bad_row);
  const std::string cmd =
      fmt::format("python3 {}/tests/e2e/uploads/data/make_upload.py {} {} {} {} {} {} {} {}",
                  AGRITRACE_SOURCE_DIR, out, encoding, rows, uscc, days_from_today(-2),
                  days_from_today(-3), bad_row, days_from_today(3));
  REQUIRE(std::system(cmd.c_str()) == 0);
  std::ifstream in(out, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Reply upload(ApiClient& c, const std::string& query, const std::string& body,
             const std::string& content_type = "text/csv") {
  return c.call("POST", "/v1/uploads" + query, body,
                {{"Content-Type", content_type}, {"Authorization", "Bearer " + c.key()}});
}

// Follows GET /v1/uploads/{id}?wait=true (each answer comes at the job's next change) until the
// job has finished (done, refused or failed); every answer's progress_percent into *progress.
Reply finished(ApiClient& c, const std::string& id, std::vector<int64_t>* progress = nullptr) {
  // A job changes a bounded number of times (a chunk read, a row appended, a state).
  for (int answers = 0;; ++answers) {
    REQUIRE(answers < 1'000'000);
    Reply r = c.get("/v1/uploads/" + id + "?wait=true");
    REQUIRE(r.status == 200);
    if (progress) progress->push_back(r.num("/progress_percent"));
    const std::string state = r.str("/state");
    if (state == "done" || state == "refused" || state == "failed") return r;
  }
}

// A server that takes bodies up to 64 MiB, an enterprise and its supplier counterparty (kFarmUscc).
struct UploadApp {
  explicit UploadApp(Backend backend)
      : ledger(backend),
        server(with(ledger.flags(), {"--max-body-bytes", "67108864"})),
        c((server.start(), ApiClient(server.port(), register_enterprise(server.port(), kPlantUscc,
                                                                        "惠州菜心加工厂")))) {
    new_counterparty(c, enterprise_supplier_body(kFarmUscc));
  }
  TestLedger ledger;
  ServerProcess server;
  ApiClient c;
  TempDir dir;
};

void uploads_end_to_end(Backend backend) {
  UploadApp app(backend);
  ServerProcess& server = app.server;
  ApiClient& c = app.c;
  const TempDir& dir = app.dir;

  // Valid rows only, GB18030: three receipts appended through the writer.
  const std::string gb = make_upload(dir, "gb18030", 3, kFarmUscc);
  Reply first = upload(c, "?type=goods_in&mode=valid_rows", gb);
  INFO(first.body);
  REQUIRE(first.status == 202);
  const std::string id = first.str("/id");
  CHECK(first.header("Location") == "/v1/uploads/" + id);
  Reply done = finished(c, id);
  INFO(done.body);
  CHECK(done.str("/state") == "done");
  CHECK(done.num("/rows_read") == 3);
  CHECK(done.num("/rows_appended") == 3);
  CHECK(done.num("/progress_percent") == 100);
  Reply receipts = c.get("/v1/receipts?after=" + done.str("/position"));
  REQUIRE(receipts.status == 200);
  CHECK(receipts.body.find("CX-3") != std::string::npos);

  // The same file again is the same job (content hash); nothing is appended twice.
  Reply again = upload(c, "?type=goods_in&mode=valid_rows", gb);
  CHECK(again.status == 200);
  CHECK(again.str("/id") == id);
  CHECK(again.num("/rows_appended") == 3);

  // All or nothing (default): one row in the future refuses the file; the error report names it.
  const std::string bad = make_upload(dir, "utf-8-sig", 4, kFarmUscc, 3);
  Reply refused_job = upload(c, "?type=goods_in", bad);
  REQUIRE(refused_job.status == 202);
  Reply refused = finished(c, refused_job.str("/id"));
  INFO(refused.body);
  CHECK(refused.str("/state") == "refused");
  CHECK(refused.num("/rows_valid") == 3);
  CHECK(refused.num("/rows_invalid") == 1);
  CHECK(refused.num("/rows_appended") == 0);
  Reply report = c.get("/v1/uploads/" + refused_job.str("/id") + "/errors.csv");
  CHECK(report.status == 200);
  CHECK(report.header("Content-Type").rfind("text/csv", 0) == 0);
  CHECK(report.body.find("4,received_on,date_in_future,") !=
        std::string::npos);  // data row 3 = line 4

  // The same rows from a supplier not registered: supplier_unknown per row.
  const std::string stranger = make_upload(dir, "utf-8", 2, kRetailUscc);
  Reply unknown = finished(c, upload(c, "?type=goods_in&mode=valid_rows", stranger).str("/id"));
  CHECK(unknown.num("/rows_appended") == 0);
  CHECK(c.get("/v1/uploads/" + unknown.str("/id") + "/errors.csv")
            .body.find("2,supplier_uscc,supplier_unknown,") != std::string::npos);

  // XLSX written by openpyxl (date cells, numbers, inline strings).
  const std::string xlsx_path = dir.path() + "/goods-in.xlsx";
  const std::string make_xlsx = fmt::format(
      "{0}/build/venv/bin/python {0}/tests/core/uploads/data/make_xlsx.py {1} 3 {2} {3} {4}",
      AGRITRACE_SOURCE_DIR, xlsx_path, kFarmUscc, days_from_today(-2), days_from_today(-3));
  REQUIRE_MESSAGE(std::system(make_xlsx.c_str()) == 0, "needs openpyxl: ./scripts/deps --openapi");
  std::string xlsx;
  {
    std::ifstream in(xlsx_path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    xlsx = ss.str();
  }
  Reply sheet =
      finished(c, upload(c, "?type=goods_in", xlsx,
                         "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
                      .str("/id"));
  INFO(sheet.body);
  CHECK(sheet.str("/state") == "done");
  CHECK(sheet.num("/rows_appended") == 3);
  CHECK(c.get("/v1/receipts?after=" + sheet.str("/position")).body.find("XL-3") !=
        std::string::npos);

  // agritrace import: uploads a file, follows the job (plain lines off a terminal), exit codes.
  const std::string cli_file = dir.path() + "/cli.csv";
  {
    std::ofstream out(cli_file, std::ios::binary);
    out << make_upload(dir, "utf-8", 2, kFarmUscc);
  }
  const std::string url = fmt::format("http://127.0.0.1:{}", server.port());
  RunResult ok =
      run_agritrace({"import", cli_file, "--url", url, "--key", c.key(), "--mode", "valid_rows"});
  INFO(ok.out);
  CHECK(ok.exit_code == 0);
  CHECK(ok.out.find("progress 100% rows_read=2 rows_invalid=0 state=done") != std::string::npos);
  CHECK(ok.out.find("done: 2 rows read, 2 valid, 0 refused, 2 appended") != std::string::npos);
  // On a terminal (util-linux `script` gives it one): a progress bar redrawn with \r.
  RunResult tty = run_program(
      {"/usr/bin/script", "-qec",
       fmt::format("{} import {} --url {} --key {}", AGRITRACE_BINARY, cli_file, url, c.key()),
       "/dev/null"});
  INFO(tty.out);
  CHECK(tty.exit_code == 0);
  CHECK(tty.out.find("\r[" + std::string(30, '#') + "] 100%") != std::string::npos);
  CHECK(tty.out.find("progress ") == std::string::npos);
  const std::string cli_bad = dir.path() + "/cli-bad.csv";
  {
    std::ofstream out(cli_bad, std::ios::binary);
    out << make_upload(dir, "gb18030", 5, kFarmUscc, 2);
  }
  RunResult no = run_agritrace({"import", cli_bad, "--url", url, "--key", c.key()});
  INFO(no.out);
  CHECK(no.exit_code == 15);  // kExitUploadRefused
  CHECK(no.out.find("refused: 5 rows read, 4 valid, 1 refused, 0 appended") != std::string::npos);
  CHECK(no.out.find("/errors.csv") != std::string::npos);
  CHECK(run_agritrace({"import", cli_bad, "--url", url, "--key", c.key(), "--type", "stock"})
            .exit_code == 2);
  CHECK(run_agritrace({"import", dir.path() + "/missing.csv", "--url", url, "--key", c.key()})
            .exit_code == 1);

  // Problems: problem+json with code and field.
  check_problem(upload(c, "", gb), 400, "field_required", "type");
  check_problem(upload(c, "?type=stock", gb), 422, "upload_type_unknown", "type");
  check_problem(upload(c, "?type=goods_in&mode=some", gb), 422, "upload_mode_unknown", "mode");
  check_problem(upload(c, "?type=goods_in", gb, "application/json"), 415, "media_type_unsupported",
                "Content-Type");
  check_problem(upload(c, "?type=goods_in", ""), 400, "file_empty", "body");
  check_problem(c.get("/v1/uploads/upl-0"), 404, "upload_not_found", "upload_id");
  // Another enterprise does not see the job.
  ApiClient other(server.port(), register_enterprise(server.port(), kRetailUscc, "广州某超市"));
  check_problem(other.get("/v1/uploads/" + id), 404, "upload_not_found", "upload_id");
}

AGRITRACE_TEST_BOTH_LEDGERS(
    "R-5.2 uploads: goods-in CSV files over HTTP, idempotent, with an error report",
    uploads_end_to_end);

// Issue 14 job store: upload jobs outlive the server. A finished job answers its final state and
// error report after a restart; a job the server did not finish (it crashed) answers
// "interrupted", and the same file sent again resumes it without appending a row twice (each
// row's command carries an Idempotency-Key of the job and the row).
void uploads_restart(Backend backend) {
  UploadApp app(backend);
  ApiClient& c = app.c;
  // Valid rows only, one row in the future: three rows appended, one in the error report.
  const std::string partly = make_upload(app.dir, "utf-8", 4, kFarmUscc, 3);
  Reply first = upload(c, "?type=goods_in&mode=valid_rows", partly);
  REQUIRE(first.status == 202);
  const std::string done_id = first.str("/id");
  Reply done = finished(c, done_id);
  INFO(done.body);
  REQUIRE(done.str("/state") == "done");
  REQUIRE(done.num("/rows_appended") == 3);
  const std::string report = c.get("/v1/uploads/" + done_id + "/errors.csv").body;
  REQUIRE(report.find("4,received_on,date_in_future,") != std::string::npos);

  // A crash (SIGKILL) right after the server accepted a file of 1,000 rows: the job has not
  // finished (each row is a command through the writer).
  const std::string big = make_upload(app.dir, "utf-8", 1000, kFarmUscc);
  Reply started = upload(c, "?type=goods_in", big);
  REQUIRE(started.status == 202);
  const std::string big_id = started.str("/id");
  app.server.kill_hard();
  app.server.start();
  ApiClient after(app.server.port(), c.key());

  // The finished job, as it was: state, counts and error report.
  Reply again = after.get("/v1/uploads/" + done_id);
  REQUIRE(again.status == 200);
  CHECK(again.body == done.body);
  CHECK(again.header("Location") == "/v1/uploads/" + done_id);
  CHECK(after.get("/v1/uploads/" + done_id + "/errors.csv").body == report);
  // The same file again answers the finished job (200), not a new one.
  Reply same = upload(after, "?type=goods_in&mode=valid_rows", partly);
  CHECK(same.status == 200);
  CHECK(same.body == done.body);
  // The unfinished one is reported interrupted.
  Reply interrupted = after.get("/v1/uploads/" + big_id);
  INFO(interrupted.body);
  REQUIRE(interrupted.status == 200);
  CHECK(interrupted.str("/state") == "interrupted");
  CHECK(interrupted.str("/detail").find("send the same file again") != std::string::npos);
  // Sent again, it resumes: every row appended once (receipts rcv-4 .. rcv-1003, no more).
  Reply resumed = upload(after, "?type=goods_in", big);
  CHECK(resumed.status == 202);
  CHECK(resumed.str("/id") == big_id);
  Reply complete = finished(after, big_id);
  INFO(complete.body);
  CHECK(complete.str("/state") == "done");
  CHECK(complete.num("/rows_appended") == 1000);
  const std::string at = "?after=" + complete.str("/position");
  CHECK(after.get("/v1/receipts/rcv-1003" + at).status == 200);
  CHECK(after.get("/v1/receipts/rcv-1004" + at).status == 404);
  // Another enterprise does not see a stored job either.
  ApiClient other(app.server.port(),
                  register_enterprise(app.server.port(), kRetailUscc, "广州某超市"));
  check_problem(other.get("/v1/uploads/" + done_id), 404, "upload_not_found", "upload_id");
  check_problem(other.get("/v1/uploads/" + done_id + "/errors.csv"), 404, "upload_not_found",
                "upload_id");
}

AGRITRACE_TEST_BOTH_LEDGERS(
    "R-5.2 uploads: jobs survive a restart, an unfinished one is interrupted and resumed by "
    "sending the file again",
    uploads_restart);

// Goods out: each row is a sales order of the batch or received lot with its lot
// code for the customer with its USCC, shipped at once by quantity; unknown customers and lot codes
// are row errors.
void goods_out_upload(Backend backend) {
  UploadApp app(backend);
  ApiClient& c = app.c;
  new_counterparty(c, enterprise_customer_body(kRetailUscc, "广州某超市", "广东省"));
  // Received lots CX-1..CX-3 (12.5 kg each, goods without codes) to ship from.
  Reply in = finished(
      c, upload(c, "?type=goods_in", make_upload(app.dir, "utf-8", 3, kFarmUscc)).str("/id"));
  REQUIRE(in.str("/state") == "done");

  const std::string day = days_from_today(-1);
  const std::string file = fmt::format(
      "ship_date,customer_uscc,customer_name,product,lot_code,quantity,unit,production_date,"
      "expiry_date,reference\r\n"
      "{0},{1},广州某超市,菜心,CX-1,5,kg,,,SO-UP-1\r\n"
      "{0},{1},广州某超市,菜心,CX-2,2.5,kg,,,SO-UP-2\r\n"
      "{0},{2},无名客户,菜心,CX-3,1,kg,,,SO-UP-3\r\n"
      "{0},{1},广州某超市,菜心,NO-SUCH-LOT,1,kg,,,SO-UP-4\r\n",
      day, kRetailUscc, kPlantUscc);
  Reply first = upload(c, "?type=goods_out&mode=valid_rows", file);
  INFO(first.body);
  REQUIRE(first.status == 202);
  const std::string id = first.str("/id");
  Reply done = finished(c, id);
  INFO(done.body);
  CHECK(done.str("/state") == "done");
  CHECK(done.num("/rows_read") == 4);
  CHECK(done.num("/rows_invalid") == 2);
  CHECK(done.num("/rows_appended") == 2);
  const std::string report = c.get("/v1/uploads/" + id + "/errors.csv").body;
  CHECK(report.find("4,customer_uscc,customer_unknown,") != std::string::npos);
  CHECK(report.find("5,lot_code,lot_unknown,") != std::string::npos);

  // The views after the job: two orders, both shipped in full, with the rows' references.
  Reply orders = c.get("/v1/sales-orders?after=" + done.str("/position"));
  INFO(orders.body);
  REQUIRE(orders.status == 200);
  CHECK(orders.body.find("SO-UP-1") != std::string::npos);
  CHECK(orders.body.find("SO-UP-2") != std::string::npos);
  CHECK(orders.body.find("SO-UP-3") == std::string::npos);
  size_t shipped = 0;
  for (size_t at = orders.body.find("\"status\":\"shipped\""); at != std::string::npos;
       at = orders.body.find("\"status\":\"shipped\"", at + 1))
    ++shipped;
  CHECK(shipped == 2);

  // The same file again is the same job: nothing is ordered or shipped twice.
  Reply again = upload(c, "?type=goods_out&mode=valid_rows", file);
  CHECK(again.status == 200);
  CHECK(again.str("/id") == id);
  CHECK(again.num("/rows_appended") == 2);
}

AGRITRACE_TEST_BOTH_LEDGERS("R-5.2 uploads: a goods-out CSV orders and ships by quantity (R-4.3.4)",
                            goods_out_upload);

// 100,000 rows (about 9 MB), the last one dated in the future: read in chunks, progress visible
// while it runs, all or nothing refuses the file and names the row.
void large_upload(Backend backend) {
  UploadApp app(backend);
  ApiClient& c = app.c;
  const TempDir& dir = app.dir;
  const std::string big = make_upload(dir, "utf-8", 100000, kFarmUscc, 100000);
  Reply job = upload(c, "?type=goods_in", big);
  INFO(job.body);
  REQUIRE(job.status == 202);
  CHECK(job.num("/size_bytes") == static_cast<int64_t>(big.size()));
  std::vector<int64_t> progress;
  Reply r = finished(c, job.str("/id"), &progress);
  INFO(r.body);
  CHECK(r.str("/state") == "refused");
  CHECK(r.num("/rows_read") == 100000);
  CHECK(r.num("/rows_valid") == 99999);
  CHECK(r.num("/rows_invalid") == 1);
  CHECK(r.num("/bytes_read") == static_cast<int64_t>(big.size()));
  CHECK(r.num("/progress_percent") == 100);
  CHECK(std::is_sorted(progress.begin(), progress.end()));
  CHECK(c.get("/v1/uploads/" + job.str("/id") + "/errors.csv")
            .body.find("100001,received_on,date_in_future,") != std::string::npos);
}

AGRITRACE_TEST_BOTH_LEDGERS("R-5.2 uploads: a 100,000-row file streams with progress",
                            large_upload);

}  // namespace
}  // namespace agritrace::testing
