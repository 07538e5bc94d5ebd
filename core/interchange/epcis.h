// GS1 EPCIS 2.0 events of the goods the ledger records (issue 14, R-5.1 open formats): the event
// model, identifiers (GS1 Digital Link or EPC URN), the JSON-LD form and the CBV 2.0 canonical
// event hash (CBV 2.0 §8.9) that is each event's eventID. Pure: no I/O, no clock.
// docs/INTERCHANGE.md describes the mapping from ledger events.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/json_writer.h"
#include "core/base/quantity.h"
#include "core/base/status.h"

namespace agritrace::core::epcis {

// How identifiers are written (header GS1-EPC-Format): Digital Link URIs by default,
// EPC URNs with "Always_EPC_URN". The event hash is the same either way.
enum class IdFormat : uint8_t { kDigitalLink, kEpcUrn };
// "Always_GS1_Digital_Link" / "No_Preference" -> Digital Link, "Always_EPC_URN" -> URN.
Result<IdFormat> parse_id_format(std::string_view header);

// One trade item instance: SGTIN (GS1 AI 01 + 21).
struct Item {
  std::string gtin14;
  std::string serial;
  bool operator==(const Item&) const = default;
};

// A class of goods: LGTIN (AI 01 + 10) when the GTIN is known, else the platform's own class URI
// (`urn:agritrace:lot:{tenant}:{item}` for a lot or batch without a GTIN).
struct GoodsClass {
  std::string gtin14;
  std::string lot;
  std::string private_uri;  // used when gtin14 is empty
  // The catalogue product of the goods, if any: its GTIN names the class when it is known (the
  // read model resolves it when a page is read). Not part of the URI or the hash.
  std::string product_id = {};
  bool operator==(const GoodsClass&) const = default;
};

struct QuantityElement {
  GoodsClass goods;
  std::string quantity;  // decimal text, e.g. "1.5"; empty: no quantity
  std::string uom;       // UN/ECE Rec 20 code, e.g. "KGM"; empty: a count of instances
  bool operator==(const QuantityElement&) const = default;
};

// A typed URI: bizTransaction (type po, desadv, prodorder...) or source/destination (type
// owning_party, possessing_party, location).
struct Typed {
  std::string type;  // CBV bare word
  std::string id;
  bool operator==(const Typed&) const = default;
};

struct Event {
  std::string type;  // "ObjectEvent" | "TransformationEvent"
  int64_t event_time_ms = 0;
  std::string time_zone_offset = "+08:00";
  int64_t record_time_ms = 0;  // not part of the hash
  std::vector<Item> epcs;      // epcList (ObjectEvent) / inputEPCList (TransformationEvent)
  std::vector<QuantityElement> quantities;  // quantityList / inputQuantityList
  std::vector<Item> output_epcs;
  std::vector<QuantityElement> output_quantities;
  std::string action;  // ADD / OBSERVE / DELETE; empty for a TransformationEvent
  std::string transformation_id;
  std::string biz_step;     // CBV bare word, e.g. "shipping"
  std::string disposition;  // CBV bare word, e.g. "in_transit"
  std::string read_point;
  std::string biz_location;
  std::vector<Typed> biz_transactions;
  std::vector<Typed> sources;
  std::vector<Typed> destinations;
  bool operator==(const Event&) const = default;
};

// The UN/ECE Rec 20 quantity of a ledger quantity: grams -> KGM, millilitres -> LTR (both as
// decimals of the base unit / 1000), pieces -> EA.
QuantityElement quantity_of(GoodsClass goods, Quantity q);
// "1500" thousandths -> "1.5"; "2000" -> "2"; "1" -> "0.001".
std::string thousandths_text(int64_t thousandths);

// https://id.gs1.org/01/{gtin14}/21/{serial} (serial percent-encoded where needed).
std::string digital_link(const Item& item);
// urn:epc:id:sgtin:{company prefix}.{indicator+item reference}.{serial}
std::string epc_urn(const Item& item);
std::string class_uri(const GoodsClass& goods, IdFormat format);
std::string item_uri(const Item& item, IdFormat format);
// The GS1 company prefix length assumed for a GTIN-14 (docs/INTERCHANGE.md): 8 digits under the
// GS1 China prefixes 692-699, 7 otherwise (690/691 and every other prefix).
int32_t company_prefix_length(std::string_view gtin14);

// Parses an EPC as a client gives it (Digital Link URI of any host, or an SGTIN EPC URN).
// Reason `epc_invalid`.
Result<Item> parse_item(std::string_view uri, std::string_view field);
// Parses a class (LGTIN Digital Link or EPC class URN, or any other URI kept as private_uri).
Result<GoodsClass> parse_class(std::string_view uri, std::string_view field);

// CBV 2.0 canonical pre-hash string and event hash ("ni:///sha-256;{hex}?ver=CBV2.0").
std::string prehash(const Event& event);
std::string event_hash(const Event& event);

// The event as EPCIS 2.0 JSON-LD (one element of eventList), eventID included.
void write_event(JsonWriter& w, const Event& event, IdFormat format);

// The JSON-LD @context every document names.
inline constexpr std::string_view kContext =
    "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld";

// Platform URIs for things without a GS1 key (docs/INTERCHANGE.md).
std::string party_uri(std::string_view tenant_or_uscc);  // urn:agritrace:party:{uscc}
std::string private_party_uri(std::string_view tenant, std::string_view counterparty_id);
std::string lot_uri(std::string_view tenant, std::string_view item_id);  // urn:agritrace:lot:T:item
std::string transaction_uri(std::string_view tenant, std::string_view id);  // urn:agritrace:bt:T:id

}  // namespace agritrace::core::epcis
