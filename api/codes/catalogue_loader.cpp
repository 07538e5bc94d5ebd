#include "api/codes/catalogue_loader.h"

#include <simdjson.h>

#include <future>

#include "core/codes/commands.h"

extern const char kAgritraceCatalogueJson[];  // generated from api/codes/catalogue.json by CMake

namespace agritrace::api {

std::string_view base_catalogue_json() { return kAgritraceCatalogueJson; }

Result<CatalogueLoad> load_base_catalogue(events::CommandWriter& writer, std::string_view json) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  simdjson::dom::array products;
  if (parser.parse(json.data(), json.size()).get(doc) || doc["products"].get_array().get(products)) {
    return make_error(ErrorCode::kInvalidArgument, "catalogue_invalid", "the catalogue is not {\"products\":[...]}");
  }
  core::LoadCatalogue command;
  for (simdjson::dom::element p : products) {
    core::CatalogueProduct product;
    std::string_view id, name, category, unit, gtin;
    if (p["product_id"].get_string().get(id) || p["name"].get_string().get(name) ||
        p["category"].get_string().get(category) || p["unit"].get_string().get(unit) ||
        p["gtin"].get_string().get(gtin)) {
      return make_error(ErrorCode::kInvalidArgument, "catalogue_invalid",
                        "every catalogue product has product_id, name, category, unit and gtin");
    }
    command.products.push_back(core::CatalogueProduct{std::string(id), std::string(name), std::string(category),
                                                      std::string(unit), std::string(gtin)});
  }
  std::promise<Result<CatalogueLoad>> done;
  auto answer = done.get_future();
  events::CommandSubmission sub;
  sub.command_name = "load_catalogue";
  sub.tenant = std::string(core::kPlatformTenant);
  sub.actor = "system";
  sub.command = std::move(command);
  sub.done = [&done](Result<events::CommandOutcome> r) {
    if (r.ok()) {
      return done.set_value(CatalogueLoad{static_cast<int64_t>(r->events.size()),
                                          r->events.empty() ? events::Position{} : r->events.back().position});
    }
    if (r.error().reason == "catalogue_up_to_date") return done.set_value(CatalogueLoad{});
    done.set_value(r.error());
  };
  writer.submit(std::move(sub));
  return answer.get();
}

}  // namespace agritrace::api
