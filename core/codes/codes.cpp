#include "core/codes/codes.h"

#include "core/base/identifiers.h"

namespace agritrace::core {
namespace {

constexpr char kCrockford[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
constexpr char kHex[] = "0123456789abcdef";

Error syntax(std::string message) {
  return make_error(ErrorCode::kInvalidArgument, "digital_link_syntax", std::move(message), "code");
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

Result<std::string> decode_segment(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out.push_back(s[i]);
      continue;
    }
    if (i + 2 >= s.size()) return syntax("bad percent-encoding");
    const int hi = hex_value(s[i + 1]);
    const int lo = hex_value(s[i + 2]);
    if (hi < 0 || lo < 0) return syntax("bad percent-encoding");
    out.push_back(static_cast<char>(hi * 16 + lo));
    i += 2;
  }
  return out;
}

bool unreserved(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

std::string encode_segment(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (unreserved(c)) {
      out.push_back(c);
    } else {
      out.push_back('%');
      out.push_back("0123456789ABCDEF"[static_cast<unsigned char>(c) >> 4]);
      out.push_back("0123456789ABCDEF"[static_cast<unsigned char>(c) & 15]);
    }
  }
  return out;
}

// AI (10) and (21) values: GS1 character set 82 is wider, but ours never needs more than the
// URI-safe subset; any printable ASCII is accepted when reading others' codes.
bool printable_value(std::string_view v, size_t max_chars) {
  if (v.empty() || v.size() > max_chars) return false;
  for (char c : v) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x21 || u > 0x7e) return false;
  }
  return true;
}

}  // namespace

std::string_view serial_format_name(SerialFormat f) {
  return f == SerialFormat::kHex ? "hex" : "base32";
}

Result<SerialFormat> parse_serial_format(std::string_view name, std::string_view field) {
  if (name == "base32") return SerialFormat::kBase32;
  if (name == "hex") return SerialFormat::kHex;
  return make_error(ErrorCode::kInvalidArgument, "serial_format_unknown",
                    "serial_format is base32 (13 characters) or hex (16 digits)", std::string(field));
}

size_t serial_length(SerialFormat f) { return f == SerialFormat::kHex ? 16 : 13; }

std::string make_serial(SerialFormat f, const uint8_t* random_bytes) {
  std::string out;
  if (f == SerialFormat::kHex) {
    for (size_t i = 0; i < 8; ++i) {
      out.push_back(kHex[random_bytes[i] >> 4]);
      out.push_back(kHex[random_bytes[i] & 15]);
    }
    return out;
  }
  // 13 base32 characters = 65 bits taken from the first 9 bytes.
  uint32_t buf = 0;
  int bits = 0;
  size_t i = 0;
  while (out.size() < 13) {
    if (bits < 5) {
      buf = (buf << 8) | random_bytes[i++];
      bits += 8;
    }
    out.push_back(kCrockford[(buf >> (bits - 5)) & 31]);
    bits -= 5;
  }
  return out;
}

bool is_valid_serial(SerialFormat f, std::string_view serial) {
  if (serial.size() != serial_length(f)) return false;
  const std::string_view alphabet = f == SerialFormat::kHex ? std::string_view(kHex) : std::string_view(kCrockford);
  for (char c : serial) {
    if (alphabet.find(c) == std::string_view::npos) return false;
  }
  return true;
}

std::string_view packaging_level_name(PackagingLevel p) {
  switch (p) {
    case PackagingLevel::kItem: return "item";
    case PackagingLevel::kCase: return "case";
    case PackagingLevel::kPallet: return "pallet";
  }
  return "item";
}

Result<PackagingLevel> parse_packaging_level(std::string_view name, std::string_view field) {
  if (name == "item") return PackagingLevel::kItem;
  if (name == "case") return PackagingLevel::kCase;
  if (name == "pallet") return PackagingLevel::kPallet;
  return make_error(ErrorCode::kInvalidArgument, "packaging_level_unknown",
                    "packaging_level is item, case or pallet", std::string(field));
}

