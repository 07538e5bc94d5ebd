#include "projections/devices/projection.h"

#include "core/base/json_writer.h"
#include "core/domain/event.h"
#include "projections/base/keys.h"
#include "projections/devices/keys.h"

namespace agritrace::projections {
namespace {

std::string count_key(std::string_view t, std::string_view job_id, std::string_view what) {
  std::string part = sort_id(job_id);
  part += kDevicesKeySep;
  part += what;
  return devices::keys::job_count(t, part);
}

class DevicesProjection final : public EventProjection<DevicesProjection, devices::Handled, whole_event> {
 public:
  std::string_view name() const override { return "devices"; }

 private:
  friend EventProjection;

  static std::string line_json(std::string_view id, std::string_view name, std::string_view device_id) {
    JsonWriter w;
    w.begin_object().field("line_id", id).field("name", name).key("device_id");
    if (device_id.empty()) w.null(); else w.value(device_id);
    w.end_object();
    return w.take();
  }

  void on(const events::StoredEvent& se, const core::LineRegistered& e, ViewBatch& b) {
    b.put(devices::keys::line(se.envelope.tenant, sort_id(e.line_id)), line_json(e.line_id, e.name, ""));
  }

  void on(const events::StoredEvent& se, const core::DeviceRegistered& e, ViewBatch& b) {
    const std::string& t = se.envelope.tenant;
    JsonWriter w;
    w.begin_object().field("device_id", e.device_id).field("line_id", e.line_id).field("name", e.name)
        .field("protocol", core::device_protocol_name(e.protocol)).field("host", e.host)
        .field("port", e.port).field("max_in_flight", e.max_in_flight).end_object();
    b.put(devices::keys::device(t, sort_id(e.device_id)), w.take());
    const std::string lk = devices::keys::line(t, sort_id(e.line_id));
    auto line = b.get(lk);
    const std::string name = line ? json_string_field(*line, "name").value_or("") : "";
    b.put(lk, line_json(e.line_id, name, e.device_id));
  }

  void status(const events::StoredEvent& se, const std::string& job_id, std::string_view st,
              std::string_view reason, ViewBatch& b) {
    std::string v(st);
    v += kDevicesKeySep;
    v += reason;
    v += kDevicesKeySep;
    v += core::format_rfc3339_utc(se.envelope.occurred_at_ms);
    b.put(devices::keys::job_status(se.envelope.tenant, sort_id(job_id)), v);
  }

  // Moves codes to `to`, keeping the job's counts (a code leaving "sent" lowers sent).
  void codes_to(const std::string& t, const std::string& job_id, const std::vector<std::string>& codes,
                std::string_view to, ViewBatch& b) {
    int64_t left_sent = 0;
    for (const std::string& code : codes) {
      const std::string k = devices::keys::code_status(t, code);
      auto cur = b.get(k);
      if (cur && cur->rfind("sent", 0) == 0) ++left_sent;
      std::string v(to);
      v += kDevicesKeySep;
      v += job_id;
      b.put(k, v);
    }
    if (left_sent != 0) b.add_int(count_key(t, job_id, "sent"), -left_sent);
    b.add_int(count_key(t, job_id, to), static_cast<int64_t>(codes.size()));
  }

  void on(const events::StoredEvent& se, const core::PrintJobQueued& e, ViewBatch& b) {
    const std::string& t = se.envelope.tenant;
    JsonWriter w;
    w.begin_object().field("job_id", e.job_id).field("line_id", e.line_id).field("device_id", e.device_id)
        .key("run_id");
    if (e.run_id.empty()) w.null(); else w.value(e.run_id);
    w.field("queued_at", core::format_rfc3339_utc(se.envelope.occurred_at_ms)).end_object();
    b.put(devices::keys::job(t, sort_id(e.job_id)), w.take());
    status(se, e.job_id, "queued", "", b);
    b.add_int(count_key(t, e.job_id, "issued"), static_cast<int64_t>(e.codes.size()));
    for (const std::string& code : e.codes) b.put(devices::keys::code_status(t, code), "queued" + std::string(1, kDevicesKeySep) + e.job_id);
  }
  void on(const events::StoredEvent& se, const core::PrintJobCodesSent& e, ViewBatch& b) {
    codes_to(se.envelope.tenant, e.job_id, e.codes, "sent", b);
    status(se, e.job_id, "sending", "", b);
  }
  void on(const events::StoredEvent& se, const core::PrintJobCodesPrinted& e, ViewBatch& b) {
    codes_to(se.envelope.tenant, e.job_id, e.codes, "printed", b);
  }
  void on(const events::StoredEvent& se, const core::PrintJobCodesVoided& e, ViewBatch& b) {
    codes_to(se.envelope.tenant, e.job_id, e.codes, "voided", b);
  }
  void on(const events::StoredEvent& se, const core::PrintJobPaused& e, ViewBatch& b) {
    status(se, e.job_id, "paused", e.reason, b);
  }
  void on(const events::StoredEvent& se, const core::PrintJobResumed& e, ViewBatch& b) {
    status(se, e.job_id, "sending", "", b);
  }
  void on(const events::StoredEvent& se, const core::PrintJobFailed& e, ViewBatch& b) {
    status(se, e.job_id, "failed", e.reason, b);
  }
  void on(const events::StoredEvent& se, const core::PrintJobCancelled& e, ViewBatch& b) {
    status(se, e.job_id, "cancelled", e.reason, b);
  }
  void on(const events::StoredEvent& se, const core::PrintJobDone& e, ViewBatch& b) {
    status(se, e.job_id, "done", "", b);
  }
};

}  // namespace

std::unique_ptr<Projection> make_devices_projection() { return std::make_unique<DevicesProjection>(); }

}  // namespace agritrace::projections
