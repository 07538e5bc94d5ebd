// Pure rule tests of the catalogue and main varieties, trace codes,
// publishing and the GS1 Digital Link parser.
#include <doctest/doctest.h>

#include "core/base/identifiers.h"
#include "core/codes/rules.h"
#include "core/domain/write_model.h"
#include "tests/core/domain/domain_fixture.h"

namespace agritrace::core::testing {
namespace {

struct CodesHarness : Harness {
  WriteModel world;  // the platform's catalogue, read by the rules through ctx.facts
  TenantState& platform = world[kPlatformTenant];
  CodesHarness() {
    ctx.facts = &world;
    Context pctx = ctx;
    pctx.tenant = std::string(kPlatformTenant);
    auto events = decide(platform, LoadCatalogue{{{"veg-caixin", "菜心", "vegetable", "kg", "6901234000016"},
                                                  {"tea-yingde-black", "英德红茶", "tea", "盒", "6901234000467"}}},
                         pctx);
    REQUIRE(events.ok());
    for (const auto& e : *events) evolve(platform, e);
    register_enterprise();
  }
  std::string batch(const char* lot, const char* product_id = "") {
    CreateBatch b{"", lot, Quantity{10, Unit::kPiece}, day("2026-11-20"), std::nullopt, "", product_id};
    if (*product_id == 0) b.product = "菜心";
    return must(b);
  }
  Result<std::vector<Event>> generate(const std::string& tpl, const std::string& batch_id, int64_t count,
                                      char fill = 0) {
    std::string bytes(static_cast<size_t>(count) * kSerialRandomBytes, fill);
    for (size_t i = 0; fill == 0 && i < bytes.size(); ++i) bytes[i] = static_cast<char>((i * 7919 + i / 9 * 31) & 0xff);
    // Unique per code: write the index into the first bytes of each code.
    for (int64_t i = 0; fill == 0 && i < count; ++i) {
      for (int k = 0; k < 4; ++k) bytes[static_cast<size_t>(i) * kSerialRandomBytes + k] = static_cast<char>((i >> (8 * k)) & 0xff);
    }
    return apply(GenerateCodes{tpl, batch_id, count, bytes});
  }
};

}  // namespace

TEST_CASE("GS1 Digital Link: URIs and paths parse, bad check digits and syntax are refused") {
  auto full = parse_digital_link("https://trace.agritrace.cn/01/06901234000016/10/CX-1/21/0123456789ABC?17=271231");
  REQUIRE(full.ok());
  CHECK(full->gtin14 == "06901234000016");
  CHECK(full->lot == "CX-1");
  CHECK(full->serial == "0123456789ABC");
  auto path = parse_digital_link("/01/6901234000016/10/A%2FB/21/x1");
  REQUIRE(path.ok());
  CHECK(path->gtin14 == "06901234000016");  // GTIN-13 padded to 14
  CHECK(path->lot == "A/B");
  CHECK(parse_digital_link("http://h/prefix/01/06901234000016/10/L/21/S").ok());
  CHECK(parse_digital_link("/01/06901234000017/10/L/21/S").error().reason == "gtin_check_failed");
  CHECK(parse_digital_link("/01/06901234000016/21/S/10/L").error().reason == "digital_link_syntax");
  CHECK(parse_digital_link("/01/06901234000016/10/L").error().reason == "digital_link_syntax");
  CHECK(parse_digital_link("garbage").error().reason == "digital_link_syntax");
  CHECK(format_digital_link("https://t.cn", "06901234000016", "A/B", "S") == "https://t.cn/01/06901234000016/10/A%2FB/21/S");
  CHECK(gtin_check_digit("690123400001") == '6');
}

TEST_CASE("R-4.2.5 serials: 13 Crockford base32 or 16 hex characters from the random bytes") {
  const uint8_t ones[kSerialRandomBytes] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
  CHECK(make_serial(SerialFormat::kBase32, ones) == "ZZZZZZZZZZZZZ");
  CHECK(make_serial(SerialFormat::kHex, ones) == "ffffffffffffffff");
  const uint8_t zeros[kSerialRandomBytes] = {};
  CHECK(make_serial(SerialFormat::kBase32, zeros) == "0000000000000");
  CHECK(is_valid_serial(SerialFormat::kBase32, "0123456789ABC"));
  CHECK_FALSE(is_valid_serial(SerialFormat::kBase32, "0123456789ABI"));  // no I in Crockford
}

TEST_CASE("R-4.2.7 the catalogue load appends only what the ledger lacks") {
  CodesHarness h;
  Context pctx = h.ctx;
  pctx.tenant = std::string(kPlatformTenant);
  auto again = decide(h.platform, LoadCatalogue{{{"veg-caixin", "菜心", "vegetable", "kg", "6901234000016"}}}, pctx);
  CHECK(reason(again) == "catalogue_up_to_date");
  auto more = decide(h.platform,
                     LoadCatalogue{{{"veg-caixin", "菜心", "vegetable", "kg", "6901234000016"},
                                    {"egg-chicken", "鸡蛋", "egg", "盒", "6901234000375"}}},
                     pctx);
  REQUIRE(more.ok());
  CHECK(more->size() == 1);
  auto bad_gtin = decide(h.platform, LoadCatalogue{{{"x", "X", "egg", "盒", "6901234000376"}}}, pctx);
  CHECK(reason(bad_gtin) == "gtin_check_failed");
  CHECK(bad_gtin.error().field == "products[0].gtin");
  CHECK(reason(decide(h.state, LoadCatalogue{{}}, h.ctx)) == "platform_only");
}

TEST_CASE("R-4.2.7 main varieties name catalogue products, batches may name a main variety") {
  CodesHarness h;
  auto unknown = h.apply(SetMainVarieties{{"veg-caixin", "tea-yingde-black", "veg-caixin", "nope"}});
  CHECK(reason(unknown) == "product_id_duplicate");
  CHECK(unknown.error().field == "product_ids[2]");
  auto missing = h.apply(SetMainVarieties{{"veg-caixin", "nope"}});
  CHECK(reason(missing) == "catalogue_product_unknown");
  CHECK(missing.error().field == "product_ids[1]");
  CHECK(reason(h.apply(CreateBatch{"", "L1", Quantity{1, Unit::kPiece}, day("2026-11-20"), std::nullopt, "",
                                   "veg-caixin"})) == "not_a_main_variety");
  CHECK(h.must(SetMainVarieties{{"veg-caixin"}}) == "main-varieties");
  CHECK(h.batch("L1", "veg-caixin") == "b-1");
  CHECK(h.state.batches.at("b-1").product == "菜心");  // the catalogue name when no free text
  CHECK(reason(h.apply(CreateBatch{"", "L2", Quantity{1, Unit::kPiece}, day("2026-11-20"), std::nullopt, "",
                                   "ghost"})) == "catalogue_product_unknown");
  CHECK(h.batch("L3") == "b-2");  // free text still works
}

TEST_CASE("R-4.2.5 code generation: chunks of 5,000, templates checked, disable and enable rules") {
  CodesHarness h;
  h.must(SetMainVarieties{{"veg-caixin"}});
  h.batch("L1", "veg-caixin");
  CHECK(reason(h.apply(CreateCodeTemplate{"t", "", "", "https://t.cn", SerialFormat::kBase32, PackagingLevel::kItem,
                                          Quantity{1, Unit::kPiece}})) == "gtin_required");
  CHECK(reason(h.apply(CreateCodeTemplate{"t", "", "06901234000017", "https://t.cn", SerialFormat::kBase32,
                                          PackagingLevel::kItem, Quantity{1, Unit::kPiece}})) == "gtin_check_failed");
  CHECK(reason(h.apply(CreateCodeTemplate{"t", "veg-caixin", "", "ftp://t.cn", SerialFormat::kBase32,
                                          PackagingLevel::kItem, Quantity{1, Unit::kPiece}})) == "base_url_invalid");
  CHECK(h.must(CreateCodeTemplate{"t", "veg-caixin", "", "https://t.cn", SerialFormat::kBase32, PackagingLevel::kItem,
                                  Quantity{1, Unit::kPiece}}) == "ct-1");
  CHECK(h.state.code_templates.at("ct-1").gtin14 == "06901234000016");

  CHECK(reason(h.generate("ct-9", "b-1", 1)) == "code_template_not_found");
  CHECK(reason(h.generate("ct-1", "b-9", 1)) == "batch_not_found");
  CHECK(reason(h.generate("ct-1", "b-1", 0)) == "code_count_invalid");
  CHECK(reason(h.generate("ct-1", "b-1", kMaxCodesPerRun + 1)) == "code_count_invalid");
  CHECK(reason(h.generate("ct-1", "b-1", 2, 'x')) == "serial_collision");  // equal bytes, equal serials

  auto run = h.generate("ct-1", "b-1", 12'001);
  REQUIRE(run.ok());
  REQUIRE(run->size() == 4);  // started + 5,000 + 5,000 + 2,001
  CHECK(std::get<CodesGenerated>((*run)[3]).serials.size() == 2'001);
  CHECK(std::get<CodesGenerated>((*run)[3]).chunk == 2);
  CHECK(h.state.codes.run_serials("run-1").size() == 12'001);
  const CodeRunState& rs = h.state.code_runs.at("run-1");
  CHECK(rs.count == 12'001);
  CHECK(rs.lot_code == "L1");
  CHECK(rs.gtin == "06901234000016");
  const std::string a = std::get<CodesGenerated>((*run)[1]).serials[0];
  const std::string b = std::get<CodesGenerated>((*run)[1]).serials[1];
  CHECK(h.state.codes.find(a)->batch_id == "b-1");

  CHECK(reason(h.apply(DisableCode{"nope", ""})) == "code_not_found");
  CHECK(reason(h.apply(EnableCode{a})) == "code_not_disabled");
  CHECK(h.must(DisableCode{a, "破损"}) == a);
  CHECK(h.state.codes.find(a)->disabled);
  CHECK(reason(h.apply(DisableCode{a, ""})) == "code_already_disabled");

  CHECK(reason(h.apply(EnableCodeRun{"run-1"})) == "code_run_not_disabled");
  CHECK(h.must(DisableCodeRun{"run-1", "召回"}) == "run-1");
  CHECK(h.state.codes.find(b)->disabled);
  CHECK(reason(h.apply(DisableCodeRun{"run-1", ""})) == "code_run_already_disabled");
  CHECK(reason(h.apply(EnableCode{b})) == "code_run_disabled");
  CHECK(reason(h.apply(DisableCode{b, ""})) == "code_already_disabled");
  CHECK(h.must(EnableCodeRun{"run-1"}) == "run-1");
  CHECK_FALSE(h.state.codes.find(b)->disabled);
  CHECK(h.state.codes.find(a)->disabled);  // disabled on its own: stays disabled
  CHECK(h.must(EnableCode{a}) == a);
  CHECK_FALSE(h.state.codes.find(a)->disabled);
  CHECK(reason(h.apply(DisableCodeRun{"run-9", ""})) == "code_run_not_found");
}

TEST_CASE("R-4.2.9 only main varieties are published, withdrawing needs a publication") {
  CodesHarness h;
  CHECK(reason(h.apply(PublishProduct{"ghost", ""})) == "catalogue_product_unknown");
  CHECK(reason(h.apply(PublishProduct{"veg-caixin", ""})) == "not_a_main_variety");
  h.must(SetMainVarieties{{"veg-caixin"}});
  CHECK(reason(h.apply(UnpublishProduct{"veg-caixin"})) == "not_published");
  CHECK(h.must(PublishProduct{"veg-caixin", "新鲜菜心"}) == "veg-caixin");
  CHECK(h.must(UnpublishProduct{"veg-caixin"}) == "veg-caixin");
  CHECK(reason(h.apply(UnpublishProduct{"veg-caixin"})) == "not_published");
}

}  // namespace agritrace::core::testing
