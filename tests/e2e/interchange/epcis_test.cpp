// End to end on both ledgers (issue 14, R-5.1 open formats): every goods event of the ledger is
// exported as GS1 EPCIS 2.0 JSON-LD through GET /epcis/events (REST binding, SimpleEventQuery),
// a tenant sees only its own, and two independent implementations check what the server says:
// npm epcis2.js validates every exported document, PyPI epcis-event-hash-generator computes the
// same CBV 2.0 event hashes as the eventIDs (both installed by ./scripts/deps --interchange).
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <condition_variable>
#include <fstream>
#include <mutex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "api/http/http_server.h"
#include "tests/e2e/base/fixtures.h"
#include "tests/support/api_client.h"
#include "tests/support/test_env.h"

namespace agritrace::testing {
namespace {

constexpr const char* kWholesaleUscc = "91440101MA59XYW12B";
const std::string kTools = AGRITRACE_SOURCE_DIR "/tests/e2e/interchange/tools";

std::vector<std::string> lines_starting(const std::string& text, const std::string& prefix) {
  std::vector<std::string> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(prefix, 0) == 0) out.push_back(line);
  }
  return out;
}

// Runs both third-party checks on an exported document: epcis2.js must call it valid, and the
// reference hash generator must compute exactly the document's eventIDs, in order.
void check_with_third_parties(const Reply& doc) {
  TempDir dir;
  const std::string file = dir.path() + "/export.jsonld";
  std::ofstream(file) << doc.body;
  const RunResult valid =
      run_program({"/usr/bin/env", "node", kTools + "/validate_epcis.js", file}, {}, true);
  INFO("epcis2.js: ", valid.out, " (installed by ./scripts/deps --interchange)");
  CHECK(valid.exit_code == 0);
  CHECK(valid.out.rfind("valid ", 0) == 0);

  // The hash generator reads EPCISDocuments: the same events, re-wrapped.
  const std::string list_key = "\"resultsBody\":{\"eventList\":";
  const size_t list_at = doc.body.find(list_key);
  REQUIRE(list_at != std::string::npos);
  const std::string events =
      doc.body.substr(list_at + list_key.size(), doc.body.size() - list_at - list_key.size() - 4);
  const std::string capture_file = dir.path() + "/export-as-document.jsonld";
  std::ofstream(capture_file)
      << R"({"@context":["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],)"
      << R"("type":"EPCISDocument","schemaVersion":"2.0","creationDate":")"
      << doc.str("/creationDate") << R"(","epcisBody":{"eventList":)" << events << "}}";
  const RunResult hashes = run_program({AGRITRACE_SOURCE_DIR "/build/venv/bin/python", "-m",
                                        "epcis_event_hash_generator", capture_file},
                                       {}, true);
  INFO("epcis-event-hash-generator: ", hashes.out, " (installed by ./scripts/deps --interchange)");
  REQUIRE(hashes.exit_code == 0);
  std::vector<std::string> ids;
  const size_t n = doc.size("/epcisBody/queryResults/resultsBody/eventList");
  for (size_t i = 0; i < n; ++i) {
    ids.push_back(
        doc.str(fmt::format("/epcisBody/queryResults/resultsBody/eventList/{}/eventID", i)));
  }
  CHECK(lines_starting(hashes.out, "ni:///sha-256;") == ids);
}

std::string event_path(size_t i, const std::string& field) {
  return fmt::format("/epcisBody/queryResults/resultsBody/eventList/{}/{}", i, field);
}

size_t event_count(const Reply& r) {
  return r.size("/epcisBody/queryResults/resultsBody/eventList");
}

// A GET of the EPCIS query that waits for the client's last write, with extra headers.
Reply epcis_get(ApiClient& c, const std::string& query, const api::HeaderList& extra = {}) {
  api::HeaderList h{{"Authorization", "Bearer " + c.key()}};
  h.insert(h.end(), extra.begin(), extra.end());
  const std::string sep = query.find('?') == std::string::npos ? "?" : "&";
  return c.call("GET", query + sep + "after=" + c.last_position(), "", h);
}

// Four codes of a batch (GTIN 06901234000016); the first `shipped` go to the wholesaler (a
// registered enterprise) through a sales order.
std::vector<std::string> ship_to_wholesaler(ApiClient& plant, const std::string& batch_id,
                                            size_t shipped) {
  std::vector<std::string> codes;
  code_run(plant, batch_id, "6901234000016", R"({"amount":1,"unit":"piece"})", 4, &codes);
  const std::string cp = new_counterparty(
      plant, enterprise_customer_body(kWholesaleUscc, "广州江南果菜批发有限公司", "广东省广州市"));
  Reply so = plant.post(
      "/v1/sales-orders",
      fmt::format(
          R"({{"customer_id":"{}","batch_id":"{}","quantity":{{"amount":{},"unit":"piece"}}}})", cp,
          batch_id, shipped));
  REQUIRE(so.status == 201);
  const std::vector<std::string> shipping(codes.begin(),
                                          codes.begin() + static_cast<std::ptrdiff_t>(shipped));
  Reply shipment =
      plant.post("/v1/sales-orders/" + so.str("/id") + "/shipments", codes_body(shipping));
  INFO(shipment.body);
  REQUIRE(shipment.status == 201);
  return codes;
}

