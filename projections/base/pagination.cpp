#include "projections/base/pagination.h"

#include "core/base/json_writer.h"
#include "projections/base/keys.h"

namespace agritrace::projections {

std::string list_page(const ViewStore& views, ViewKind view, std::string_view tenant,
                      const Page& page, const PageDocument& document) {
  const std::string prefix = view_key(view, tenant);
  const std::string start = page.after.empty() ? prefix : prefix + sort_id(page.after);
  JsonWriter w;
  w.begin_object().key("items").begin_array();
  uint32_t n = 0;
  std::string last;
  bool more = false;
  views.scan_prefix(prefix, [&](std::string_view k, std::string_view v) {
    if (!page.after.empty() && k <= start) return true;
    if (n == page.limit) {
      more = true;
      return false;
    }
    last = std::string(k.substr(prefix.size()));
    if (document) {
      w.raw(document(last, std::string(v)));
    } else {
      w.raw(v);
    }
    ++n;
    return true;
  });
  w.end_array().key("next_after");
  if (more) {
    w.value(unsort_id(last));
  } else {
    w.null();
  }
  w.end_object();
  return w.take();
}

}  // namespace agritrace::projections
