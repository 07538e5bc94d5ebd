// The resolver's read-your-writes targets (issue 16): a scan of one enterprise's code waits only
// for the positions acknowledged for that enterprise, not for every tenant's writes.
#include <doctest/doctest.h>

#include "api/http/appended_positions.h"

namespace agritrace::api {

TEST_CASE("AppendedPositions: per enterprise and in total, the newest offset per partition") {
  AppendedPositions a;
  CHECK(a.snapshot().empty());
  a.note("farm", events::Position{0, 5});
  a.note("plant", events::Position{1, 900});  // another tenant writing a lot
  a.note("farm", events::Position{0, 3});     // older: ignored
  a.note("plant", events::Position{0, 7});

  const auto farm = a.snapshot("farm");
  REQUIRE(farm.size() == 1);
  CHECK(farm[0].partition == 0);
  CHECK(farm[0].offset == 5);  // not the plant's 900 on partition 1, nor its 7 on partition 0

  const auto all = a.snapshot();
  REQUIRE(all.size() == 2);
  CHECK(all[0].offset == 7);
  CHECK(all[1].offset == 900);
  CHECK(a.snapshot("nobody").empty());
}

}  // namespace agritrace::api