void epcis_export(Backend backend) {
  TestApp app(backend);
  ApiClient plant = app.enterprise(kPlantUscc, "东莞市鲜达农产品加工有限公司");
  ApiClient wholesale = app.enterprise(kWholesaleUscc, "广州江南果菜批发有限公司");

  // The plant's goods events: materials received, a batch of a catalogue product made from them,
  // codes generated, part of it shipped to the wholesaler (a registered enterprise).
  const std::string farm = new_counterparty(plant, enterprise_supplier_body(kFarmUscc));
  const ReceivedLot lot = receive_material(plant, farm, 30);
  REQUIRE(plant.put("/v1/enterprise/main-varieties", R"({"product_ids":["veg-caixin"]})").status ==
          200);
  Reply batch = plant.post(
      "/v1/batches",
      fmt::format(
          R"({{"product_id":"veg-caixin","lot_code":"CX-E1","quantity":{{"amount":20,"unit":"piece"}},"production_date":"{}"}})",
          days_from_today(-1)));
  INFO(batch.body);
  REQUIRE(batch.status == 201);
  const std::string batch_id = batch.str("/id");
  REQUIRE(plant
              .post("/v1/batches/" + batch_id + "/materials",
                    fmt::format(R"({{"lot_id":"{}","quantity":{{"amount":1500,"unit":"g"}}}})",
                                lot.lot_id))
              .status == 201);
  const std::vector<std::string> codes = ship_to_wholesaler(plant, batch_id, 2);
  // The wholesaler receives one of the two codes by scan.
  REQUIRE(wholesale.post("/v1/receipts", codes_body({codes[0]})).status == 201);

  // Every goods event in ledger order, with its CBV business step.
  Reply all = epcis_get(plant, "/epcis/events");
  INFO(all.body);
  REQUIRE(all.status == 200);
  CHECK(all.header("Content-Type") == "application/ld+json");
  CHECK(all.header("GS1-EPCIS-Version") == "2.0.0");
  CHECK(all.str("/type") == "EPCISQueryDocument");
  REQUIRE(event_count(all) == 5);
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"ObjectEvent", "receiving"},
      {"ObjectEvent", "commissioning"},
      {"TransformationEvent", "commissioning"},
      {"ObjectEvent", "commissioning"},
      {"ObjectEvent", "shipping"}};
  for (size_t i = 0; i < expected.size(); ++i) {
    CHECK(all.str(event_path(i, "type")) == expected[i].first);
    CHECK(all.str(event_path(i, "bizStep")) == expected[i].second);
    CHECK(all.str(event_path(i, "eventID")).rfind("ni:///sha-256;", 0) == 0);
  }
  // Material in: a quantity of the platform's lot class, in kilograms, from the supplier.
  CHECK(all.str(event_path(0, "quantityList/0/uom")) == "KGM");
  CHECK(all.num(event_path(0, "quantityList/0/quantity")) == 30);
  CHECK(all.str(event_path(0, "disposition")) == "in_progress");
  // The batch of a catalogue product is an LGTIN class (its GTIN and lot code).
  CHECK(all.str(event_path(1, "quantityList/0/epcClass")) ==
        "https://id.gs1.org/01/06901234000016/10/CX-E1");
  CHECK(all.str(event_path(1, "action")) == "ADD");
  // Production: lot in, batch out.
  CHECK(all.str(event_path(2, "inputQuantityList/0/epcClass")) ==
        "urn:agritrace:lot:" + std::string(kPlantUscc) + ":" + lot.lot_id);
  CHECK(all.str(event_path(2, "outputQuantityList/0/epcClass")) ==
        "https://id.gs1.org/01/06901234000016/10/CX-E1");
  // Codes generated: commissioned instances.
  CHECK(all.size(event_path(3, "epcList")) == 4);
  CHECK(all.str(event_path(3, "epcList/0")) ==
        "https://id.gs1.org/01/06901234000016/21/" + serial_of(codes[0]));
  // Shipping: in transit from the plant to the wholesaler, with the order and the despatch advice.
  CHECK(all.size(event_path(4, "epcList")) == 2);
  CHECK(all.str(event_path(4, "disposition")) == "in_transit");
  CHECK(all.str(event_path(4, "sourceList/0/source")) ==
        "urn:agritrace:party:" + std::string(kPlantUscc));
  CHECK(all.str(event_path(4, "destinationList/0/type")) == "owning_party");
  CHECK(all.str(event_path(4, "destinationList/0/destination")) ==
        "urn:agritrace:party:" + std::string(kWholesaleUscc));
  CHECK(all.str(event_path(4, "bizTransactionList/0/type")) == "po");
  CHECK(all.str(event_path(4, "bizTransactionList/1/type")) == "desadv");
  check_with_third_parties(all);

  // The same events with EPC URNs: same eventIDs.
  Reply urns = epcis_get(plant, "/epcis/events", {{"GS1-EPC-Format", "Always_EPC_URN"}});
  REQUIRE(urns.status == 200);
  CHECK(urns.header("GS1-EPC-Format") == "Always_EPC_URN");
  CHECK(urns.str(event_path(3, "epcList/0")) ==
        "urn:epc:id:sgtin:6901234.000001." + serial_of(codes[0]));
  CHECK(urns.str(event_path(1, "quantityList/0/epcClass")) ==
        "urn:epc:class:lgtin:6901234.000001.CX-E1");
  for (size_t i = 0; i < 5; ++i)
    CHECK(urns.str(event_path(i, "eventID")) == all.str(event_path(i, "eventID")));
  check_with_third_parties(urns);

  // SimpleEventQuery parameters.
  Reply transformations = epcis_get(plant, "/epcis/events?eventType=TransformationEvent");
  REQUIRE(event_count(transformations) == 1);
  CHECK(transformations.str(event_path(0, "eventID")) == all.str(event_path(2, "eventID")));
  Reply shipping = epcis_get(plant, "/epcis/events?EQ_bizStep=shipping");
  REQUIRE(event_count(shipping) == 1);
  CHECK(event_count(epcis_get(
            plant, "/epcis/events?EQ_bizStep=urn:epcglobal:cbv:bizstep:shipping|receiving")) == 2);
  Reply by_epc = epcis_get(
      plant, "/epcis/events?MATCH_epc=" +
                 api::percent_encode("urn:epc:id:sgtin:6901234.000001." + serial_of(codes[1])));
  REQUIRE(event_count(by_epc) == 2);  // commissioned, shipped
  CHECK(by_epc.str(event_path(1, "bizStep")) == "shipping");
  CHECK(event_count(epcis_get(plant, "/epcis/events?MATCH_epc=" + api::percent_encode(codes[3]))) ==
        1);
  CHECK(event_count(epcis_get(
            plant, "/epcis/events?MATCH_epcClass=" +
                       api::percent_encode("https://id.gs1.org/01/06901234000016/10/CX-E1"))) == 2);
  const std::string ship_time = all.str(event_path(4, "eventTime"));
  CHECK(event_count(
            epcis_get(plant, "/epcis/events?GE_eventTime=" + api::percent_encode(ship_time))) >= 1);
  CHECK(event_count(
            epcis_get(plant, "/epcis/events?LT_eventTime=" +
                                 api::percent_encode(all.str(event_path(0, "eventTime"))))) == 0);
  CHECK(event_count(epcis_get(plant, "/epcis/events?GE_recordTime=" +
                                         api::percent_encode(days_from_today(1) + "T00:00:00Z"))) ==
        0);

  // Pages: perPage and the next link's token walk the same events.
  Reply page1 = epcis_get(plant, "/epcis/events?perPage=2");
  REQUIRE(event_count(page1) == 2);
  std::string link = page1.header("Link");
  std::vector<std::string> walked = {page1.str(event_path(0, "eventID")),
                                     page1.str(event_path(1, "eventID"))};
  while (!link.empty()) {
    const std::string next = link.substr(1, link.find('>') - 1);
    Reply page = epcis_get(plant, next);
    REQUIRE(page.status == 200);
    for (size_t i = 0; i < event_count(page); ++i)
      walked.push_back(page.str(event_path(i, "eventID")));
    link = page.header("Link");
  }
  REQUIRE(walked.size() == 5);
  for (size_t i = 0; i < 5; ++i) CHECK(walked[i] == all.str(event_path(i, "eventID")));

  // A tenant exports its own events only: the wholesaler sees its receipt, in progress, with the
  // plant's despatch advice, and nothing of the plant's.
  // It sells the code to a consumer: retail_selling, retail_sold, to its anonymous consumers.
  Reply sale = wholesale.post("/v1/retail-sales", codes_body({codes[0]}));
  INFO(sale.body);
  REQUIRE(sale.status == 201);
  Reply mine = epcis_get(wholesale, "/epcis/events");
  REQUIRE(event_count(mine) == 2);
  CHECK(mine.str(event_path(0, "bizStep")) == "receiving");
  CHECK(mine.str(event_path(1, "bizStep")) == "retail_selling");
  CHECK(mine.str(event_path(1, "disposition")) == "retail_sold");
  CHECK(mine.str(event_path(1, "epcList/0")) == mine.str(event_path(0, "epcList/0")));
  CHECK(mine.str(event_path(1, "destinationList/0/destination")) ==
        "urn:agritrace:party:" + std::string(kWholesaleUscc) + ":consumer");
  CHECK(mine.str(event_path(0, "epcList/0")) ==
        "https://id.gs1.org/01/06901234000016/21/" + serial_of(codes[0]));
  CHECK(mine.str(event_path(0, "sourceList/0/source")) ==
        "urn:agritrace:party:" + std::string(kPlantUscc));
  CHECK(mine.str(event_path(0, "bizTransactionList/0/bizTransaction")) ==
        all.str(event_path(4, "bizTransactionList/1/bizTransaction")));
  check_with_third_parties(mine);

  // Refusals: problem+json naming the parameter.
  check_problem(epcis_get(plant, "/epcis/events?eventType=Nope"), 400, "query_parameter_invalid",
                "eventType");
  check_problem(epcis_get(plant, "/epcis/events?GE_eventTime=yesterday"), 400,
                "query_parameter_invalid", "GE_eventTime");
  check_problem(epcis_get(plant, "/epcis/events?MATCH_epc=urn:epc:id:sgtin:1.2.3"), 400,
                "query_parameter_invalid", "MATCH_epc");
  check_problem(epcis_get(plant, "/epcis/events?perPage=0"), 400, "query_parameter_invalid",
                "perPage");
  check_problem(epcis_get(plant, "/epcis/events?nextPageToken=abc"), 400, "query_parameter_invalid",
                "nextPageToken");
  check_problem(epcis_get(plant, "/epcis/events?colour=red"), 400, "query_parameter_invalid",
                "colour");
  check_problem(epcis_get(plant, "/epcis/events", {{"GS1-EPC-Format", "Sometimes"}}), 400,
                "epc_format_invalid", "GS1-EPC-Format");
  ApiClient anonymous(app.port());
  CHECK(anonymous.get("/epcis/events").status == 401);
}

