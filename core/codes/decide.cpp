// Rules of the catalogue and main varieties, trace codes and publishing
// and how their events change the write model.
#include <fmt/format.h>

#include <unordered_set>

#include "core/codes/rules.h"
#include "core/base/identifiers.h"
#include "core/base/rule_errors.h"
#include "core/domain/cross_tenant_facts.h"
#include "core/domain/decide.h"

namespace agritrace::core {
namespace {



// Catalogue ids: lowercase ASCII letters, digits and '-', 1..64 characters (used in URLs).
bool valid_product_id(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  }
  return true;
}

Result<TraceCodeState> find_code(const TenantState& s, std::string_view serial) {
  auto code = s.codes.find(serial);
  if (!code) {
    return not_found("code_not_found", "no trace code with serial " + std::string(serial), "serial");
  }
  return *code;
}

Result<const CodeRunState*> find_run(const TenantState& s, std::string_view run_id) {
  auto it = s.code_runs.find(run_id);
  if (it == s.code_runs.end()) {
    return not_found("code_run_not_found", "no code run " + std::string(run_id), "run_id");
  }
  return &it->second;
}

Status optional_reason(std::string_view reason) {
  if (reason.size() > kMaxNoteBytes) {
    return invalid("value_too_long", fmt::format("reason exceeds {} bytes", kMaxNoteBytes), "reason");
  }
  return Status::Ok();
}

#define AGT_RETURN_IF_ERROR(expr)       \
  do {                                  \
    if (Status s_ = (expr); !s_.ok()) { \
      return s_.error();                \
    }                                   \
  } while (false)

}  // namespace

std::optional<CatalogueProduct> find_catalogue_product(const Context& ctx,
                                                      std::string_view product_id) {
  if (ctx.facts == nullptr) return std::nullopt;
  return ctx.facts->catalogue_product(product_id);
}

// ---- catalogue and main varieties ---------------------------------------------------

Result<std::vector<Event>> decide(const TenantState& s, const LoadCatalogue& c, const Context& ctx) {
  if (ctx.tenant != kPlatformTenant) {
    return make_error(ErrorCode::kPermissionDenied, "platform_only",
                      "only the platform loads the base catalogue", "tenant");
  }
  CodeEvents out;
  std::set<std::string, std::less<>> seen;
  for (size_t i = 0; i < c.products.size(); ++i) {
    const CatalogueProduct& p = c.products[i];
    const std::string at = fmt::format("products[{}]", i);
    if (!valid_product_id(p.product_id)) {
      return invalid("product_id_invalid", "a product id has 1 to 64 characters a-z 0-9 -",
                     at + ".product_id");
    }
    if (is_blank(p.name) || p.name.size() > kMaxNameBytes) {
      return invalid("value_required", "a product needs a name", at + ".name");
    }
    if (is_blank(p.category) || p.category.size() > 64) {
      return invalid("value_required", "a product needs a category", at + ".category");
    }
    if (is_blank(p.unit) || p.unit.size() > 32) return invalid("value_required", "a product needs a unit", at + ".unit");
    if (p.gtin.size() != 13) return invalid("gtin_bad_length", "catalogue GTINs are GTIN-13", at + ".gtin");
    AGT_RETURN_IF_ERROR(validate_gtin(p.gtin, at + ".gtin"));
    if (!seen.insert(p.product_id).second) {
      return invalid("product_id_duplicate", "product id listed twice", at + ".product_id");
    }
    // Idempotent across restarts: what the ledger already has is never appended again.
    if (s.catalogue.count(p.product_id) == 0) out.push_back(CatalogueProductAdded{p});
  }
  if (out.empty()) return conflict("catalogue_up_to_date", "the ledger already has every catalogue product");
  return out;
}

Result<std::vector<Event>> decide(const TenantState&, const SetMainVarieties& c, const Context& ctx) {
  if (c.product_ids.size() > 200) {
    return invalid("too_many_items", "at most 200 main varieties", "product_ids");
  }
  std::set<std::string, std::less<>> seen;
  for (size_t i = 0; i < c.product_ids.size(); ++i) {
    const std::string field = fmt::format("product_ids[{}]", i);
    if (!find_catalogue_product(ctx, c.product_ids[i])) {
      return invalid("catalogue_product_unknown",
                     "no catalogue product '" + c.product_ids[i] + "' (GET /v1/catalogue)", field);
    }
    if (!seen.insert(c.product_ids[i]).second) {
      return invalid("product_id_duplicate", "product id listed twice", field);
    }
  }
  return CodeEvents{MainVarietiesSet{c.product_ids}};
}

