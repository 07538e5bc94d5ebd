// One of the two Beast translation units (the other is http_client.cpp); keep it that way.
#include "api/http/http_server.h"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <cerrno>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <exception>
#include <future>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>
#include <unordered_map>
#include <vector>

#include "api/http/beast_tu.h"  // first: Asio needs <utility> before its headers
#include "api/http/problem.h"
#include "events/env/posix_env.h"

namespace agritrace::api {

namespace {

constexpr std::chrono::milliseconds kLingerTime{2000};
constexpr size_t kLingerMaxBytes = 4 * 1024 * 1024;

std::string endpoint_string(const tcp::endpoint& ep) {
  std::string addr = ep.address().to_string();
  if (ep.address().is_v6()) addr = "[" + addr + "]";
  return addr + ":" + std::to_string(ep.port());
}

bool header_says_close(const HeaderList& headers) {
  auto v = find_header(headers, "Connection");
  return v && v->find("close") != std::string_view::npos;
}

// A client-supplied X-Request-Id is reused when it is short and harmless (log correlation).
bool acceptable_request_id(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    bool ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              c == '-' || c == '_' || c == '.';
    if (!ok) return false;
  }
  return true;
}

using PlainStream = beast::tcp_stream;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

beast::tcp_stream& tcp_layer(PlainStream& s) { return s; }
beast::tcp_stream& tcp_layer(TlsStream& s) { return s.next_layer(); }

// TLS 1.2 and 1.3 only; the certificate chain and key from PEM files.
Status configure_tls(asio::ssl::context& ctx, const HttpServerOptions& o) {
  auto bad = [](std::string what) {
    return make_error(ErrorCode::kInvalidArgument, "tls_config", std::move(what), "tls");
  };
  if (o.tls_cert_file.empty() != o.tls_key_file.empty()) {
    return bad("TLS needs both a certificate file and a key file");
  }
  beast::error_code ec;
  ctx.set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                      asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                      asio::ssl::context::no_tlsv1_1 | asio::ssl::context::single_dh_use,
                  ec);
  if (!ec && SSL_CTX_set_min_proto_version(ctx.native_handle(), TLS1_2_VERSION) != 1) {
    return bad("cannot require TLS 1.2");
  }
  if (!ec) ctx.use_certificate_chain_file(o.tls_cert_file, ec);
  if (ec) return bad("cannot load the TLS certificate " + o.tls_cert_file + ": " + ec.message());
  ctx.use_private_key_file(o.tls_key_file, asio::ssl::context::pem, ec);
  if (ec) return bad("cannot load the TLS key " + o.tls_key_file + ": " + ec.message());
  if (SSL_CTX_check_private_key(ctx.native_handle()) != 1) {
    return bad("the TLS key " + o.tls_key_file + " does not match the certificate");
  }
  return Status::Ok();
}

// The peer's IP without the port: what the per-address connection limit counts.
std::string address_only(const tcp::socket& socket) {
  beast::error_code ec;
  auto ep = socket.remote_endpoint(ec);
  return ec ? std::string() : ep.address().to_string();
}

Result<tcp::endpoint> parse_listen(const std::string& listen) {
  auto bad = [&](std::string why) {
    return make_error(ErrorCode::kInvalidArgument, "bad_listen_address",
                      "listen address '" + listen + "': " + why, "listen");
  };
  std::string host;
  std::string port;
  if (!listen.empty() && listen.front() == '[') {
    size_t close = listen.find(']');
    if (close == std::string::npos || close + 1 >= listen.size() || listen[close + 1] != ':') {
      return bad("expected [v6-address]:port");
    }
    host = listen.substr(1, close - 1);
    port = listen.substr(close + 2);
  } else {
    size_t colon = listen.rfind(':');
    if (colon == std::string::npos) return bad("expected host:port");
    host = listen.substr(0, colon);
    port = listen.substr(colon + 1);
  }
  if (host == "localhost") host = "127.0.0.1";
  if (host.empty()) host = "0.0.0.0";
  if (port.empty() || port.size() > 5 ||
      port.find_first_not_of("0123456789") != std::string::npos || std::stoul(port) > 65535) {
    return bad("port must be 0-65535");
  }
  beast::error_code ec;
  auto addr = asio::ip::make_address(host, ec);
  if (ec) return bad("not an IP address");
  return tcp::endpoint(addr, static_cast<uint16_t>(std::stoul(port)));
}

}  // namespace

