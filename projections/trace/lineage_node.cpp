#include "projections/trace/lineage_node.h"

#include <algorithm>
#include <charconv>
#include <vector>

#include "projections/base/keys.h"

namespace agritrace::projections {
namespace {

// Fields are separated by \x1f and records by \n; a label's upstream items by \x1e. None can be
// typed into a name.
constexpr char kField = '\x1f';
constexpr char kItem = '\x1e';

std::string clean(std::string_view s) {
  std::string out(s);
  std::replace_if(
      out.begin(), out.end(), [](char c) { return c == kField || c == kItem || c == '\n'; }, ' ');
  return out;
}

int64_t to_int(std::string_view s) {
  int64_t v = 0;
  std::from_chars(s.data(), s.data() + s.size(), v);
  return v;
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  size_t start = 0;
  for (;;) {
    const size_t at = s.find(sep, start);
    out.push_back(
        s.substr(start, at == std::string_view::npos ? std::string_view::npos : at - start));
    if (at == std::string_view::npos) return out;
    start = at + 1;
  }
}

class Line {
 public:
  explicit Line(char tag) { text_ += tag; }
  Line& s(std::string_view v) {
    text_ += kField;
    text_ += clean(v);
    return *this;
  }
  Line& n(int64_t v) {
    text_ += kField;
    text_ += std::to_string(v);
    return *this;
  }
  std::string done() { return text_ + '\n'; }

 private:
  std::string text_;
};

}  // namespace

std::string NodeId::item_id() const { return unsort_id(sid); }

NodeId NodeId::parse(std::string_view s) {
  const size_t slash = s.find('/');
  if (slash == std::string_view::npos) return {std::string(s), ""};
  return {std::string(s.substr(0, slash)), std::string(s.substr(slash + 1))};
}

NodeId NodeId::of(std::string_view tenant, std::string_view item_id) {
  return {std::string(tenant), sort_id(item_id)};
}

int64_t LineageNode::stock_codes() const {
  int64_t left = codes - shipped_codes;
  if (per_code > 0) {
    left -= (consumed + written_off - adjusted_up) / per_code;
    left = std::min(left, std::max<int64_t>(stock(), 0) / per_code);
  }
  return std::max<int64_t>(left, 0);
}

std::string LineageNode::encode() const {
  std::string out = Line('n')
                        .s(product)
                        .s(lot_code)
                        .s(unit)
                        .n(quantity)
                        .n(codes)
                        .n(per_code)
                        .n(shipped)
                        .n(shipped_codes)
                        .n(consumed)
                        .n(adjusted_up)
                        .n(written_off)
                        .n(retail_sales)
                        .n(retail_quantity)
                        .n(retail_codes)
                        .done();
  for (const std::string& f : from) out += Line('f').s(f).done();
  for (const auto& [batch, amount] : consumed_into) out += Line('c').s(batch).n(amount).done();
  for (const auto& [id, s] : shipments) {
    out += Line('s')
               .s(id)
               .s(s.to)
               .s(s.date)
               .n(s.shipped)
               .n(s.shipped_codes)
               .n(s.received)
               .n(s.received_codes)
               .n(s.missing)
               .n(s.missing_codes)
               .done();
  }
  for (const auto& [key, c] : customers) {
    out +=
        Line('u').s(key).s(c.kind).s(c.name).s(c.uscc).s(c.region).n(c.quantity).n(c.codes).done();
  }
  return out;
}

// The fields of one line, on the stack (a document has thousands of lines on a big lot: a vector
// per line was a visible part of a recall's time).
class Fields {
 public:
  explicit Fields(std::string_view line) {
    size_t start = 0;
    while (count_ < kMax) {
      const size_t at = line.find(kField, start);
      f_[count_++] = line.substr(start, at == std::string_view::npos ? std::string_view::npos : at - start);
      if (at == std::string_view::npos) break;
      start = at + 1;
    }
  }
  size_t size() const { return count_; }
  std::string_view operator[](size_t i) const { return f_[i]; }

