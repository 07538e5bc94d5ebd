#include <doctest/doctest.h>

#include <set>
#include <vector>

#include "events/codec/domain_codec.h"
#include "tests/support/test_clock.h"

namespace agritrace::events {
namespace {

using namespace core;  // NOLINT: test file

Date day(const char* text) { return *parse_date(text, "test"); }

CounterpartyRecord enterprise() {
  CounterpartyRecord r;
  r.kind = CounterpartyKind::kEnterprise;
  r.roles = {true, true};
  r.name = "博罗县绿源农业有限公司 \"quoted\"";
  r.uscc = "91441322MA4UHK1P0J";
  r.legal_representative = "张三";
  r.contact_person = "李四";
  r.phone = "0752-6123456";
  r.address = "广东省惠州市博罗县\n罗阳街道";
  return r;
}

CounterpartyRecord individual() {
  CounterpartyRecord r;
  r.kind = CounterpartyKind::kIndividual;
  r.roles = {true, false};
  r.name = "王五";
  r.id_number = "11010519491231002X";
  r.phone = "13800138000";
  return r;
}

// One sample of every event type, with awkward values (unicode, escapes, null dates).
std::vector<Event> samples() {
  return {
      EnterpriseRegistered{"91350100M000100Y43", "惠州市罗浮山食品有限公司", "广东省惠州市博罗县",
                           "key-1", std::string(64, 'a')},
      CounterpartyRegistered{"cp-1", enterprise()},
      CounterpartyRegistered{"cp-2", individual()},
      CounterpartyAmended{"cp-1", enterprise()},
      CounterpartyPersonalDataErased{"cp-1", "本人申请删除个人信息"},
      PurchaseOrderCreated{"po-1", "荔枝", "cp-1", Quantity{100'000, Unit::kGram}, "SUP/11",
                           day("2026-11-20"), day("2026-12-20"), "tab\there"},
      PurchaseOrderAmended{"po-1", "花生油", Quantity{5000, Unit::kMillilitre}, "",
                           day("2026-11-21"), day("2027-11-21"), ""},
      PurchaseOrderCancelled{"po-1", "供应商缺货"},
      PurchaseOrderCreated{"po-2", "荔枝", "cp-1", Quantity{100'000, Unit::kGram}, "", day("2026-11-20"),
                           day("2026-12-20"), "", 1'200'000},
      PurchaseOrderAmended{"po-2", "荔枝", Quantity{90'000, Unit::kGram}, "", day("2026-11-21"),
                           day("2027-11-21"), "", 1'100'000},
      PurchaseOrderReceived{"po-2", "lot-2", Quantity{45'000, Unit::kGram}, day("2026-11-25"), "荔枝",
                            "cp-1", "", day("2026-11-20"), day("2026-12-20"), 550'000},
      PurchaseOrderReceived{"po-1", "lot-1", Quantity{95'000, Unit::kGram}, day("2026-11-25"), "荔枝",
                            "cp-1", "SUP/11", day("2026-11-20"), day("2026-12-20")},
      BatchCreated{"b-1", "荔枝干", "LZ-20261125", Quantity{500, Unit::kPiece}, day("2026-11-25"),
                   day("2027-11-25"), "note"},
      BatchCreated{"b-2", "荔枝干", "LZ-2", Quantity{1, Unit::kPiece}, day("2026-11-25"),
                   std::nullopt, ""},
      BatchAmended{"b-1", "荔枝干(特级)", Quantity{480, Unit::kPiece}, day("2026-11-25"),
                   std::nullopt, "复检"},
      BatchAmended{"b-1", "荔枝干", Quantity{480, Unit::kPiece}, day("2026-11-25"),
                   day("2027-05-25"), ""},
      BatchMaterialConsumed{"b-1", "lot-1", Quantity{60'000, Unit::kGram}},
      BatchDocumentAttached{"b-1", std::string(64, 'f'), DocumentKind::kInspectionReport,
                            "检验报告.pdf", "application/pdf", 123'456},
      BatchDocumentAttached{"b-1", std::string(64, 'e'), DocumentKind::kProductionRecord, "r.xlsx",
                            "application/vnd.ms-excel", 1},
      // R-4.2.5, R-4.2.7, R-4.2.9
      BatchCreated{"b-3", "菜心", "CX-1", Quantity{1, Unit::kPiece}, day("2026-11-25"), std::nullopt, "",
                   "veg-caixin"},
      CatalogueProductAdded{CatalogueProduct{"veg-caixin", "菜心", "vegetable", "kg", "6901234000016"}},
      MainVarietiesSet{{"veg-caixin", "tea-yingde-black"}},
      MainVarietiesSet{{}},
      CodeTemplateCreated{"ct-1", "菜心 \"单件\"", "veg-caixin", "06901234000016", "https://trace.agritrace.cn",
                          SerialFormat::kHex, PackagingLevel::kCase, Quantity{500, Unit::kGram}},
      CodeRunStarted{"run-1", "ct-1", "b-3", "06901234000016", "CX-1", "https://trace.agritrace.cn",
                     SerialFormat::kBase32, PackagingLevel::kPallet, Quantity{2, Unit::kPiece}, 3},
      CodesGenerated{"run-1", "b-3", 1, {"0123456789ABC", "DEFGHJKMNPQRS", "TVWXYZ0123456"}},
      CodeDisabled{"0123456789ABC", "run-1", "破损"},
      CodeEnabled{"0123456789ABC", "run-1"},
      CodeRunDisabled{"run-1", ""},
      CodeRunEnabled{"run-1"},
      ProductPublished{"veg-caixin", "博罗县新鲜菜心"},
      ProductUnpublished{"veg-caixin"},
      // R-4.2.3 / R-4.2.4
      SalesOrderCreated{"so-1", "cp-2", "b-1", "荔枝干", Quantity{40, Unit::kPiece}, day("2026-11-25"),
                        day("2027-11-25"), 1'234'500, "含\"引号\""},
      SalesOrderCreated{"so-2", "cp-2", "b-2", "x", Quantity{1, Unit::kPiece}, day("2026-11-25"),
                        std::nullopt, std::nullopt, ""},
      SalesOrderAmended{"so-1", "cp-3", "b-1", "荔枝干", Quantity{41, Unit::kPiece}, day("2026-11-25"),
                        std::nullopt, 0, ""},
      SalesOrderCancelled{"so-2", "客户取消"},
      ShipmentRecorded{"sh-1", "so-1", "b-1", "LZ-20261125", "荔枝干", day("2026-11-25"), "cp-2",
                       "广州市鲜果超市", "91440101MA59XYW12B", "91440101MA59XYW12B", "广东省广州市",
                       false, Quantity{6, Unit::kPiece}, 3, {"0123456789abcdef", "fedcba9876543210"}},
      ShipmentRecorded{"sh-2", "so-1", "b-1", "L", "P", day("2026-11-25"), "cp-4", "王五", "", "", "",
                       true, Quantity{500, Unit::kGram}, 500, {"A"}},
      SalesOrderStatusChanged{"so-1", SalesOrderStatus::kPartiallyShipped, Quantity{6, Unit::kPiece}},
      SalesOrderStatusChanged{"so-1", SalesOrderStatus::kShipped, Quantity{41, Unit::kPiece}},
      RecallRaised{"rc-1", RecallScope::kLot, "lot-1", "农残超标", day("2026-11-25"), {"b-1", "b-2"}},
      RecallRaised{"rc-2", RecallScope::kCode, "0123456789abcdef", "破损", day("2026-11-25"), {"b-1"}},
      // R-4.3.x: the circulation end, and the fields it added to older events
      SalesOrderCreated{"so-3", "cp-5", "b-1", "菜心", Quantity{10, Unit::kGram}, day("2026-11-25"),
                        std::nullopt, 100, "", "91440101MA59XYW12B", "mo-2"},
      ShipmentRecorded{"sh-3", "so-3", "lot-2", "L", "P", day("2026-11-25"), "cp-4", "王五", "", "",
                       "", true, Quantity{500, Unit::kGram}, 500, {"B"}, "91441322MA4W000001",
                       "b-7", "91440101MA59XYW12B", "mo-2", "WX4200001", 1'990},
      MarketOrderPlaced{"mo-1", "91441322MA4W000001", "博罗农场", "菜心", "veg-caixin",
                        Quantity{100'000, Unit::kGram}, 80'000, day("2026-12-01"), "急", "广州批发",
                        "广东省广州市"},
      MarketOrderPlaced{"mo-2", "P", "N", "x", "", Quantity{1, Unit::kPiece}, std::nullopt,
                        std::nullopt, "", "B", ""},
      MarketOrderCancelled{"mo-2", "P", "不要了"},
      MarketOrderAccepted{"91440101MA59XYW12B", "mo-1", "so-4", "b-2"},
      MarketOrderDeclined{"91440101MA59XYW12B", "mo-3", "缺货"},
      GoodsReceived{"rcv-1", "lot-3", ReceiptSource::kScan, day("2026-11-26"), "91441322MA4W000001",
                    "博罗农场", "sh-1", "b-1", "91441322MA4W000001", "b-1", "mo-1", "", "", "菜心",
                    "veg-caixin", "L1", day("2026-11-25"), testing::test_date(0),
                    Quantity{1'000, Unit::kGram}, 500, {"A", "B"}, {"C"}, 12'000, ""},
      GoodsReceived{"rcv-2", "lot-4", ReceiptSource::kManual, day("2026-11-26"), "", "", "", "", "",
                    "", "", "cp-3", "张三", "鸡蛋", "", "", day("2026-11-25"), std::nullopt,
                    Quantity{30, Unit::kPiece}, 0, {}, {}, std::nullopt, "散户"},
      StocktakeRecorded{"st-1", day("2026-11-30"), "月末盘点",
                        {{"lot-3", Quantity{500, Unit::kGram}, Quantity{480, Unit::kGram}, "损耗"},
                         {"b-1", Quantity{3, Unit::kPiece}, Quantity{3, Unit::kPiece}, ""}}},
      StockAdjusted{"lot-3", Quantity{-20, Unit::kGram}, "损耗", "st-1"},
      FinanceEntryRecorded{"fe-1", FinanceDirection::kExpense, 50'000, "rent", "cp-3", "张三",
                           "document:ab", day("2026-11-30"), "", false},
      FinanceEntryRecorded{"fe-2", FinanceDirection::kIncome, 1'990, "sales", "", "", "shipment:sh-3",
                           day("2026-11-30"), "", true},
      LineRegistered{"ln-1", "一号线"},
      DeviceRegistered{"dev-1", "ln-1", "Zebra", DeviceProtocol::kZpl, "10.0.3.17", 9100, 0},
      PrintJobQueued{"pj-1", "ln-1", "dev-1", "", {"A1", "A2"}},
      PrintJobCodesSent{"pj-1", {"A1", "A2"}},
      PrintJobCodesPrinted{"pj-1", {"A1"}},
      PrintJobCodesVoided{"pj-1", {"A2"}, "in_doubt_after_disconnect"},
      PrintJobPaused{"pj-1", "connection_lost"},
      PrintJobResumed{"pj-1", ""},
      PrintJobFailed{"pj-1", "device_unreachable"},
      PrintJobCancelled{"pj-1", "operator"},
      PrintJobDone{"pj-1", ""},
      UserCreated{"u-1", "boss", "administrator", "$argon2id$v=19$m=65536,t=2,p=1$c2FsdA$aGFzaA"},
      ApiKeyCreated{"key_a", "scanner", std::string(64, 'a'), "read", {"codes", "trace"}, 1'798'243'200'000},
      ApiKeyRotated{"key_a", std::string(64, 'b')},
      ApiKeyRevoked{"key_a", "lost"},
      PaymentNotified{"4200001234", "wechatpay", "ORDER-1", "EV-1", 2'580, "CNY", "2026-12-05T12:00:00+08:00",
                      testing::test_date(0), {"so-1", "so-2"}, {"sh-1", "sh-2"}, {"b-1", "b-2"}, {"A", "B"}},
      SamplingResultRecorded{"sr-1", SamplingRecord{"DBJ26-1", "第47期", day("2026-12-04"), "超市", "广东省深圳市",
                                                    "鲜达", "91441900MA51ABCD7J", "广东省东莞市", "菜心", "500g",
                                                    day("2026-11-20"), "LZ-A", "不合格",
                                                    {{"腐霉利", "0.52mg/kg", "≤0.2mg/kg"}, {"毒死蜱", "0.08", "≤0.05"}},
                                                    "蔬菜", "叶菜类", "广东省局", "检验所"}},
      SamplingResultFinalised{"sr-1"},
      SamplingResultCorrected{"sr-1", SamplingRecord{"DBJ26-1", "第47期", day("2026-12-04"), "超市", "", "鲜达", "",
                                                     "", "菜心", "", std::nullopt, "", "合格", {}, "", "", "",
                                                     "检验所"},
                              "复检"},
      SamplingResultWithdrawn{"sr-1", "撤销"},
      ComplaintFiled{"TS202612050001", std::string(64, 'c'), "4200001234", 2'580, testing::test_date(0),
                     {"b-1", "b-2"}, {"A", "B"}, "有异味", "13800138000",
                     {ComplaintImage{std::string(64, 'd'), "image/jpeg", 1'024, 640, 480},
                      ComplaintImage{std::string(64, 'e'), "image/png", 2'048, 10, 20}},
                     testing::test_date(0), testing::test_date(9)},
      ComplaintStateChanged{"TS202612050001", "accepted", "regulator", "admin", "已受理", testing::test_date(25)},
      ComplaintRated{"TS202612050001", 4, "满意"},
      BureauRegistered{"gz-amr", "广州市市场监督管理局", "440100"},
      RegulatorUserCreated{"gz-amr", "ru-1", "li.sup", "supervisor", "$argon2id$v=19$h"},
      EntityFiled{"fe-1", "gz-amr",
                  EntityRecord{"陈记", "retail", "", "441322197806151238", "441322", "罗阳镇",
                               "", "陈国强", "13800138000"}},
      EntityAmended{"fe-1", "gba-amr", "441322",
                    EntityRecord{"江南", "wholesale", "91440101MA59XYW12B", "", "440111", "白云区",
                                 "刘洋", "王芳", "13711112222"}},
      InspectionRecorded{"insp-1", "gz-amr", "fe-1", "440111", testing::test_date(0), {"zhao.insp", "qian.insp"},
                         "zhao.insp", "v1", {{"1.1", "conforming", ""}, {"7.2", "basically_conforming", "缺"}},
                         "basically_conforming", "记录不全", "补齐", std::nullopt, std::string(64, 'f')},
      RiskGradeAssigned{"fe-1", "gz-amr", "D", "", testing::test_date(0)},
      InspectionDrawRecorded{"draw-1", "gz-amr", "li.sup", "ffffffffffffffff", "splitmix64+fisher-yates/v1", 2, 3,
                             "", {}, {"fe-1", "fe-2", "fe-10"}, {"a", "b", "c"}, {},
                             {{"fe-10", {"c", "a", "b"}}, {"fe-1", {"b", "c", "a"}}}},
  };
}

}  // namespace

TEST_CASE("R-4.2.1 R-4.2.2 R-4.2.5 R-4.2.7 R-4.2.8 R-4.2.9 every event type round-trips through its JSON payload") {
  std::set<std::string_view> types;
  for (const Event& e : samples()) {
    const std::string json = encode_event_payload(e);
    auto decoded = decode_event_payload(event_type(e), json);
    REQUIRE_MESSAGE(decoded.ok(), std::string(decoded.status().to_string() + " for " + json));
    CHECK_MESSAGE(*decoded == e, json);
    CHECK(encode_event_payload(*decoded) == json);  // byte-stable
    types.insert(event_type(e));
  }
  CHECK(types.size() == std::variant_size_v<Event>);
}

TEST_CASE("payloads have a fixed, documented shape") {
  CHECK(encode_event_payload(BatchMaterialConsumed{"b-1", "lot-1", Quantity{60, Unit::kGram}}) ==
        R"({"batch_id":"b-1","lot_id":"lot-1","quantity":{"amount":60,"unit":"g"}})");
  CHECK(encode_event_payload(BatchCreated{"b-2", "P", "L2", Quantity{1, Unit::kPiece},
                                          day("2026-11-25"), std::nullopt, ""}) ==
        R"({"batch_id":"b-2","product":"P","lot_code":"L2","quantity":{"amount":1,"unit":"piece"},)"
        R"("production_date":"2026-11-25","expiry_date":null,"note":""})");
  CHECK(encode_event_payload(CounterpartyRegistered{"cp-2", individual()}) ==
        R"({"counterparty_id":"cp-2","kind":"individual","roles":["supplier"],"name":"王五",)"
        R"("uscc":"","legal_representative":"","contact_person":"","id_number":"11010519491231002X",)"
        R"("phone":"13800138000","address":""})");
}

TEST_CASE("decoding ignores key order and unknown keys") {
  auto e = decode_event_payload(
      "batch.material_consumed",
      R"({"extra":{"a":[1,2]},"quantity":{"unit":"ml","amount":5},"lot_id":"lot-2","batch_id":"b-3"})");
  REQUIRE(e.ok());
  CHECK(std::get<BatchMaterialConsumed>(*e) ==
        BatchMaterialConsumed{"b-3", "lot-2", Quantity{5, Unit::kMillilitre}});
}

TEST_CASE("decoding an unknown event type is refused") {
  auto e = decode_event_payload("future.unknown_type", "{}");
  REQUIRE_FALSE(e.ok());
  CHECK(e.error().reason == "unknown_event_type");
  CHECK(e.error().code == ErrorCode::kInternal);
}

TEST_CASE("decoding a malformed payload is corruption") {
  const std::string good = encode_event_payload(
      BatchMaterialConsumed{"b-1", "lot-1", Quantity{60, Unit::kGram}});
  for (const std::string& bad : {
           std::string("{not json"),
           std::string(""),
           std::string("[]"),
           std::string("null"),
           good.substr(0, good.size() / 2),
           std::string(R"({"lot_id":"lot-1","quantity":{"amount":60,"unit":"g"}})"),      // missing
           std::string(R"({"batch_id":7,"lot_id":"lot-1","quantity":{"amount":60,"unit":"g"}})"),
           std::string(R"({"batch_id":"b","lot_id":"l","quantity":{"amount":"60","unit":"g"}})"),
           std::string(R"({"batch_id":"b","lot_id":"l","quantity":{"amount":60,"unit":"kg"}})"),
           std::string(R"({"batch_id":"b","lot_id":"l","quantity":{"amount":1.5,"unit":"g"}})"),
       }) {
    auto e = decode_event_payload("batch.material_consumed", bad);
    CHECK_MESSAGE(!e.ok(), bad);
    if (!e.ok()) {
      CHECK(e.error().code == ErrorCode::kCorruption);
      CHECK(e.error().reason == "payload_invalid");
    }
  }
  auto bad_date = decode_event_payload(
      "purchase_order.cancelled", R"({"po_id":"po-1"})");
  CHECK(bad_date.error().field == "reason");
  auto bad_enum = decode_event_payload(
      "batch.document_attached",
      R"({"batch_id":"b-1","document_sha256":"x","kind":"invoice","filename":"f","media_type":"a/b","size_bytes":1})");
  CHECK(bad_enum.error().code == ErrorCode::kCorruption);
  CHECK(bad_enum.error().field == "kind");
  auto feb30 = decode_event_payload(
      "batch.amended",
      R"({"batch_id":"b-1","product":"p","quantity":{"amount":1,"unit":"piece"},"production_date":"2026-02-30","expiry_date":null,"note":""})");
  CHECK(feb30.error().code == ErrorCode::kCorruption);
  CHECK(feb30.error().field == "production_date");
  auto bad_role = decode_event_payload(
      "counterparty.registered",
      R"({"counterparty_id":"cp-1","kind":"individual","roles":["farmer"],"name":"","uscc":"","legal_representative":"","contact_person":"","id_number":"","phone":"","address":""})");
  CHECK(bad_role.error().field == "roles");
}

}  // namespace agritrace::events

namespace agritrace::events {

TEST_CASE("R-4.2.10 counterparty region is optional: old payloads without it still decode") {
  using namespace core;  // NOLINT: test
  auto old_payload = decode_event_payload(
      "counterparty.registered",
      R"({"counterparty_id":"cp-2","kind":"individual","roles":["customer"],"name":"王五","uscc":"",)"
      R"("legal_representative":"","contact_person":"","id_number":"11010519491231002X",)"
      R"("phone":"13800138000","address":""})");
  REQUIRE(old_payload.ok());
  CHECK(std::get<CounterpartyRegistered>(*old_payload).record.region.empty());
  CounterpartyRecord r = std::get<CounterpartyRegistered>(*old_payload).record;
  r.region = "广东省广州市";
  const std::string json = encode_event_payload(CounterpartyRegistered{"cp-2", r});
  CHECK(json.find(R"("region":"广东省广州市")") != std::string::npos);
  auto back = decode_event_payload("counterparty.registered", json);
  REQUIRE(back.ok());
  CHECK(std::get<CounterpartyRegistered>(*back).record.region == "广东省广州市");
}

}  // namespace agritrace::events

namespace agritrace::events {

// Each field policy of core/base/describe.h, read back: a bad value names its field.
TEST_CASE("decode errors name the field, for every field policy") {
  auto field_of = [](std::string_view type, std::string_view json) {
    auto e = decode_event_payload(type, json);
    REQUIRE_MESSAGE(!e.ok(), json);
    CHECK(e.error().code == ErrorCode::kCorruption);
    CHECK(e.error().reason == "payload_invalid");
    return e.error().field;
  };
  const std::string po_head =
      R"({"po_id":"po-1","material":"m","supplier_id":"cp-1","quantity":{"amount":1,"unit":"g"},)"
      R"("supplier_lot":"","production_date":"2026-11-20","expiry_date":"2026-12-20","note":"")";
  // kOmitWhenEmpty optional: absent or null reads as unset, a wrong type is refused.
  const std::vector<std::pair<std::string, std::optional<int64_t>>> prices = {
      {"}", std::nullopt}, {",\"price_fen\":null}", std::nullopt}, {",\"price_fen\":5}", 5}};
  for (const auto& [tail, price] : prices) {
    auto e = decode_event_payload("purchase_order.created", po_head + tail);
    REQUIRE_MESSAGE(e.ok(), tail);
    CHECK(std::get<core::PurchaseOrderCreated>(*e).price_fen == price);
  }
  CHECK(field_of("purchase_order.created", po_head + R"(,"price_fen":"5"})") == "price_fen");
  // kRequired date: missing, wrong type, impossible date.
  CHECK(field_of("purchase_order.cancelled", R"({"reason":"r"})") == "po_id");
  CHECK(field_of("batch.amended",
                 R"({"batch_id":"b","product":"p","quantity":{"amount":1,"unit":"g"},"note":"",)"
                 R"("expiry_date":null})") == "production_date");
  // kNullWhenAbsent: the key must be there (null or a value).
  const std::string so_head =
      R"({"so_id":"so-1","customer_id":"cp","batch_id":"b","product":"p",)"
      R"("quantity":{"amount":1,"unit":"g"},"production_date":"2026-11-20","note":"")";
  CHECK(field_of("sales_order.amended", so_head + R"(,"expiry_date":null})") == "price_fen");
  CHECK(field_of("sales_order.amended", so_head + R"(,"expiry_date":7,"price_fen":null})") ==
        "expiry_date");
  CHECK(field_of("sales_order.amended",
                 so_head + R"(,"expiry_date":"2026-13-01","price_fen":null})") == "expiry_date");
  // kOmitWhenEmpty / written_with strings: absent reads as "", a wrong type is refused.
  auto so = decode_event_payload("sales_order.created",
                                 so_head + R"(,"expiry_date":null,"price_fen":null})");
  REQUIRE(so.ok());
  CHECK(std::get<core::SalesOrderCreated>(*so).mo_buyer_tenant.empty());
  CHECK(field_of("sales_order.created",
                 so_head + R"(,"expiry_date":null,"price_fen":null,"mo_buyer_tenant":1})") ==
        "mo_buyer_tenant");
  // kInline record: its fields are read at the top level.
  const std::string cp =
      R"({"counterparty_id":"cp-1","kind":"individual","roles":["customer"],"name":"","uscc":"",)"
      R"("legal_representative":"","contact_person":"","id_number":"","phone":"","address":"")";
  CHECK(field_of("counterparty.amended", cp + R"(,"region":5})") == "region");
  CHECK(field_of("counterparty.amended", R"({"counterparty_id":"cp-1","kind":"company"})") == "kind");
  CHECK(field_of("catalogue.product_added",
                 R"({"product_id":"p","name":"n","category":"c","unit":"kg"})") == "gtin");
  // Arrays: of strings, and of described structs (the element's own key is named).
  CHECK(field_of("codes.generated", R"({"run_id":"r","batch_id":"b","chunk":0,"serials":["A",1]})") ==
        "serials");
  CHECK(field_of("codes.generated", R"({"run_id":"r","batch_id":"b","chunk":true,"serials":[]})") ==
        "chunk");
  CHECK(field_of("stocktake.recorded",
                 R"({"stocktake_id":"st-1","taken_on":"2026-11-30","note":"","lines":[)"
                 R"({"item_id":"b-1","expected":{"amount":1,"unit":"g"},"counted":{"amount":1},)"
                 R"("reason":""}]})") == "counted");
  CHECK(field_of("stocktake.recorded",
                 R"({"stocktake_id":"st-1","taken_on":"2026-11-30","note":"","lines":[1]})") ==
        "lines");
  CHECK(field_of("finance.entry_recorded",
                 R"({"entry_id":"fe-1","direction":"income","amount_fen":1,"category":"c",)"
                 R"("counterparty_id":"","counterparty_name":"","document":"","date":"2026-11-30",)"
                 R"("note":"","automatic":"yes"})") == "automatic");
}

}  // namespace agritrace::events