AGRITRACE_TEST_BOTH_LEDGERS(
    "R-5.1 EPCIS 2.0: goods events exported, queried and paged, validated by epcis2.js and the "
    "reference event hash",
    epcis_export)

// An EPCISDocument of receiving ObjectEvents (the given EPCs each; eventTime now), after an event
// that maps onto nothing in the ledger (a decommissioning DELETE) when `with_unmappable`.
std::string receiving_document(const std::vector<std::vector<std::string>>& events,
                               bool with_unmappable = false) {
  std::string list;
  if (with_unmappable) {
    list += fmt::format(
        R"({{"type":"ObjectEvent","eventTime":"{}T04:00:00Z","eventTimeZoneOffset":"+08:00","epcList":["https://id.gs1.org/01/06901234000016/21/NEW1"],"action":"DELETE","bizStep":"decommissioning"}})",
        test_today());
  }
  for (const auto& epcs : events) {
    std::string epc_list;
    for (const std::string& e : epcs) epc_list += (epc_list.empty() ? "\"" : ",\"") + e + "\"";
    if (!list.empty()) list += ",";
    list += fmt::format(
        R"({{"type":"ObjectEvent","eventTime":"{}T04:00:00Z","eventTimeZoneOffset":"+08:00","epcList":[{}],"action":"OBSERVE","bizStep":"urn:epcglobal:cbv:bizstep:receiving","disposition":"in_progress"}})",
        test_today(), epc_list);
  }
  return R"({"@context":["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],"type":"EPCISDocument","schemaVersion":"2.0","creationDate":")" +
         test_today() + R"(T04:00:00Z","epcisBody":{"eventList":[)" + list + "]}}";
}

// Captures a document; the finished job (GET ...?wait=true answers when the job has finished).
Reply capture(ApiClient& c, const std::string& doc, const api::HeaderList& extra = {}) {
  api::HeaderList h{{"Authorization", "Bearer " + c.key()},
                    {"Content-Type", "application/ld+json"}};
  h.insert(h.end(), extra.begin(), extra.end());
  Reply accepted = c.call("POST", "/epcis/capture", doc, h);
  INFO(accepted.body);
  REQUIRE(accepted.status == 202);
  const std::string location = accepted.header("Location");
  CHECK(location == "/epcis/capture/" + accepted.str("/captureID"));
  Reply job = c.get(location + "?wait=true");
  REQUIRE(job.status == 200);
  CHECK(job.body.find("\"running\":false") != std::string::npos);
  return job;
}

