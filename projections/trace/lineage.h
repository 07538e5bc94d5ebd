// Answers from the lineage read model (projections/trace/projection.h): whereabouts / forward
// trace, recall report, backward trace and the recall status of a code. Each reads a few
// precomputed documents (the closure list of the item, then one document per item reached): no
// walk of the graph at read time. The JSON shapes are in docs/ARCHITECTURE.md "The lineage read
// model" and docs/openapi.yaml (LineageReport). The functions take (asker, ids) and need no HTTP:
// the routes and `agritrace investigate` call the same ones.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/json_writer.h"
#include "core/base/status.h"
#include "projections/base/view_store.h"
#include "projections/trace/lineage_node.h"
#include "projections/trace/queries.h"

namespace agritrace::projections {

// Where goods are, per item of the lineage (one row per non-zero state).
enum class HolderState {
  kOwnStock,
  kInTransit,
  kMissing,
  kConsumedInto,
  kWrittenOff,
  kSoldToConsumers,
  kAtCustomer
};
std::string_view holder_state_name(HolderState s);

// One holder of a reach's goods. Points into the Reach it came from, which must outlive it.
struct HolderRow {
  HolderState state;
  const NodeId* item = nullptr;
  const LineageNode* node = nullptr;  // the item's document
  int64_t codes = 0, quantity = 0;
  std::string_view ref;  // in_transit / missing: shipment sort id; consumed_into: batch sort id;
                         // at_customer: customer key
  std::string_view to;   // in_transit / missing: the receiving tenant
  int64_t sales = 0;
};

// Every item downstream of `root` (root first), with its document.
struct Reach {
  std::vector<std::pair<NodeId, LineageNode>> items;
};

// The walk answer's items (projections/trace/queries.h TraceWalk) from a reach: breadth first
// from the root over the edges its documents hold (consumed into a batch, received as a lot), so
// the legacy members and the lineage are one read of the same documents.
TraceWalk walk_of(const ViewStore& v, const Reach& r);

// A recall of any enterprise: its tenant and id.
struct RecallRef {
  std::string tenant, id;
  bool operator==(const RecallRef&) const = default;
};

// {"recalled":bool,"recalls":[{recall_id, scope, target, reason, raised_on[, enterprise,
// enterprise_name when raised by an enterprise other than `viewer`]}]} ("" viewer: always named).
std::string recall_status_json(const ViewStore& v, const std::vector<RecallRef>& ids,
                               std::string_view viewer);

class LineageQueries {
 public:
  explicit LineageQueries(const ViewStore& views) : views_(views) {}

  std::optional<LineageNode> node(const NodeId& id) const;
  Reach reach(const NodeId& root) const;
  static std::vector<HolderRow> holders(const Reach& r);
  // The same from a reach's items in (enterprise, item) order.
  static std::vector<HolderRow> holders_of(
      const std::vector<const std::pair<NodeId, LineageNode>*>& sorted);

  // Whereabouts / forward trace of an item ("lot-N" or "b-N") of `tenant`.
  Result<std::string> forward(std::string_view asker, std::string_view tenant,
                              std::string_view item_id) const;
  // Every item upstream of an item of `tenant`, in every enterprise.
  Result<std::string> backward(std::string_view asker, std::string_view tenant,
                               std::string_view item_id) const;
  // The recall `asker` raised: its target's forward lineage.
  Result<std::string> recall(std::string_view asker, std::string_view recall_id) const;

  // Members "root", "holders", "totals", "batches", "items" of the forward lineage of `root`,
  // written into the current object (false and nothing written when the root is unknown).
  bool write_forward(JsonWriter& w, std::string_view viewer, const NodeId& root) const;
  // The same from a reach already read (the answers that also show the walk members read once).
  bool write_forward(JsonWriter& w, std::string_view viewer, const Reach& r) const;

  // Every recall covering a code, whoever asks: of the code itself, and of every item its goods
  // were made from or passed through, in every enterprise.
  std::vector<RecallRef> recalls_of_code(std::string_view serial) const;
  // {"recalled":bool,"recalls":[{recall_id, scope, target, reason, raised_on, enterprise,
  // enterprise_name}]}
  std::string recall_status(std::string_view serial) const;

 private:
  void write_code_place(JsonWriter& w, const CodePath& path) const;
  const ViewStore& views_;
};

}  // namespace agritrace::projections
