// One of the two Beast translation units (the other is http_server.cpp); keep it that way.
#include "api/http/beast_tu.h"  // first: Asio needs <utility> before its headers

#include "api/http/http_client.h"

#include <cctype>
#include <optional>

#include <boost/asio/connect.hpp>
#include <boost/beast/core/error.hpp>

namespace agritrace::api {

namespace {

bool is_idempotent(std::string_view method) {
  return method == "GET" || method == "HEAD" || method == "PUT" || method == "DELETE" ||
         method == "OPTIONS";
}

Error transport_error(beast::error_code ec, std::string_view what) {
  if (ec == beast::error::timeout) {
    return make_error(ErrorCode::kTimeout, "http_timeout", std::string(what) + ": timed out");
  }
  if (ec == http::error::body_limit) {
    return make_error(ErrorCode::kTooLarge, "response_too_large",
                      std::string(what) + ": response body over the limit");
  }
  if (ec.category() == http::make_error_code(http::error::bad_method).category() &&
      ec != http::error::end_of_stream && ec != http::error::partial_message) {
    return make_error(ErrorCode::kInvalidArgument, "bad_http_response",
                      std::string(what) + ": " + ec.message());
  }
  return make_error(ErrorCode::kUnavailable, "connection_failed",
                    std::string(what) + ": " + ec.message());
}

}  // namespace

// Synchronous on the surface, asynchronous underneath: Beast's tcp_stream timeouts only apply to
// async operations, so each step starts one and runs the private io_context until it is done.
struct HttpClient::Impl {
  Impl(std::string h, uint16_t p, HttpClientOptions o)
      : host(std::move(h)), port(p), options(o) {}

  // Runs the io_context until the started operation completes.
  void run() {
    ioc.restart();
    ioc.run();
  }

  beast::error_code connect() {
    stream.emplace(ioc);
    buffer.clear();
    beast::error_code result;
    tcp::resolver resolver(ioc);
    beast::error_code ec;
    auto endpoints = resolver.resolve(host, std::to_string(port), ec);
    if (ec) return ec;
    stream->expires_after(options.timeout);
    stream->async_connect(endpoints, [&](beast::error_code cec, const tcp::endpoint&) {
      result = cec;
    });
    run();
    if (result) {
      stream.reset();
      return result;
    }
    stream->socket().set_option(tcp::no_delay(true), ec);
    ++connections;
    return {};
  }

  // True when a kept-alive connection is still usable: the server may have closed it while we
  // were idle (its idle timeout, a 413...). A non-blocking peek sees the EOF without consuming.
  bool connection_alive() {
    if (!stream || !stream->socket().is_open()) return false;
    if (buffer.size() > 0) return false;  // unsolicited bytes: the stream is out of sync
    auto& sock = stream->socket();
    beast::error_code ec;
    sock.non_blocking(true, ec);
    char byte;
    size_t n = sock.receive(asio::buffer(&byte, 1), tcp::socket::message_peek, ec);
    beast::error_code ignored;
    sock.non_blocking(false, ignored);
    if (ec == asio::error::would_block || ec == asio::error::try_again) return true;
    (void)n;
    return false;  // EOF, error, or unexpected data
  }

  void drop() {
    if (!stream) return;
    beast::error_code ec;
    stream->socket().shutdown(tcp::socket::shutdown_both, ec);
    stream->close();
    stream.reset();
    buffer.clear();
  }

  // One attempt on the current connection. `got_bytes` tells the caller whether a retry could
  // duplicate work the server already acknowledged.
  Result<HttpResponse> exchange(const http::request<http::string_body>& req, bool head,
                                bool& got_bytes) {
    got_bytes = false;
    beast::error_code result;
    stream->expires_after(options.timeout);
    http::async_write(*stream, req, [&](beast::error_code ec, size_t) { result = ec; });
    run();
    if (result) return transport_error(result, "write");

    http::response_parser<http::string_body> parser;
    parser.body_limit(options.max_body_bytes);
    parser.header_limit(64 * 1024);
    if (head) parser.skip(true);  // a HEAD response has Content-Length but no body
    size_t before = buffer.size();
    http::async_read(*stream, buffer, parser, [&](beast::error_code ec, size_t) { result = ec; });
    run();
    got_bytes = parser.got_some() || buffer.size() > before;
    if (result) return transport_error(result, "read");

    auto msg = parser.release();
    HttpResponse out;
    out.status = static_cast<int32_t>(msg.result_int());
    for (const auto& f : msg) {
      out.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
    }
    if (auto ct = out.header("Content-Type")) out.content_type = std::string(*ct);
    out.body = std::move(msg.body());
    if (!msg.keep_alive()) drop();
    return out;
  }

