// The generic JSON codec of described structs (core/base/describe.h): encode_fields() writes a struct's
// fields in list order with JsonWriter; PayloadReader reads them back with simdjson ondemand. Both
// walk T::kFields with fold expressions, so no field is named here; field value types are handled
// by the overloads below (see core/base/describe.h for the list and the per-field policies).
//
// Decoding reads the fields in list order with find_field_unordered: for a payload this encoder
// wrote, each key is the next one in the object, so a payload is read in one forward pass; keys
// in any other order are found too, and unknown keys are skipped. The first failure is kept as
// kCorruption/`payload_invalid` naming the field ("field \"<key>\" is missing or not <what>").
#pragma once

#include <simdjson.h>

#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "core/base/civil_time.h"
#include "core/base/describe.h"
#include "core/base/json_writer.h"
#include "core/base/quantity.h"
#include "core/base/status.h"
#include "core/production/types.h"

namespace agritrace::events::payload {

namespace describe = core::describe;

template <typename M>
inline constexpr bool kIsVector = false;
template <typename X>
inline constexpr bool kIsVector<std::vector<X>> = true;

template <typename M>
inline constexpr bool kUnsupported = false;

template <typename P>
inline constexpr bool kIsWrittenWith = false;
template <typename T>
inline constexpr bool kIsWrittenWith<describe::WrittenWith<T>> = true;

// --- encoding -----------------------------------------------------------------------------

template <describe::Described T>
void encode_fields(JsonWriter& w, const T& value);

template <typename M>
void encode_value(JsonWriter& w, const M& v) {
  if constexpr (std::is_same_v<M, std::string> || std::is_same_v<M, int64_t> ||
                std::is_same_v<M, bool>) {
    w.value(v);
  } else if constexpr (std::is_same_v<M, core::Date>) {
    w.value(core::format_date(v));
  } else if constexpr (std::is_same_v<M, core::Quantity>) {
    w.begin_object().field("amount", v.amount).field("unit", core::unit_name(v.unit)).end_object();
  } else if constexpr (describe::NamedEnum<M>) {
    w.value(describe::EnumText<M>::name(v));
  } else if constexpr (std::is_same_v<M, core::CounterpartyRoles>) {
    w.begin_array();
    if (v.supplier) w.value("supplier");
    if (v.customer) w.value("customer");
    w.end_array();
  } else if constexpr (describe::kIsOptional<M>) {
    if (v) {
      encode_value(w, *v);
    } else {
      w.null();
    }
  } else if constexpr (kIsVector<M>) {
    w.begin_array();
    for (const auto& element : v) encode_value(w, element);
    w.end_array();
  } else if constexpr (describe::Described<M>) {
    w.begin_object();
    encode_fields(w, v);
    w.end_object();
  } else {
    static_assert(kUnsupported<M>, "no JSON encoding for this field type");
  }
}

template <typename M>
bool is_empty_value(const M& v) {
  if constexpr (describe::kIsOptional<M>) {
    return !v.has_value();
  } else {
    return v.empty();
  }
}

// Writes the fields of `value` (keys and values, no braces) in list order.
template <describe::Described T>
void encode_fields(JsonWriter& w, const T& value) {
  describe::for_each_field<T>([&](const auto& f) {
    using Policy = typename std::remove_cvref_t<decltype(f)>::PolicyType;
    const auto& member = value.*f.member;
    if constexpr (std::is_same_v<Policy, describe::Inline>) {
      encode_fields(w, member);
    } else {
      if constexpr (std::is_same_v<Policy, describe::OmitWhenEmpty>) {
        if (is_empty_value(member)) return;
      } else if constexpr (kIsWrittenWith<Policy>) {
        if ((value.*f.policy.guard).empty()) return;
      }
      w.key(f.name);
      encode_value(w, member);
    }
  });
}

// --- decoding -----------------------------------------------------------------------------

namespace od = simdjson::ondemand;

// What a reader names when a key is missing or its value has the wrong JSON type.
template <typename M>
constexpr std::string_view expected_text() {
  if constexpr (std::is_same_v<M, std::string> || std::is_same_v<M, core::Date> ||
                describe::NamedEnum<M>) {
    return "a string";
  } else if constexpr (std::is_same_v<M, int64_t>) {
    return "an integer";
  } else if constexpr (std::is_same_v<M, bool>) {
    return "a boolean";
  } else if constexpr (std::is_same_v<M, core::Quantity>) {
    return "a quantity {\"amount\":N,\"unit\":\"g\"}";
  } else if constexpr (std::is_same_v<M, core::CounterpartyRoles>) {
    return "an array of roles";
  } else if constexpr (std::is_same_v<M, std::optional<int64_t>>) {
    return "an integer or null";
  } else if constexpr (std::is_same_v<M, std::optional<core::Date>>) {
    return "a date or null";
  } else if constexpr (std::is_same_v<M, std::vector<std::string>>) {
    return "an array of strings";
  } else if constexpr (kIsVector<M>) {
    return "an array of objects";
  } else {
    return "an object";
  }
}

class PayloadReader {
 public:
  bool failed() const { return error_.has_value(); }
  const Error& error() const { return *error_; }

