// The business rules: a pure function from (state, command, context) to the events to append, or
// the reason why not. No I/O, no clock: the context carries the time. This dispatches to the
// decide(state, <area command>, ctx) overloads of core/<area>/rules.h (core/domain/decide.cpp).
#pragma once

#include <vector>

#include "core/base/status.h"
#include "core/domain/command.h"
#include "core/domain/event.h"
#include "core/domain/tenant_state.h"

namespace agritrace::core {

// Errors: kInvalidArgument (422) for invalid values, kNotFound (404) for a missing referenced
// entity, kConflict (409) when the state does not allow the command. Each carries a stable reason
// and the field path of the offending input.
Result<std::vector<Event>> decide(const TenantState& state, const Command& command,
                                  const Context& ctx);
// The commands of a group in order, against a copy of the state (core/domain/command.h).
Result<std::vector<Event>> decide(const TenantState& state, const CommandGroup& group,
                                  const Context& ctx);

// Limits on free text, in bytes of UTF-8 (names in Chinese take 3 bytes a character).
inline constexpr size_t kMaxNameBytes = 256;
inline constexpr size_t kMaxTextBytes = 512;    // addresses, regions, supplier lot codes
inline constexpr size_t kMaxNoteBytes = 2000;
inline constexpr size_t kMaxFilenameBytes = 255;
inline constexpr size_t kMaxLotCodeChars = 20;  // GS1 AI (10): up to 20 characters

}  // namespace agritrace::core