Status check_batch_product_id(const TenantState& s, std::string_view product_id, const Context& ctx) {
  if (!find_catalogue_product(ctx, product_id)) {
    return invalid("catalogue_product_unknown",
                   "no catalogue product '" + std::string(product_id) + "'", "product_id");
  }
  if (s.main_varieties.count(product_id) == 0) {
    // fmt rather than operator+: g++ 12 -O2 gives a false -Wrestrict on "'" + std::string.
    return conflict("not_a_main_variety",
                    fmt::format("'{}' is not one of the enterprise's main varieties "
                                "(PUT /v1/enterprise/main-varieties)",
                                product_id),
                    "product_id");
  }
  return Status::Ok();
}

// ---- trace codes --------------------------------------------------------------------

Result<std::vector<Event>> decide(const TenantState& s, const CreateCodeTemplate& c,
                                               const Context& ctx) {
  if (is_blank(c.name) || c.name.size() > kMaxNameBytes) {
    return invalid("value_required", "a template needs a name (at most 256 bytes)", "name");
  }
  std::string gtin14;
  if (!c.product_id.empty()) {
    const auto p = find_catalogue_product(ctx, c.product_id);
    if (!p) {
      return invalid("catalogue_product_unknown", "no catalogue product '" + c.product_id + "'", "product_id");
    }
    if (s.main_varieties.count(c.product_id) == 0) {
      return conflict("not_a_main_variety", "'" + c.product_id + "' is not one of the enterprise's main varieties",
                      "product_id");
    }
    gtin14 = "0" + p->gtin;
  }
  if (!c.gtin.empty()) {
    auto g = normalize_gtin14(c.gtin, "gtin");
    if (!g.ok()) return g.error();
    gtin14 = *g;
  }
  if (gtin14.empty()) {
    return invalid("gtin_required", "name a catalogue product_id or a gtin", "gtin");
  }
  AGT_RETURN_IF_ERROR(validate_base_url(c.base_url, "base_url"));
  if (c.serial_format != SerialFormat::kBase32 && c.serial_format != SerialFormat::kHex) {
    return invalid("serial_format_unknown", "unknown serial format", "serial_format");
  }
  if (c.quantity_per_code.amount <= 0) {
    return invalid("quantity_not_positive", "the quantity must be positive", "quantity_per_code.amount");
  }
  return CodeEvents{CodeTemplateCreated{next_id("ct-", s.code_counters.code_template), c.name, c.product_id,
                                        gtin14, c.base_url, c.serial_format, c.packaging_level,
                                        c.quantity_per_code}};
}

Result<std::vector<Event>> decide(const TenantState& s, const GenerateCodes& c, const Context&) {
  auto tpl = s.code_templates.find(c.template_id);
  if (tpl == s.code_templates.end()) {
    return not_found("code_template_not_found", "no code template " + c.template_id, "template_id");
  }
  auto batch = s.batches.find(c.batch_id);
  if (batch == s.batches.end()) return not_found("batch_not_found", "no batch " + c.batch_id, "batch_id");
  if (!tpl->second.product_id.empty() && !batch->second.product_id.empty() &&
      tpl->second.product_id != batch->second.product_id) {
    return conflict("template_product_mismatch",
                    "the template is for " + tpl->second.product_id + ", the batch for " +
                        batch->second.product_id,
                    "template_id");
  }
  if (c.count < 1 || c.count > kMaxCodesPerRun) {
    return invalid("code_count_invalid", fmt::format("count must be 1..{}", kMaxCodesPerRun), "count");
  }
  const int64_t count = c.count;
  if (c.random_bytes.size() != static_cast<size_t>(count) * kSerialRandomBytes) {
    return invalid("random_bytes_invalid", "the command needs kSerialRandomBytes per code", "count");
  }
  // Serials from the CSPRNG bytes; a collision (odds ~ n^2 / 2^65) refuses the command: retry.
  std::vector<std::string> serials;
  serials.reserve(static_cast<size_t>(count));
  std::unordered_set<std::string_view> fresh;
  fresh.reserve(static_cast<size_t>(count));
  const auto* bytes = reinterpret_cast<const uint8_t*>(c.random_bytes.data());
  for (int64_t i = 0; i < count; ++i) {
    serials.push_back(make_serial(tpl->second.serial_format, bytes + i * static_cast<int64_t>(kSerialRandomBytes)));
  }
  for (const std::string& serial : serials) {
    if (s.codes.contains(serial) || !fresh.insert(serial).second) {
      return conflict("serial_collision", "a generated serial already exists; retry", "count");
    }
  }
  const std::string run_id = next_id("run-", s.code_counters.code_run);
  CodeEvents out;
  out.reserve(1 + serials.size() / kSerialsPerEvent + 1);
  out.push_back(CodeRunStarted{run_id, c.template_id, c.batch_id, tpl->second.gtin14,
                               batch->second.lot_code, tpl->second.base_url, tpl->second.serial_format,
                               tpl->second.packaging_level, tpl->second.quantity_per_code, count});
  for (size_t first = 0, chunk = 0; first < serials.size(); first += kSerialsPerEvent, ++chunk) {
    const size_t last = std::min(serials.size(), first + kSerialsPerEvent);
    CodesGenerated e;
    e.run_id = run_id;
    e.batch_id = c.batch_id;
    e.chunk = static_cast<int64_t>(chunk);
    e.serials.assign(std::make_move_iterator(serials.begin() + static_cast<std::ptrdiff_t>(first)),
                     std::make_move_iterator(serials.begin() + static_cast<std::ptrdiff_t>(last)));
    out.push_back(std::move(e));
  }
  return out;
}

