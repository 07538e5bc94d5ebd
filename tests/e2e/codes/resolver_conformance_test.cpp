// The GS1 Digital Link resolver against the behaviours of the GS1 Resolver CE test suite
// (github.com/gs1/GS1_DigitalLink_Resolver_CE, tests/setup_test.py) and the GS1 Digital Link
// standard's resolver rules (R-4.4.1): 24 behaviours, over real HTTP on loopback, both ledgers.
// The GTIN and lot are the CE suite's (09506000134376, LOT01), so its compressed example
// /ARFKk4XB0CDKWcnpq names this lot.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include "core/codes/dl_compression.h"
#include "tests/e2e/base/fixtures.h"
#include "tests/support/api_client.h"
#include "tests/support/test_env.h"

namespace agritrace::testing {
namespace {

constexpr const char* kGtin = "09506000134376";
constexpr const char* kBase = "https://trace.example.cn";  // the template's base_url (fixtures.cpp)

size_t count(const std::string& s, std::string_view what) {
  size_t n = 0;
  for (size_t at = s.find(what); at != std::string::npos; at = s.find(what, at + 1)) ++n;
  return n;
}

void resolver_conformance(Backend backend) {
  TestApp app(backend);
  ApiClient plant = app.enterprise(kPlantUscc, "东莞市鲜达农产品加工有限公司");
  ApiClient scan(app.port());  // no key: the resolver is public
  const std::string farm_id = new_counterparty(plant, enterprise_supplier_body(kFarmUscc));
  const ReceivedLot material = receive_material(plant, farm_id, 100);
  const std::string batch_id = batch_of_lot(plant, "LOT01", material.lot_id, 100);
  std::vector<std::string> uris;
  code_run(plant, batch_id, kGtin, R"({"amount":1,"unit":"piece"})", 3, &uris);
  const std::string path = path_of(uris[0]);
  const std::string serial = serial_of(uris[0]);
  const std::string lot_path = fmt::format("/01/{}/10/LOT01", kGtin);
  const std::string json_accept = "application/json";
  auto get = [&](const std::string& target, const std::string& accept = "text/html") {
    return scan.call("GET", target, "", {{"Accept", accept}});
  };

  // 1. The full URI resolves (the consumer's page by default).
  Reply page = get(path);
  REQUIRE(page.status == 200);
  CHECK(page.header("Content-Type").find("text/html") == 0);
  // 2-3. CORS on resolver answers, errors included.
  CHECK(page.header("Access-Control-Allow-Origin") == "*");
  Reply missing = get(fmt::format("/01/{}/10/NOSUCHLOT/21/X", kGtin));
  CHECK(missing.status == 404);
  CHECK(missing.header("Access-Control-Allow-Origin") == "*");
  // 4. The answer depends on Accept, and says so.
  CHECK(page.header("Vary").find("Accept") != std::string::npos);
  // 5. HEAD: the GET's headers without the body.
  Reply head = scan.call("HEAD", path, "", {{"Accept", "text/html"}});
  CHECK(head.status == 200);
  CHECK(head.body.empty());
  CHECK(head.header("Access-Control-Allow-Origin") == "*");
  // 6-7. OPTIONS (CORS pre-flight) of a code's URI and of a less specific one.
  for (const std::string& target : {path, fmt::format("/01/{}", kGtin)}) {
    Reply options =
        scan.call("OPTIONS", target, "",
                  {{"Origin", "https://scan.example"}, {"Access-Control-Request-Method", "GET"}});
    CHECK(options.status == 204);
    CHECK(options.header("Access-Control-Allow-Methods") == "GET, HEAD, OPTIONS");
    CHECK(options.header("Access-Control-Allow-Origin") == "*");
  }
  // 8. The resolver description file.
  Reply described = get("/.well-known/gs1resolver", json_accept);
  REQUIRE(described.status == 200);
  CHECK(described.str("/supportedPrimaryKeys/0") == "gtin");
  CHECK(described.header("Access-Control-Allow-Origin") == "*");
  // 9. /01/{gtin} resolves: the GTIN's lots.
  Reply gtin = get(fmt::format("/01/{}", kGtin), json_accept);
  REQUIRE(gtin.status == 200);
  CHECK(gtin.str("/lots/0/lot") == "LOT01");
  CHECK(gtin.str("/lots/0/uri") == kBase + lot_path);
  // 10. /01/{gtin}/10/{lot} resolves: the batch's trace.
  Reply lot = get(lot_path, json_accept);
  REQUIRE(lot.status == 200);
  CHECK(lot.str("/batch/lot_code") == "LOT01");
  CHECK(lot.str("/batch/batch_id") == batch_id);
  // 11. /01/{gtin}/21/{serial}: 307 to the code's full URI.
  Reply by_serial = get(fmt::format("/01/{}/21/{}", kGtin, serial));
  CHECK(by_serial.status == 307);
  CHECK(by_serial.header("Location") == uris[0]);
  // 12. An unknown serial of a known lot: 307 to the less specific entry.
  Reply unknown_serial = get(lot_path + "/21/HELLOWORLD");
  CHECK(unknown_serial.status == 307);
  CHECK(unknown_serial.header("Location") == kBase + lot_path);
  // 13. An unknown lot: 404.
  CHECK(get(fmt::format("/01/{}/10/LOT99", kGtin)).status == 404);
  // 14. The CE suite's compressed link decompresses to this lot.
  Reply compressed = get("/ARFKk4XB0CDKWcnpq");
  CHECK(compressed.status == 307);
  CHECK(compressed.header("Location") == kBase + lot_path);
  // 15. A compressed code URI (written by the compression of GS1 DL, optimised) goes to the code.
  const auto packed =
      core::compress_digital_link({{"01", kGtin}, {"10", "LOT01"}, {"21", serial}}, true);
  REQUIRE(packed.ok());
  Reply compressed_code = get("/" + *packed);
  CHECK(compressed_code.status == 307);
  CHECK(compressed_code.header("Location") == uris[0]);
  // 16. Partially compressed: the primary key in clear, the rest compressed.
  const auto rest = core::compress_digital_link({{"10", "LOT01"}, {"21", serial}}, false);
  REQUIRE(rest.ok());
  Reply partly = get(fmt::format("/01/{}/{}", kGtin, *rest));
  CHECK(partly.status == 307);
  CHECK(partly.header("Location") == uris[0]);
  // 17. The linkset on request, with gs1:defaultLink.
  Reply linkset = get(path + "?linkType=linkset");
  REQUIRE(linkset.status == 200);
  CHECK(linkset.header("Content-Type") == "application/linkset+json");
  CHECK(linkset.str("/linkset/0/https:~1~1gs1.org~1voc~1defaultLink/0/href") ==
        uris[0] + "?linkType=gs1:pip");
  // 18. ... and by content negotiation.
  Reply negotiated = get(path, "application/linkset+json");
  CHECK(negotiated.header("Content-Type") == "application/linkset+json");
  CHECK(negotiated.has("/linkset/0/https:~1~1gs1.org~1voc~1pip"));
  // 19. The Link header names the default link ...
  const std::string link = page.header("Link");
  CHECK(link.find("rel=\"gs1:defaultLink\"") != std::string::npos);
  // 20. ... and every entry has a title.
  CHECK(count(link, "rel=\"") == count(link, "title=\""));
  CHECK(count(link, "rel=\"") >= 4);
  // 21. A malformed path: 400 (the CE suite's /01/{gtin}/badrequest).
  Reply bad = get(fmt::format("/01/{}/badrequest", kGtin));
  CHECK(bad.status == 400);
  CHECK(bad.str("/code") == "digital_link_syntax");
  CHECK(bad.header("Access-Control-Allow-Origin") == "*");
  // 22. A qualifier this resolver does not serve: 400.
  CHECK(get(fmt::format("/01/{}/99/x", kGtin)).status == 400);
  // 23. A GTIN whose check digit fails: 400.
  CHECK(get("/01/09506000134377").status == 400);
  // 24. URIs come from the template's base URL, not the request's Host (127.0.0.1:port here).
  Reply code_json = get(path, json_accept);
  CHECK(code_json.str("/code/uri") == uris[0]);
  CHECK(linkset.str("/linkset/0/anchor") == uris[0]);
  CHECK(link.find("<" + uris[0] + "?linkType=") == 0);
  CHECK(page.body.find("127.0.0.1") == std::string::npos);
  CHECK(app.server.stop() == 0);
}

}  // namespace

AGRITRACE_TEST_BOTH_LEDGERS(
    "R-4.4.1 GS1 Resolver CE behaviours: CORS, HEAD/OPTIONS, less specific and compressed URIs, "
    "linkset",
    resolver_conformance)

}  // namespace agritrace::testing
