#include "api/http/forwarder.h"

#include <fmt/format.h>

#include <map>
#include <memory>

#include "api/http/http_client.h"
#include "api/http/problem.h"

namespace agritrace::api {
namespace {

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    const auto la = static_cast<char>(a[i] >= 'A' && a[i] <= 'Z' ? a[i] + 32 : a[i]);
    const auto lb = static_cast<char>(b[i] >= 'A' && b[i] <= 'Z' ? b[i] + 32 : b[i]);
    if (la != lb) return false;
  }
  return true;
}

// Hop-by-hop (RFC 9110 §7.6.1) and framing headers: each connection has its own.
bool hop_by_hop(std::string_view name) {
  for (std::string_view h : {"Connection", "Keep-Alive", "Proxy-Connection", "Proxy-Authenticate",
                             "Proxy-Authorization", "TE", "Trailer", "Transfer-Encoding", "Upgrade",
                             "Content-Length", "Host", "Expect"}) {
    if (iequals(name, h)) return true;
  }
  return false;
}

HttpResponse owner_unreachable(const std::string& owner, const std::string& why) {
  HttpResponse r = problem_response(
      503, "owner_unreachable",
      fmt::format("the node owning this enterprise's ledger partition ({}) did not answer: {}; "
                  "retry with the same Idempotency-Key",
                  owner, why));
  r.headers.emplace_back("Retry-After", "1");
  return r;
}

}  // namespace

HttpResponse partition_not_owned(std::string message) {
  HttpResponse r = problem_response(503, "partition_not_owned", message);
  r.headers.emplace_back("Retry-After", "1");
  return r;
}

Forwarder::Forwarder(std::string self_url, ForwarderOptions options)
    : self_url_(std::move(self_url)), options_(options) {
  const int32_t n = options_.threads < 1 ? 1 : options_.threads;
  for (int32_t t = 0; t < n; ++t) threads_.emplace_back([this] { run(); });
}

Forwarder::~Forwarder() { stop(); }

void Forwarder::stop() {
  std::deque<Job> left;
  {
    std::lock_guard lock(mu_);
    if (stopping_ && threads_.empty()) return;
    stopping_ = true;
    left.swap(queue_);
  }
  cv_.notify_all();
  for (Job& j : left) {
    HttpResponse r = problem_response(503, "server_stopping", "the server is stopping; retry");
    r.headers.emplace_back("Retry-After", "1");
    j.respond(std::move(r));
  }
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
  threads_.clear();
}

HeaderList Forwarder::forwarded_headers(const HttpRequest& req, std::string_view self_url) {
  HeaderList out;
  out.reserve(req.headers.size() + 3);
  for (const auto& [name, value] : req.headers) {
    if (hop_by_hop(name) || iequals(name, kForwardedByHeader) || iequals(name, "X-Request-Id") ||
        iequals(name, "X-Forwarded-For")) {
      continue;
    }
    out.emplace_back(name, value);
  }
  out.emplace_back(std::string(kForwardedByHeader), std::string(self_url));
  // One request id across both nodes' logs and audit trails.
  if (!req.request_id.empty()) out.emplace_back("X-Request-Id", req.request_id);
  std::string client = req.remote_address;
  if (auto colon = client.rfind(':'); colon != std::string::npos) client.resize(colon);
  if (auto xff = req.header("X-Forwarded-For")) client = std::string(*xff) + ", " + client;
  if (!client.empty()) out.emplace_back("X-Forwarded-For", client);
  return out;
}

HttpResponse Forwarder::relayed(HttpResponse owner_answer) {
  HttpResponse r;
  r.status = owner_answer.status;
  r.content_type = std::move(owner_answer.content_type);
  r.body = std::move(owner_answer.body);
  for (auto& [name, value] : owner_answer.headers) {
    // Content-Type travels in content_type; X-Request-Id is set by this node's server (the same
    // id: it was forwarded).
    if (hop_by_hop(name) || iequals(name, "Content-Type") || iequals(name, "X-Request-Id")) continue;
    r.headers.emplace_back(std::move(name), std::move(value));
  }
  return r;
}

void Forwarder::forward(const HttpRequest& req, const std::string& owner_url, Responder respond) {
  {
    std::lock_guard lock(mu_);
    if (!stopping_ && queue_.size() < options_.max_queued) {
      queue_.push_back(Job{req, owner_url, std::move(respond)});
      cv_.notify_one();
      return;
    }
  }
  HttpResponse r = problem_response(503, "server_busy", "too many requests waiting to be forwarded; retry");
  r.headers.emplace_back("Retry-After", "1");
  respond(std::move(r));
}

void Forwarder::run() {
  // One kept-alive connection per owner and thread.
  std::map<std::string, std::unique_ptr<HttpClient>, std::less<>> clients;
  HttpClientOptions co;
  co.timeout = options_.timeout;
  for (;;) {
    Job job;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping
      job = std::move(queue_.front());
      queue_.pop_front();
    }
    auto url = parse_url(job.owner_url);
    if (!url.ok()) {
      job.respond(owner_unreachable(job.owner_url, url.error().message));
      continue;
    }
    auto& client = clients[job.owner_url];
    if (!client) client = std::make_unique<HttpClient>(url->host, url->port, co);
    auto answer = client->request(job.request.method, job.request.target, job.request.body,
                                  forwarded_headers(job.request, self_url_));
    if (!answer.ok()) {
      clients.erase(job.owner_url);  // a fresh connection next time
      job.respond(owner_unreachable(job.owner_url, answer.error().message));
      continue;
    }
    job.respond(relayed(std::move(answer).value()));
  }
}

}  // namespace agritrace::api