Result<std::vector<Event>> decide(const TenantState& s, const DisableCode& c, const Context&) {
  auto code = find_code(s, c.serial);
  if (!code.ok()) return code.error();
  AGT_RETURN_IF_ERROR(optional_reason(c.reason));
  if (code->disabled) {
    return conflict("code_already_disabled", "trace code " + c.serial + " is already disabled", "serial");
  }
  return CodeEvents{CodeDisabled{c.serial, code->run_id, c.reason}};
}

Result<std::vector<Event>> decide(const TenantState& s, const EnableCode& c, const Context&) {
  auto code = find_code(s, c.serial);
  if (!code.ok()) return code.error();
  if (!code->disabled_individually) {
    if (code->disabled) {
      return conflict("code_run_disabled",
                      "trace code " + c.serial + " is disabled through its run " + code->run_id +
                          "; enable the run",
                      "serial");
    }
    return conflict("code_not_disabled", "trace code " + c.serial + " is not disabled", "serial");
  }
  return CodeEvents{CodeEnabled{c.serial, code->run_id}};
}

Result<std::vector<Event>> decide(const TenantState& s, const DisableCodeRun& c, const Context&) {
  auto run = find_run(s, c.run_id);
  if (!run.ok()) return run.error();
  AGT_RETURN_IF_ERROR(optional_reason(c.reason));
  if ((*run)->disabled) return conflict("code_run_already_disabled", "code run " + c.run_id + " is already disabled", "run_id");
  return CodeEvents{CodeRunDisabled{c.run_id, c.reason}};
}

Result<std::vector<Event>> decide(const TenantState& s, const EnableCodeRun& c, const Context&) {
  auto run = find_run(s, c.run_id);
  if (!run.ok()) return run.error();
  if (!(*run)->disabled) return conflict("code_run_not_disabled", "code run " + c.run_id + " is not disabled", "run_id");
  return CodeEvents{CodeRunEnabled{c.run_id}};
}

// ---- publishing ---------------------------------------------------------------------

Result<std::vector<Event>> decide(const TenantState& s, const PublishProduct& c, const Context& ctx) {
  if (!find_catalogue_product(ctx, c.product_id)) {
    return invalid("catalogue_product_unknown", "no catalogue product '" + c.product_id + "'", "product_id");
  }
  if (s.main_varieties.count(c.product_id) == 0) {
    return conflict("not_a_main_variety",
                    "only main varieties are published (PUT /v1/enterprise/main-varieties)", "product_id");
  }
  if (c.description.size() > kMaxNoteBytes) {
    return invalid("value_too_long", fmt::format("description exceeds {} bytes", kMaxNoteBytes), "description");
  }
  return CodeEvents{ProductPublished{c.product_id, c.description}};
}

Result<std::vector<Event>> decide(const TenantState& s, const UnpublishProduct& c, const Context&) {
  auto it = s.publications.find(c.product_id);
  if (it == s.publications.end() || !it->second.published) {
    return conflict("not_published", "product " + c.product_id + " is not published", "product_id");
  }
  return CodeEvents{ProductUnpublished{c.product_id}};
}

}  // namespace agritrace::core
