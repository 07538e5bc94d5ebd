#include <doctest/doctest.h>

#include "tests/core/domain/domain_fixture.h"

namespace agritrace::core {
using namespace testing;  // NOLINT: test file

namespace {

Quantity kg(int64_t n) { return Quantity{n * 1000, Unit::kGram}; }

CreatePurchaseOrder po_of(std::string supplier_id, Quantity q = kg(100)) {
  return CreatePurchaseOrder{"荔枝", std::move(supplier_id), q, "SUP-2026-11",
                             day("2026-11-20"), day("2026-12-20"), ""};
}

CreateBatch batch_of(std::string lot_code) {
  return CreateBatch{"荔枝干", std::move(lot_code), Quantity{500, Unit::kPiece}, day("2026-11-25"),
                     day("2027-11-25"), ""};
}

const std::string kSha = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

}  // namespace

TEST_CASE("R-4.2.8 enterprise registration") {
  Harness h;
  SUBCASE("the USCC must be valid and the tenant's own") {
    auto bad = h.apply(RegisterEnterprise{"91350100M000100Y44", "x", "广东", "k", std::string(64, 'a')});
    CHECK(reason(bad) == "uscc_check_failed");
    CHECK(bad.error().field == "enterprise_id");
    auto other = h.apply(RegisterEnterprise{kSupplierUscc, "x", "广东", "k", std::string(64, 'a')});
    CHECK(reason(other) == "tenant_mismatch");
    CHECK(reason(h.apply(RegisterEnterprise{kTenant, "x", "广东", "k", "ABC"})) == "sha256_invalid");
    CHECK(reason(h.apply(RegisterEnterprise{kTenant, " ", "广东", "k", std::string(64, 'a')})) ==
          "value_required");
  }
  SUBCASE("once only") {
    h.register_enterprise();
    CHECK(h.state.registered);
    auto again = h.apply(RegisterEnterprise{kTenant, "x", "广东", "k", std::string(64, 'a')});
    CHECK(reason(again) == "enterprise_already_registered");
    CHECK(again.error().code == ErrorCode::kConflict);
  }
  SUBCASE("every other command needs a registered tenant") {
    auto r = h.apply(RegisterCounterparty{enterprise_supplier()});
    CHECK(reason(r) == "tenant_not_registered");
    CHECK(r.error().code == ErrorCode::kConflict);
    CHECK(reason(h.apply(CreateBatch{batch_of("L1")})) == "tenant_not_registered");
  }
}

TEST_CASE("R-4.2.8 enterprise counterparty needs a valid USCC") {
  Harness h;
  h.register_enterprise();
  auto ok = h.apply(RegisterCounterparty{enterprise_supplier()});
  REQUIRE(ok.ok());
  CHECK(event_type(ok->front()) == "counterparty.registered");
  CHECK(event_subject(ok->front()) == "cp-1");

  auto r = enterprise_supplier("91441322MA4UHK1P0K");
  auto bad = h.apply(RegisterCounterparty{r});
  CHECK(reason(bad) == "uscc_check_failed");
  CHECK(bad.error().field == "uscc");
  CHECK(bad.error().code == ErrorCode::kInvalidArgument);

  r = enterprise_supplier(kCustomerUscc);
  r.contact_person = "";
  CHECK(reason(h.apply(RegisterCounterparty{r})) == "value_required");
  r = enterprise_supplier(kCustomerUscc);
  r.phone = "12345";
  CHECK(reason(h.apply(RegisterCounterparty{r})) == "phone_invalid");
  r = enterprise_supplier(kCustomerUscc);
  r.name = "";
  CHECK(h.apply(RegisterCounterparty{r}).error().field == "name");
  r = enterprise_supplier(kCustomerUscc);
  r.roles = {};
  CHECK(reason(h.apply(RegisterCounterparty{r})) == "counterparty_roles_empty");
  r = enterprise_supplier(kCustomerUscc);
  r.id_number = kFarmerId;
  CHECK(reason(h.apply(RegisterCounterparty{r})) == "field_not_applicable");
  r = enterprise_supplier(kCustomerUscc);
  r.name = std::string(kMaxNameBytes + 1, 'n');
  CHECK(reason(h.apply(RegisterCounterparty{r})) == "value_too_long");
}

TEST_CASE("R-4.2.8 individual counterparty needs a valid resident ID number") {
  Harness h;
  h.register_enterprise();
  auto r = individual_supplier("11010519491231002x");
  auto ok = h.apply(RegisterCounterparty{r});
  REQUIRE(ok.ok());
  // Stored normalised, so the duplicate check sees "…X" and "…x" as the same person.
  CHECK(std::get<CounterpartyRegistered>(ok->front()).record.id_number == "11010519491231002X");
  CHECK(reason(h.apply(RegisterCounterparty{individual_supplier("11010519491231002X")})) ==
        "counterparty_duplicate");

  CHECK(reason(h.apply(RegisterCounterparty{individual_supplier("440305198810108888")})) ==
        "id_number_check_failed");
  CHECK(reason(h.apply(RegisterCounterparty{individual_supplier("440106199002300012")})) ==
        "id_number_bad_birth_date");
  r = individual_supplier();
  r.uscc = kSupplierUscc;
  CHECK(reason(h.apply(RegisterCounterparty{r})) == "field_not_applicable");
  r = individual_supplier();
  r.phone = "";
  CHECK(reason(h.apply(RegisterCounterparty{r})) == "phone_invalid");
}

TEST_CASE("R-4.2.8 duplicate USCC or ID number within a tenant is a conflict") {
  Harness h;
  h.register_enterprise();
  CHECK(h.must(RegisterCounterparty{enterprise_supplier()}) == "cp-1");
  auto dup = h.apply(RegisterCounterparty{enterprise_supplier()});
  CHECK(reason(dup) == "counterparty_duplicate");
  CHECK(dup.error().code == ErrorCode::kConflict);
  CHECK(dup.error().field == "uscc");
  CHECK(dup.error().message.find("cp-1") != std::string::npos);
  CHECK(h.must(RegisterCounterparty{individual_supplier()}) == "cp-2");
  auto dup_id = h.apply(RegisterCounterparty{individual_supplier()});
  CHECK(reason(dup_id) == "counterparty_duplicate");
  CHECK(dup_id.error().message.find(kFarmerId) == std::string::npos);  // never echo the ID number
}

TEST_CASE("R-4.2.8 amending a counterparty") {
  Harness h;
  h.register_enterprise();
  h.must(RegisterCounterparty{enterprise_supplier()});
  h.must(RegisterCounterparty{individual_supplier()});
  auto r = enterprise_supplier();
  r.roles.customer = true;
  r.phone = "020-12345678";
  auto ok = h.apply(AmendCounterparty{"cp-1", r});  // keeping its own USCC is no duplicate
  REQUIRE(ok.ok());
  CHECK(event_type(ok->front()) == "counterparty.amended");
  CHECK(h.state.counterparties.at("cp-1").phone == "020-12345678");

  auto missing = h.apply(AmendCounterparty{"cp-9", r});
  CHECK(reason(missing) == "counterparty_not_found");
  CHECK(missing.error().code == ErrorCode::kNotFound);
  CHECK(reason(h.apply(AmendCounterparty{"cp-1", individual_supplier()})) ==
        "counterparty_kind_immutable");
  CHECK(reason(h.apply(AmendCounterparty{"cp-2", individual_supplier("11010519491231002X")})) ==
        "ok");
  // After the amendment the old ID number is free again, the new one taken.
  CHECK(h.must(RegisterCounterparty{individual_supplier()}) == "cp-3");
  CHECK(reason(h.apply(RegisterCounterparty{individual_supplier("11010519491231002X")})) ==
        "counterparty_duplicate");
}

TEST_CASE("R-4.2.1 purchase orders: supplier, dates, quantity") {
  Harness h;
  h.register_enterprise();
  h.must(RegisterCounterparty{enterprise_supplier()});
  auto customer = enterprise_supplier(kCustomerUscc);
  customer.roles = {false, true};
  h.must(RegisterCounterparty{customer});

  auto ok = h.apply(po_of("cp-1"));
  REQUIRE(ok.ok());
  const auto& created = std::get<PurchaseOrderCreated>(ok->front());
  CHECK(created.po_id == "po-1");
  CHECK(created.quantity == kg(100));

  auto missing = h.apply(po_of("cp-9"));
  CHECK(reason(missing) == "supplier_not_found");
  CHECK(missing.error().code == ErrorCode::kNotFound);
  CHECK(missing.error().field == "supplier_id");
  CHECK(reason(h.apply(po_of("cp-2"))) == "counterparty_not_supplier");
  auto c = po_of("cp-1");
  c.expiry_date = day("2026-11-19");
  auto dates = h.apply(c);
  CHECK(reason(dates) == "expiry_before_production");
  CHECK(dates.error().field == "expiry_date");
  c = po_of("cp-1");
  c.expiry_date = c.production_date;  // same day is allowed
  CHECK(h.must(c) == "po-2");
  c = po_of("cp-1", Quantity{0, Unit::kGram});
  auto zero = h.apply(c);
  CHECK(reason(zero) == "quantity_not_positive");
  CHECK(zero.error().field == "quantity.amount");
  c = po_of("cp-1");
  c.material = "";
  CHECK(reason(h.apply(c)) == "value_required");
}

TEST_CASE("R-4.2.1 purchase orders: amend and cancel only while open") {
  Harness h;
  h.register_enterprise();
  h.must(RegisterCounterparty{enterprise_supplier()});
  h.must(po_of("cp-1"));
  h.must(po_of("cp-1"));

  auto amend = AmendPurchaseOrder{"po-1", "荔枝(妃子笑)", kg(80), "SUP-2026-12",
                                  day("2026-11-21"), day("2026-12-21"), "短缺"};
  REQUIRE(h.apply(amend).ok());
  CHECK(h.state.purchase_orders.at("po-1").quantity == kg(80));
  CHECK(h.state.purchase_orders.at("po-1").material == "荔枝(妃子笑)");
  auto bad = amend;
  bad.expiry_date = day("2026-11-01");
  CHECK(reason(h.apply(bad)) == "expiry_before_production");
  bad = amend;
  bad.po_id = "po-7";
  CHECK(reason(h.apply(bad)) == "purchase_order_not_found");

  CHECK(h.must(CancelPurchaseOrder{"po-1", "supplier out of stock"}) == "po-1");
  auto again = h.apply(CancelPurchaseOrder{"po-1", ""});
  CHECK(reason(again) == "purchase_order_not_open");
  CHECK(again.error().code == ErrorCode::kConflict);
  CHECK(reason(h.apply(amend)) == "purchase_order_not_open");
  CHECK(reason(h.apply(ReceivePurchaseOrder{"po-1", kg(1), day("2026-11-25")})) ==
        "purchase_order_not_open");

  REQUIRE(h.apply(ReceivePurchaseOrder{"po-2", kg(100), day("2026-11-25")}).ok());
  CHECK(reason(h.apply(CancelPurchaseOrder{"po-2", ""})) == "purchase_order_not_open");
  amend.po_id = "po-2";
  CHECK(reason(h.apply(amend)) == "purchase_order_not_open");
}

TEST_CASE("R-4.2.1 receiving a purchase order creates a material lot") {
  Harness h;
  h.register_enterprise();
  h.must(RegisterCounterparty{enterprise_supplier()});
  h.must(po_of("cp-1"));

  auto more = h.apply(ReceivePurchaseOrder{"po-1", kg(101), day("2026-11-25")});
  CHECK(reason(more) == "receipt_exceeds_order");
  CHECK(more.error().code == ErrorCode::kConflict);
  auto unit = h.apply(ReceivePurchaseOrder{"po-1", Quantity{5, Unit::kPiece}, day("2026-11-25")});
  CHECK(reason(unit) == "unit_mismatch");
  CHECK(unit.error().field == "quantity.unit");
  CHECK(reason(h.apply(ReceivePurchaseOrder{"po-1", kg(1), day("2026-11-26")})) ==
        "received_on_in_future");
  CHECK(reason(h.apply(ReceivePurchaseOrder{"po-1", Quantity{-5, Unit::kGram},
                                             day("2026-11-25")})) == "quantity_not_positive");
  CHECK(reason(h.apply(ReceivePurchaseOrder{"po-9", kg(1), day("2026-11-25")})) ==
        "purchase_order_not_found");

  // A short delivery is accepted once and closes the order.
  auto ok = h.apply(ReceivePurchaseOrder{"po-1", kg(95), day("2026-11-24")});
  REQUIRE(ok.ok());
  const auto& received = std::get<PurchaseOrderReceived>(ok->front());
  CHECK(received.lot_id == "lot-1");
  CHECK(received.material == "荔枝");
  CHECK(received.supplier_id == "cp-1");
  CHECK(received.supplier_lot == "SUP-2026-11");
  CHECK(received.expiry_date == day("2026-12-20"));
  CHECK(h.state.purchase_orders.at("po-1").status == PurchaseOrderStatus::kReceived);
  CHECK(h.state.lots.at("lot-1").remaining_amount() == 95'000);
  CHECK(reason(h.apply(ReceivePurchaseOrder{"po-1", kg(5), day("2026-11-25")})) ==
        "purchase_order_not_open");
}

TEST_CASE("R-4.2.2 batches: lot code rules") {
  Harness h;
  h.register_enterprise();
  CHECK(h.must(batch_of("LZ-20261125.A_1")) == "b-1");
  auto dup = h.apply(batch_of("LZ-20261125.A_1"));
  CHECK(reason(dup) == "lot_code_duplicate");
  CHECK(dup.error().code == ErrorCode::kConflict);
  CHECK(dup.error().field == "lot_code");
  CHECK(h.must(batch_of("lz-20261125.a_1")) == "b-2");  // GS1 lot codes are case-sensitive
  CHECK(h.must(batch_of(std::string(20, '9'))) == "b-3");
  for (const std::string& bad : {std::string(), std::string(21, '9'), std::string("L 1"), std::string("L/1"),
                                std::string("批次1"), std::string("L%1")}) {
    CHECK_MESSAGE(reason(h.apply(batch_of(bad))) == "lot_code_invalid", bad);
  }
  auto c = batch_of("L2");
  c.expiry_date = day("2026-11-24");
  CHECK(reason(h.apply(c)) == "expiry_before_production");
  c.expiry_date.reset();  // expiry is optional for a batch
  CHECK(h.must(c) == "b-4");
  c = batch_of("L3");
  c.product = "";
  CHECK(reason(h.apply(c)) == "value_required");
  c = batch_of("L3");
  c.quantity.amount = 0;
  CHECK(reason(h.apply(c)) == "quantity_not_positive");
  c = batch_of("L3");
  c.note = std::string(kMaxNoteBytes + 1, 'x');
  CHECK(reason(h.apply(c)) == "value_too_long");
}

TEST_CASE("R-4.2.2 amending a batch") {
  Harness h;
  h.register_enterprise();
  h.must(batch_of("L1"));
  auto amend = AmendBatch{"b-1", "荔枝干(特级)", Quantity{480, Unit::kPiece}, day("2026-11-25"),
                          std::nullopt, "复检"};
  REQUIRE(h.apply(amend).ok());
  CHECK(h.state.batches.at("b-1").product == "荔枝干(特级)");
  CHECK_FALSE(h.state.batches.at("b-1").expiry_date.has_value());
  CHECK(h.state.batches.at("b-1").lot_code == "L1");
  amend.expiry_date = day("2026-01-01");
  CHECK(reason(h.apply(amend)) == "expiry_before_production");
  amend.batch_id = "b-2";
  auto missing = h.apply(amend);
  CHECK(reason(missing) == "batch_not_found");
  CHECK(missing.error().code == ErrorCode::kNotFound);
}

TEST_CASE("R-4.2.2 consuming material: existence, expiry, unit") {
  Harness h;
  h.register_enterprise();
  h.must(RegisterCounterparty{enterprise_supplier()});
  h.must(po_of("cp-1"));
  h.must(ReceivePurchaseOrder{"po-1", kg(100), day("2026-11-25")});
  h.must(batch_of("L1"));

  CHECK(reason(h.apply(ConsumeMaterial{"b-9", "lot-1", kg(1)})) == "batch_not_found");
  auto no_lot = h.apply(ConsumeMaterial{"b-1", "lot-9", kg(1)});
  CHECK(reason(no_lot) == "lot_not_found");
  CHECK(no_lot.error().code == ErrorCode::kNotFound);
  CHECK(no_lot.error().field == "lot_id");
  auto unit = h.apply(ConsumeMaterial{"b-1", "lot-1", Quantity{1, Unit::kMillilitre}});
  CHECK(reason(unit) == "unit_mismatch");
  CHECK(reason(h.apply(ConsumeMaterial{"b-1", "lot-1", Quantity{0, Unit::kGram}})) ==
        "quantity_not_positive");

  // Expiry 2026-12-20: usable on that day, refused the day after.
  h.ctx.today = day("2026-12-20");
  CHECK(reason(h.apply(ConsumeMaterial{"b-1", "lot-1", kg(1)})) == "ok");
  h.ctx.today = day("2026-12-21");
  auto expired = h.apply(ConsumeMaterial{"b-1", "lot-1", kg(1)});
  CHECK(reason(expired) == "lot_expired");
  CHECK(expired.error().code == ErrorCode::kConflict);
}

TEST_CASE("R-4.2.2 sequence: receive, batch, consume exactly the lot, then refuse") {
  Harness h;
  h.register_enterprise();
  h.must(RegisterCounterparty{enterprise_supplier()});
  CHECK(h.must(po_of("cp-1", kg(100))) == "po-1");
  CHECK(h.must(ReceivePurchaseOrder{"po-1", kg(100), day("2026-11-25")}) == "po-1");
  CHECK(h.must(batch_of("LZ1")) == "b-1");
  CHECK(h.must(ConsumeMaterial{"b-1", "lot-1", kg(60)}) == "b-1");
  CHECK(h.must(ConsumeMaterial{"b-1", "lot-1", kg(40)}) == "b-1");
  CHECK(h.state.lots.at("lot-1").remaining_amount() == 0);
  auto third = h.apply(ConsumeMaterial{"b-1", "lot-1", Quantity{1, Unit::kGram}});
  CHECK(reason(third) == "lot_over_consumed");
  CHECK(third.error().code == ErrorCode::kConflict);
  CHECK(third.error().message.find("0 g remaining") != std::string::npos);
}

TEST_CASE("R-4.2.2 over-consumption message says what remains") {
  Harness h;
  h.register_enterprise();
  h.must(RegisterCounterparty{enterprise_supplier()});
  h.must(po_of("cp-1", kg(10)));
  h.must(ReceivePurchaseOrder{"po-1", kg(10), day("2026-11-25")});
  h.must(batch_of("L1"));
  h.must(batch_of("L2"));
  h.must(ConsumeMaterial{"b-1", "lot-1", kg(7)});
  auto over = h.apply(ConsumeMaterial{"b-2", "lot-1", kg(4)});  // across batches too
  CHECK(reason(over) == "lot_over_consumed");
  CHECK(over.error().message.find("3000 g remaining") != std::string::npos);
  CHECK(h.must(ConsumeMaterial{"b-2", "lot-1", kg(3)}) == "b-2");
}

TEST_CASE("R-4.2.2 attaching inspection reports and production records") {
  Harness h;
  h.register_enterprise();
  h.must(batch_of("L1"));
  const AttachDocument good{"b-1", kSha, DocumentKind::kInspectionReport, "检验报告.pdf",
                            "application/pdf", 123'456};
  auto ok = h.apply(good);
  REQUIRE(ok.ok());
  CHECK(event_type(ok->front()) == "batch.document_attached");
  CHECK(reason(h.apply(good)) == "document_already_attached");

  auto c = good;
  c.batch_id = "b-2";
  CHECK(reason(h.apply(c)) == "batch_not_found");
  c = good;
  c.document_sha256 = std::string(64, 'A');
  CHECK(reason(h.apply(c)) == "sha256_invalid");
  c.document_sha256 = kSha.substr(1);
  CHECK(reason(h.apply(c)) == "sha256_invalid");
  c = good;
  c.kind = static_cast<DocumentKind>(9);
  CHECK(reason(h.apply(c)) == "document_kind_unknown");
  for (const std::string& bad : {std::string(), std::string(256, 'f'), std::string("a/b.pdf"),
                                std::string("..")}) {
    c = good;
    c.filename = bad;
    CHECK(reason(h.apply(c)) == "filename_invalid");
  }
  c = good;
  c.filename = std::string(255, 'f');
  c.document_sha256 = std::string(64, '1');
  CHECK(reason(h.apply(c)) == "ok");
  c = good;
  c.media_type = "pdf";
  CHECK(reason(h.apply(c)) == "media_type_invalid");
  c = good;
  c.size_bytes = 0;
  CHECK(reason(h.apply(c)) == "document_size_invalid");
  c = good;
  c.kind = DocumentKind::kProductionRecord;
  c.document_sha256 = std::string(64, '2');
  CHECK(reason(h.apply(c)) == "ok");
  CHECK(h.state.batches.at("b-1").document_sha256s.size() == 3);
}

TEST_CASE("decide is pure: same input, same output, state untouched") {
  Harness h;
  h.register_enterprise();
  const TenantState before = h.state;
  auto a = decide(h.state, RegisterCounterparty{enterprise_supplier()}, h.ctx);
  auto b = decide(h.state, RegisterCounterparty{enterprise_supplier()}, h.ctx);
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  CHECK(*a == *b);
  CHECK(h.state.counters.counterparty == before.counters.counterparty);
  CHECK(h.state.counterparties.empty());
}

}  // namespace agritrace::core
