// One page of a tenant's records of one view, in id order: {"items":[...],"next_after":id|null}.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "projections/base/view_kind.h"
#include "projections/base/view_store.h"

namespace agritrace::projections {

struct Page {
  uint32_t limit = 100;
  std::string after;  // the last id of the previous page
};

// `document(sort_id, record)` may rewrite each stored record (e.g. merge its status) before it is
// listed; by default records are listed as stored.
using PageDocument = std::function<std::string(const std::string& sort_id, std::string record)>;
std::string list_page(const ViewStore& views, ViewKind view, std::string_view tenant,
                      const Page& page, const PageDocument& document = {});

}  // namespace agritrace::projections