// What the server, the acceptor and stop() need of a connection, whatever its stream.
class SessionBase {
 public:
  virtual ~SessionBase() = default;
  virtual const asio::any_io_executor& strand() const = 0;
  virtual void start() = 0;
  // On the strand: the server is stopping. Idle → close now; busy → close after the response.
  virtual void on_server_stop() = 0;
  // After the threads are joined: nothing else touches the session any more.
  virtual void force_close() = 0;
};

template <class Stream>
class Session;

// The bounded pool the handlers run on (HttpServerOptions::workers).
class WorkerPool {
 public:
  // `nice` > 0: each worker lowers its own CPU priority by that much (Linux: per thread) — the
  // bulk pool's workers then yield the CPU to the other threads of the process.
  void start(int32_t n, int32_t nice = 0) {
    for (int32_t i = 0; i < n; ++i) {
      threads_.emplace_back([this, nice] {
        if (nice > 0) {
          const auto tid = static_cast<id_t>(gettid());
          errno = 0;
          const int now = getpriority(PRIO_PROCESS, tid);
          if (errno == 0) setpriority(PRIO_PROCESS, tid, std::min(19, now + nice));
        }
        run();
      });
    }
  }
  bool running() const { return !threads_.empty(); }
  // False when every worker is busy and `max_queued` jobs already wait (the caller answers 503).
  bool post(std::function<void()> job, size_t max_queued) {
    {
      std::lock_guard lock(mu_);
      if (stopping_ || queue_.size() >= max_queued + (threads_.size() - busy_)) return false;
      queue_.push_back(std::move(job));
    }
    cv_.notify_one();
    return true;
  }
  // Lets running jobs finish, drops queued ones (their Responders answer nothing: the server
  // has stopped) and joins.
  void stop() {
    std::deque<std::function<void()>> dropped;
    {
      std::lock_guard lock(mu_);
      stopping_ = true;
      dropped.swap(queue_);
    }
    cv_.notify_all();
    for (auto& t : threads_) t.join();
    threads_.clear();
  }
  bool on_worker_thread() const {
    for (const auto& t : threads_) {
      if (t.get_id() == std::this_thread::get_id()) return true;
    }
    return false;
  }

 private:
  void run() {
    for (;;) {
      std::function<void()> job;
      {
        std::unique_lock lock(mu_);
        cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
        if (queue_.empty()) return;
        job = std::move(queue_.front());
        queue_.pop_front();
        ++busy_;
      }
      job();
      job = nullptr;  // the request's state goes before the worker counts as idle
      std::lock_guard lock(mu_);
      --busy_;
    }
  }
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> queue_;
  size_t busy_ = 0;  // workers running a job
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

// Shared by the server object, every session and every pending Responder, so the io_context
// outlives anything that might still touch a socket.
struct detail::HttpServerImpl : std::enable_shared_from_this<detail::HttpServerImpl> {
  HttpServerImpl(HttpServerOptions o, Handler h)
      : options(std::move(o)),
        handler(std::move(h)),
        tls_ctx(asio::ssl::context::tls_server),
        acceptor(asio::make_strand(ioc)),
        retry_timer(acceptor.get_executor()) {
    // Not a secret: tells apart the request ids of servers (and restarts) in one log.
    Env& env = options.env != nullptr ? *options.env : events::posix_env();
    char buf[16];
    std::snprintf(buf, sizeof(buf), "%08x", static_cast<unsigned>(env.random_seed()));
    id_prefix = buf;
  }

  void do_accept();
  void on_accept(beast::error_code ec, tcp::socket socket);
  void begin_stop();
  void stop();
  std::vector<std::shared_ptr<SessionBase>> live_sessions();
  bool on_io_thread() const;
  void connection_closed(const std::string& address) {
    std::lock_guard lock(mu);
    --open_connections;
    if (auto it = per_address.find(address); it != per_address.end() && --it->second == 0) {
      per_address.erase(it);
    }
    sessions_cv.notify_all();
  }
  bool tls() const { return !options.tls_cert_file.empty(); }