 private:
  static constexpr size_t kMax = 16;  // the longest line ('n') has 15 fields
  std::string_view f_[kMax];
  size_t count_ = 0;
};

// Calls fn(line) for every non-empty line of a document.
template <typename Fn>
void for_each_line(std::string_view text, Fn&& fn) {
  size_t at = 0;
  while (at < text.size()) {
    size_t end = text.find('\n', at);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view line = text.substr(at, end - at);
    at = end + 1;
    if (!line.empty()) fn(line);
  }
}

LineageNode LineageNode::decode(std::string_view text) {
  LineageNode n;
  // Lines of each kind come in key order (encode() writes them from ordered containers), so every
  // insert goes at the end with a hint instead of a search.
  for_each_line(text, [&n](std::string_view line) {
    const Fields f(line);
    auto str = [&](size_t i) { return i < f.size() ? f[i] : std::string_view(); };
    auto num = [&](size_t i) { return i < f.size() ? to_int(f[i]) : 0; };
    switch (line[0]) {
      case 'n':
        n.product = str(1);
        n.lot_code = str(2);
        n.unit = str(3);
        n.quantity = num(4);
        n.codes = num(5);
        n.per_code = num(6);
        n.shipped = num(7);
        n.shipped_codes = num(8);
        n.consumed = num(9);
        n.adjusted_up = num(10);
        n.written_off = num(11);
        n.retail_sales = num(12);
        n.retail_quantity = num(13);
        n.retail_codes = num(14);
        break;
      case 'f':
        n.from.emplace_hint(n.from.end(), str(1));
        break;
      case 'c':
        n.consumed_into.emplace_hint(n.consumed_into.end(), str(1), num(2));
        break;
      case 's':
        n.shipments.emplace_hint(n.shipments.end(), std::piecewise_construct,
                                 std::forward_as_tuple(str(1)),
                                 std::forward_as_tuple(LineageShipment{
                                     std::string(str(2)), std::string(str(3)), num(4), num(5),
                                     num(6), num(7), num(8), num(9)}));
        break;
      case 'u':
        n.customers.emplace_hint(
            n.customers.end(), std::piecewise_construct, std::forward_as_tuple(str(1)),
            std::forward_as_tuple(LineageCustomer{std::string(str(2)), std::string(str(3)),
                                                  std::string(str(4)), std::string(str(5)),
                                                  num(6), num(7)}));
        break;
      default:
        break;
    }
  });
  return n;
}

LineageNode LineageNode::decode_label(std::string_view text) {
  LineageNode n;
  for_each_line(text, [&n](std::string_view line) {
    if (line[0] == 'n') {
      const Fields f(line);
      if (f.size() > 1) n.product = std::string(f[1]);
      if (f.size() > 2) n.lot_code = std::string(f[2]);
    } else if (line[0] == 'f') {
      const size_t sep = line.find(kField);
      if (sep != std::string_view::npos)
        n.from.emplace_hint(n.from.end(),
                            line.substr(sep + 1, line.find(kField, sep + 1) - sep - 1));
    }
  });
  return n;
}

std::set<std::string> decode_node_list(std::string_view text) {
  std::set<std::string> out;
  for_each_listed_node(text, [&out](std::string_view id) { out.emplace_hint(out.end(), id); });
  return out;
}

void for_each_listed_node(std::string_view text,
                          const std::function<void(std::string_view)>& fn) {
  for_each_line(text, [&fn](std::string_view line) { fn(line.substr(0, line.find(kField))); });
}

std::string encode_label(const LineageNode& n) {
  std::string out = clean(n.product);
  out += kField;
  out += clean(n.lot_code);
  out += kField;
  bool first = true;
  for (const std::string& f : n.from) {
    if (!first) out += kItem;
    first = false;
    out += clean(f);
  }
  return out;
}

LineageNode decode_label_text(std::string_view label) {
  LineageNode n;
  const size_t a = label.find(kField);
  if (a == std::string_view::npos) return n;
  const size_t b = label.find(kField, a + 1);
  n.product = std::string(label.substr(0, a));
  n.lot_code = std::string(label.substr(a + 1, b == std::string_view::npos ? b : b - a - 1));
  if (b == std::string_view::npos || b + 1 >= label.size()) return n;
  for (std::string_view f : split(label.substr(b + 1), kItem)) {
    if (!f.empty()) n.from.emplace_hint(n.from.end(), f);
  }
  return n;
}

AncestorList decode_ancestor_list(std::string_view text) {
  AncestorList out;
  for (std::string_view line : split(text, '\n')) {
    if (line.empty()) continue;
    const size_t sep = line.find(kField);
    out.emplace_hint(out.end(), std::string(line.substr(0, sep)),
                     sep == std::string_view::npos ? std::string() : std::string(line.substr(sep + 1)));
  }
  return out;
}

std::string encode_ancestor_list(const AncestorList& list) {
  std::string out;
  for (const auto& [id, label] : list) {
    if (!out.empty()) out += '\n';
    out += id;
    out += kField;
    out += label;
  }
  return out;
}

std::string encode_node_list(const std::set<std::string>& list) {
  std::string out;
  for (const std::string& s : list) {
    if (!out.empty()) out += '\n';
    out += s;
  }
  return out;
}

}  // namespace agritrace::projections
