// End to end over real HTTP against `agritrace serve`, on both ledgers, with the device simulators
// on loopback (devices/sim/, in this process so the test reads the physical print log and injects
// faults): lines and devices registered, print jobs run by the server's line runner, a job that
// prints every code, a lost connection, paper out, a server killed mid-job and restarted, and a
// cancelled job (R-4.2.6). After each: printed + voided = issued per job, no code printed twice
// on paper, and every code on paper is printed in the ledger or voided as in doubt.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <algorithm>
#include <memory>
#include <set>

#include "devices/sim/zpl_printer_sim.h"
#include "events/env/posix_env.h"
#include "tests/e2e/base/fixtures.h"
#include "tests/support/api_client.h"
#include "tests/support/test_env.h"

namespace agritrace::testing {
namespace {

using devices::sim::ZplPrinterSim;

struct JobView {
  std::string status;
  std::string reason;
  int64_t issued = 0, printed = 0, voided = 0, open = 0;
};

JobView job_view(ApiClient& c, const std::string& id) {
  Reply r = c.get("/v1/print-jobs/" + id);
  JobView v;
  if (r.status != 200) return v;
  v.status = r.str("/status");
  v.reason = r.body.find(R"("reason":null)") != std::string::npos ? "" : r.str("/reason");
  v.issued = r.num("/issued");
  v.printed = r.num("/printed");
  v.voided = r.num("/voided");
  v.open = r.num("/open");
  return v;
}

// Waits for the job's view to satisfy `done`. Between reads it waits on the simulator (woken by
// every change of the device: a print, a connection, a fault), bounded; the deadline is a net.
template <typename Pred>
JobView wait_job(ApiClient& c, ZplPrinterSim& sim, const std::string& id, Pred done, int timeout_ms = 30'000) {
  Env& env = events::posix_env();
  const int64_t deadline = env.monotonic_ns() + int64_t{timeout_ms} * 1'000'000;
  JobView v = job_view(c, id);
  while (!done(v) && env.monotonic_ns() < deadline) {
    const size_t before = sim.printed().size();
    (void)sim.wait_until([&] { return sim.printed().size() != before; }, 20);
    v = job_view(c, id);
  }
  return v;
}

bool closed(const JobView& v) {
  return (v.status == "done" || v.status == "cancelled" || v.status == "failed") && v.open == 0;
}

// The ledger's account of a job (from the code views) against the paper: printed ∪ voided =
// issued, nothing printed twice, every printed code on paper, every code on paper either printed
// or voided (as in doubt: it printed after the last acknowledgement the ledger kept).
void check_job(ApiClient& c, const ZplPrinterSim& sim, const std::vector<std::string>& codes, const JobView& v) {
  CHECK(v.issued == static_cast<int64_t>(codes.size()));
  CHECK(v.printed + v.voided == v.issued);
  CHECK(v.open == 0);
  CHECK(sim.max_prints_of_one_code() <= 1);
  const auto paper = sim.printed();
  const std::set<std::string> on_paper(paper.begin(), paper.end());
  int64_t printed = 0, voided = 0;
  for (const std::string& serial : codes) {
    Reply code = c.get("/v1/codes/" + serial);
    REQUIRE(code.status == 200);
    const std::string st = code.str("/print_status");
    CHECK_MESSAGE((st == "printed" || st == "voided"), serial << " " << st);
    if (st == "printed") {
      ++printed;
      CHECK(code.body.find(R"("printed":true)") != std::string::npos);
      CHECK_MESSAGE(on_paper.count(serial) == 1, "printed in the ledger, not on paper: " << serial);
    } else {
      ++voided;
      CHECK(code.body.find(R"("printed":false)") != std::string::npos);
    }
  }
  CHECK(printed == v.printed);
  CHECK(voided == v.voided);
}

std::vector<std::string> slice(const std::vector<std::string>& all, size_t from, size_t n) {
  return {all.begin() + static_cast<std::ptrdiff_t>(from), all.begin() + static_cast<std::ptrdiff_t>(from + n)};
}

void devices_slice(Backend backend) {
  TestLedger ledger(backend);
  auto server = std::make_unique<ServerProcess>(ledger.flags());
  server->start();
  const std::string key = register_enterprise(server->port(), kPlantUscc, "东莞市鲜达农产品加工有限公司");
  auto client = std::make_unique<ApiClient>(server->port(), key);

  Reply batch = client->post("/v1/batches", batch_body("PRN-1"));
  REQUIRE(batch.status == 201);
  std::vector<std::string> uris;
  const std::string run_id = code_run(*client, batch.str("/id"), "6291041500213", R"({"amount":1,"unit":"piece"})", 420, &uris);
  // The job takes the run's serials in serial order.
  std::vector<std::string> serials;
  for (const auto& u : uris) serials.push_back(serial_of(u));
  std::sort(serials.begin(), serials.end());

  ZplPrinterSim sim(events::posix_env());
  REQUIRE(sim.start().ok());

  // Lines and devices, with precise refusals.
  Reply line = client->post("/v1/lines", R"({"name":"一号包装线"})");
  REQUIRE(line.status == 201);
  const std::string line_id = line.str("/id");
  CHECK(client->post("/v1/lines", R"({"name":"一号包装线"})").status == 409);
  Reply bad_proto = client->post("/v1/devices", fmt::format(R"({{"line_id":"{}","name":"x","protocol":"ipp","host":"127.0.0.1","port":9100}})", line_id));
  CHECK(bad_proto.status == 422);
  CHECK(bad_proto.str("/code") == "invalid_protocol");
  Reply no_line = client->post("/v1/print-jobs", fmt::format(R"({{"line_id":"{}","run_id":"{}"}})", line_id, run_id));
  CHECK(no_line.status == 409);
  CHECK(no_line.str("/code") == "line_without_device");
  Reply dev = client->post("/v1/devices", fmt::format(R"({{"line_id":"{}","name":"Zebra ZT410","protocol":"zpl","host":"127.0.0.1","port":{}}})", line_id, sim.port()));
  REQUIRE(dev.status == 201);
  CHECK(client->get_fresh("/v1/lines").str("/items/0/device_id") == dev.str("/id"));
  CHECK(client->get("/v1/devices").str("/items/0/protocol") == "zpl");

  auto start_job = [&](size_t offset, size_t limit) {
    Reply r = client->post("/v1/print-jobs", fmt::format(R"({{"line_id":"{}","run_id":"{}","offset":{},"limit":{}}})", line_id, run_id, offset, limit));
    INFO(r.body);
    REQUIRE(r.status == 201);
    return r.str("/id");
  };

  // 1. A job prints every code.
  {
    const std::string job = start_job(0, 100);
    JobView v = wait_job(*client, sim, job, closed);
    CHECK(v.status == "done");
    CHECK(v.printed == 100);
    check_job(*client, sim, slice(serials, 0, 100), v);
    Reply again = client->post("/v1/print-jobs", codes_body({serials[5]}).insert(1, fmt::format(R"("line_id":"{}",)", line_id)));
    CHECK(again.status == 409);
    CHECK(again.str("/code") == "code_already_printed");
    Reply other = client->get("/v1/codes/" + serials[200]);
    CHECK(other.body.find(R"("printed":false)") != std::string::npos);
    CHECK(other.str("/print_status") == "not_queued");
  }
  // 2. Paper out: the job pauses, and resumes when paper is back.
  {
    sim.set_paper_out(true);
    const std::string job = start_job(100, 50);
    JobView paused = wait_job(*client, sim, job, [](const JobView& v) { return v.status == "paused"; });
    CHECK(paused.status == "paused");
    CHECK(paused.reason == "paper_out");
    sim.set_paper_out(false);
    JobView v = wait_job(*client, sim, job, closed);
    CHECK(v.status == "done");
    check_job(*client, sim, slice(serials, 100, 50), v);
  }
  // 3. The connection drops mid-job: reconnect, in-doubt codes voided, the rest printed.
  {
    sim.set_print_interval_ms(1);
    sim.disconnect_after_formats(30);
    const std::string job = start_job(150, 100);
    JobView v = wait_job(*client, sim, job, closed);
    CHECK(v.status == "done");
    CHECK(v.printed > 0);
    CHECK(sim.connections() >= 2);
    check_job(*client, sim, slice(serials, 150, 100), v);
  }
  // 4. The server is killed mid-job and restarted: the job resumes from the ledger; no code
  // prints twice.
  {
    sim.set_print_interval_ms(3);
    const size_t before = sim.printed().size();
    const std::string job = start_job(250, 120);
    REQUIRE(sim.wait_until([&] { return sim.printed().size() >= before + 20; }, 30'000));
    server->kill_hard();
    server = std::make_unique<ServerProcess>(ledger.flags());
    server->start();
    client = std::make_unique<ApiClient>(server->port(), key);
    sim.set_print_interval_ms(0);
    JobView v = wait_job(*client, sim, job, closed);
    CHECK(closed(v));
    check_job(*client, sim, slice(serials, 250, 120), v);
  }
  // 5. Cancel: what was not printed is voided (and may be queued again).
  {
    sim.set_paused(true);
    const std::string job = start_job(370, 40);
    JobView paused = wait_job(*client, sim, job, [](const JobView& v) { return v.status == "paused"; });
    CHECK(paused.status == "paused");
    Reply cancel = client->post("/v1/print-jobs/" + job + "/cancel", "");
    CHECK(cancel.status == 202);
    JobView v = wait_job(*client, sim, job, closed);
    CHECK(v.status == "cancelled");
    CHECK(v.voided == 40);
    check_job(*client, sim, slice(serials, 370, 40), v);
    CHECK(client->post("/v1/print-jobs/" + job + "/cancel", "").status == 409);
    CHECK(client->post("/v1/print-jobs/pj-999/pause", "").status == 404);
    sim.set_paused(false);
    // Voided codes may be printed by a later job.
    const std::string redo = start_job(370, 40);
    JobView r = wait_job(*client, sim, redo, closed);
    CHECK(r.status == "done");
    CHECK(r.printed == 40);
  }
  CHECK(sim.max_prints_of_one_code() <= 1);
  Reply jobs = client->get("/v1/print-jobs");
  CHECK(jobs.size("/items") == 6);
}

TEST_CASE("R-4.2.6 print jobs on a line's label printer, with faults and a server crash [embedded]") {
  devices_slice(Backend::kEmbedded);
}
TEST_CASE("R-4.2.6 print jobs on a line's label printer, with faults and a server crash [kafka]") {
  devices_slice(Backend::kKafka);
}

// The operator's CLI (`agritrace print …`) drives the same routes: register a line and its
// printer, start a job from a run, follow it, with exit codes 0 / 1 (refused) / 2 (usage).
std::string json_id(const std::string& out) {
  const size_t at = out.find(R"("id":")");
  return at == std::string::npos ? "" : out.substr(at + 6, out.find('"', at + 6) - at - 6);
}

void print_cli(Backend backend) {
  TestLedger ledger(backend);
  ServerProcess server(ledger.flags());
  server.start();
  const std::string key = register_enterprise(server.port(), kPlantUscc, "东莞市鲜达农产品加工有限公司");
  ApiClient client(server.port(), key);
  Reply batch = client.post("/v1/batches", batch_body("CLI-1"));
  REQUIRE(batch.status == 201);
  std::vector<std::string> uris;
  const std::string run_id = code_run(client, batch.str("/id"), "6291041500213", R"({"amount":1,"unit":"piece"})", 30, &uris);
  ZplPrinterSim sim(events::posix_env());
  REQUIRE(sim.start().ok());

  TempDir dir;
  const std::string key_file = dir.path() + "/key";
  REQUIRE(events::posix_env().write_file_durably(key_file, key + "\n").ok());
  const std::string url = fmt::format("http://127.0.0.1:{}", server.port());
  auto cli = [&](std::vector<std::string> args) {
    args.insert(args.begin(), "print");
    args.insert(args.end(), {"--url", url, "--key-file", key_file});
    return run_agritrace(args, true);
  };

  RunResult line = cli({"register-line", "--name", "二号包装线"});
  INFO(line.out);
  REQUIRE(line.exit_code == 0);
  const std::string line_id = json_id(line.out);
  REQUIRE(!line_id.empty());
  RunResult dev = cli({"register-device", "--line", line_id, "--name", "Zebra", "--protocol", "zpl", "--host",
                       "127.0.0.1", "--port", std::to_string(sim.port())});
  REQUIRE(dev.exit_code == 0);
  RunResult started = cli({"start", "--line", line_id, "--run", run_id, "--limit", "30", "--idempotency-key", "cli-1"});
  REQUIRE(started.exit_code == 0);
  const std::string job = json_id(started.out);
  REQUIRE(!job.empty());
  // The same Idempotency-Key answers the same job: no second job.
  RunResult again = cli({"start", "--line", line_id, "--run", run_id, "--limit", "30", "--idempotency-key", "cli-1"});
  CHECK(again.exit_code == 0);
  CHECK(json_id(again.out) == job);

  JobView v = wait_job(client, sim, job, closed);
  CHECK(v.status == "done");
  CHECK(v.printed == 30);
  RunResult shown = cli({"show", "--job", job});
  CHECK(shown.exit_code == 0);
  CHECK(shown.out.find(R"("printed":30)") != std::string::npos);
  RunResult jobs = cli({"jobs"});
  CHECK(jobs.exit_code == 0);
  CHECK(jobs.out.find(job) != std::string::npos);
  CHECK(sim.max_prints_of_one_code() == 1);

  // Refusals: the server's problem on stderr and exit 1; bad usage exit 2, nothing sent.
  RunResult missing = cli({"show", "--job", "pj-999"});
  CHECK(missing.exit_code == 1);
  CHECK(missing.out.find("404") != std::string::npos);
  RunResult taken = cli({"start", "--line", line_id, "--run", run_id, "--limit", "30"});
  CHECK(taken.exit_code == 1);
  CHECK(cli({"start", "--line", line_id}).exit_code == 2);
  CHECK(cli({"start", "--line", line_id, "--run", run_id, "--limit", "-3"}).exit_code == 2);
  CHECK(cli({"reprint"}).exit_code == 2);
  CHECK(run_agritrace({"print", "jobs", "--url", url}, true).exit_code == 1);  // no key
  CHECK(client.get("/v1/print-jobs").size("/items") == 1);
}

AGRITRACE_TEST_BOTH_LEDGERS("R-4.2.6 the print-job CLI against a running server", print_cli)

}  // namespace
}  // namespace agritrace::testing
