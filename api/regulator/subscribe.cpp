#include "api/regulator/subscribe.h"

#include <charconv>
#include <filesystem>
#include <system_error>

#include "events/env/posix_env.h"
#include "events/regulator/feed_consumer.h"

namespace agritrace::api {
namespace {

struct LocalPosition {
  int64_t next = 0;
  uint64_t bytes = 0;
};

Result<LocalPosition> read_position(Env& env, const std::string& path) {
  if (!env.file_exists(path)) return LocalPosition{};
  auto text = env.read_file(path);
  if (!text.ok()) return text.status();
  LocalPosition p;
  const char* b = text->data();
  const char* e = b + text->size();
  auto r1 = std::from_chars(b, e, p.next);
  if (r1.ec != std::errc() || r1.ptr == e || *r1.ptr != ' ') {
    return make_error(ErrorCode::kCorruption, "subscribe_position_invalid",
                      "unreadable " + path + " (expected '<next offset> <bytes>')");
  }
  auto r2 = std::from_chars(r1.ptr + 1, e, p.bytes);
  if (r2.ec != std::errc()) {
    return make_error(ErrorCode::kCorruption, "subscribe_position_invalid",
                      "unreadable " + path + " (expected '<next offset> <bytes>')");
  }
  return p;
}

}  // namespace

Result<SubscribeReport> run_subscribe(const SubscribeOptions& o, const std::atomic<bool>* stop) {
  Env& env = o.env != nullptr ? *o.env : events::posix_env();
  if (Status s = env.create_dirs(o.out_dir); !s.ok()) return s;
  const std::string lines_path = o.out_dir + "/events.jsonl";
  const std::string position_path = o.out_dir + "/position";
  auto pos = read_position(env, position_path);
  if (!pos.ok()) return pos.status();
  // Lines after the recorded length were written by a run that stopped before recording them:
  // they will be fetched again.
  if (env.file_exists(lines_path)) {
    std::error_code ec;
    std::filesystem::resize_file(lines_path, pos->bytes, ec);
    if (ec) {
      return make_error(ErrorCode::kIoError, "subscribe_io", lines_path + ": " + ec.message());
    }
  }
  auto file = env.open_appendable(lines_path);
  if (!file.ok()) return file.status();

  events::FeedConsumerOptions co;
  co.brokers = o.brokers;
  co.client_config = o.client_config;
  co.topic = o.topic;
  co.from_offset = pos->next;
  co.env = &env;
  auto consumer = events::open_feed_consumer(co);
  if (!consumer.ok()) return consumer.status();

  SubscribeReport report;
  report.next_offset = pos->next;
  uint64_t bytes = pos->bytes;
  while (stop == nullptr || !stop->load()) {
    auto polled = (*consumer)->poll(200, 1000);
    if (!polled.ok()) return polled.status();
    if (!polled->messages.empty()) {
      std::string chunk;
      for (const events::FeedMessage& m : polled->messages) {
        chunk += m.value;
        chunk += '\n';
        report.next_offset = m.offset + 1;
      }
      if (Status s = (*file)->append(chunk); !s.ok()) return s;
      if (Status s = (*file)->sync(); !s.ok()) return s;
      bytes += chunk.size();
      report.copied += polled->messages.size();
      const std::string recorded =
          std::to_string(report.next_offset) + " " + std::to_string(bytes) + "\n";
      if (Status s = env.write_file_durably(position_path, recorded); !s.ok()) return s;
    }
    if (polled->at_end && !o.follow) break;
  }
  if (Status s = (*file)->close(); !s.ok()) return s;
  return report;
}

}  // namespace agritrace::api
