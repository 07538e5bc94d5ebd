// A test client for the AgriTrace HTTP API: JSON calls with an API key, and JSON pointer reads of
// the answers (simdjson), so that tests state what they expect in one line.
#pragma once

#include <cstdint>
#include <string>

#include "api/http/http_client.h"

namespace agritrace::testing {

struct Reply {
  int32_t status = 0;
  std::string body;
  api::HeaderList headers;
  // Values at a JSON pointer ("/materials/0/lot/lot_id"); fail the test when absent.
  std::string str(const std::string& pointer) const;
  int64_t num(const std::string& pointer) const;
  size_t size(const std::string& pointer) const;  // array length
  bool has(const std::string& pointer) const;
  std::string header(const std::string& name) const;
};

class ApiClient {
 public:
  ApiClient(uint16_t port, std::string key = {});
  void set_key(std::string key) { key_ = std::move(key); }
  const std::string& key() const { return key_; }
  Reply get(const std::string& target);
  Reply post(const std::string& target, const std::string& body, const std::string& idempotency_key = {});
  Reply put(const std::string& target, const std::string& body, const std::string& idempotency_key = {});
  Reply call(const std::string& method, const std::string& target, const std::string& body,
             const api::HeaderList& headers);
  // Any method, with this client's key (DELETE, or a walk over every route).
  Reply request(const std::string& method, const std::string& target, const std::string& body = {});
  // GET that waits until the views include the position of the last command this client sent.
  Reply get_fresh(const std::string& target);
  const std::string& last_position() const { return last_position_; }

 private:
  api::HttpClient http_;
  std::string key_;
  std::string last_position_;
};

}  // namespace agritrace::testing
