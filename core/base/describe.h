// Declarative field lists for payload structs (events and the records they carry). Pure: no I/O,
// no JSON library. The event codec (events/codec/payload_codec.h), the docs/EVENTS.md check and the
// round-trip tests are all derived from these lists, so a struct's wire shape is written once,
// next to the struct:
//
//   struct BatchAmended {
//     static constexpr std::string_view kType = "batch.amended";
//     std::string batch_id;
//     Quantity quantity;
//     std::optional<Date> expiry_date;
//     bool operator==(const BatchAmended&) const = default;
//     static constexpr auto kFields = std::make_tuple(
//         describe::field("batch_id", &BatchAmended::batch_id),
//         describe::field("quantity", &BatchAmended::quantity),
//         describe::field("expiry_date", &BatchAmended::expiry_date, describe::kNullWhenAbsent));
//   };
//
// Keys are written in list order (the bytes are hashed into the chain: never reorder a list, only
// append). A field's policy says how an empty value is written and what a reader accepts:
//   kRequired        always written; the key must be present. Not allowed for std::optional.
//   kNullWhenAbsent  std::optional only: always written, `null` when unset; the key must be
//                    present (null or a value).
//   kOmitWhenEmpty   written only when non-empty (a string "" or an unset optional are left
//                    out); an absent key reads as empty (and null as unset for optionals).
//                    For fields added after schema version 1, so older payloads keep their bytes.
//   written_with(&T::other)  a string written only when string member `other` is non-empty
//                    (even when itself empty); an absent key reads as "".
//   kInline          a described struct member whose own fields are written at this level (no
//                    nested object); the name only documents the member.
// Field value types the codec knows: std::string, int64_t, bool, Date, Quantity, enums with an
// EnumText specialisation, CounterpartyRoles, described structs (a nested object), std::vector of
// any of these, and std::optional<int64_t> / std::optional<Date>.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <vector>

#include "core/base/status.h"

namespace agritrace::core::describe {

struct Required {};
struct NullWhenAbsent {};
struct OmitWhenEmpty {};
struct Inline {};
template <typename T>
struct WrittenWith {
  std::string T::*guard;
};

inline constexpr Required kRequired{};
inline constexpr NullWhenAbsent kNullWhenAbsent{};
inline constexpr OmitWhenEmpty kOmitWhenEmpty{};
inline constexpr Inline kInline{};

template <typename T>
constexpr WrittenWith<T> written_with(std::string T::*guard) {
  return {guard};
}

template <typename T>
inline constexpr bool kIsOptional = false;
template <typename T>
inline constexpr bool kIsOptional<std::optional<T>> = true;

// One field of struct T: its JSON key, its member, its policy.
template <typename T, typename M, typename Policy>
struct Field {
  using Owner = T;
  using Member = M;
  using PolicyType = Policy;
  std::string_view name;
  M T::*member;
  Policy policy;
};

template <typename T, typename M, typename Policy = Required>
constexpr Field<T, M, Policy> field(std::string_view name, M T::*member, Policy policy = {}) {
  static_assert(!(kIsOptional<M> && std::is_same_v<Policy, Required>),
                "an optional field must say how it is written: kNullWhenAbsent or kOmitWhenEmpty");
  static_assert(!std::is_same_v<Policy, NullWhenAbsent> || kIsOptional<M>,
                "kNullWhenAbsent is for std::optional fields");
  return {name, member, policy};
}

// A described struct has `static constexpr auto kFields` (a tuple of Field).
template <typename T>
concept Described = requires { std::tuple_size<std::remove_cvref_t<decltype(T::kFields)>>::value; };

// Enums are written as names. Specialise next to the enum, naming its two core functions:
//   template <> struct EnumText<Unit> : EnumTextOf<Unit, unit_name, parse_unit_name> {};
template <typename E>
struct EnumText;

template <typename E, std::string_view (*Name)(E),
          Result<E> (*Parse)(std::string_view name, std::string_view field)>
struct EnumTextOf {
  static std::string_view name(E e) { return Name(e); }
  static Result<E> parse(std::string_view text, std::string_view field) {
    return Parse(text, field);
  }
};

template <typename E>
concept NamedEnum = std::is_enum_v<E> && requires(E e) { EnumText<E>::name(e); };

// Calls f(field) for every field of T, in order.
template <Described T, typename F>
constexpr void for_each_field(F&& f) {
  std::apply([&](const auto&... fields) { (f(fields), ...); }, T::kFields);
}

template <typename M>
struct NestedOf {
  using type = M;
};
template <typename X>
struct NestedOf<std::optional<X>> : NestedOf<X> {};
template <typename X>
struct NestedOf<std::vector<X>> : NestedOf<X> {};

// Calls f(key) for every JSON key a payload of T can hold, in list order: an inline member's keys
// in its place, and after the key of a nested described struct (or array of them) its own keys.
template <Described T, typename F>
void for_each_key(F&& f) {
  for_each_field<T>([&](const auto& field) {
    using Field = std::remove_cvref_t<decltype(field)>;
    using Nested = typename NestedOf<typename Field::Member>::type;
    if constexpr (!std::is_same_v<typename Field::PolicyType, Inline>) f(field.name);
    if constexpr (Described<Nested>) for_each_key<Nested>(f);
  });
}

}  // namespace agritrace::core::describe
