// Routes of production lines, their devices and print jobs. Registering and queueing
// are commands (CommandWriter); pause, resume, cancel and void are requests to the line's job
// runner (api/devices/print_lines.h), which appends what then happens as job events.
#include <memory>

#include "api/devices/print_lines.h"
#include "api/http/route_kit.h"
#include "core/devices/rules.h"
#include "core/domain/command.h"
#include "projections/devices/queries.h"

namespace agritrace::api {
namespace {

Result<core::Command> line_command(const JsonInput& in) {
  AGT_CHECK(in.only({"name"}));
  AGT_TRY(name, in.str("name", 200));
  return core::Command(core::RegisterLine{name});
}

Result<core::Command> device_command(const JsonInput& in) {
  AGT_CHECK(in.only({"line_id", "name", "protocol", "host", "port", "max_in_flight"}));
  core::RegisterDevice c;
  AGT_TRY(line_id, in.str("line_id", 32));
  AGT_TRY(name, in.str("name", 200));
  AGT_TRY(protocol_name, in.str("protocol", 16));
  AGT_TRY(protocol, core::parse_device_protocol(protocol_name, "protocol"));
  AGT_TRY(host, in.str("host", 253));
  AGT_TRY(port, in.i64("port"));
  c.line_id = line_id;
  c.name = name;
  c.protocol = protocol;
  c.host = host;
  c.port = port;
  if (in.has("max_in_flight")) {
    AGT_TRY(m, in.i64("max_in_flight"));
    c.max_in_flight = m;
  }
  return core::Command(std::move(c));
}

Result<core::Command> job_command(const JsonInput& in) {
  AGT_CHECK(in.only({"line_id", "run_id", "offset", "limit", "codes"}));
  core::QueuePrintJob c;
  AGT_TRY(line_id, in.str("line_id", 32));
  AGT_TRY(run_id, in.opt_str("run_id", 32));
  c.line_id = line_id;
  c.run_id = run_id;
  if (in.has("offset")) {
    AGT_TRY(offset, in.i64("offset"));
    c.offset = offset;
  }
  if (in.has("limit")) {
    AGT_TRY(limit, in.i64("limit"));
    c.limit = limit;
  }
  if (in.has("codes")) {
    AGT_TRY(codes, in.str_array("codes", core::kMaxCodesPerPrintJob));
    c.codes = std::move(codes);
  }
  return core::Command(std::move(c));
}

}  // namespace

void register_devices_routes(RouteKit& kit, Router& router) {
  RouteKit* i = &kit;
  auto q = std::make_shared<projections::DevicesQueries>(kit.views);
  PrintLines* lines = kit.options.print_lines;

  router.add("POST", "/v1/lines", "registerLine",
             i->command_route("register_line", 201, [](const JsonInput& in, const PathParams&) { return line_command(in); }));
  router.add("GET", "/v1/lines", "listLines",
             i->query_route([q](const Caller& c, const PathParams&, const HttpRequest&) { return q->lines(c.tenant); }));
  router.add("POST", "/v1/devices", "registerDevice",
             i->command_route("register_device", 201, [](const JsonInput& in, const PathParams&) { return device_command(in); }));
  router.add("GET", "/v1/devices", "listDevices",
             i->query_route([q](const Caller& c, const PathParams&, const HttpRequest&) { return q->devices(c.tenant); }));
  router.add("POST", "/v1/print-jobs", "startPrintJob",
             i->command_route("queue_print_job", 201, [](const JsonInput& in, const PathParams&) { return job_command(in); }));
  router.add("GET", "/v1/print-jobs", "listPrintJobs",
             i->query_route([q](const Caller& c, const PathParams&, const HttpRequest&) { return q->jobs(c.tenant); }));
  router.add("GET", "/v1/print-jobs/{job_id}", "getPrintJob",
             i->query_route([q](const Caller& c, const PathParams& p, const HttpRequest&) {
               return q->job(c.tenant, path_param(p, "job_id"));
             }));

  // Requests to the line's runner: 202, the runner appends what happens (see GET of the job).
  auto request = [i, lines](std::string_view what, PrintLines::Request kind) {
    return i->tenant_route([lines, what, kind](const HttpRequest&, const PathParams& p, const Caller& c, Responder r) {
      if (lines == nullptr) {
        return r(problem_response(503, "devices_unavailable", "this server runs no print lines"));
      }
      const std::string& job_id = path_param(p, "job_id");
      std::vector<std::string> voiding;
      if (what == "void") {
        auto open = lines->open_codes(c.tenant, job_id);
        if (!open.ok()) return r(problem_from_error(open.error()));
        voiding = std::move(open).value();
      }
      Status st = lines->request(c.tenant, job_id, kind);
      if (!st.ok()) return r(problem_from_error(st.error()));
      JsonWriter w;
      w.begin_object().field("job_id", job_id).field("requested", what);
      if (what == "void") {
        w.key("voiding").begin_array();
        for (const auto& code : voiding) w.value(code);
        w.end_array();
      }
      w.end_object();
      r(json_response(202, w.take()));
    });
  };
  router.add("POST", "/v1/print-jobs/{job_id}/pause", "pausePrintJob", request("pause", PrintLines::Request::kPause));
  router.add("POST", "/v1/print-jobs/{job_id}/resume", "resumePrintJob", request("resume", PrintLines::Request::kResume));
  router.add("POST", "/v1/print-jobs/{job_id}/cancel", "cancelPrintJob", request("cancel", PrintLines::Request::kCancel));
  // Voids what was not printed: the runner cancels the job, clears the device (codes it confirms
  // printed meanwhile stay printed) and voids the rest.
  router.add("POST", "/v1/print-jobs/{job_id}/void", "voidPrintJob", request("void", PrintLines::Request::kCancel));
}

}  // namespace agritrace::api
