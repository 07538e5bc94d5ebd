#include "core/codes/dl_compression.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <optional>

namespace agritrace::core {
namespace {

#define DL_TRY(var, expr)                    \
  auto var##_r = (expr);                     \
  if (!var##_r.ok()) return var##_r.error(); \
  auto var = std::move(var##_r).value()

struct AiPrefixLength {
  std::string_view prefix;
  int digits;
};

struct AiComponent {
  char kind;   // 'N' numeric, 'X' alphanumeric
  bool fixed;  // length L (fixed) or M (maximum)
  int length;
};

struct AiFormat {
  std::string_view ai;
  int count;
  std::array<AiComponent, 2> parts;
};

struct AiOptimisation {
  std::string_view code;
  int count;
  std::array<std::string_view, 4> ais;
};

#include "core/codes/dl_compression_tables.inc"

constexpr std::string_view kBase64 =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
constexpr std::string_view kHex = "0123456789ABCDEF";

Error invalid(std::string message) {
  return make_error(ErrorCode::kInvalidArgument, "digital_link_compressed_invalid",
                    std::move(message), "code");
}

// The toolkit's bit counts, the +0.01 included (it gives powers of two one extra bit).
int length_bits(int max_length) {
  return static_cast<int>(std::ceil(std::log(max_length) / std::log(2.0) + 0.01));
}
int value_bits(size_t digits) {
  return static_cast<int>(
      std::ceil(static_cast<double>(digits) * std::log(10.0) / std::log(2.0) + 0.01));
}

const AiFormat* format_of(std::string_view ai) {
  for (const auto& f : kAiFormats) {
    if (f.ai == ai) return &f;
  }
  return nullptr;
}

std::optional<int> prefix_digits(std::string_view two) {
  for (const auto& p : kAiPrefixLengths) {
    if (p.prefix == two) return p.digits;
  }
  return std::nullopt;
}

bool all_of(std::string_view s, std::string_view alphabet) {
  return !s.empty() && s.find_first_not_of(alphabet) == std::string_view::npos;
}

constexpr std::string_view kDigits = "0123456789";
constexpr std::string_view kHexLower = "0123456789abcdef";

// The toolkit's choice: 0 digits, 2 upper-case hex, 1 lower-case hex, 3 base64url, 4 ASCII.
int encoding_of(std::string_view s) {
  if (all_of(s, kDigits)) return 0;
  if (all_of(s, kHex)) return 2;
  if (all_of(s, kHexLower)) return 1;
  if (all_of(s, kBase64)) return 3;
  return 4;
}

// ---- writing ----

std::string to_bits(uint64_t v, int width) {
  std::string out(static_cast<size_t>(width), '0');
  for (int i = width - 1; i >= 0 && v != 0; --i, v >>= 1)
    out[static_cast<size_t>(i)] = (v & 1) ? '1' : '0';
  return out;
}

// A decimal string as an unsigned binary number of `width` bits (long division: values reach
// 90 digits, beyond any machine integer).
Result<std::string> decimal_to_bits(std::string_view digits, int width) {
  std::vector<int> num;
  for (char c : digits) num.push_back(c - '0');
  std::string bits;
  while (std::any_of(num.begin(), num.end(), [](int d) { return d != 0; })) {
    int rem = 0;
    for (int& d : num) {
      const int cur = rem * 10 + d;
      d = cur / 2;
      rem = cur % 2;
    }
    bits.push_back(rem ? '1' : '0');
  }
  if (static_cast<int>(bits.size()) > width)
    return invalid("a numeric value does not fit its bits");
  bits.append(static_cast<size_t>(width) - bits.size(), '0');
  std::reverse(bits.begin(), bits.end());
  return bits;
}

Result<std::string> encode_text(std::string_view s, int enc) {
  std::string out;
  switch (enc) {
    case 0: {
      DL_TRY(bits, decimal_to_bits(s, value_bits(s.size())));
      return bits;
    }
    case 1:
    case 2:
      for (char c : s)
        out +=
            to_bits(kHex.find(static_cast<char>(std::toupper(static_cast<unsigned char>(c)))), 4);
      return out;
    case 3:
      for (char c : s) out += to_bits(kBase64.find(c), 6);
      return out;
    default:
      for (char c : s) {
        if (static_cast<unsigned char>(c) > 0x7F)
          return invalid("compression carries 7-bit ASCII only");
        out += to_bits(static_cast<unsigned char>(c), 7);
      }
      return out;
  }
}

Result<std::string> encode_value(const AiFormat& f, std::string_view value) {
  std::string out;
  size_t cursor = 0;
  for (int k = 0; k < f.count; ++k) {
    const AiComponent& c = f.parts[static_cast<size_t>(k)];
    std::string_view part =
        c.fixed ? value.substr(cursor, static_cast<size_t>(c.length)) : value.substr(cursor);
    cursor += part.size();
    if (c.fixed && static_cast<int>(part.size()) != c.length) {
      return invalid(fmt::format("AI ({}) needs {} characters", f.ai, c.length));
    }
    if (!c.fixed && static_cast<int>(part.size()) > c.length) {
      return invalid(fmt::format("AI ({}) has at most {} characters", f.ai, c.length));
    }
    if (c.kind == 'N') {
      if (!part.empty() && !all_of(part, kDigits))
        return invalid(fmt::format("AI ({}) is numeric", f.ai));
      if (!c.fixed) out += to_bits(part.size(), length_bits(c.length));
      DL_TRY(bits, decimal_to_bits(part, value_bits(part.size())));
      out += bits;
    } else {
      const int enc = encoding_of(part);
      out += to_bits(static_cast<uint64_t>(enc), 3);
      if (!c.fixed) out += to_bits(part.size(), length_bits(c.length));
      DL_TRY(bits, encode_text(part, enc));
      out += bits;
    }
  }
  if (cursor != value.size()) return invalid(fmt::format("AI ({}) is too long", f.ai));
  return out;
}

std::string hex_key_bits(std::string_view key) {
  std::string out;
  for (char c : key) out += to_bits(kHex.find(c), 4);
  return out;
}

// ---- reading ----

class BitReader {
 public:
  explicit BitReader(std::string bits) : bits_(std::move(bits)) {}
  size_t left() const { return bits_.size() - cursor_; }
  Result<uint64_t> number(int n) {
    if (n < 0 || static_cast<size_t>(n) > left() || n > 63)
      return invalid("the compressed link ends too early");
    uint64_t v = 0;
    for (int i = 0; i < n; ++i) v = (v << 1) | (bits_[cursor_++] == '1' ? 1u : 0u);
    return v;
  }
  // n bits as a decimal string padded to `digits`.
  Result<std::string> decimal(int n, size_t digits) {
    if (n < 0 || static_cast<size_t>(n) > left())
      return invalid("the compressed link ends too early");
    std::vector<int> num{0};  // little-endian decimal digits
    for (int i = 0; i < n; ++i) {
      int carry = bits_[cursor_++] == '1' ? 1 : 0;
      for (int& d : num) {
        const int cur = d * 2 + carry;
        d = cur % 10;
        carry = cur / 10;
      }
      if (carry) num.push_back(carry);
    }
    while (num.size() > 1 && num.back() == 0) num.pop_back();
    if (num.size() > digits && digits > 0)
      return invalid("a numeric value has more digits than its length");
    std::string out;
    for (auto it = num.rbegin(); it != num.rend(); ++it)
      out.push_back(static_cast<char>('0' + *it));
    if (digits == 0) return std::string();
    return std::string(digits - out.size(), '0') + out;
  }

 private:
  std::string bits_;
  size_t cursor_ = 0;
};

Result<std::string> decode_text(BitReader& in, int enc, size_t chars) {
  std::string out;
  switch (enc) {
    case 0:
      return in.decimal(value_bits(chars), chars);
    case 1:
    case 2:
      for (size_t i = 0; i < chars; ++i) {
        DL_TRY(v, in.number(4));
        const char c = kHex[v];
        out.push_back(enc == 1 ? static_cast<char>(std::tolower(static_cast<unsigned char>(c)))
                               : c);
      }
      return out;
    case 3:
      for (size_t i = 0; i < chars; ++i) {
        DL_TRY(v, in.number(6));
        out.push_back(kBase64[v]);
      }
      return out;
    case 4:
      for (size_t i = 0; i < chars; ++i) {
        DL_TRY(v, in.number(7));
        out.push_back(static_cast<char>(v));
      }
      return out;
    default:
      return invalid(fmt::format("unknown value encoding {}", enc));
  }
}

Result<std::string> decode_value(BitReader& in, std::string_view ai) {
  const AiFormat* f = format_of(ai);
  if (f == nullptr) return invalid(fmt::format("AI ({}) has no compression format", ai));
  std::string out;
  for (int k = 0; k < f->count; ++k) {
    const AiComponent& c = f->parts[static_cast<size_t>(k)];
    if (c.kind == 'N') {
      size_t digits = static_cast<size_t>(c.length);
      if (!c.fixed) {
        DL_TRY(n, in.number(length_bits(c.length)));
        digits = n;
      }
      DL_TRY(s, in.decimal(value_bits(digits), digits));
      out += s;
    } else {
      DL_TRY(enc, in.number(3));
      size_t chars = static_cast<size_t>(c.length);
      if (!c.fixed) {
        DL_TRY(n, in.number(length_bits(c.length)));
        chars = n;
      }
      DL_TRY(s, decode_text(in, static_cast<int>(enc), chars));
      out += s;
    }
  }
  return out;
}

}  // namespace

Result<std::vector<AiElement>> decompress_digital_link(std::string_view segment) {
  if (!all_of(segment, kBase64))
    return invalid("a compressed GS1 Digital Link uses the base64url alphabet only");
  std::string bits;
  for (char c : segment) bits += to_bits(kBase64.find(c), 6);
  BitReader in(std::move(bits));
  std::vector<AiElement> out;
  while (in.left() > 8) {
    DL_TRY(h1, in.number(4));
    DL_TRY(h2, in.number(4));
    if (h1 <= 9 && h2 <= 9) {
      std::string ai{kHex[h1], kHex[h2]};
      const auto digits = prefix_digits(ai);
      if (!digits) return invalid("AI prefix " + ai + " is not in the table");
      while (static_cast<int>(ai.size()) < *digits) {
        DL_TRY(h, in.number(4));
        if (h > 9) return invalid("an AI has digits only");
        ai.push_back(kHex[h]);
      }
      DL_TRY(value, decode_value(in, ai));
      out.push_back({ai, std::move(value)});
      continue;
    }
    const std::string code{kHex[h1], kHex[h2]};
    const auto opt = std::find_if(std::begin(kAiOptimisations), std::end(kAiOptimisations),
                                  [&](const AiOptimisation& o) { return o.code == code; });
    if (opt != std::end(kAiOptimisations)) {
      for (int k = 0; k < opt->count; ++k) {
        const std::string ai(opt->ais[static_cast<size_t>(k)]);
        DL_TRY(value, decode_value(in, ai));
        out.push_back({ai, std::move(value)});
      }
      continue;
    }
    if (h1 != 0xF) return invalid("no optimisation code " + code);
    // A non-GS1 key=value pair: 7 bits of key length (h2 and 3 more bits), the key in base64url,
    // then the value as an encoding, 7 bits of length and the characters.
    DL_TRY(low, in.number(3));
    const uint64_t key_length = (h2 << 3) | low;
    DL_TRY(key, decode_text(in, 3, key_length));
    DL_TRY(enc, in.number(3));
    DL_TRY(chars, in.number(7));
    DL_TRY(value, decode_text(in, static_cast<int>(enc), chars));
    out.push_back({std::move(key), std::move(value)});
  }
  if (out.empty()) return invalid("the compressed link holds no AI");
  return out;
}

Result<std::string> compress_digital_link(std::vector<AiElement> elements, bool optimise) {
  std::sort(elements.begin(), elements.end(),
            [](const AiElement& a, const AiElement& b) { return a.ai < b.ai; });
  std::string bits;
  auto value_of = [&](std::string_view ai) -> const AiElement* {
    for (const auto& e : elements) {
      if (e.ai == ai) return &e;
    }
    return nullptr;
  };
  std::vector<std::string_view> done;
  if (optimise) {
    // The toolkit's greedy choice: the sequence that covers the most AI characters, repeatedly.
    while (true) {
      const AiOptimisation* best = nullptr;
      size_t best_chars = 0;
      for (const auto& o : kAiOptimisations) {
        size_t chars = 0;
        bool all = true;
        for (int k = 0; k < o.count; ++k) {
          const auto ai = o.ais[static_cast<size_t>(k)];
          all = all && value_of(ai) && std::find(done.begin(), done.end(), ai) == done.end();
          chars += ai.size();
        }
        if (all && chars > best_chars) {
          best = &o;
          best_chars = chars;
        }
      }
      if (!best) break;
      bits += hex_key_bits(best->code);
      for (int k = 0; k < best->count; ++k) {
        const auto ai = best->ais[static_cast<size_t>(k)];
        DL_TRY(v, encode_value(*format_of(ai), value_of(ai)->value));
        bits += v;
        done.push_back(ai);
      }
    }
  }
  for (const auto& e : elements) {
    if (std::find(done.begin(), done.end(), e.ai) != done.end()) continue;
    const AiFormat* f = format_of(e.ai);
    if (f == nullptr) return invalid("AI (" + e.ai + ") has no compression format");
    bits += hex_key_bits(e.ai);
    DL_TRY(v, encode_value(*f, e.value));
    bits += v;
  }
  bits.append((6 - bits.size() % 6) % 6, '0');
  std::string out;
  for (size_t i = 0; i < bits.size(); i += 6)
    out.push_back(kBase64[std::stoul(bits.substr(i, 6), nullptr, 2)]);
  return out;
}

}  // namespace agritrace::core
