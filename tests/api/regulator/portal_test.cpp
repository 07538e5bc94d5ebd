// The regulator portal's page and assets (issue 13, api/regulator/portal_*.cpp) as the server
// serves them: public, HTML under the CSP of every HTML answer, the script and stylesheet from
// the server itself, nothing from another host, no inline script (the CSP would block it). What
// the portal does in a browser: tests/browser/regulator/run.mjs (ctest browser_regulator).
#include "api/regulator/portal.h"

#include <doctest/doctest.h>

#include <regex>
#include <string>

#include "tests/e2e/base/fixtures.h"
#include "tests/support/api_client.h"
#include "tests/support/test_env.h"

namespace agritrace::testing {
namespace {

// Every http(s) URL in `text` but the SVG namespace the script creates its charts in.
std::vector<std::string> foreign_urls(const std::string& text) {
  std::vector<std::string> out;
  const std::regex url(R"(https?://[^\s'"<>)]+)");
  for (auto it = std::sregex_iterator(text.begin(), text.end(), url); it != std::sregex_iterator();
       ++it) {
    if (it->str() != "http://www.w3.org/2000/svg") out.push_back(it->str());
  }
  return out;
}

TEST_CASE(
    "issue 13 regulator portal: /regulator, its script and stylesheet, served by the server, no "
    "other host [embedded]") {
  TestApp app(Backend::kEmbedded);
  ApiClient anonymous(app.port());

  Reply page = anonymous.get("/regulator");
  INFO(page.body);
  REQUIRE(page.status == 200);
  CHECK(page.header("Content-Type").find("text/html") == 0);
  CHECK(page.header("Content-Security-Policy").find("default-src 'self'") == 0);
  CHECK(page.body.find("<html lang=\"zh-CN\">") != std::string::npos);
  CHECK(page.body.find("<script src=\"/regulator/portal.js\"></script>") != std::string::npos);
  CHECK(page.body.find("<link rel=\"stylesheet\" href=\"/regulator/portal.css\">") !=
        std::string::npos);
  // One script element, with a src: no inline script for the CSP to block.
  CHECK(page.body.find("<script") == page.body.rfind("<script"));
  for (const char* view :
       {"#/dashboard", "#/entities", "#/inspect", "#/draws", "#/ledger", "#/chain"}) {
    CHECK_MESSAGE(page.body.find(view) != std::string::npos, view);
  }

  Reply js = anonymous.get("/regulator/portal.js");
  REQUIRE(js.status == 200);
  CHECK(js.header("Content-Type").find("text/javascript") == 0);
  CHECK(js.body == api::kPortalJs);
  // The routes the views read (docs/REGULATOR.md "Portal"), with the session's token.
  for (const char* route :
       {"/v1/regulator/sessions", "/v1/regulator/bureau", "/v1/regulator/statistics",
        "/v1/regulator/compliance", "/v1/regulator/entities", "/v1/regulator/checklist",
        "/v1/regulator/documents", "/v1/regulator/inspections", "/v1/regulator/draws",
        "/v1/regulator/ledger-lines", "/v1/regulator/chain", "Authorization"}) {
    CHECK_MESSAGE(js.body.find(route) != std::string::npos, route);
  }
  Reply css = anonymous.get("/regulator/portal.css");
  REQUIRE(css.status == 200);
  CHECK(css.header("Content-Type").find("text/css") == 0);

  for (const Reply* r : {&page, &js, &css}) {
    CHECK(foreign_urls(r->body).empty());
    CHECK(r->body.find("@import") == std::string::npos);
  }
}

}  // namespace
}  // namespace agritrace::testing
