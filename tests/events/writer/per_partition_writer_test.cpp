// The command writer with a PartitionOwnership (several writer nodes, issue 17, R-8), over a real
// LocalLedger wrapped so that each partition's events are a transaction of their own (as the
// Kafka ledger does with per_partition_writers) and one partition's can be made to fail:
// only that partition's commands are refused, the others are acknowledged; and a command whose
// decision reads another partition's not-yet-durable events of the same group waits for the
// next group instead of resting on them.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/base/identifiers.h"
#include "core/domain/command.h"
#include "events/cluster/partition_ownership.h"
#include "events/env/controlled_env.h"
#include "events/env/posix_env.h"
#include "events/ledger/ledger.h"
#include "events/writer/command_writer.h"
#include "tests/support/test_clock.h"
#include "tests/support/test_env.h"

namespace agritrace::testing {
namespace {

// Appends each partition's events separately; `fail_once(p)` makes the next append of p fail.
class SplitLedger final : public events::Ledger {
 public:
  explicit SplitLedger(events::Ledger& inner) : inner_(inner) {}
  void fail_once(int32_t partition) {
    std::lock_guard lock(mu_);
    fail_ = partition;
  }
  size_t appends() const {
    std::lock_guard lock(mu_);
    return appends_;
  }

  int32_t partition_count() const override { return inner_.partition_count(); }
  Status append(const std::vector<events::Envelope>& events,
                std::vector<events::Position>* positions) override {
    return append_per_partition(events, positions, nullptr);
  }
  Status append_per_partition(const std::vector<events::Envelope>& events,
                              std::vector<events::Position>* positions,
                              std::map<int32_t, Status>* by_partition) override {
    std::lock_guard lock(mu_);
    ++appends_;
    if (positions != nullptr) positions->assign(events.size(), events::Position{-1, -1});
    std::map<int32_t, std::vector<size_t>> by_p;
    for (size_t i = 0; i < events.size(); ++i) by_p[partition_for(events[i].tenant)].push_back(i);
    Status first = Status::Ok();
    for (auto& [p, idx] : by_p) {
      Status st = Status::Ok();
      if (fail_ == p) {
        fail_.reset();
        st = make_error(ErrorCode::kUnavailable, "injected", "partition " + std::to_string(p));
      } else {
        std::vector<events::Envelope> part;
        for (size_t i : idx) part.push_back(events[i]);
        std::vector<events::Position> pos;
        st = inner_.append(part, &pos);
        for (size_t k = 0; st.ok() && k < idx.size() && positions != nullptr; ++k) {
          (*positions)[idx[k]] = pos[k];
        }
      }
      if (by_partition != nullptr) (*by_partition)[p] = st;
      if (!st.ok() && first.ok()) first = st;
    }
    return first;
  }
  Result<std::unique_ptr<events::LedgerReader>> open_reader(
      const std::vector<int64_t>& next_offsets) override {
    return inner_.open_reader(next_offsets);
  }
  Result<std::vector<int64_t>> end_offsets() override { return inner_.end_offsets(); }
  events::LedgerHealth health() const override { return inner_.health(); }
  std::string describe() const override { return "split:" + inner_.describe(); }

 private:
  events::Ledger& inner_;
  mutable std::mutex mu_;
  std::optional<int32_t> fail_;
  size_t appends_ = 0;
};

std::string uscc(const std::string& prefix17) {
  static const std::string kChars = "0123456789ABCDEFGHJKLMNPQRTUWXY";
  for (char c : kChars) {
    if (core::validate_uscc(prefix17 + c, "uscc").ok()) return prefix17 + c;
  }
  FAIL("no check character for " << prefix17);
  return {};
}

struct Rig {
  TempDir dir;
  events::ControlledEnv env{events::posix_env()};
  std::unique_ptr<events::Ledger> local;
  std::unique_ptr<SplitLedger> ledger;
  std::unique_ptr<events::PartitionOwnership> ownership = events::own_everything("http://self");
  std::unique_ptr<events::CommandWriter> writer;

  Rig() {
    env.start_at(test_now_ms());
    auto l = events::open_local_ledger({dir.path() + "/ledger", 4, false});
    REQUIRE(l.ok());
    local = std::move(l).value();
    ledger = std::make_unique<SplitLedger>(*local);
    events::CommandWriterOptions wo;
    wo.env = &env;
    wo.ownership = ownership.get();
    auto w = events::start_command_writer(*ledger, wo);
    REQUIRE_MESSAGE(w.ok(), w.status().to_string());
    writer = std::move(w).value();
  }
  ~Rig() { writer->stop(); }