  // Runs the handler on the worker pool (or here, without one); a bulk request on the bulk pool
  // when there is one. False when that pool is full.
  bool run_handler(std::function<void()> job, bool bulk) {
    if (bulk && bulk_workers.running()) {
      return bulk_workers.post(std::move(job), options.max_queued_bulk);
    }
    if (!workers.running()) {
      job();
      return true;
    }
    return workers.post(std::move(job), options.max_queued_requests);
  }

  std::string next_request_id() {
    uint64_t n = request_counter.fetch_add(1, std::memory_order_relaxed) + 1;
    char buf[32];
    std::snprintf(buf, sizeof(buf), "-%llx", static_cast<unsigned long long>(n));
    return id_prefix + buf;
  }

  const HttpServerOptions options;
  const Handler handler;
  asio::ssl::context tls_ctx;  // used only when options name TLS files
  WorkerPool workers;
  WorkerPool bulk_workers;  // HttpServerOptions::bulk
  asio::io_context ioc;
  tcp::acceptor acceptor;          // on its own strand
  asio::steady_timer retry_timer;  // backs off accept errors such as EMFILE
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;
  std::vector<std::thread> threads;
  std::string id_prefix;
  std::atomic<uint64_t> request_counter{0};
  std::atomic<uint16_t> bound_port{0};
  std::atomic<bool> stopping{false};  // begin_stop() was called
  std::atomic<bool> stopped{false};   // threads are gone; also read under `mu` by responders

  std::mutex stop_mu;  // serialises start/stop
  bool started = false;
  bool joined = false;

  mutable std::mutex mu;  // guards sessions and the stopped→post ordering
  std::condition_variable sessions_cv;
  std::unordered_map<uint64_t, std::weak_ptr<SessionBase>> sessions;
  uint64_t next_session_id = 0;
  size_t open_connections = 0;  // sessions whose socket is not closed for good yet
  std::unordered_map<std::string, size_t> per_address;  // open connections by peer IP
};

// One connection over Stream (plain TCP or TLS). All members are touched only on `strand_`,
// except post_response().
template <class Stream>
class Session final : public SessionBase, public std::enable_shared_from_this<Session<Stream>> {
  using std::enable_shared_from_this<Session<Stream>>::shared_from_this;

 public:
  // `refuse`: over a connection limit; the session answers 503 at once and closes.
  template <class... StreamArgs>
  Session(std::shared_ptr<detail::HttpServerImpl> impl, uint64_t id, std::string address,
          bool refuse, tcp::socket&& socket, StreamArgs&&... stream_args)
      : impl_(std::move(impl)),
        id_(id),
        address_(std::move(address)),
        refuse_(refuse),
        strand_(socket.get_executor()),
        stream_(std::move(socket), std::forward<StreamArgs>(stream_args)...) {
    beast::error_code ec;
    auto ep = tcp_layer(stream_).socket().remote_endpoint(ec);
    if (!ec) remote_ = endpoint_string(ep);
  }

  ~Session() override {
    if (!finished_) impl_->connection_closed(address_);
    std::lock_guard lock(impl_->mu);
    impl_->sessions.erase(id_);
  }

  // The strand the socket was accepted on; every handler of this session runs on it.
  const asio::any_io_executor& strand() const override { return strand_; }

  void start() override {
    asio::dispatch(strand_, [self = shared_from_this()] { self->handshake(); });
  }

  // Any thread. Ignored once the server has stopped (no I/O thread would write it).
  void post_response(HttpResponse res) {
    std::lock_guard lock(impl_->mu);
    if (impl_->stopped.load()) return;
    asio::post(strand_, [self = shared_from_this(), res = std::move(res)]() mutable {
      self->send(std::move(res));
    });
  }

  void on_server_stop() override {
    if (!pending_ && !writing_) close_connection();
  }

  void force_close() override { close_connection(); }

 private:
  // Owed response: the Responder handed to the handler holds one of these. If every copy is
  // destroyed without answering, the client still gets a 500 instead of a hung connection.
  struct Pending {
    explicit Pending(std::shared_ptr<Session> s) : session(std::move(s)) {}
    ~Pending() {
      if (!done.exchange(true)) {
        session->post_response(
            problem_response(500, "no_response", "the request was dropped without an answer"));
      }
    }
    void respond(HttpResponse res) {
      if (done.exchange(true)) return;  // the first answer wins
      session->post_response(std::move(res));
    }
    std::shared_ptr<Session> session;
    std::atomic<bool> done{false};
  };

