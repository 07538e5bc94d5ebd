// Events of the regulator end (issue 13): market supervision bureaus, their user accounts and the
// entities they file. Recorded in the tenant kRegulatorsTenant ("regulators"); never
// published on the regulators' feed (that tenant has no division). Personal data of an entity
// (resident ID number, phone) is sealed in the ledger like a counterparty's (events/pii).
#pragma once

#include <string>
#include <string_view>
#include <tuple>

#include "core/base/describe.h"

namespace agritrace::core {

// A bureau and its jurisdiction: a GB/T 2260 division code or the named group "GBA".
struct BureauRegistered {
  static constexpr std::string_view kType = "bureau.registered";
  std::string bureau_id;  // e.g. "gz-amr"
  std::string name;       // e.g. "广州市市场监督管理局"
  std::string jurisdiction;
  bool operator==(const BureauRegistered&) const = default;
  static constexpr auto kFields = std::make_tuple(
      describe::field("bureau_id", &BureauRegistered::bureau_id),
      describe::field("name", &BureauRegistered::name),
      describe::field("jurisdiction", &BureauRegistered::jurisdiction));
};

// A user account of a bureau with one role (core/regulator/access.h).
struct RegulatorUserCreated {
  static constexpr std::string_view kType = "regulator_user.created";
  std::string bureau_id;
  std::string user_id;   // "ru-N"
  std::string username;  // unique in the bureau
  std::string role;      // "inspector" | "supervisor"
  std::string password_hash;  // Argon2id PHC string; never the password
  bool operator==(const RegulatorUserCreated&) const = default;
  static constexpr auto kFields = std::make_tuple(
      describe::field("bureau_id", &RegulatorUserCreated::bureau_id),
      describe::field("user_id", &RegulatorUserCreated::user_id),
      describe::field("username", &RegulatorUserCreated::username),
      describe::field("role", &RegulatorUserCreated::role),
      describe::field("password_hash", &RegulatorUserCreated::password_hash));
};

// what a bureau files of a food producer or trader. Exactly one of `uscc` (a business
// with a licence, GB 32100-2015) and `id_number` (an individual trader, GB 11643-1999).
struct EntityRecord {
  std::string name;
  std::string premises_type;  // entity_premises_types() (core/regulator/rules.h)
  std::string uscc;
  std::string id_number;  // personal data: sealed, masked outside the filing bureau
  std::string division;   // GB/T 2260 code of the premises
  std::string address;
  std::string legal_representative;  // masked outside the filing bureau
  std::string contact_person;        // masked outside the filing bureau
  std::string phone;                 // personal data: sealed, masked outside the filing bureau
  bool operator==(const EntityRecord&) const = default;
  static constexpr auto kFields = std::make_tuple(
      describe::field("name", &EntityRecord::name),
      describe::field("premises_type", &EntityRecord::premises_type),
      describe::field("uscc", &EntityRecord::uscc),
      describe::field("id_number", &EntityRecord::id_number),
      describe::field("division", &EntityRecord::division),
      describe::field("address", &EntityRecord::address),
      describe::field("legal_representative", &EntityRecord::legal_representative),
      describe::field("contact_person", &EntityRecord::contact_person),
      describe::field("phone", &EntityRecord::phone));
};

struct EntityFiled {
  static constexpr std::string_view kType = "regulated_entity.filed";
  std::string entity_id;  // "fe-N"
  std::string bureau_id;  // the filing bureau
  EntityRecord record;
  bool operator==(const EntityFiled&) const = default;
  static constexpr auto kFields = std::make_tuple(
      describe::field("entity_id", &EntityFiled::entity_id),
      describe::field("bureau_id", &EntityFiled::bureau_id),
      describe::field("record", &EntityFiled::record, describe::kInline));
};

// The full new record; `previous_division` is where it was filed before (the views move it).
struct EntityAmended {
  static constexpr std::string_view kType = "regulated_entity.amended";
  std::string entity_id;
  std::string bureau_id;  // the amending bureau
  std::string previous_division;
  EntityRecord record;
  bool operator==(const EntityAmended&) const = default;
  static constexpr auto kFields = std::make_tuple(
      describe::field("entity_id", &EntityAmended::entity_id),
      describe::field("bureau_id", &EntityAmended::bureau_id),
      describe::field("previous_division", &EntityAmended::previous_division),
      describe::field("record", &EntityAmended::record, describe::kInline));
};

}  // namespace agritrace::core