  events::CommandSubmission submission(const std::string& tenant, core::Command c,
                                       std::shared_ptr<std::promise<Result<events::CommandOutcome>>> p) {
    events::CommandSubmission s;
    s.command_name = "test";
    s.tenant = tenant;
    s.actor = "key-" + tenant;
    s.command = std::move(c);
    s.done = [p](Result<events::CommandOutcome> r) { p->set_value(std::move(r)); };
    return s;
  }
  // Submits the commands at once (one group) and waits for every answer.
  std::vector<Result<events::CommandOutcome>> group(
      std::vector<std::pair<std::string, core::Command>> commands) {
    std::vector<std::future<Result<events::CommandOutcome>>> futures;
    std::vector<events::CommandSubmission> subs;
    for (auto& [tenant, c] : commands) {
      auto p = std::make_shared<std::promise<Result<events::CommandOutcome>>>();
      futures.push_back(p->get_future());
      subs.push_back(submission(tenant, std::move(c), p));
    }
    writer->submit_all(std::move(subs));
    std::vector<Result<events::CommandOutcome>> out;
    for (auto& f : futures) out.push_back(f.get());
    return out;
  }
  // Two enterprises in different partitions.
  std::pair<std::string, std::string> two_partitions() {
    const std::string a = uscc("91440101MA0000000");
    for (int i = 1; i < 1000; ++i) {
      const std::string b = uscc(fmt::format("91440101MA{:07d}", i));
      if (ledger->partition_for(b) != ledger->partition_for(a)) return {a, b};
    }
    FAIL("no second partition");
    return {};
  }
};

core::Command register_cmd(const std::string& t) {
  return core::RegisterEnterprise{t, "企业 " + t, "广东省", "key-" + t, std::string(64, 'a')};
}

TEST_CASE(
    "per-partition writer R-8: a group's failed partition refuses only its own commands, the "
    "other partitions' are acknowledged and durable") {
  Rig rig;
  auto [a, b] = rig.two_partitions();
  rig.ledger->fail_once(rig.ledger->partition_for(b));
  auto answers = rig.group({{a, register_cmd(a)}, {b, register_cmd(b)}});
  REQUIRE_MESSAGE(answers[0].ok(), answers[0].status().to_string());
  REQUIRE_FALSE(answers[1].ok());
  CHECK(answers[1].error().code == ErrorCode::kUnavailable);
  CHECK(rig.writer->tenant_registered(a));
  CHECK_FALSE(rig.writer->tenant_registered(b));
  // The write model was folded again from the ledger: b registers now, a is known once.
  auto again = rig.group({{b, register_cmd(b)}, {a, register_cmd(a)}});
  CHECK(again[0].ok());
  REQUIRE_FALSE(again[1].ok());  // a is already registered (its first append was durable)
  auto ends = rig.local->end_offsets();
  REQUIRE(ends.ok());
  int64_t events = 0;
  for (int64_t e : *ends) events += e;
  CHECK(events == static_cast<int64_t>(answers[0]->events.size() + again[0]->events.size()));
}

TEST_CASE(
    "per-partition writer R-8: a command reading another partition's pending events of its group "
    "waits for the next group") {
  Rig rig;
  auto [producer, buyer] = rig.two_partitions();
  REQUIRE(rig.group({{buyer, register_cmd(buyer)}})[0].ok());
  core::PlaceMarketOrder order;
  order.producer_tenant = producer;
  order.product = "菜心";
  order.quantity = core::Quantity{5000, core::Unit::kGram};

  SUBCASE("the producer's registration fails: the order is refused, never resting on it") {
    rig.ledger->fail_once(rig.ledger->partition_for(producer));
    const size_t before = rig.ledger->appends();
    auto answers = rig.group({{producer, register_cmd(producer)}, {buyer, order}});
    REQUIRE_FALSE(answers[0].ok());
    REQUIRE_FALSE(answers[1].ok());
    CHECK(answers[1].error().reason == "producer_not_found");
    CHECK(rig.ledger->appends() == before + 1);  // the order appended nothing
  }
  SUBCASE("the producer's registration commits: the order follows in the next group") {
    const size_t before = rig.ledger->appends();
    auto answers = rig.group({{producer, register_cmd(producer)}, {buyer, order}});
    REQUIRE_MESSAGE(answers[0].ok(), answers[0].status().to_string());
    REQUIRE_MESSAGE(answers[1].ok(), answers[1].status().to_string());
    CHECK(rig.ledger->appends() == before + 2);  // two groups: the order waited for the first
  }
}

}  // namespace
}  // namespace agritrace::testing