  // The connection is over once the socket is closed with no response owed; stop() waits for
  // that, not for the Session object (a Responder held elsewhere may keep it alive longer).
  void close_connection() {
    tcp_layer(stream_).close();
    if (!finished_) {
      finished_ = true;
      impl_->connection_closed(address_);
    }
  }

  // TLS: the handshake first, within the idle timeout (a failed one just closes).
  void handshake() {
    if constexpr (std::is_same_v<Stream, TlsStream>) {
      tcp_layer(stream_).expires_after(impl_->options.idle_timeout);
      stream_.async_handshake(asio::ssl::stream_base::server,
                              [self = shared_from_this()](beast::error_code ec) {
                                if (ec) return self->close_connection();
                                self->first_read();
                              });
    } else {
      first_read();
    }
  }

  void first_read() {
    if (!refuse_) return do_read();
    HttpResponse r =
        problem_response(503, "too_many_connections", "too many open connections; retry later");
    r.headers.emplace_back("Retry-After", "1");
    send_and_close(std::move(r));
  }

  void do_read() {
    if (impl_->stopping.load()) {
      close_connection();
      return;
    }
    parser_.emplace();
    parser_->body_limit(impl_->options.max_body_bytes);
    parser_->header_limit(impl_->options.max_header_bytes);
    tcp_layer(stream_).expires_after(impl_->options.idle_timeout);
    // Header first, so an oversized Content-Length is refused before any body is read, and
    // "Expect: 100-continue" clients (curl, for bodies > 1 KiB) are not left waiting.
    http::async_read_header(stream_, buffer_, *parser_,
                            beast::bind_front_handler(&Session::on_header, shared_from_this()));
  }

  void on_header(beast::error_code ec, size_t) {
    if (ec) return on_read_error(ec);
    auto& req = parser_->get();
    if (!parser_->is_done() && beast::iequals(req[http::field::expect], "100-continue")) {
      writing_ = true;
      continue_.version(req.version());
      continue_.result(http::status::continue_);
      http::async_write(stream_, continue_,
                        [self = shared_from_this()](beast::error_code wec, size_t) {
                          self->writing_ = false;
                          if (wec) return self->close_connection();
                          self->read_body();
                        });
      return;
    }
    read_body();
  }

  void read_body() {
    http::async_read(stream_, buffer_, *parser_,
                     beast::bind_front_handler(&Session::on_read, shared_from_this()));
  }

  void on_read_error(beast::error_code ec) {
    if (ec == http::error::end_of_stream) {
      // The client closed between requests: the normal end of a keep-alive connection.
      beast::error_code ignored;
      tcp_layer(stream_).socket().shutdown(tcp::socket::shutdown_send, ignored);
      close_connection();
      return;
    }
    if (ec == http::error::body_limit) {
      return send_and_close(problem_response(
          413, "body_too_large",
          "request body exceeds " + std::to_string(impl_->options.max_body_bytes) + " bytes"));
    }
    if (ec == http::error::header_limit) {
      return send_and_close(problem_response(
          431, "headers_too_large",
          "request header exceeds " + std::to_string(impl_->options.max_header_bytes) + " bytes"));
    }
    // Any other parse error is malformed HTTP; a partial message means the peer went away.
    if (ec.category() == http::make_error_code(http::error::bad_method).category() &&
        ec != http::error::partial_message && !impl_->stopping.load()) {
      return send_and_close(problem_response(400, "malformed_http", ec.message()));
    }
    close_connection();  // timeout, reset, shutdown: nobody to answer
  }