  // Reads every field of T from `object`; false (and error()) at the first bad field.
  template <describe::Described T>
  bool read_fields(od::object& object, T& out) {
    return std::apply([&](const auto&... f) { return (read_field(object, out, f) && ...); },
                      T::kFields);
  }

 private:
  template <typename T, typename F>
  bool read_field(od::object& object, T& out, const F& f) {
    using Policy = typename F::PolicyType;
    auto& member = out.*f.member;
    if constexpr (std::is_same_v<Policy, describe::Inline>) {
      return read_fields(object, member);
    } else {
      od::value v;
      if (object.find_field_unordered(f.name).get(v)) {
        // Fields written only when set read as empty when absent.
        if constexpr (std::is_same_v<Policy, describe::OmitWhenEmpty> || kIsWrittenWith<Policy>) {
          return true;
        } else {
          return fail(f.name, expected_text<typename F::Member>());
        }
      }
      return read_value(v, member, f.name);
    }
  }

  template <typename M>
  bool read_value(od::value& v, M& out, std::string_view key) {
    constexpr std::string_view kExpected = expected_text<M>();
    if constexpr (std::is_same_v<M, std::string>) {
      std::string_view s;
      if (v.get_string().get(s)) return fail(key, kExpected);
      out.assign(s);
    } else if constexpr (std::is_same_v<M, int64_t>) {
      if (v.get_int64().get(out)) return fail(key, kExpected);
    } else if constexpr (std::is_same_v<M, bool>) {
      if (v.get_bool().get(out)) return fail(key, kExpected);
    } else if constexpr (std::is_same_v<M, core::Date>) {
      std::string_view s;
      if (v.get_string().get(s)) return fail(key, kExpected);
      return read_date(s, out, key);
    } else if constexpr (std::is_same_v<M, core::Quantity>) {
      od::object q;
      std::string_view unit;
      if (v.get_object().get(q) || q.find_field_unordered("amount").get_int64().get(out.amount) ||
          q.find_field_unordered("unit").get_string().get(unit)) {
        return fail(key, kExpected);
      }
      auto parsed = core::parse_unit_name(unit, key);
      if (!parsed.ok()) return fail(key, "a base unit (g, ml, piece)");
      out.unit = *parsed;
    } else if constexpr (describe::NamedEnum<M>) {
      std::string_view s;
      if (v.get_string().get(s)) return fail(key, kExpected);
      auto parsed = describe::EnumText<M>::parse(s, key);
      if (!parsed.ok()) return fail(key, "a known value");
      out = *parsed;
    } else if constexpr (std::is_same_v<M, core::CounterpartyRoles>) {
      od::array array;
      if (v.get_array().get(array)) return fail(key, kExpected);
      for (auto element : array) {
        std::string_view name;
        if (element.get_string().get(name)) return fail(key, kExpected);
        auto added = core::add_counterparty_role(out, name, key);
        if (!added.ok()) return fail(key, "supplier or customer");
        out = *added;
      }
    } else if constexpr (std::is_same_v<M, std::optional<int64_t>> ||
                         std::is_same_v<M, std::optional<core::Date>>) {
      bool is_null = false;
      if (v.is_null().get(is_null)) return fail(key, kExpected);
      if (is_null) {
        out.reset();
        return true;
      }
      if constexpr (std::is_same_v<M, std::optional<int64_t>>) {
        int64_t n = 0;
        if (v.get_int64().get(n)) return fail(key, kExpected);
        out = n;
      } else {
        std::string_view s;
        if (v.get_string().get(s)) return fail(key, kExpected);
        core::Date d;
        if (!read_date(s, d, key)) return false;
        out = d;
      }
    } else if constexpr (std::is_same_v<M, std::vector<std::string>>) {
      od::array array;
      if (v.get_array().get(array)) return fail(key, kExpected);
      for (auto element : array) {
        std::string_view s;
        if (element.get_string().get(s)) return fail(key, kExpected);
        out.emplace_back(s);
      }
    } else if constexpr (kIsVector<M>) {
      static_assert(describe::Described<typename M::value_type>,
                    "arrays hold strings or described structs");
      od::array array;
      if (v.get_array().get(array)) return fail(key, kExpected);
      for (auto element : array) {
        od::object o;
        if (element.get_object().get(o)) return fail(key, kExpected);
        typename M::value_type item;
        if (!read_fields(o, item)) return false;
        out.push_back(std::move(item));
      }
    } else if constexpr (describe::Described<M>) {
      od::object o;
      if (v.get_object().get(o)) return fail(key, kExpected);
      return read_fields(o, out);
    } else {
      static_assert(kUnsupported<M>, "no JSON decoding for this field type");
    }
    return true;
  }

  bool read_date(std::string_view text, core::Date& out, std::string_view key) {
    auto d = core::parse_date(text, key);
    if (!d.ok()) return fail(key, "a date YYYY-MM-DD");
    out = *d;
    return true;
  }

  // Keeps the first failure; always false so callers can `return fail(...)`.
  bool fail(std::string_view key, std::string_view expected) {
    if (!failed()) {
      error_ = make_error(ErrorCode::kCorruption, "payload_invalid",
                          "field \"" + std::string(key) + "\" is missing or not " +
                              std::string(expected),
                          std::string(key));
    }
    return false;
  }

  std::optional<Error> error_;
};

}  // namespace agritrace::events::payload
