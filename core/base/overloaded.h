// The usual helper to visit a std::variant with one lambda per alternative.
#pragma once

namespace agritrace::core {

template <class... Fs>
struct Overloaded : Fs... {
  using Fs::operator()...;
};

}  // namespace agritrace::core