  void on_read(beast::error_code ec, size_t) {
    if (ec) return on_read_error(ec);
    if (impl_->stopped.load()) return close_connection();
    tcp_layer(stream_)
        .expires_never();  // the handler may take its time; the timeout covers I/O only
    auto msg = parser_->release();
    parser_.reset();
    keep_alive_ = msg.keep_alive();
    version_ = msg.version();
    head_ = msg.method() == http::verb::head;

    HttpRequest req;
    req.method = std::string(msg.method_string());
    req.target = std::string(msg.target());
    req.remote_address = remote_;
    for (const auto& f : msg) {
      req.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
    }
    auto incoming_id = req.header("X-Request-Id");
    req.request_id = incoming_id && acceptable_request_id(*incoming_id) ? std::string(*incoming_id)
                                                                        : impl_->next_request_id();
    request_id_ = req.request_id;
    req.body = std::move(msg.body());
    pending_ = true;

    auto target = parse_target(req.target);
    if (!target.ok()) {
      send(problem_response(400, "bad_target", target.error().message));
      return;
    }
    req.path = std::move(target->path);
    req.query = std::move(target->query);

    auto pending = std::make_shared<Pending>(shared_from_this());
    const bool here = impl_->options.inline_when && impl_->options.inline_when(req);
    const bool bulk = !here && impl_->options.bulk && impl_->options.bulk(req);
    auto job = [impl = impl_, pending, req = std::move(req)]() mutable {
      Responder responder = [pending](HttpResponse res) { pending->respond(std::move(res)); };
      // The boundary: nothing a handler throws may take the server down.
      const std::string id = req.request_id;
      try {
        impl->handler(std::move(req), std::move(responder));
      } catch (const std::exception& e) {
        std::fprintf(stderr, "agritrace: handler threw (request %s): %s\n", id.c_str(), e.what());
        pending->respond(problem_response(500, "internal", "unexpected error"));
      } catch (...) {
        std::fprintf(stderr, "agritrace: handler threw (request %s)\n", id.c_str());
        pending->respond(problem_response(500, "internal", "unexpected error"));
      }
    };
    if (here) {
      job();  // HttpServerOptions::inline_when: answered here, on the I/O thread
      return;
    }
    if (!impl_->run_handler(std::move(job), bulk)) {
      HttpResponse r =
          problem_response(503, "server_busy", "too many requests are waiting; retry later");
      r.headers.emplace_back("Retry-After", "1");
      pending->respond(std::move(r));
    }
  }

  // Framing errors: answer without a handler, then close (the byte stream is out of sync).
  void send_and_close(HttpResponse res) {
    close_after_ = true;
    pending_ = true;
    keep_alive_ = false;
    head_ = false;
    request_id_ = impl_->next_request_id();
    send(std::move(res));
  }

  void send(HttpResponse res) {
    if (!pending_) return;  // defensive: one response per request
    pending_ = false;
    if (res.status < 200 || res.status > 999) {  // 1xx cannot be a final answer
      res = problem_response(500, "internal", "handler produced an invalid status");
    }
    add_security_headers(res, impl_->tls());
    bool keep =
        keep_alive_ && !close_after_ && !impl_->stopping.load() && !header_says_close(res.headers);
    // 204/304 carry no body (RFC 9110 §6.4.1); Beast refuses to frame one.
    bool bodiless = res.status == 204 || res.status == 304;

    res_ = {};
    res_.version(version_);
    res_.result(static_cast<unsigned>(res.status));
    if (!res.content_type.empty()) res_.set(http::field::content_type, res.content_type);
    for (auto& [name, value] : res.headers) {
      // Framing is ours: a handler must not be able to desynchronise the connection.
      if (beast::iequals(name, "Content-Length") || beast::iequals(name, "Transfer-Encoding") ||
          beast::iequals(name, "Connection")) {
        continue;
      }
      res_.insert(name, value);
    }
    res_.set("X-Request-Id", request_id_);
    res_.keep_alive(keep);
    if (bodiless) {
      res_.content_length(boost::none);
    } else if (head_) {
      res_.content_length(res.body.size());  // HEAD: the length the GET would have
    } else {
      res_.body() = std::move(res.body);
      res_.prepare_payload();
    }
    writing_ = true;
    tcp_layer(stream_).expires_after(impl_->options.idle_timeout);
    http::async_write(stream_, res_,
                      beast::bind_front_handler(&Session::on_write, shared_from_this()));
  }

  void on_write(beast::error_code ec, size_t) {
    writing_ = false;
    if (ec) return close_connection();
    if (!res_.keep_alive()) return linger_close();
    do_read();
  }

