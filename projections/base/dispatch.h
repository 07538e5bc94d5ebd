// Explicit event dispatch for projections. Each projection declares, in its area's header, the
// event types it reacts to (`using Handled = EventList<...>`); the runner's call reaches the
// projection's handler for those types only, and a declared type without a handler does not
// compile. make_all_projections (projections/production/projection.cpp) checks at compile time that every alternative of core::Event is
// declared by at least one projection or listed in NoView with a reason, so a new event type
// that nothing declares breaks the build instead of being ignored by a catch-all template.
#pragma once

#include <cstdint>
#include <string>
#include <tuple>
#include <type_traits>
#include <variant>

#include "core/base/civil_time.h"
#include "core/domain/event.h"
#include "projections/base/runner.h"

namespace agritrace::projections {

template <typename... E>
struct EventList {};

template <typename E, typename List>
struct event_list_contains;
template <typename E, typename... Es>
struct event_list_contains<E, EventList<Es...>> : std::bool_constant<(std::is_same_v<E, Es> || ...)> {};
template <typename E, typename List>
inline constexpr bool event_list_contains_v = event_list_contains<E, List>::value;

template <typename Variant>
struct variant_events;
template <typename... Alternatives>
struct variant_events<std::variant<Alternatives...>> {
  using type = EventList<Alternatives...>;
};
using AllEvents = variant_events<core::Event>::type;

// Every type of the list is an alternative of core::Event (a removed event fails the build).
template <typename List>
struct are_events;
template <typename... Es>
struct are_events<EventList<Es...>> : std::bool_constant<(event_list_contains_v<Es, AllEvents> && ...)> {};
template <typename List>
inline constexpr bool are_events_v = are_events<List>::value;

// Calls handler(event) when the event's type is in Handled; returns whether it did. The handler
// is instantiated for the declared types only, so no catch-all overload is needed or wanted.
template <typename Handled, typename Handler>
bool dispatch(const core::Event& event, Handler&& handler) {
  return std::visit(
      [&](const auto& ev) {
        using E = std::decay_t<decltype(ev)>;
        if constexpr (event_list_contains_v<E, Handled>) {
          handler(ev);
          return true;
        } else {
          return false;
        }
      },
      event);
}

// Fails to compile, naming the event type, when E is in none of the lists.
template <typename E, typename... Lists>
constexpr bool declared_by_some_list() {
  static_assert((event_list_contains_v<E, Lists> || ...),
                "this core::Event alternative is declared by no projection: add it to the Handled "
                "list of the projection that shows it, or to NoView with a reason");
  return true;
}

template <typename Variant, typename... Lists>
struct every_event_declared;
template <typename... Alternatives, typename... Lists>
struct every_event_declared<std::variant<Alternatives...>, Lists...>
    : std::bool_constant<(declared_by_some_list<Alternatives, Lists...>() && ...)> {};

// What a projection's handlers take before the event: on(CONTEXT..., const E&, ViewBatch&).
inline std::tuple<const events::StoredEvent&> whole_event(const events::StoredEvent& se) { return {se}; }
// The tenant and the occurrence time in RFC 3339 (UTC).
inline std::tuple<const std::string&, std::string> tenant_and_time(const events::StoredEvent& se) {
  return {se.envelope.tenant, core::format_rfc3339_utc(se.envelope.occurred_at_ms)};
}
// The tenant, the occurrence time and the event id (lineage facts are keyed by it).
inline std::tuple<const std::string&, std::string, const std::string&> tenant_time_and_id(
    const events::StoredEvent& se) {
  return {se.envelope.tenant, core::format_rfc3339_utc(se.envelope.occurred_at_ms), se.envelope.id};
}
// The tenant and the occurrence time in ms.
inline std::tuple<const std::string&, int64_t> tenant_and_ms(const events::StoredEvent& se) {
  return {se.envelope.tenant, se.envelope.occurred_at_ms};
}

// A projection that reacts to the events of `Handled` only: apply() calls
// Derived::on(Context(stored event)..., event, batch) for those and does nothing for the others
// (the context is not even computed). Derived declares `friend EventProjection;` so that its
// handlers may stay private.
template <typename Derived, typename Handled, auto Context>
class EventProjection : public Projection {
  static_assert(are_events_v<Handled>);

 public:
  Status apply(const events::StoredEvent& se, const core::Event& event, ViewBatch& b) final {
    dispatch<Handled>(event, [&](const auto& ev) {
      std::apply([&](const auto&... context) { static_cast<Derived&>(*this).on(context..., ev, b); },
                 Context(se));
    });
    return Status::Ok();
  }
};

}  // namespace agritrace::projections
