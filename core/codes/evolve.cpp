// The fold of the catalogue, code and publication events (core/codes/rules.h).
#include <fmt/format.h>

#include <unordered_set>

#include "core/codes/rules.h"
#include "core/base/identifiers.h"
#include "core/base/rule_errors.h"
#include "core/domain/decide.h"

namespace agritrace::core {

void evolve(TenantState& s, const CatalogueProductAdded& e) {
  s.catalogue[e.product.product_id] = e.product;
}

void evolve(TenantState& s, const MainVarietiesSet& e) {
  s.main_varieties.clear();
  s.main_varieties.insert(e.product_ids.begin(), e.product_ids.end());
}

void evolve(TenantState& s, const CodeTemplateCreated& e) {
  observe_id(s.code_counters.code_template, e.template_id, "ct-");
  s.code_templates[e.template_id] = CodeTemplateState{e.name, e.product_id, e.gtin14, e.base_url,
                                                      e.serial_format, e.packaging_level,
                                                      e.quantity_per_code};
}

void evolve(TenantState& s, const CodeRunStarted& e) {
  observe_id(s.code_counters.code_run, e.run_id, "run-");
  CodeRunState run;
  run.template_id = e.template_id;
  run.batch_id = e.batch_id;
  run.gtin = e.gtin14;
  run.lot_code = e.lot_code;
  s.code_runs[e.run_id] = std::move(run);
}

void evolve(TenantState& s, const CodesGenerated& e) {
  auto run = s.code_runs.find(e.run_id);
  const bool run_disabled = run != s.code_runs.end() && run->second.disabled;
  if (run != s.code_runs.end()) run->second.count += static_cast<int64_t>(e.serials.size());
  for (const std::string& serial : e.serials) {
    s.codes.put(serial, TraceCodeState{e.run_id, e.batch_id, run_disabled, false});
  }
}

void evolve(TenantState& s, const CodeDisabled& e) {
  auto code = s.codes.find(e.serial);
  if (!code) return;
  code->disabled = true;
  code->disabled_individually = true;
  s.codes.put(e.serial, *code);
}

void evolve(TenantState& s, const CodeEnabled& e) {
  auto code = s.codes.find(e.serial);
  if (!code) return;
  code->disabled_individually = false;
  auto run = s.code_runs.find(code->run_id);
  code->disabled = run != s.code_runs.end() && run->second.disabled;
  s.codes.put(e.serial, *code);
}

// Run toggles are rare: each rewrites every code of the run.
static void set_run_disabled(TenantState& s, const std::string& run_id, bool disabled) {
  auto run = s.code_runs.find(run_id);
  if (run == s.code_runs.end()) return;
  run->second.disabled = disabled;
  for (const std::string& serial : s.codes.run_serials(run_id)) {
    auto code = s.codes.find(serial);
    if (!code) continue;
    code->disabled = disabled || code->disabled_individually;
    s.codes.put(serial, *code);
  }
}

void evolve(TenantState& s, const CodeRunDisabled& e) { set_run_disabled(s, e.run_id, true); }
void evolve(TenantState& s, const CodeRunEnabled& e) { set_run_disabled(s, e.run_id, false); }

void evolve(TenantState& s, const ProductPublished& e) { s.publications[e.product_id].published = true; }
void evolve(TenantState& s, const ProductUnpublished& e) {
  s.publications[e.product_id].published = false;
}

}  // namespace agritrace::core
