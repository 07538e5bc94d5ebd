#include "api/http/http_types.h"

#include <cctype>

namespace agritrace::api {

namespace {

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

int32_t hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::optional<std::string_view> find_header(const HeaderList& headers, std::string_view name) {
  for (const auto& [k, v] : headers) {
    if (iequals(k, name)) return std::string_view(v);
  }
  return std::nullopt;
}

std::optional<std::string_view> HttpRequest::query_param(std::string_view name) const {
  for (const auto& [k, v] : query) {
    if (k == name) return std::string_view(v);
  }
  return std::nullopt;
}

Result<std::string> percent_decode(std::string_view s, bool plus_as_space) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '%') {
      if (i + 2 >= s.size()) {
        return make_error(ErrorCode::kInvalidArgument, "bad_percent_encoding",
                          "truncated percent-escape");
      }
      int32_t hi = hex_value(s[i + 1]);
      int32_t lo = hex_value(s[i + 2]);
      if (hi < 0 || lo < 0) {
        return make_error(ErrorCode::kInvalidArgument, "bad_percent_encoding",
                          "invalid percent-escape");
      }
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else if (c == '+' && plus_as_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string percent_encode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xF]);
    }
  }
  return out;
}

Result<std::vector<std::string>> split_path(std::string_view raw_path) {
  if (raw_path.empty() || raw_path.front() != '/') {
    return make_error(ErrorCode::kInvalidArgument, "bad_path", "path must start with '/'");
  }
  std::vector<std::string> segments;
  size_t start = 1;
  while (true) {
    size_t slash = raw_path.find('/', start);
    std::string_view seg = raw_path.substr(start, slash == std::string_view::npos
                                                      ? std::string_view::npos
                                                      : slash - start);
    auto decoded = percent_decode(seg);
    if (!decoded.ok()) return decoded.error();
    segments.push_back(std::move(decoded).value());
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return segments;
}

Result<ParsedTarget> parse_target(std::string_view target) {
  ParsedTarget out;
  size_t q = target.find('?');
  std::string_view path = target.substr(0, q);
  // Fragments are never sent by clients (RFC 9110 §7.1), but drop one defensively.
  if (size_t hash = path.find('#'); hash != std::string_view::npos) path = path.substr(0, hash);
  out.path = std::string(path);
  if (q == std::string_view::npos) return out;
  std::string_view query = target.substr(q + 1);
  if (size_t hash = query.find('#'); hash != std::string_view::npos) query = query.substr(0, hash);
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    if (pair.empty()) continue;
    size_t eq = pair.find('=');
    auto key = percent_decode(pair.substr(0, eq), true);
    if (!key.ok()) return Error{key.error()};
    auto value = percent_decode(
        eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1), true);
    if (!value.ok()) return Error{value.error()};
    out.query.emplace_back(std::move(key).value(), std::move(value).value());
  }
  return out;
}

namespace {
HttpResponse response(int32_t status, std::string content_type, std::string body) {
  HttpResponse r;
  r.status = status;
  r.content_type = std::move(content_type);
  r.body = std::move(body);
  return r;
}
}  // namespace

HttpResponse json_response(int32_t status, std::string body) {
  return response(status, "application/json", std::move(body));
}

HttpResponse text_response(int32_t status, std::string body) {
  return response(status, "text/plain; charset=utf-8", std::move(body));
}

void add_security_headers(HttpResponse& res, bool hsts) {
  auto set_default = [&res](std::string_view name, std::string_view value) {
    if (!res.header(name)) res.headers.emplace_back(std::string(name), std::string(value));
  };
  set_default("X-Content-Type-Options", "nosniff");
  if (res.content_type.starts_with("text/html")) {
    set_default("Content-Security-Policy", kHtmlContentSecurityPolicy);
    set_default("Referrer-Policy", "no-referrer");
    set_default("X-Frame-Options", "DENY");
  }
  if (hsts) set_default("Strict-Transport-Security", kHstsValue);
}

}  // namespace agritrace::api
