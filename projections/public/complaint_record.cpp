#include "projections/public/complaint_record.h"

#include <simdjson.h>

#include "core/base/json_writer.h"

namespace agritrace::projections {
namespace {

void write_strings(JsonWriter& w, std::string_view key, const std::vector<std::string>& values) {
  w.key(key).begin_array();
  for (const std::string& v : values) w.value(v);
  w.end_array();
}

bool read(simdjson::dom::element e, const char* key, std::string& out) {
  std::string_view s;
  if (e[key].get_string().get(s)) return false;
  out.assign(s);
  return true;
}

bool read(simdjson::dom::element e, const char* key, int64_t& out) {
  return !e[key].get_int64().get(out);
}

void read_strings(simdjson::dom::element e, const char* key, std::vector<std::string>& out) {
  simdjson::dom::array arr;
  if (e[key].get_array().get(arr)) return;
  for (simdjson::dom::element item : arr) {
    std::string_view s;
    if (!item.get_string().get(s)) out.emplace_back(s);
  }
}

}  // namespace

std::string complaint_record_json(const ComplaintRecord& r) {
  JsonWriter w;
  w.begin_object()
      .field("tenant", r.tenant)
      .field("case_id", r.case_id)
      .field("follow_token_sha256", r.follow_token_sha256)
      .field("transaction_id", r.transaction_id)
      .field("amount_fen", r.amount_fen)
      .field("paid_on", r.paid_on);
  write_strings(w, "batch_ids", r.batch_ids);
  write_strings(w, "serials", r.serials);
  w.field("text", r.text).field("phone", r.phone);
  w.key("images").begin_array();
  for (const core::ComplaintImage& im : r.images) {
    w.begin_object()
        .field("sha256", im.sha256)
        .field("media_type", im.media_type)
        .field("size_bytes", im.size_bytes)
        .field("width", im.width)
        .field("height", im.height)
        .end_object();
  }
  w.end_array();
  w.field("filed_at", r.filed_at)
      .field("filed_on", r.filed_on)
      .field("accept_by", r.accept_by)
      .field("state", r.state)
      .field("handle_by", r.handle_by);
  w.key("history").begin_array();
  for (const ComplaintStep& s : r.history) {
    w.begin_object()
        .field("state", s.state)
        .field("actor_role", s.actor_role)
        .field("actor", s.actor)
        .field("feedback", s.feedback)
        .field("at", s.at)
        .end_object();
  }
  w.end_array();
  w.field("stars", r.stars).field("comment", r.comment).field("rated_at", r.rated_at);
  w.end_object();
  return w.take();
}

std::optional<ComplaintRecord> parse_complaint_record(std::string_view json) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(json.data(), json.size()).get(doc)) return std::nullopt;
  ComplaintRecord r;
  if (!read(doc, "tenant", r.tenant) || !read(doc, "case_id", r.case_id)) return std::nullopt;
  read(doc, "follow_token_sha256", r.follow_token_sha256);
  read(doc, "transaction_id", r.transaction_id);
  read(doc, "amount_fen", r.amount_fen);
  read(doc, "paid_on", r.paid_on);
  read_strings(doc, "batch_ids", r.batch_ids);
  read_strings(doc, "serials", r.serials);
  read(doc, "text", r.text);
  read(doc, "phone", r.phone);
  simdjson::dom::array arr;
  if (!doc["images"].get_array().get(arr)) {
    for (simdjson::dom::element e : arr) {
      core::ComplaintImage im;
      read(e, "sha256", im.sha256);
      read(e, "media_type", im.media_type);
      read(e, "size_bytes", im.size_bytes);
      read(e, "width", im.width);
      read(e, "height", im.height);
      r.images.push_back(std::move(im));
    }
  }
  read(doc, "filed_at", r.filed_at);
  read(doc, "filed_on", r.filed_on);
  read(doc, "accept_by", r.accept_by);
  read(doc, "state", r.state);
  read(doc, "handle_by", r.handle_by);
  if (!doc["history"].get_array().get(arr)) {
    for (simdjson::dom::element e : arr) {
      ComplaintStep s;
      read(e, "state", s.state);
      read(e, "actor_role", s.actor_role);
      read(e, "actor", s.actor);
      read(e, "feedback", s.feedback);
      read(e, "at", s.at);
      r.history.push_back(std::move(s));
    }
  }
  read(doc, "stars", r.stars);
  read(doc, "comment", r.comment);
  read(doc, "rated_at", r.rated_at);
  return r;
}

}  // namespace agritrace::projections