Result<ParsedDigitalLink> parse_digital_link(std::string_view uri) {
  // Drop the query string and fragment (data attributes such as ?17=YYMMDD are not needed here).
  if (const size_t q = uri.find_first_of("?#"); q != std::string_view::npos) uri = uri.substr(0, q);
  // A full URI: skip scheme and host; the path starts at the first '/' after "://".
  if (const size_t scheme = uri.find("://"); scheme != std::string_view::npos) {
    const size_t path = uri.find('/', scheme + 3);
    if (path == std::string_view::npos) return syntax("the URI has no path");
    uri = uri.substr(path);
  }
  if (uri.empty() || uri.front() != '/') return syntax("expected a URI or a path starting with '/'");
  // Any prefix before /01/ is allowed (a resolver may live under a path); take the last /01/
  // that leaves exactly 01/x/10/y/21/z.
  std::vector<std::string_view> segs;
  size_t start = 1;
  while (start <= uri.size()) {
    const size_t slash = uri.find('/', start);
    const size_t end = slash == std::string_view::npos ? uri.size() : slash;
    segs.push_back(uri.substr(start, end - start));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  if (!segs.empty() && segs.back().empty()) segs.pop_back();  // a trailing '/'
  if (segs.size() < 6) return syntax("expected /01/{gtin}/10/{lot}/21/{serial}");
  const size_t at = segs.size() - 6;
  if (segs[at] != "01" || segs[at + 2] != "10" || segs[at + 4] != "21") {
    return syntax("expected /01/{gtin}/10/{lot}/21/{serial} (qualifiers in the order 01, 10, 21)");
  }
  ParsedDigitalLink out;
  auto gtin14 = normalize_gtin14(segs[at + 1], "code");
  if (!gtin14.ok()) return gtin14.error();
  out.gtin14 = *gtin14;
  auto lot = decode_segment(segs[at + 3]);
  if (!lot.ok()) return lot.error();
  auto serial = decode_segment(segs[at + 5]);
  if (!serial.ok()) return serial.error();
  if (!printable_value(*lot, 20)) return syntax("a lot (AI 10) has 1 to 20 printable characters");
  if (!printable_value(*serial, kMaxSerialChars)) {
    return syntax("a serial (AI 21) has 1 to 20 printable characters");
  }
  out.lot = *lot;
  out.serial = *serial;
  return out;
}

std::string format_digital_link(std::string_view base, std::string_view gtin14, std::string_view lot,
                                std::string_view serial) {
  std::string out(base);
  out += "/01/";
  out += gtin14;
  out += "/10/";
  out += encode_segment(lot);
  out += "/21/";
  out += encode_segment(serial);
  return out;
}

Status validate_base_url(std::string_view base, std::string_view field) {
  auto bad = [&] {
    return make_error(ErrorCode::kInvalidArgument, "base_url_invalid",
                      "base_url is an http(s) URL such as https://trace.agritrace.cn, without query, "
                      "fragment or trailing '/'",
                      std::string(field));
  };
  std::string_view rest;
  if (base.starts_with("https://")) {
    rest = base.substr(8);
  } else if (base.starts_with("http://")) {
    rest = base.substr(7);
  } else {
    return bad();
  }
  if (rest.empty() || base.size() > kMaxBaseUrlBytes || base.back() == '/' || rest.front() == '/') {
    return bad();
  }
  for (char c : rest) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f || c == '?' || c == '#' || c == '@' || c == '\\') return bad();
  }
  return Status::Ok();
}

char gtin_check_digit(std::string_view data) {
  int32_t sum = 0;
  int32_t weight = 3;
  for (size_t i = data.size(); i-- > 0;) {
    sum += (data[i] - '0') * weight;
    weight = 4 - weight;
  }
  return static_cast<char>('0' + (10 - sum % 10) % 10);
}

}  // namespace agritrace::core