  std::string host;
  uint16_t port;
  HttpClientOptions options;
  asio::io_context ioc;
  std::optional<beast::tcp_stream> stream;
  beast::flat_buffer buffer;
  uint64_t connections = 0;
};

HttpClient::HttpClient(std::string host, uint16_t port, HttpClientOptions options)
    : impl_(std::make_unique<Impl>(std::move(host), port, options)) {}
HttpClient::~HttpClient() = default;
HttpClient::HttpClient(HttpClient&&) noexcept = default;
HttpClient& HttpClient::operator=(HttpClient&&) noexcept = default;

void HttpClient::close() { impl_->drop(); }

uint64_t HttpClient::connections_opened() const { return impl_->connections; }

Result<HttpResponse> HttpClient::request(std::string_view method, std::string_view target,
                                         std::string_view body, const HeaderList& headers) {
  Impl& m = *impl_;
  http::request<http::string_body> req;
  req.method_string(beast::string_view(method.data(), method.size()));
  req.target(beast::string_view(target.data(), target.size()));
  req.version(11);
  req.set(http::field::host, m.host + ":" + std::to_string(m.port));
  bool retry_safe = is_idempotent(method);
  for (const auto& [name, value] : headers) {
    req.insert(name, value);
    if (beast::iequals(name, "Idempotency-Key")) retry_safe = true;
  }
  req.body() = std::string(body);
  // A body-less POST still needs Content-Length: 0 for servers that insist; prepare_payload
  // only omits it for methods that never carry a body.
  req.prepare_payload();
  if (body.empty() && method != "GET" && method != "HEAD") req.content_length(0);
  bool head = method == "HEAD";

  for (int attempt = 0; attempt < 2; ++attempt) {
    bool reused = m.connection_alive();
    if (!reused) {
      m.drop();
      if (auto ec = m.connect()) return transport_error(ec, "connect to " + m.host);
    }
    bool got_bytes = false;
    auto res = m.exchange(req, head, got_bytes);
    if (res.ok()) return res;
    m.drop();
    // A reused connection can die under us (the server closed it as we sent); nothing was
    // answered, so one retry on a fresh connection is safe for idempotent requests.
    bool retry = reused && !got_bytes && retry_safe && res.error().code == ErrorCode::kUnavailable;
    if (!retry) return res;
  }
  return make_error(ErrorCode::kUnavailable, "connection_failed", "retry failed");
}

Result<ParsedUrl> parse_url(std::string_view url) {
  auto bad = [&](std::string why) {
    return make_error(ErrorCode::kInvalidArgument, "bad_url",
                      "url '" + std::string(url) + "': " + why, "url");
  };
  ParsedUrl out;
  size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return bad("expected scheme://host[:port]");
  out.scheme = std::string(url.substr(0, scheme_end));
  for (auto& c : out.scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (out.scheme != "http") return bad("only http is supported");
  std::string_view rest = url.substr(scheme_end + 3);
  size_t path_start = rest.find_first_of("/?");
  std::string_view authority = rest.substr(0, path_start);
  out.target = path_start == std::string_view::npos ? "/" : std::string(rest.substr(path_start));
  if (!out.target.empty() && out.target.front() == '?') out.target.insert(0, "/");
  if (authority.find('@') != std::string_view::npos) return bad("user info is not supported");
  std::string_view port;
  if (!authority.empty() && authority.front() == '[') {
    size_t close = authority.find(']');
    if (close == std::string_view::npos) return bad("unterminated IPv6 address");
    out.host = std::string(authority.substr(1, close - 1));
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return bad("junk after IPv6 address");
      port = after.substr(1);
    }
  } else {
    size_t colon = authority.rfind(':');
    out.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) port = authority.substr(colon + 1);
  }
  if (out.host.empty()) return bad("missing host");
  if (!port.empty()) {
    uint32_t p = 0;
    for (char c : port) {
      if (c < '0' || c > '9' || p > 65535) return bad("bad port");
      p = p * 10 + static_cast<uint32_t>(c - '0');
    }
    if (p == 0 || p > 65535) return bad("bad port");
    out.port = static_cast<uint16_t>(p);
  }
  return out;
}

}  // namespace agritrace::api
