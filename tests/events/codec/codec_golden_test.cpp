// Golden payload bytes. Payloads are hashed into every tenant's SHA-256 chain, so the encoder may
// never change a byte of an existing event type: tests/events/codec/codec_golden.txt holds the payload
// of one fully-populated and one minimal (default-constructed: empty strings, optionals unset)
// instance of every event type, as written by the hand-written codec before the declarative one
// replaced it. A line is `<type> <payload>`, in the order of samples() below.
#include <doctest/doctest.h>

#include <fstream>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include "events/codec/domain_codec.h"

namespace agritrace::events {
namespace {

using namespace core;  // NOLINT: test file

Date day(const char* text) { return *parse_date(text, "test"); }

CounterpartyRecord full_record() {
  return CounterpartyRecord{CounterpartyKind::kIndividual, {true, true}, "王五 \"q\"",
                            "91441322MA4UHK1P0J", "张三", "李四", "11010519491231002X",
                            "13800138000", "地址\n2", "广东省广州市"};
}

EntityRecord entity_record() {
  return EntityRecord{"江南\"果菜\"", "wholesale", "91440101MA59XYW12B", "11010519491231002X",
                      "440111", "地址\n2", "刘洋", "王芳", "13711112222"};
}

// Every field set (optionals engaged, strings non-empty, vectors of two).
std::vector<Event> full_samples() {
  const Quantity q{1'500, Unit::kGram};
  return {
      EnterpriseRegistered{"E1", "名\\称", "广东省", "key-1", std::string(64, 'a')},
      CounterpartyRegistered{"cp-1", full_record()},
      CounterpartyAmended{"cp-1", full_record()},
      CounterpartyPersonalDataErased{"cp-1", "本人申请"},
      PurchaseOrderCreated{"po-1", "荔枝", "cp-1", q, "SUP/1", day("2026-11-20"), day("2026-12-20"),
                           "tab\there", 1'200},
      PurchaseOrderAmended{"po-1", "荔枝", Quantity{5, Unit::kMillilitre}, "SUP/2", day("2026-11-21"),
                           day("2027-11-21"), "n", 1'100},
      PurchaseOrderCancelled{"po-1", "缺货"},
      PurchaseOrderReceived{"po-1", "lot-1", q, day("2026-11-25"), "荔枝", "cp-1", "SUP/1",
                            day("2026-11-20"), day("2026-12-20"), 550},
      BatchCreated{"b-1", "荔枝干", "LZ-1", Quantity{500, Unit::kPiece}, day("2026-11-25"),
                   day("2027-11-25"), "note", "veg-caixin"},
      BatchAmended{"b-1", "荔枝干", Quantity{480, Unit::kPiece}, day("2026-11-25"), day("2027-05-25"),
                   "复检"},
      BatchMaterialConsumed{"b-1", "lot-1", Quantity{-60, Unit::kGram}},
      BatchDocumentAttached{"b-1", std::string(64, 'f'), DocumentKind::kProductionRecord, "r.pdf",
                            "application/pdf", 123'456},
      SalesOrderCreated{"so-1", "cp-2", "b-1", "荔枝干", q, day("2026-11-25"), day("2027-11-25"), 0,
                        "含\"引号\"", "91440101MA59XYW12B", "mo-2"},
      SalesOrderAmended{"so-1", "cp-3", "b-1", "荔枝干", q, day("2026-11-25"), day("2027-11-26"),
                        1'234'500, "n"},
      SalesOrderCancelled{"so-2", "客户取消"},
      ShipmentRecorded{"sh-1", "so-1", "b-1", "LZ-1", "荔枝干", day("2026-11-25"), "cp-2", "超市",
                       "91440101MA59XYW12B", "91440101MA59XYW12C", "广东省广州市", true,
                       Quantity{6, Unit::kPiece}, 3, {"0123456789abcdef", "fedcba9876543210"},
                       "91441322MA4W000001", "b-7", "91440101MA59XYW12B", "mo-2", "WX4200001", 1'990},
      SalesOrderStatusChanged{"so-1", SalesOrderStatus::kCancelled, Quantity{6, Unit::kPiece}},
      RecallRaised{"rc-1", RecallScope::kCode, "lot-1", "农残超标", day("2026-11-25"), {"b-1", "b-2"}},
      CatalogueProductAdded{CatalogueProduct{"veg-caixin", "菜心", "vegetable", "kg", "6901234000016"}},
      MainVarietiesSet{{"veg-caixin", "tea-yingde-black"}},
      CodeTemplateCreated{"ct-1", "菜心 \"单件\"", "veg-caixin", "06901234000016", "https://t.cn",
                          SerialFormat::kHex, PackagingLevel::kCase, Quantity{500, Unit::kGram}},
      CodeRunStarted{"run-1", "ct-1", "b-3", "06901234000016", "CX-1", "https://t.cn",
                     SerialFormat::kHex, PackagingLevel::kPallet, Quantity{2, Unit::kPiece}, 3},
      CodesGenerated{"run-1", "b-3", 1, {"0123456789ABC", "DEFGHJKMNPQRS"}},
      CodeDisabled{"0123456789ABC", "run-1", "破损"},
      CodeEnabled{"0123456789ABC", "run-1"},
      CodeRunDisabled{"run-1", "r"},
      CodeRunEnabled{"run-1"},
      ProductPublished{"veg-caixin", "博罗县新鲜菜心"},
      ProductUnpublished{"veg-caixin"},
      MarketOrderPlaced{"mo-1", "91441322MA4W000001", "博罗农场", "菜心", "veg-caixin",
                        Quantity{100'000, Unit::kGram}, 80'000, day("2026-12-01"), "急", "广州批发",
                        "广东省广州市"},
      MarketOrderCancelled{"mo-2", "P", "不要了"},
      MarketOrderAccepted{"91440101MA59XYW12B", "mo-1", "so-4", "b-2"},
      MarketOrderDeclined{"91440101MA59XYW12B", "mo-3", "缺货"},
      GoodsReceived{"rcv-1", "lot-3", ReceiptSource::kManual, day("2026-11-26"), "T1", "博罗农场",
                    "sh-1", "b-1", "T0", "b-0", "mo-1", "cp-3", "张三", "菜心", "veg-caixin", "L1",
                    day("2026-11-25"), day("2026-12-05"), Quantity{1'000, Unit::kGram}, 500,
                    {"A", "B"}, {"C", "D"}, 12'000, "n"},
      StocktakeRecorded{"st-1", day("2026-11-30"), "月末盘点",
                        {{"lot-3", Quantity{500, Unit::kGram}, Quantity{480, Unit::kGram}, "损耗"},
                         {"b-1", Quantity{3, Unit::kPiece}, Quantity{3, Unit::kPiece}, "ok"}}},
      StockAdjusted{"lot-3", Quantity{-20, Unit::kGram}, "损耗", "st-1"},
      FinanceEntryRecorded{"fe-1", FinanceDirection::kExpense, 50'000, "rent", "cp-3", "张三",
                           "document:ab", day("2026-11-30"), "n", true},
      LineRegistered{"ln-1", "一号线"},
      DeviceRegistered{"dev-1", "ln-1", "Zebra", DeviceProtocol::kCoder, "10.0.3.17", 9100, 32},
      PrintJobQueued{"pj-1", "ln-1", "dev-1", "run-1", {"A1", "A2"}},
      PrintJobCodesSent{"pj-1", {"A1", "A2"}},
      PrintJobCodesPrinted{"pj-1", {"A1"}},
      PrintJobCodesVoided{"pj-1", {"A2"}, "job_cancelled"},
      PrintJobPaused{"pj-1", "paper_out"},
      PrintJobResumed{"pj-1", "r"},
      PrintJobFailed{"pj-1", "device_unreachable"},
      PrintJobCancelled{"pj-1", "operator"},
      PrintJobDone{"pj-1", "d"},
      UserCreated{"u-1", "boss", "administrator", "$argon2id$v=19$m=65536,t=2,p=1$c2FsdA$aGFzaA"},
      ApiKeyCreated{"key_a", "scanner", std::string(64, 'a'), "read", {"codes", "trace"}, 1'798'243'200'000},
      ApiKeyRotated{"key_a", std::string(64, 'b')},
      ApiKeyRevoked{"key_a", "lost"},
      PaymentNotified{"4200001234", "wechatpay", "ORDER-1", "EV-1", 2'580, "CNY", "2026-12-05T12:00:00+08:00",
                      day("2026-12-05"), {"so-1", "so-2"}, {"sh-1", "sh-2"}, {"b-1", "b-2"}, {"A", "B"}},
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
      ComplaintFiled{"TS202612050001", std::string(64, 'c'), "4200001234", 2'580, day("2026-12-05"),
                     {"b-1", "b-2"}, {"A", "B"}, "有异味", "13800138000",
                     {ComplaintImage{std::string(64, 'd'), "image/jpeg", 1'024, 640, 480},
                      ComplaintImage{std::string(64, 'e'), "image/png", 2'048, 10, 20}},
                     day("2026-12-05"), day("2026-12-14")},
      ComplaintStateChanged{"TS202612050001", "accepted", "regulator", "admin", "已受理", day("2026-12-30")},
      ComplaintRated{"TS202612050001", 4, "满意"},
      BureauRegistered{"gz-amr", "广州市市场监督管理局", "440100"},
      RegulatorUserCreated{"gz-amr", "ru-1", "li.sup", "supervisor", "$argon2id$v=19$h"},
      EntityFiled{"fe-1", "gz-amr", entity_record()},
      EntityAmended{"fe-1", "gba-amr", "440111", entity_record()},
      InspectionRecorded{"insp-1", "gz-amr", "fe-1", "440111", day("2026-12-05"), {"zhao.insp", "qian.insp"},
                         "zhao.insp", "v1", {{"1.1", "conforming", ""}, {"7.2", "nonconforming", "缺\"台账\""}},
                         "nonconforming", "记录不全", "限期整改", day("2026-12-20"), std::string(64, 'f')},
      RiskGradeAssigned{"fe-1", "gz-amr", "C", "高风险品种", day("2026-12-05")},
      InspectionDrawRecorded{"draw-1", "gz-amr", "li.sup", "00000000000004d2", "splitmix64+fisher-yates/v1", 1, 2,
                             "440100", {"retail"}, {"fe-1", "fe-2"}, {"a.insp", "b.insp", "c.insp"},
                             {{"a.insp", "fe-2"}}, {{"fe-2", {"c.insp", "b.insp"}}}},
  };
}

template <size_t... I>
std::vector<Event> minimal_samples(std::index_sequence<I...>) {
  return {Event{std::in_place_index<I>}...};
}

std::vector<Event> samples() {
  std::vector<Event> all = full_samples();
  for (Event& e : minimal_samples(std::make_index_sequence<std::variant_size_v<Event>>{})) {
    all.push_back(std::move(e));
  }
  // Quirks worth pinning: the market order's buyer is written with its id even when empty, and
  // not at all without the id.
  SalesOrderCreated so;
  so.mo_id = "mo-9";
  all.push_back(so);
  so = SalesOrderCreated{};
  so.mo_buyer_tenant = "T";
  all.push_back(so);
  ShipmentRecorded sh;
  sh.mo_id = "mo-9";
  all.push_back(sh);
  return all;
}

}  // namespace

TEST_CASE("every event type encodes to exactly the golden payload bytes") {
  std::ifstream in(AGRITRACE_SOURCE_DIR "/tests/events/codec/codec_golden.txt");
  REQUIRE(in.good());
  std::vector<std::string> golden;
  for (std::string line; std::getline(in, line);) golden.push_back(line);

  const std::vector<Event> all = samples();
  std::set<std::string_view> full_types, minimal_types;
  for (size_t i = 0; i < all.size(); ++i) {
    const std::string actual = std::string(event_type(all[i])) + " " + encode_event_payload(all[i]);
    const std::string expected = i < golden.size() ? golden[i] : std::string();
    CHECK_MESSAGE(actual == expected, "sample " << i << "\nactual: " << actual);
  }
  CHECK(golden.size() == all.size());
  for (size_t i = 0; i < std::variant_size_v<Event>; ++i) full_types.insert(event_type(all[i]));
  CHECK(full_types.size() == std::variant_size_v<Event>);  // a full sample of every type
}

TEST_CASE("every golden payload decodes back to its sample") {
  for (const Event& e : samples()) {
    const std::string json = encode_event_payload(e);
    auto decoded = decode_event_payload(event_type(e), json);
    REQUIRE_MESSAGE(decoded.ok(), decoded.status().to_string() << " for " << json);
    if (std::holds_alternative<SalesOrderCreated>(e) &&
        std::get<SalesOrderCreated>(e).mo_id.empty()) {
      // The buyer is not written without the id: it reads back empty.
      SalesOrderCreated expected = std::get<SalesOrderCreated>(e);
      expected.mo_buyer_tenant.clear();
      CHECK_MESSAGE(*decoded == Event{expected}, json);
    } else {
      CHECK_MESSAGE(*decoded == e, json);
    }
    CHECK(encode_event_payload(*decoded) == json);
  }
}

}  // namespace agritrace::events