// GET /epcis/events once the views show the ledger up to `position`.
Reply after_position(ApiClient& c, const std::string& position) {
  return c.call("GET", "/epcis/events?after=" + position + "&wait_ms=20000", "",
                {{"Authorization", "Bearer " + c.key()}});
}

void epcis_capture(Backend backend) {
  TestApp app(backend);
  ApiClient plant = app.enterprise(kPlantUscc, "东莞市鲜达农产品加工有限公司");
  ApiClient wholesale = app.enterprise(kWholesaleUscc, "广州江南果菜批发有限公司");
  Reply batch = plant.post("/v1/batches", batch_body("CX-C1"));
  REQUIRE(batch.status == 201);
  const std::vector<std::string> codes = ship_to_wholesaler(plant, batch.str("/id"), 4);
  const std::string sgtin0 = "urn:epc:id:sgtin:6901234.000001." + serial_of(codes[0]);
  const std::string dl1 = "https://id.gs1.org/01/06901234000016/21/" + serial_of(codes[1]);

  // The wholesaler's own EPCIS system reports the goods received: a receipt by scan.
  Reply job = capture(wholesale, receiving_document({{sgtin0, dl1}}));
  INFO(job.body);
  CHECK(job.str("/errorBehaviour") == "rollback");
  CHECK(job.body.find("\"success\":true") != std::string::npos);
  CHECK(job.num("/captured") == 1);
  CHECK(job.num("/duplicates") == 0);
  // The job names the receipt's ledger position: the query waits for the views to reach it.
  Reply mine = after_position(wholesale, job.str("/position"));
  REQUIRE(event_count(mine) == 1);
  CHECK(mine.str(event_path(0, "bizStep")) == "receiving");
  CHECK(mine.size(event_path(0, "epcList")) == 2);
  // The same events again are recognised by their hash: nothing is appended twice.
  Reply again = capture(wholesale, receiving_document({{sgtin0, dl1}}));
  CHECK(again.num("/captured") == 0);
  CHECK(again.num("/duplicates") == 1);
  CHECK(event_count(epcis_get(wholesale, "/epcis/events")) == 1);

  // All or nothing by default: an event that does not map refuses the whole document.
  Reply rolled_back = capture(wholesale, receiving_document({{codes[2]}}, true));
  CHECK(rolled_back.body.find("\"success\":false") != std::string::npos);
  CHECK(rolled_back.num("/captured") == 0);
  REQUIRE(rolled_back.size("/errors") == 1);
  CHECK(rolled_back.num("/errors/0/index") == 0);
  CHECK(rolled_back.str("/errors/0/code") == "epcis_event_not_mappable");
  CHECK(event_count(epcis_get(wholesale, "/epcis/events")) == 1);
  // With GS1-Capture-Error-Behaviour: proceed the other events are captured, errors per event.
  Reply proceeded = capture(
      wholesale,
      receiving_document({{codes[2]}, {"https://id.gs1.org/01/06901234000016/21/NOSUCH"}}, true),
      {{"GS1-Capture-Error-Behaviour", "proceed"}});
  CHECK(proceeded.str("/errorBehaviour") == "proceed");
  CHECK(proceeded.num("/captured") == 1);
  REQUIRE(proceeded.size("/errors") == 2);
  CHECK(proceeded.str("/errors/0/code") == "epcis_event_not_mappable");
  CHECK(proceeded.num("/errors/1/index") == 2);
  CHECK(proceeded.str("/errors/1/code") == "epc_unknown");
  CHECK(event_count(after_position(wholesale, proceeded.str("/position"))) == 2);
  // The ledger's rules still apply: codes not shipped to the capturing enterprise are refused.
  Reply not_yours = capture(plant, receiving_document({{codes[3]}}));
  REQUIRE(not_yours.size("/errors") == 1);
  CHECK(not_yours.str("/errors/0/code") == "codes_refused");

  // Refusals.
  api::HeaderList auth{{"Authorization", "Bearer " + wholesale.key()}};
  check_problem(wholesale.call("POST", "/epcis/capture", "{}", auth), 400, "epcis_document_invalid",
                "epcisBody");
  check_problem(wholesale.call("POST", "/epcis/capture", "[", auth), 400, "epcis_document_invalid",
                "epcisBody");
  api::HeaderList odd = auth;
  odd.emplace_back("GS1-Capture-Error-Behaviour", "sometimes");
  check_problem(wholesale.call("POST", "/epcis/capture", receiving_document({}), odd), 400,
                "capture_error_behaviour_invalid", "GS1-Capture-Error-Behaviour");
  check_problem(wholesale.get("/epcis/capture/cj-999"), 404, "capture_job_not_found", "captureID");
  check_problem(plant.get("/epcis/capture/cj-1"), 404, "capture_job_not_found",
                "captureID");  // the wholesaler's
}

AGRITRACE_TEST_BOTH_LEDGERS(
    "R-5.1 EPCIS 2.0 capture: receiving events become receipts by scan, all or nothing or per "
    "event, duplicates recognised by hash",
    epcis_capture)

// The events of a query answer as an EPCISDocument (what a partner's repository sends to capture).
std::string as_document(const Reply& query) {
  const std::string list_key = "\"resultsBody\":{\"eventList\":";
  const size_t list_at = query.body.find(list_key);
  REQUIRE(list_at != std::string::npos);
  const std::string events = query.body.substr(list_at + list_key.size(),
                                               query.body.size() - list_at - list_key.size() - 4);
  return R"({"@context":["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],)"
         R"("type":"EPCISDocument","schemaVersion":"2.0","creationDate":")" +
         query.str("/creationDate") + R"(","epcisBody":{"eventList":)" + events + "}}";
}

// The document with one more event (raw JSON) at the end of its eventList.
std::string with_event(const std::string& doc, const std::string& event) {
  const size_t end = doc.rfind("]}}");
  REQUIRE(end != std::string::npos);
  return doc.substr(0, end) + "," + event + "]}}";
}

