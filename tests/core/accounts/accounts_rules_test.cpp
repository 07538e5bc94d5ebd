// The account rules (core/accounts): password rules, the administrator created at registration,
// users, scoped keys, rotation and revocation, and the credential index the writer keeps.
#include <doctest/doctest.h>

#include "core/accounts/access.h"
#include "core/accounts/credentials.h"
#include "tests/core/domain/world_fixture.h"

namespace agritrace::core::testing {
namespace {

constexpr const char* kPlant = "91441900MA51ABCD7J";
const std::string kSha1(64, 'a');
const std::string kSha2(64, 'b');
constexpr const char* kHash = "$argon2id$v=19$m=65536,t=2,p=1$c2FsdA$aGFzaA";

Error error_of(const Result<std::vector<Event>>& r) {
  REQUIRE(!r.ok());
  return r.error();
}

}  // namespace

TEST_CASE("password rules: length, three classes, not the username") {
  CHECK(check_password_rules("Green-Field-2024", "boss", "password").ok());
  CHECK(check_password_rules("Short-1", "boss", "password").error().reason == "password_length");
  CHECK(check_password_rules(std::string(129, 'a'), "boss", "password").error().reason ==
        "password_length");
  CHECK(check_password_rules("onlylowercaseletters", "boss", "password").error().reason ==
        "password_too_simple");
  CHECK(check_password_rules("lowercase-and-dashes", "boss", "password").error().reason ==
        "password_too_simple");
  CHECK(check_password_rules("lowercase-and-2-digits", "boss", "password").ok());
  CHECK(check_password_rules("My-BOSS-Pass-2024", "boss", "password").error().reason ==
        "password_contains_username");
  CHECK(validate_username("seller.one", "username").ok());
  CHECK(validate_username("Seller", "username").error().reason == "username_invalid");
  CHECK(validate_username("-x1", "username").error().reason == "username_invalid");
}

TEST_CASE("accounts rules: the administrator at registration, users, keys, rotation, revocation") {
  World w;
  RegisterEnterprise reg{kPlant, "鲜达", "广东省", "key_reg", kSha1, "boss", kHash};
  auto registered = w.apply(kPlant, Command(reg));
  REQUIRE(registered.ok());
  REQUIRE(registered->size() == 2);
  const auto& admin = std::get<UserCreated>((*registered)[1]);
  CHECK(admin.user_id == "u-1");
  CHECK(admin.role == "administrator");
  CHECK(admin.password_hash == kHash);

  CHECK(error_of(w.apply(kPlant, Command(CreateUser{"boss", "sales", kHash}))).reason ==
        "username_taken");
  CHECK(error_of(w.apply(kPlant, Command(CreateUser{"seller", "cashier", kHash}))).reason ==
        "role_unknown");
  CHECK(error_of(w.apply(kPlant, Command(CreateUser{"seller", "sales", "plain-text"}))).reason ==
        "password_hash_invalid");
  auto seller = w.apply(kPlant, Command(CreateUser{"seller", "sales", kHash}));
  REQUIRE(seller.ok());
  CHECK(std::get<UserCreated>((*seller)[0]).user_id == "u-2");

  const int64_t now = w.ctx(kPlant).now_ms;
  CHECK(error_of(
            w.apply(kPlant, Command(CreateApiKey{"key_s", "s", kSha2, "read", {"accounts"}, {}})))
            .reason == "area_not_for_keys");
  CHECK(error_of(w.apply(kPlant, Command(CreateApiKey{"key_s", "s", kSha2, "admin", {}, {}})))
            .reason == "access_unknown");
  CHECK(error_of(w.apply(kPlant, Command(CreateApiKey{"key_s", "s", kSha2, "read", {}, now})))
            .reason == "expiry_in_past");
  REQUIRE(w.apply(kPlant,
                  Command(CreateApiKey{"key_s", "scanner", kSha2, "read", {"codes"}, now + 1000}))
              .ok());
  CHECK(error_of(w.apply(kPlant, Command(CreateApiKey{"key_s", "s", kSha2, "read", {}, {}})))
            .reason == "api_key_exists");
  CHECK(error_of(w.apply(kPlant, Command(RotateApiKey{"key_x", kSha1}))).reason ==
        "api_key_not_found");
  REQUIRE(w.apply(kPlant, Command(RotateApiKey{"key_s", std::string(64, 'c')})).ok());
  REQUIRE(w.apply(kPlant, Command(RevokeApiKey{"key_reg", "leaked"})).ok());
  CHECK(error_of(w.apply(kPlant, Command(RevokeApiKey{"key_reg", ""}))).reason ==
        "api_key_revoked");
  CHECK(error_of(w.apply(kPlant, Command(RotateApiKey{"key_reg", kSha2}))).reason ==
        "api_key_revoked");

  // The writer's credential index, folded from the same events.
  CredentialIndex index;
  for (const auto& [tenant, event] : w.log) index.apply(tenant, event);
  CHECK(index.tenant_registered(kPlant));
  CHECK(!index.key(kSha1));  // the registration key, revoked
  CHECK(!index.key(kSha2));  // the scanner's first secret, rotated away
  auto scanner = index.key(std::string(64, 'c'));
  REQUIRE(scanner);
  CHECK(scanner->key_id == "key_s");
  CHECK(scanner->access == Access::kRead);
  CHECK(scanner->areas == std::vector<Area>{Area::kCodes});
  CHECK(scanner->expires_at_ms == now + 1000);
  auto user = index.user(kPlant, "seller");
  REQUIRE(user);
  CHECK(user->role == Role::kSales);
  CHECK(!index.user("91440101MA59XYW12B", "seller"));
}

}  // namespace agritrace::core::testing
