// Shared by the regulators' feed tests: a topic reader that waits for the server to create it.
#pragma once

#include <doctest/doctest.h>

#include <memory>

#include "events/regulator/feed_consumer.h"

namespace agritrace::testing {

// Opens a consumer of o.topic, asking again while the topic does not exist yet (the feed creates
// it on first use); at most 120 tries, each bounded by the broker's metadata answer. Other
// errors (e.g. topic_authorization_failed) are returned.
inline Result<std::unique_ptr<events::FeedConsumer>> open_feed_topic(
    const events::FeedConsumerOptions& o) {
  for (int i = 0;; ++i) {
    auto c = events::open_feed_consumer(o);
    if (c.ok() || c.error().reason != "topic_not_found" || i >= 120) return c;
    // The broker has answered "unknown topic" already: asking again is the wait.
  }
}

inline std::unique_ptr<events::FeedConsumer> open_when_created(
    const events::FeedConsumerOptions& o) {
  auto c = open_feed_topic(o);
  REQUIRE_MESSAGE(c.ok(), c.status().to_string());
  return std::move(c).value();
}

}  // namespace agritrace::testing