std::string receiving_event(const std::vector<std::string>& epcs) {
  std::string list;
  for (const std::string& e : epcs) list += (list.empty() ? "\"" : ",\"") + e + "\"";
  return fmt::format(
      R"({{"type":"ObjectEvent","eventTime":"{}T04:30:00Z","eventTimeZoneOffset":"+08:00","epcList":[{}],"action":"OBSERVE","bizStep":"receiving","disposition":"in_progress"}})",
      test_today(), list);
}

// Export from one enterprise, capture into another: the plant's commissioning events (its batch,
// its codes) register the goods as the wholesaler's batches, the plant's shipment to the
// wholesaler becomes the wholesaler's receipt of those codes, a receiving event a receipt; all or
// nothing through one CommandGroup (the rules refuse one command: nothing is appended), per event
// on request, duplicates recognised by hash; the wholesaler's own export then passes the
// third-party checks.
void epcis_round_trip(Backend backend) {
  TestApp app(backend);
  ApiClient plant = app.enterprise(kPlantUscc, "东莞市鲜达农产品加工有限公司");
  ApiClient wholesale = app.enterprise(kWholesaleUscc, "广州江南果菜批发有限公司");
  for (ApiClient* c : {&plant, &wholesale}) {
    REQUIRE(c->put("/v1/enterprise/main-varieties", R"({"product_ids":["veg-caixin"]})").status ==
            200);
  }
  Reply batch = plant.post(
      "/v1/batches",
      fmt::format(
          R"({{"product_id":"veg-caixin","lot_code":"CX-RT1","quantity":{{"amount":20,"unit":"piece"}},"production_date":"{}"}})",
          days_from_today(-1)));
  REQUIRE(batch.status == 201);
  const std::vector<std::string> codes = ship_to_wholesaler(plant, batch.str("/id"), 2);

  // The plant's export: the batch and its codes commissioned, two codes shipped to the wholesaler.
  Reply exported =
      epcis_get(plant, "/epcis/events?EQ_bizStep=commissioning|shipping&eventType=ObjectEvent");
  INFO(exported.body);
  REQUIRE(event_count(exported) == 3);
  CHECK(exported.str(event_path(0, "quantityList/0/epcClass")) ==
        "https://id.gs1.org/01/06901234000016/10/CX-RT1");
  CHECK(exported.size(event_path(1, "epcList")) == 4);
  CHECK(exported.str(event_path(2, "bizStep")) == "shipping");
  const std::string doc = as_document(exported);

  // All or nothing: with a receipt of a code never shipped to the wholesaler, the rules refuse
  // that command and nothing of the document is appended (not the batches either).
  const std::string dl = "https://id.gs1.org/01/06901234000016/21/";
  Reply refused = capture(wholesale, with_event(doc, receiving_event({dl + serial_of(codes[3])})));
  INFO(refused.body);
  CHECK(refused.str("/state") == "finished");
  CHECK(refused.body.find("\"success\":false") != std::string::npos);
  CHECK(refused.num("/captured") == 0);
  REQUIRE(refused.size("/errors") == 1);
  CHECK(refused.num("/errors/0/index") == 3);
  CHECK(refused.str("/errors/0/code") == "codes_refused");
  CHECK(event_count(wholesale.get_fresh("/epcis/events")) == 0);

  // The document alone: captured whole.
  Reply job = capture(wholesale, doc);
  INFO(job.body);
  CHECK(job.body.find("\"success\":true") != std::string::npos);
  CHECK(job.num("/captured") == 3);
  Reply mine = after_position(wholesale, job.str("/position"));
  INFO(mine.body);
  REQUIRE(event_count(mine) == 3);
  // The plant's batch is the wholesaler's batch of the same LGTIN and quantity.
  CHECK(mine.str(event_path(0, "bizStep")) == "commissioning");
  CHECK(mine.str(event_path(0, "quantityList/0/epcClass")) ==
        exported.str(event_path(0, "quantityList/0/epcClass")));
  CHECK(mine.num(event_path(0, "quantityList/0/quantity")) == 20);
  CHECK(mine.str(event_path(0, "quantityList/0/uom")) == "EA");
  // The four commissioned codes: a batch of four pieces of the same GTIN.
  CHECK(mine.str(event_path(1, "bizStep")) == "commissioning");
  CHECK(mine.str(event_path(1, "quantityList/0/epcClass")).rfind(
            "https://id.gs1.org/01/06901234000016/10/E", 0) == 0);
  CHECK(mine.num(event_path(1, "quantityList/0/quantity")) == 4);
  // The shipment to the wholesaler: received, the same two codes.
  CHECK(mine.str(event_path(2, "bizStep")) == "receiving");
  REQUIRE(mine.size(event_path(2, "epcList")) == 2);
  CHECK(mine.str(event_path(2, "epcList/0")) == exported.str(event_path(2, "epcList/0")));
  CHECK(mine.str(event_path(2, "epcList/1")) == exported.str(event_path(2, "epcList/1")));
  CHECK(mine.str(event_path(2, "sourceList/0/source")) ==
        "urn:agritrace:party:" + std::string(kPlantUscc));
  check_with_third_parties(mine);

  // The same document again: recognised by its hashes, nothing appended.
  Reply again = capture(wholesale, doc);
  CHECK(again.num("/captured") == 0);
  CHECK(again.num("/duplicates") == 3);
  CHECK(event_count(wholesale.get_fresh("/epcis/events")) == 3);

  // Per event: the plant ships the other two codes; the wholesaler's system reports a new batch
  // (commissioning), the receipt of the shipped codes, and a receipt of a code it already has.
  const std::string customer =
      plant.get_fresh("/v1/counterparties").str("/items/0/counterparty_id");
  Reply so2 = plant.post(
      "/v1/sales-orders",
      fmt::format(
          R"({{"customer_id":"{}","batch_id":"{}","quantity":{{"amount":2,"unit":"piece"}}}})",
          customer, batch.str("/id")));
  REQUIRE(so2.status == 201);
  REQUIRE(plant.post("/v1/sales-orders/" + so2.str("/id") + "/shipments",
                     codes_body({codes[2], codes[3]}))
              .status == 201);
  const std::string commissioned = fmt::format(
      R"({{"type":"ObjectEvent","eventTime":"{}T05:00:00Z","eventTimeZoneOffset":"+08:00","epcList":[],"action":"ADD","bizStep":"commissioning","disposition":"active","quantityList":[{{"epcClass":"urn:epc:class:lgtin:6901234.000001.CX-W2","quantity":5.5,"uom":"KGM"}}]}})",
      test_today());
  std::string per_event = with_event(
      with_event(receiving_document({}), commissioned),
      receiving_event({dl + serial_of(codes[2]), dl + serial_of(codes[3])}));
  per_event = with_event(per_event, receiving_event({dl + serial_of(codes[0])}));
  // receiving_document({}) has an empty eventList: drop the comma with_event put first.
  const size_t empty = per_event.find("[,");
  REQUIRE(empty != std::string::npos);
  per_event.erase(empty + 1, 1);
  Reply proceeded = capture(wholesale, per_event, {{"GS1-Capture-Error-Behaviour", "proceed"}});
  INFO(proceeded.body);
  CHECK(proceeded.num("/captured") == 2);
  REQUIRE(proceeded.size("/errors") == 1);
  CHECK(proceeded.num("/errors/0/index") == 2);
  CHECK(proceeded.str("/errors/0/code") == "codes_refused");
  Reply now = after_position(wholesale, proceeded.str("/position"));
  REQUIRE(event_count(now) == 5);
  CHECK(now.str(event_path(3, "quantityList/0/epcClass")) ==
        "https://id.gs1.org/01/06901234000016/10/CX-W2");
  CHECK(now.body.find(R"(/10/CX-W2","quantity":5.5,"uom":"KGM")") != std::string::npos);
  CHECK(now.str(event_path(3, "quantityList/0/uom")) == "KGM");
  CHECK(now.str(event_path(4, "bizStep")) == "receiving");
  // A capture only reaches the capturing enterprise's own ledger.
  CHECK(event_count(plant.get_fresh("/epcis/events")) == 4);
}

AGRITRACE_TEST_BOTH_LEDGERS(
    "R-5.1 EPCIS 2.0 round trip: one enterprise's export captured into another (commissioning, "
    "shipping, receiving), all or nothing or per event, duplicates by hash",
    epcis_round_trip)

// docs/examples/epcis-capture-commissioning.jsonld, a GS1-style EPCIS 2.0 document of a partner
// (a co-operative whose repository is not AgriTrace): valid for epcis2.js, its eventIDs are the
// reference implementation's hashes, it captures cleanly (its goods become the enterprise's
// batches), a second capture is recognised by hash, and the same goods registered again event by
// event are refused by the rules with the event named by its eventID.
void epcis_gs1_example(Backend backend) {
  const std::string file = AGRITRACE_SOURCE_DIR "/docs/examples/epcis-capture-commissioning.jsonld";
  const RunResult valid =
      run_program({"/usr/bin/env", "node", kTools + "/validate_epcis.js", file}, {}, true);
  INFO("epcis2.js: ", valid.out);
  CHECK(valid.exit_code == 0);
  const RunResult hashes = run_program({AGRITRACE_SOURCE_DIR "/build/venv/bin/python", "-m",
                                        "epcis_event_hash_generator", file},
                                       {}, true);
  REQUIRE(hashes.exit_code == 0);
  const std::vector<std::string> ids = lines_starting(hashes.out, "ni:///sha-256;");
  REQUIRE(ids.size() == 3);
  std::string doc;
  {
    std::ifstream in(file);
    std::stringstream ss;
    ss << in.rdbuf();
    doc = ss.str();
  }
  for (const std::string& id : ids) CHECK(doc.find("\"" + id + "\"") != std::string::npos);

  TestApp app(backend);
  ApiClient wholesale = app.enterprise(kWholesaleUscc, "广州江南果菜批发有限公司");
  Reply job = capture(wholesale, doc);
  INFO(job.body);
  CHECK(job.body.find("\"success\":true") != std::string::npos);
  CHECK(job.num("/captured") == 3);
  CHECK(job.size("/errors") == 0);
  Reply mine = after_position(wholesale, job.str("/position"));
  INFO(mine.body);
  REQUIRE(event_count(mine) == 3);
  // The goods as batches of the enterprise, named by the catalogue (none is a main variety here,
  // so the export names them by the platform's lot URIs).
  Reply batches = wholesale.get("/v1/batches?after=" + job.str("/position"));
  INFO(batches.body);
  CHECK(batches.body.find("\"lot_code\":\"GL-0601\"") != std::string::npos);
  CHECK(batches.body.find("\"lot_code\":\"TC-0601\"") != std::string::npos);
  CHECK(batches.body.find("芥蓝") != std::string::npos);
  CHECK(batches.body.find("\"lot_code\":\"E" + ids[1].substr(14, 12) + "\"") != std::string::npos);
  for (size_t i = 0; i < 3; ++i) CHECK(mine.str(event_path(i, "bizStep")) == "commissioning");
  CHECK(mine.num(event_path(0, "quantityList/0/quantity")) == 500);
  CHECK(mine.str(event_path(0, "quantityList/0/uom")) == "KGM");
  CHECK(mine.num(event_path(1, "quantityList/0/quantity")) == 3);
  CHECK(mine.body.find(R"("quantity":120.5,"uom":"KGM")") != std::string::npos);
  check_with_third_parties(mine);

  // Captured again: duplicates by hash.
  Reply again = capture(wholesale, doc);
  CHECK(again.num("/duplicates") == 3);
  CHECK(again.num("/captured") == 0);
  CHECK(event_count(wholesale.get_fresh("/epcis/events")) == 3);
  // Event by event, the same goods are already registered: refused by the rules, each error
  // naming its event by the reference hash.
  Reply per_event = capture(wholesale, doc, {{"GS1-Capture-Error-Behaviour", "proceed"}});
  INFO(per_event.body);
  CHECK(per_event.num("/captured") == 0);
  REQUIRE(per_event.size("/errors") == 3);
  for (size_t i = 0; i < 3; ++i) {
    CHECK(per_event.str(fmt::format("/errors/{}/code", i)) == "lot_code_duplicate");
    const size_t index = static_cast<size_t>(per_event.num(fmt::format("/errors/{}/index", i)));
    REQUIRE(index < 3);
    CHECK(per_event.str(fmt::format("/errors/{}/eventID", i)) == ids[index]);
  }

  // Capture jobs live in the job store (<data>/jobs): after a restart GET answers each finished
  // job as it was, its per-event errors included; ids go on from the last one.
  REQUIRE(app.server.stop() == 0);
  app.server.start();
  ApiClient restarted(app.port(), wholesale.key());
  for (const Reply* before : {&job, &again, &per_event}) {
    Reply stored = restarted.get("/epcis/capture/" + before->str("/captureID") + "?wait=true");
    REQUIRE(stored.status == 200);
    CHECK(stored.body == before->body);
  }
  CHECK(restarted.get("/epcis/capture/" + job.str("/captureID")).str("/state") == "finished");
  check_problem(restarted.get("/epcis/capture/cj-999"), 404, "capture_job_not_found", "captureID");
  ApiClient plant(app.port(),
                  register_enterprise(app.port(), kPlantUscc, "东莞市鲜达农产品加工有限公司"));
  check_problem(plant.get("/epcis/capture/" + job.str("/captureID")), 404, "capture_job_not_found",
                "captureID");
  Reply next = capture(restarted, doc);
  CHECK(next.str("/captureID") == "cj-4");
  CHECK(next.num("/duplicates") == 3);
}

AGRITRACE_TEST_BOTH_LEDGERS(
    "R-5.1 EPCIS 2.0: a GS1-style example document (docs/examples) validates and captures cleanly",
    epcis_gs1_example)

// The national platform's feed endpoint, a real HTTP server on loopback: it answers 503 to the
// first `failures` pushes, then 200, and keeps every push.
class FeedReceiver {
 public:
  explicit FeedReceiver(int failures)
      : failures_(failures),
        server_(options(), [this](api::HttpRequest req, api::Responder respond) {
          std::lock_guard lock(mu_);
          pushes_.push_back(req);
          const bool fail = static_cast<int>(pushes_.size()) <= failures_;
          respond(api::json_response(fail ? 503 : 200,
                                     fail ? R"({"error":"busy"})" : R"({"ok":true})"));
          cv_.notify_all();
        }) {
    REQUIRE(server_.start().ok());
  }
  std::string url() const { return fmt::format("http://127.0.0.1:{}/feed", server_.port()); }
  // The pushes once there are `n` of them (fails the test after 30 s).
  std::vector<api::HttpRequest> wait_for(size_t n) {
    std::unique_lock lock(mu_);
    REQUIRE(cv_.wait_for(lock, std::chrono::seconds(30), [&] { return pushes_.size() >= n; }));
    return pushes_;
  }

 private:
  static api::HttpServerOptions options() {
    api::HttpServerOptions o;
    o.listen = "127.0.0.1:0";
    o.threads = 1;
    return o;
  }
  int failures_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<api::HttpRequest> pushes_;
  api::HttpServer server_;
};

// GET /v1/national-feed/deliveries until the delivery has left "sent" (the push's answer is
// recorded just after the receiver answered it); each look is a real request.
Reply delivery_settled(ApiClient& c, const std::string& pointer_to_state) {
  Reply r;
  for (int n = 0; n < 1000; ++n) {
    r = c.get("/v1/national-feed/deliveries");
    REQUIRE(r.status == 200);
    if (r.str(pointer_to_state) != "sent" && r.str(pointer_to_state) != "pending") break;
  }
  return r;
}

void national_feed(Backend backend) {
  FeedReceiver receiver(2);
  TestLedger ledger(backend);
  ServerProcess server(with(
      ledger.flags(), {"--national-feed-url", receiver.url(), "--national-feed-backoff-ms", "20"}));
  server.start();
  ApiClient plant(server.port(),
                  register_enterprise(server.port(), kPlantUscc, "东莞市鲜达农产品加工有限公司"));
  ApiClient wholesale(server.port(), register_enterprise(server.port(), kWholesaleUscc,
                                                         "广州江南果菜批发有限公司"));
  ApiClient operator_(server.port(), kAdminKey);

  // The plant's records: materials from a farm (inbound), a batch (production), codes shipped to
  // the wholesaler (outbound).
  const std::string farm = new_counterparty(plant, enterprise_supplier_body(kFarmUscc));
  receive_material(plant, farm, 30);
  const std::string grower = new_counterparty(plant, individual_supplier_body());
  receive_material(plant, grower, 5);
  Reply batch = plant.post("/v1/batches", batch_body("CX-N1"));
  REQUIRE(batch.status == 201);
  const std::vector<std::string> codes = ship_to_wholesaler(plant, batch.str("/id"), 2);
  plant.get_fresh("/v1/sales-orders");

  // The feed, two records a page, resumed by cursor until it is exhausted.
  std::vector<std::string> stages;
  std::vector<std::string> sources;  // of the inbound records
  std::string cursor;
  Reply outbound;
  size_t outbound_index = 0;
  for (int page = 0; page < 20; ++page) {
    Reply r = plant.get("/v1/national-feed/records?limit=2" +
                        (cursor.empty() ? std::string() : "&cursor=" + cursor));
    INFO(r.body);
    REQUIRE(r.status == 200);
    CHECK(r.str("/version") == "v1");
    CHECK(r.str("/enterprise/id_type") == "USCC");
    CHECK(r.str("/enterprise/id") == kPlantUscc);
    if (r.size("/records") == 0) {
      CHECK(r.str("/next_cursor") == cursor);
      break;
    }
    CHECK(r.size("/records") <= 2);
    for (size_t n = 0; n < r.size("/records"); ++n) {
      const std::string at = "/records/" + std::to_string(n);
      stages.push_back(r.str(at + "/stage"));
      CHECK(r.str(at + "/record_id").rfind("ni:///sha-256;", 0) == 0);
      if (stages.back() == "inbound")
        sources.push_back(r.str(at + "/source/id_type") + " " + r.str(at + "/source/id"));
      if (stages.back() == "outbound") {
        outbound = r;
        outbound_index = n;
        CHECK(r.str(at + "/destination/id") == kWholesaleUscc);
        CHECK(r.size(at + "/batch") == 2);
      }
    }
    cursor = r.str("/next_cursor");
  }
  // Entities by USCC; a person's ID number masked (the PII rules), never in clear.
  CHECK(sources ==
        std::vector<std::string>{std::string("USCC ") + kFarmUscc, "ID_NUMBER 441322********1238"});
  CHECK(std::count(stages.begin(), stages.end(), "production") >= 1);
  CHECK(std::count(stages.begin(), stages.end(), "outbound") == 1);
  REQUIRE(!outbound.body.empty());
  // Another enterprise sees only its own records.
  CHECK(wholesale.get("/v1/national-feed/records").size("/records") == 0);
  check_problem(plant.get("/v1/national-feed/records?limit=0"), 400, "query_parameter_invalid",
                "limit");
  check_problem(plant.get("/v1/national-feed/records?cursor=x"), 400, "query_parameter_invalid",
                "cursor");

  // Push: the platform fails the first two attempts; the third, after back-off, is acknowledged.
  Reply created = plant.post("/v1/national-feed/deliveries", "");
  INFO(created.body);
  REQUIRE(created.status == 202);
  const std::string id = created.str("/id");
  CHECK(created.num("/records") == static_cast<int64_t>(stages.size()));
  std::vector<api::HttpRequest> pushes = receiver.wait_for(3);
  CHECK(pushes[0].body == pushes[2].body);
  CHECK(pushes[0].body.find(kPersonId) == std::string::npos);
  CHECK(pushes[2].header("Idempotency-Key").value_or("") == id);
  CHECK(pushes[2].body.find(outbound.str("/records/" + std::to_string(outbound_index) +
                                         "/record_id")) != std::string::npos);
  Reply seen = delivery_settled(operator_, "/deliveries/0/state");
  INFO(seen.body);
  CHECK(seen.str("/deliveries/0/id") == id);
  CHECK(seen.str("/deliveries/0/enterprise") == kPlantUscc);
  CHECK(seen.str("/deliveries/0/state") == "acknowledged");
  CHECK(seen.num("/deliveries/0/attempts") == 3);
  CHECK(seen.str("/deliveries/0/error") == "the platform answered 503");
  // The enterprise sees its own deliveries, another enterprise none; nothing new: 409.
  CHECK(plant.get("/v1/national-feed/deliveries").size("/deliveries") == 1);
  CHECK(wholesale.get("/v1/national-feed/deliveries").size("/deliveries") == 0);
  check_problem(plant.post("/v1/national-feed/deliveries", ""), 409, "national_feed_up_to_date",
                "cursor");
  // The operator re-sends it: pushed once more.
  Reply resent = operator_.post("/v1/national-feed/deliveries/" + id + "/resend", "");
  INFO(resent.body);
  REQUIRE(resent.status == 202);
  CHECK(receiver.wait_for(4)[3].body == pushes[0].body);
  check_problem(operator_.post("/v1/national-feed/deliveries/nfd-999/resend", ""), 404,
                "delivery_not_found", "id");
  check_problem(wholesale.post("/v1/national-feed/deliveries/" + id + "/resend", ""), 404,
                "delivery_not_found", "id");

  // Inbound: the plant's outbound record, as the national platform holds it, becomes the
  // wholesaler's receipt of those codes; the same record again answers the first receipt.
  const std::string record = "/records/" + std::to_string(outbound_index);
  const std::string one = fmt::format(
      R"({{"version":"v1","records":[{{"stage":"outbound","record_id":"{}","destination":{{"id_type":"USCC","id":"{}"}},"batch":[{{"code":"{}"}},{{"code":"{}"}}]}}]}})",
      outbound.str(record + "/record_id"), kWholesaleUscc, outbound.str(record + "/batch/0/code"),
      outbound.str(record + "/batch/1/code"));
  Reply received = wholesale.post("/v1/national-feed/inbound", one);
  INFO(received.body);
  REQUIRE(received.status == 201);
  Reply again = wholesale.post("/v1/national-feed/inbound", one);
  CHECK(again.status == 201);
  CHECK(again.body.find("\"replayed\":true") != std::string::npos);
  CHECK(again.str("/id") == received.str("/id"));
  CHECK(wholesale.get_fresh("/v1/receipts").body.find(received.str("/id")) != std::string::npos);
  check_problem(plant.post("/v1/national-feed/inbound", one), 422, "national_feed_record_invalid",
                "records[0].destination");
  check_problem(wholesale.post("/v1/national-feed/inbound", R"({"version":"v2","records":[]})"),
                422, "national_feed_version_unsupported", "version");

  // Deliveries live in the job store (<data>/jobs): after a restart the operator sees the same
  // delivery, acknowledged (a push in flight when the server stopped is pushed again: the
  // platform recognises it by its Idempotency-Key), and the next delivery starts after it.
  REQUIRE(server.stop() == 0);
  server.start();
  ApiClient operator2(server.port(), kAdminKey);
  Reply kept = delivery_settled(operator2, "/deliveries/0/state");
  INFO(kept.body);
  REQUIRE(kept.size("/deliveries") == 1);
  CHECK(kept.str("/deliveries/0/id") == id);
  CHECK(kept.str("/deliveries/0/enterprise") == kPlantUscc);
  CHECK(kept.str("/deliveries/0/state") == "acknowledged");
  CHECK(kept.num("/deliveries/0/records") == static_cast<int64_t>(stages.size()));
  ApiClient plant2(server.port(), plant.key());
  check_problem(plant2.post("/v1/national-feed/deliveries", ""), 409, "national_feed_up_to_date",
                "cursor");
  // Re-sendable after the restart too: the same document once more.
  const size_t pushed = receiver.wait_for(4).size();
  REQUIRE(operator2.post("/v1/national-feed/deliveries/" + id + "/resend", "").status == 202);
  CHECK(receiver.wait_for(pushed + 1).back().body == pushes[0].body);
}

AGRITRACE_TEST_BOTH_LEDGERS(
    "R-5.1 national platform feed v1: records by cursor, push deliveries retried and re-sent, "
    "inbound records become receipts",
    national_feed)

}  // namespace
}  // namespace agritrace::testing