  // Closing a socket with unread input makes the kernel send RST, which can destroy the
  // response we just wrote before the client reads it (e.g. a 413 while the client is still
  // sending its body). So: half-close, then read and discard until EOF or a short deadline.
  void linger_close() {
    beast::error_code ec;
    tcp_layer(stream_).socket().shutdown(tcp::socket::shutdown_send, ec);
    if (ec || impl_->stopping.load()) return close_connection();
    tcp_layer(stream_).expires_after(std::min(kLingerTime, impl_->options.idle_timeout));
    drain();
  }

  void drain() {
    stream_.async_read_some(
        asio::buffer(drain_buf_), [self = shared_from_this()](beast::error_code ec, size_t n) {
          self->drained_ += n;
          if (ec || self->drained_ > kLingerMaxBytes || self->impl_->stopping.load()) {
            return self->close_connection();
          }
          self->drain();
        });
  }

  std::shared_ptr<detail::HttpServerImpl>
      impl_;  // first: the socket needs the io_context until last
  const uint64_t id_;
  const std::string address_;  // the peer's IP (the per-address connection count)
  const bool refuse_;
  asio::any_io_executor strand_;  // before stream_: initialised from the socket it receives
  Stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  http::response<http::empty_body> continue_;
  http::response<http::string_body> res_;
  std::string remote_;
  std::string request_id_;
  unsigned version_ = 11;
  bool keep_alive_ = false;
  bool head_ = false;
  bool pending_ = false;      // a response is owed for the current request
  bool writing_ = false;      // an async_write is in progress
  bool close_after_ = false;  // close after the current response whatever the request said
  bool finished_ = false;     // close_connection() has run
  size_t drained_ = 0;
  std::array<char, 4096> drain_buf_{};
};

// ---- Impl ----

void detail::HttpServerImpl::do_accept() {
  // Each connection gets its own strand: its handlers never run concurrently.
  acceptor.async_accept(
      asio::make_strand(ioc),
      beast::bind_front_handler(&detail::HttpServerImpl::on_accept, shared_from_this()));
}

void detail::HttpServerImpl::on_accept(beast::error_code ec, tcp::socket socket) {
  if (ec) {
    if (ec == asio::error::operation_aborted || !acceptor.is_open() || stopping.load()) return;
    // E.g. EMFILE: retrying at once would spin, so back off briefly.
    std::fprintf(stderr, "agritrace: accept failed: %s\n", ec.message().c_str());
    retry_timer.expires_after(std::chrono::milliseconds(100));
    retry_timer.async_wait([self = shared_from_this()](beast::error_code tec) {
      if (!tec && !self->stopping.load()) self->do_accept();
    });
    return;
  }
  std::shared_ptr<SessionBase> session;
  {
    std::lock_guard lock(mu);
    uint64_t id = ++next_session_id;
    std::string address = address_only(socket);
    size_t& from_address = per_address[address];
    // Over a limit: the session still opens (and counts until it closes), answers 503 and closes.
    const bool refuse = open_connections >= options.max_connections ||
                        from_address >= options.max_connections_per_address;
    ++from_address;
    if (tls()) {
      session = std::make_shared<Session<TlsStream>>(shared_from_this(), id, std::move(address),
                                                     refuse, std::move(socket), tls_ctx);
    } else {
      session = std::make_shared<Session<PlainStream>>(shared_from_this(), id, std::move(address),
                                                       refuse, std::move(socket));
    }
    sessions.emplace(id, session);
    ++open_connections;
  }
  // Registered before the check, so begin_stop() either sees this session or we see stopping.
  if (stopping.load()) {
    asio::post(session->strand(), [session] { session->on_server_stop(); });
    return;
  }
  session->start();
  do_accept();
}

std::vector<std::shared_ptr<SessionBase>> detail::HttpServerImpl::live_sessions() {
  std::vector<std::shared_ptr<SessionBase>> out;
  std::lock_guard lock(mu);
  for (auto& [id, weak] : sessions) {
    if (auto s = weak.lock()) out.push_back(std::move(s));
  }
  return out;  // destroyed by the caller outside the lock (~Session takes `mu`)
}

bool detail::HttpServerImpl::on_io_thread() const {
  for (const auto& t : threads) {
    if (t.get_id() == std::this_thread::get_id()) return true;
  }
  return workers.on_worker_thread() || bulk_workers.on_worker_thread();
}

void detail::HttpServerImpl::begin_stop() {
  if (stopping.exchange(true)) return;
  if (!started) return;
  // Close the listener on its strand and wait, so that connects fail once we return.
  auto closed = std::make_shared<std::promise<void>>();
  auto closed_future = closed->get_future();
  asio::post(acceptor.get_executor(), [self = shared_from_this(), closed] {
    beast::error_code ec;
    self->acceptor.close(ec);
    self->retry_timer.cancel();
    closed->set_value();
  });
  if (!on_io_thread()) closed_future.wait();
  for (auto& s : live_sessions()) {
    asio::post(s->strand(), [s] { s->on_server_stop(); });
  }
}

void detail::HttpServerImpl::stop() {
  std::lock_guard stop_lock(stop_mu);
  if (on_io_thread()) throw std::logic_error("HttpServer::stop() called from a handler thread");
  begin_stop();
  if (!started || joined) return;
  {
    std::unique_lock lock(mu);
    sessions_cv.wait_for(lock, options.shutdown_grace, [this] { return open_connections == 0; });
    stopped = true;  // under `mu`: no Responder posts after this point
  }
  workers.stop();  // before the I/O threads: a running handler may still post its answer
  bulk_workers.stop();
  work.reset();
  ioc.stop();
  for (auto& t : threads) t.join();
  joined = true;
  // Whatever is left waits on a Responder held elsewhere or on queued handlers: close the
  // sockets and run the leftovers once (they fail fast), so no handler keeps a session alive.
  for (auto& s : live_sessions()) s->force_close();
  ioc.restart();
  ioc.poll();
}

// ---- HttpServer ----

HttpServer::HttpServer(HttpServerOptions options, Handler handler)
    : impl_(std::make_shared<detail::HttpServerImpl>(std::move(options), std::move(handler))) {}

HttpServer::~HttpServer() { stop(); }

Status HttpServer::start() {
  detail::HttpServerImpl& m = *impl_;
  std::lock_guard stop_lock(m.stop_mu);
  if (m.started || m.stopping.load()) {
    return make_error(ErrorCode::kConflict, "already_started", "the server was started before");
  }
  auto endpoint = parse_listen(m.options.listen);
  if (!endpoint.ok()) return endpoint.status();
  if (!m.options.tls_cert_file.empty() || !m.options.tls_key_file.empty()) {
    if (Status tls = configure_tls(m.tls_ctx, m.options); !tls.ok()) return tls;
  }
  beast::error_code ec;
  m.acceptor.open(endpoint->protocol(), ec);
  if (!ec) m.acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) m.acceptor.bind(*endpoint, ec);
  if (!ec) m.acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    beast::error_code ignored;
    m.acceptor.close(ignored);
    bool in_use = ec == asio::error::address_in_use;
    return make_error(ErrorCode::kUnavailable, in_use ? "address_in_use" : "listen_failed",
                      "cannot listen on " + m.options.listen + ": " + ec.message(), "listen");
  }
  m.bound_port = m.acceptor.local_endpoint().port();
  m.started = true;
  m.work.emplace(m.ioc.get_executor());  // threads keep running while responses are pending
  m.do_accept();
  int32_t n = m.options.threads > 0 ? m.options.threads : 1;
  for (int32_t i = 0; i < n; ++i) {
    m.threads.emplace_back([impl = impl_.get()] { impl->ioc.run(); });
  }
  m.workers.start(m.options.workers);
  if (m.options.bulk && m.options.workers > 0) {
    m.bulk_workers.start(std::max<int32_t>(1, m.options.bulk_workers), m.options.bulk_nice);
  }
  return Status::Ok();
}

uint16_t HttpServer::port() const { return impl_->bound_port.load(); }

void HttpServer::begin_stop() {
  std::lock_guard stop_lock(impl_->stop_mu);
  impl_->begin_stop();
}

void HttpServer::stop() { impl_->stop(); }

size_t HttpServer::open_connections() const {
  std::lock_guard lock(impl_->mu);
  return impl_->open_connections;
}

}  // namespace agritrace::api
