// agritrace_bench: benchmark tools. `generate` writes a deterministic, realistic production-end
// workload straight into the ledger through CommandWriter::submit (decide -> hash chain -> group
// commit, exactly the path of the HTTP API minus HTTP), so `agritrace replay` can be timed on it.
//
// Determinism: one thread generates the command sequence from the seed, one tenant-day at a time
// (memory stays flat in the number of events), and submits it in that order. The writer takes
// commands FIFO, so every tenant sees its commands in generation order and the ids the deciders
// hand out (cp-N, po-N, lot-N, b-N) are known in advance. Event ids, command ids and timestamps are
// the only fields that differ between two runs with the same flags.
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <tuple>
#include <variant>
#include <vector>

#include "api/production/blob_store.h"
#include "core/base/civil_time.h"
#include "core/base/digest.h"
#include "core/base/identifiers.h"
#include "core/codes/codes.h"
#include "core/domain/command.h"
#include "core/sales/commands.h"
#include "events/ledger/ledger.h"
#include "events/writer/command_writer.h"
#include "events/env/posix_env.h"

namespace {

using agritrace::Result;
namespace core = agritrace::core;
namespace events = agritrace::events;

// ---------------------------------------------------------------------------------------------
// Deterministic randomness. SplitMix64 and our own range mapping rather than <random>
// distributions, whose output is implementation-defined: the same seed gives the same workload
// with any standard library.
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  uint64_t next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  // Uniform in [lo, hi] (inclusive); the modulo bias is irrelevant for a workload generator.
  int64_t range(int64_t lo, int64_t hi) {
    return lo + static_cast<int64_t>(next() % static_cast<uint64_t>(hi - lo + 1));
  }
  bool chance(double p) { return static_cast<double>(next() >> 11) * 0x1.0p-53 < p; }
  template <typename T>
  const T& pick(const std::vector<T>& v) {
    return v[static_cast<size_t>(range(0, static_cast<int64_t>(v.size()) - 1))];
  }

 private:
  uint64_t state_;
};

// ---------------------------------------------------------------------------------------------
// National identifiers with correct check characters.

// GB 32100-2015 alphabet (no I, O, S, V, Z) and weights.
constexpr std::string_view kUsccAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
constexpr int32_t kUsccWeights[17] = {1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28};

// GB/T 2260 region codes (prefecture level) of places with food industry.
const std::vector<std::string> kRegions = {
    "440100", "440300", "440600", "441900", "442000", "445100", "350100", "350200", "330100",
    "330200", "320500", "370200", "410100", "430100", "510100", "500000", "450100", "460100"};
const std::vector<std::string> kRegionNames = {
    "广东省广州市", "广东省深圳市", "广东省佛山市", "广东省东莞市", "广东省中山市", "广东省潮州市",
    "福建省福州市", "福建省厦门市", "浙江省杭州市", "浙江省宁波市", "江苏省苏州市", "山东省青岛市",
    "河南省郑州市", "湖南省长沙市", "四川省成都市", "重庆市", "广西壮族自治区南宁市", "海南省海口市"};

// GB 11714-1997 organisation code: 8 body characters (digits, upper-case letters) and a check
// character, weights 3 7 9 10 5 8 4 2, C9 = 11 - sum mod 11 (10 -> 'X', 11 -> '0'). It fills
// positions 9..17 of a USCC. Only digits and USCC letters are used so the USCC stays valid.
std::string organisation_code(Rng& rng) {
  static constexpr int32_t kWeights[8] = {3, 7, 9, 10, 5, 8, 4, 2};
  std::string code;
  int32_t sum = 0;
  for (int32_t i = 0; i < 8; ++i) {
    // Mostly digits, like real codes; letters take the values A=10, B=11, ... (GB 11714).
    char c;
    if (rng.chance(0.85)) {
      c = static_cast<char>('0' + rng.range(0, 9));
    } else {
      c = "ABCDEFGHJKLMNPQRTUWXY"[rng.range(0, 20)];
    }
    const int32_t value = c <= '9' ? c - '0' : c - 'A' + 10;
    sum += value * kWeights[i];
    code.push_back(c);
  }
  const int32_t check = 11 - sum % 11;
  code.push_back(check == 10 ? 'X' : check == 11 ? '0' : static_cast<char>('0' + check));
  return code;
}

// "91" (industry & commerce, enterprise) + region + organisation code + GB 32100 check.
std::string make_uscc(Rng& rng, const std::string& region) {
  std::string code = "91" + region + organisation_code(rng);
  int32_t sum = 0;
  for (size_t i = 0; i < 17; ++i) {
    sum += static_cast<int32_t>(kUsccAlphabet.find(code[i])) * kUsccWeights[i];
  }
  code.push_back(kUsccAlphabet[static_cast<size_t>((31 - sum % 31) % 31)]);
  return code;
}

// GB 11643-1999: county region, birth date, sequence, ISO 7064 MOD 11-2 check character.
std::string make_resident_id(Rng& rng, const std::string& region) {
  static constexpr int32_t kWeights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  const core::CivilDate birth = core::civil_from_days(core::days_from_civil({1955, 1, 1}) +
                                                      static_cast<int32_t>(rng.range(0, 16000)));
  // Prefecture "xxxx00" -> a county "xxxx02".."xxxx15" under it.
  std::string id = region.substr(0, 4) + fmt::format("{:02}", rng.range(2, 15)) +
                   fmt::format("{:04}{:02}{:02}", birth.year, birth.month, birth.day) +
                   fmt::format("{:03}", rng.range(1, 999));
  int32_t sum = 0;
  for (size_t i = 0; i < 17; ++i) sum += (id[i] - '0') * kWeights[i];
  id.push_back("10X98765432"[sum % 11]);
  return id;
}

std::string make_mobile(Rng& rng) {
  return fmt::format("1{}{:09}", rng.range(3, 9), rng.range(0, 999'999'999));
}

const std::vector<std::string> kSurnames = {"王", "李", "张", "刘", "陈", "杨", "黄", "赵",
                                            "吴", "周", "徐", "孙", "马", "朱", "胡", "郭",
                                            "何", "林", "罗", "梁", "郑", "谢", "宋", "唐"};
const std::vector<std::string> kGivenNames = {"伟", "芳", "娜", "秀英", "敏", "静", "丽", "强",
                                              "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛",
                                              "明", "超", "秀兰", "霞", "平", "刚", "桂英", "建华"};
const std::vector<std::string> kTradeWords = {"丰源", "金穗", "绿野", "鸿福", "嘉禾", "康达",
                                              "恒泰", "瑞丰", "天和", "华润", "益农", "粤港",
                                              "新禾", "宏达", "永盛", "顺德", "佳美", "源兴"};

std::string person_name(Rng& rng) { return rng.pick(kSurnames) + rng.pick(kGivenNames); }

// ---------------------------------------------------------------------------------------------
// The workload model: what one food factory buys and makes.

struct Material {
  std::string name;
  core::Unit unit;
  int64_t min_order;   // base units (g, ml, piece)
  int64_t max_order;
  int32_t shelf_days;  // long enough that a lot is still usable when the run happens
};

const std::vector<Material> kMaterials = {
    {"小麦粉（特一级）", core::Unit::kGram, 500'000, 5'000'000, 900},
    {"白砂糖", core::Unit::kGram, 200'000, 2'000'000, 1095},
    {"食用盐", core::Unit::kGram, 100'000, 1'000'000, 1825},
    {"大豆（非转基因）", core::Unit::kGram, 1'000'000, 8'000'000, 730},
    {"大米", core::Unit::kGram, 1'000'000, 10'000'000, 730},
    {"花生油", core::Unit::kMillilitre, 200'000, 2'000'000, 730},
    {"酿造酱油", core::Unit::kMillilitre, 100'000, 1'000'000, 900},
    {"米醋", core::Unit::kMillilitre, 100'000, 1'000'000, 1095},
    {"玻璃瓶 500ml", core::Unit::kPiece, 10'000, 100'000, 3650},
    {"瓶盖", core::Unit::kPiece, 20'000, 200'000, 3650},
    {"纸箱 12入", core::Unit::kPiece, 2'000, 20'000, 1825},
    {"标签", core::Unit::kPiece, 20'000, 200'000, 1825},
};

const std::vector<std::string> kProducts = {"特级酿造酱油 500ml", "陈醋 500ml",   "挂面 1kg",
                                            "五常大米 5kg",       "花生油 5L",     "豆豉 250g",
                                            "腐乳 300g",          "蚝油 700g",     "辣椒酱 280g"};

struct Supplier {
  std::string id;  // cp-N
  core::CounterpartyRecord record;
  std::vector<size_t> materials;  // indexes into kMaterials
};

struct OpenPo {
  std::string id;
  size_t material;
  core::Quantity quantity;
  std::string supplier_lot;
  core::Date production_date;
  core::Date expiry_date;
  int32_t day = 0;  // generation day it was created
};

struct Lot {
  std::string id;
  size_t material;
  int64_t remaining;
};

struct Batch {
  std::string id;
  std::string product;
  std::string lot_code;
  core::Quantity quantity;
  core::Date production_date;
  core::Date expiry_date;
  int64_t shipped = 0;  // pieces shipped (trace codes x 12)
};

// A customer (counterparty with the customer role). `tenant_uscc` is set when the customer is
// another generated enterprise: its shipments cross tenants (ship_to_tenant).
struct Customer {
  std::string id;
  std::string tenant_uscc;
};

// One command to submit, and the subject its event must carry (checks the id prediction).
struct Planned {
  std::string name;
  std::string tenant;
  std::string actor;
  core::Command command;
  std::string expected_subject;
  std::string document;  // attach_document: the bytes the API would have stored as a blob
};

// A shipment from another generated enterprise, waiting to be received by scan.
struct Inbound {
  std::vector<std::string> codes;  // GS1 Digital Links as shipped
  int32_t shipped_day = 0;         // days since epoch
};

struct TenantModel {
  int32_t index = 0;
  std::string uscc;
  std::string api_key_id;
  std::string region;
  std::vector<Supplier> suppliers;
  std::map<std::string, OpenPo> open_pos;  // ordered: deterministic iteration
  std::deque<Lot> lots;                    // FIFO, only lots with something left
  std::vector<Batch> batches;
  std::vector<Customer> customers;
  std::string gtin14;  // of the tenant's case-code template ct-1
  std::set<std::string> id_numbers;        // uniqueness inside the tenant
  std::set<std::string> usccs;
  int64_t counterparties = 0, pos = 0, lot_count = 0, batch_count = 0;
  int64_t runs = 0, orders = 0, shipments = 0, receipts = 0, stocktakes = 0;
  std::deque<Inbound> inbound;  // FIFO, in shipping order
};

class Generator {
 public:
  // `today`: the Env's calendar day the run happens on (the writer's rules check expiry against it).
  Generator(uint64_t seed, int32_t tenants, uint64_t target, core::Date today)
      : rng_(seed), target_(target), tenants_(static_cast<size_t>(tenants)) {
    // About 55 events per tenant per day; spread over at most 540 days ending yesterday, so every
    // date is in the past and every lot and batch (shelf life >= 730 days) is still usable today.
    const uint64_t per_tenant = target / static_cast<uint64_t>(tenants) + 1;
    days_ = static_cast<int32_t>(std::clamp<uint64_t>(per_tenant / 55, 30, 540));
    per_day_scale_ = std::max(1.0, static_cast<double>(per_tenant) / (55.0 * days_));
    first_day_ = today.days_since_epoch - 1 - days_;
  }

  // The next command in generation order, or nullopt once about `target` are generated. Commands
  // are generated one tenant-day at a time and handed out FIFO, so only that day is in memory.
  std::optional<Planned> next() {
    while (queue_.empty() && !done_) step();
    if (queue_.empty()) return std::nullopt;
    Planned p = std::move(queue_.front());
    queue_.pop_front();
    return p;
  }

 private:
  void step() {
    if (!started_) {
      started_ = true;
      start();
      return;
    }
    if (full()) {
      done_ = true;
      return;
    }
    TenantModel& m = tenants_[cursor_];
    if (!m.uscc.empty()) run_day(m, day_);
    if (++cursor_ == tenants_.size()) {
      cursor_ = 0;
      ++day_;
    }
  }

  void start() {
    std::set<std::string> tenant_usccs;
    for (size_t t = 0; t < tenants_.size() && !full(); ++t) {
      TenantModel& m = tenants_[t];
      m.index = static_cast<int32_t>(t);
      m.region = kRegions[t % kRegions.size()];
      do m.uscc = make_uscc(rng_, m.region);
      while (!tenant_usccs.insert(m.uscc).second);
      m.api_key_id = fmt::format("bench-key-{}", t);
    }
    // Every enterprise's USCC is known before any registers, so customers can be other
    // generated enterprises (cross-tenant shipments).
    for (size_t t = 0; t < tenants_.size() && !full(); ++t) register_tenant(tenants_[t], t);
  }

  bool full() const { return emitted_ >= target_; }

  core::Date date_of(int32_t day) const {
    return core::Date{first_day_ + std::min(day, days_ - 1)};
  }

  void emit(TenantModel& m, std::string name, core::Command command, std::string subject) {
    if (full()) return;
    ++emitted_;
    queue_.push_back(
        Planned{std::move(name), m.uscc, m.api_key_id, std::move(command), std::move(subject), {}});
  }

  void register_tenant(TenantModel& m, size_t t) {
    core::RegisterEnterprise reg;
    reg.enterprise_id = m.uscc;
    reg.name = rng_.pick(kTradeWords) + fmt::format("食品{}号厂有限公司", t + 1);
    reg.region = kRegionNames[t % kRegionNames.size()];
    reg.api_key_id = m.api_key_id;
    reg.api_key_sha256 = agritrace::core::sha256_hex("bench api key " + m.uscc);
    if (full()) return;
    // Registration is the platform administrator's act (POST /v1/enterprises).
    ++emitted_;
    queue_.push_back(Planned{"register_enterprise", m.uscc, "admin", std::move(reg), m.uscc, {}});
    const int64_t suppliers = rng_.range(24, 40);
    for (int64_t i = 0; i < suppliers; ++i) add_supplier(m);
    const int64_t customers = rng_.range(6, 12);
    for (int64_t i = 0; i < customers; ++i) add_customer(m);
    // One case-code template per enterprise: GTIN-13 "69" (GS1 China) + 10 digits + check.
    std::string gtin13 = fmt::format("69{:010}", rng_.range(0, 9'999'999'999));
    gtin13.push_back(core::gtin_check_digit(gtin13));
    m.gtin14 = "0" + gtin13;
    core::CreateCodeTemplate tpl;
    tpl.name = "箱码 12入";
    tpl.gtin = gtin13;
    tpl.base_url = "https://trace.agritrace.cn";
    tpl.serial_format = core::SerialFormat::kBase32;
    tpl.packaging_level = core::PackagingLevel::kCase;
    tpl.quantity_per_code = core::Quantity{12, core::Unit::kPiece};
    emit(m, "create_code_template", std::move(tpl), "ct-1");
  }

  // Distributors, supermarkets (some of them other generated enterprises) and retail buyers.
  void add_customer(TenantModel& m) {
    Customer c;
    c.id = fmt::format("cp-{}", ++m.counterparties);
    core::CounterpartyRecord r;
    const size_t region = static_cast<size_t>(rng_.range(0, kRegions.size() - 1));
    r.roles.customer = true;
    r.phone = make_mobile(rng_);
    r.region = kRegionNames[region];
    r.address = kRegionNames[region] + fmt::format("商贸路{}号", rng_.range(1, 999));
    if (rng_.chance(0.25)) {
      r.kind = core::CounterpartyKind::kIndividual;
      do r.id_number = make_resident_id(rng_, kRegions[region]);
      while (!m.id_numbers.insert(r.id_number).second);
      r.name = person_name(rng_);
    } else {
      r.kind = core::CounterpartyKind::kEnterprise;
      const TenantModel& other = rng_.pick(tenants_);
      if (tenants_.size() > 1 && rng_.chance(0.4) && &other != &m && !m.usccs.count(other.uscc)) {
        r.uscc = other.uscc;  // a registered enterprise: the goods continue there
        c.tenant_uscc = other.uscc;
        m.usccs.insert(r.uscc);
        r.name = fmt::format("{}食品{}号厂有限公司", kTradeWords[static_cast<size_t>(other.index) % kTradeWords.size()],
                             other.index + 1);
      } else {
        do r.uscc = make_uscc(rng_, kRegions[region]);
        while (!m.usccs.insert(r.uscc).second);
        r.name = rng_.pick(kTradeWords) + (rng_.chance(0.5) ? "商贸有限公司" : "连锁超市有限公司");
      }
      r.contact_person = person_name(rng_);
    }
    emit(m, "register_counterparty", core::RegisterCounterparty{r}, c.id);
    m.customers.push_back(std::move(c));
  }

  // case codes for a batch (seeded bytes where the API draws from the Env's CSPRNG),
  // sales orders to customers and shipments scanning those codes, always within stock.
  void code_and_sell(TenantModel& m, Batch& b, core::Date today) {
    const int64_t count = std::min<int64_t>(rng_.range(20, 50), b.quantity.amount / 12);
    if (count < 1 || m.customers.empty()) return;
    core::GenerateCodes g;
    g.template_id = "ct-1";
    g.batch_id = b.id;
    g.count = count;
    g.random_bytes.resize(static_cast<size_t>(count) * core::kSerialRandomBytes);
    for (char& c : g.random_bytes) c = static_cast<char>(rng_.next() & 0xff);
    std::vector<std::string> codes;
    for (int64_t i = 0; i < count; ++i) {
      const auto* bytes = reinterpret_cast<const uint8_t*>(g.random_bytes.data()) + i * core::kSerialRandomBytes;
      codes.push_back(core::format_digital_link("https://trace.agritrace.cn", m.gtin14, b.lot_code,
                                                core::make_serial(core::SerialFormat::kBase32, bytes)));
    }
    if (full()) return;
    emit(m, "generate_codes", std::move(g), fmt::format("run-{}", ++m.runs));
    // 1..3 orders over the codes; about a fifth of the codes stay in stock.
    const int64_t to_sell = rng_.chance(0.8) ? count : count * rng_.range(50, 90) / 100;
    const int64_t orders = std::min<int64_t>(rng_.range(1, 3), to_sell);
    size_t next = 0;
    for (int64_t o = 0; o < orders && !full(); ++o) {
      const int64_t n = o + 1 == orders ? to_sell - static_cast<int64_t>(next) : to_sell / orders;
      if (n < 1) continue;
      const Customer& cust = rng_.pick(m.customers);
      core::CreateSalesOrder so;
      so.customer_id = cust.id;
      so.batch_id = b.id;
      so.quantity = core::Quantity{n * 12, core::Unit::kPiece};
      so.price_fen = so.quantity.amount * rng_.range(300, 1500);
      const std::string so_id = fmt::format("so-{}", ++m.orders);
      emit(m, "create_sales_order", std::move(so), so_id);
      // One or two shipments (scans) per order.
      const int64_t parts = n >= 2 && rng_.chance(0.3) ? 2 : 1;
      for (int64_t s = 0; s < parts; ++s) {
        const int64_t k = s + 1 == parts ? n - (n / parts) * s : n / parts;
        core::ShipSalesOrder ship;
        ship.so_id = so_id;
        ship.codes.assign(codes.begin() + static_cast<std::ptrdiff_t>(next),
                          codes.begin() + static_cast<std::ptrdiff_t>(next + static_cast<size_t>(k)));
        next += static_cast<size_t>(k);
        ship.ship_date = today;
        ship.customer_tenant_hint = cust.tenant_uscc;  // what the API fills for a registered customer
        if (full()) return;
        std::vector<std::string> shipped = ship.codes;
        emit(m, "ship_sales_order", std::move(ship), fmt::format("sh-{}", ++m.shipments));
        b.shipped += k * 12;
        if (TenantModel* to = tenant_by_uscc(cust.tenant_uscc)) {
          to->inbound.push_back(Inbound{std::move(shipped), today.days_since_epoch});
        }
      }
    }
  }

  void add_supplier(TenantModel& m) {
    Supplier s;
    s.id = fmt::format("cp-{}", ++m.counterparties);
    core::CounterpartyRecord& r = s.record;
    const std::string& region = rng_.pick(kRegions);
    r.roles.supplier = true;
    r.roles.customer = rng_.chance(0.15);  // some suppliers also buy our products
    r.phone = make_mobile(rng_);
    r.address = kRegionNames[static_cast<size_t>(
                    std::find(kRegions.begin(), kRegions.end(), region) - kRegions.begin())] +
                fmt::format("工业大道{}号", rng_.range(1, 999));
    if (rng_.chance(0.7)) {
      r.kind = core::CounterpartyKind::kEnterprise;
      do r.uscc = make_uscc(rng_, region);
      while (!m.usccs.insert(r.uscc).second);
      r.name = rng_.pick(kTradeWords) + rng_.pick(kTradeWords) + "农产品有限公司";
      r.contact_person = person_name(rng_);
      if (rng_.chance(0.8)) r.legal_representative = person_name(rng_);
      for (int64_t k = rng_.range(1, 3); k > 0; --k) {
        s.materials.push_back(static_cast<size_t>(rng_.range(0, kMaterials.size() - 1)));
      }
    } else {
      // Individual growers sell the farm produce: flour, soy beans, rice.
      r.kind = core::CounterpartyKind::kIndividual;
      do r.id_number = make_resident_id(rng_, region);
      while (!m.id_numbers.insert(r.id_number).second);
      r.name = person_name(rng_);
      s.materials.push_back(static_cast<size_t>(rng_.range(3, 4)));
    }
    emit(m, "register_counterparty", core::RegisterCounterparty{r}, s.id);
    m.suppliers.push_back(std::move(s));
  }

  int64_t scaled(int64_t lo, int64_t hi) {
    return static_cast<int64_t>(static_cast<double>(rng_.range(lo, hi)) * per_day_scale_ + 0.5);
  }

  void run_day(TenantModel& m, int32_t day) {
    const core::Date today = date_of(day);
    // 1. Yesterday's orders arrive (some short), the rest of the week's too.
    std::vector<std::string> arriving;
    for (const auto& [id, po] : m.open_pos) {
      if (po.day < day) arriving.push_back(id);
    }
    for (const std::string& id : arriving) receive(m, id, today);
    // 1b. Goods shipped by other enterprises before today: received by scan (some in part), some
    //     repacked here into a batch of this enterprise (the cross-enterprise lineage).
    while (!m.inbound.empty() && m.inbound.front().shipped_day < today.days_since_epoch && !full()) {
      receive_scan(m, m.inbound.front(), today);
      m.inbound.pop_front();
    }
    // 2. New purchase orders; a few amended or cancelled before delivery.
    for (int64_t n = scaled(9, 14); n > 0; --n) create_po(m, day, today);
    if (!m.open_pos.empty() && rng_.chance(0.4)) amend_po(m);
    if (!m.open_pos.empty() && rng_.chance(0.15)) cancel_po(m);
    // 3. Production: batches consuming lots, with inspection reports.
    for (int64_t n = scaled(4, 7); n > 0; --n) produce(m, day, today);
    if (!m.batches.empty() && rng_.chance(0.2)) amend_batch(m);
    if (rng_.chance(0.05)) amend_supplier(m);
    if (rng_.chance(0.03)) add_supplier(m);
  }

  void create_po(TenantModel& m, int32_t day, core::Date today) {
    const Supplier& s = rng_.pick(m.suppliers);
    const size_t mat = s.materials[static_cast<size_t>(rng_.range(0, s.materials.size() - 1))];
    const Material& material = kMaterials[mat];
    OpenPo po;
    po.id = fmt::format("po-{}", ++m.pos);
    po.material = mat;
    // Order in round amounts: whole kg / L / hundreds of pieces.
    const int64_t step = material.unit == core::Unit::kPiece ? 100 : 1000;
    po.quantity = core::Quantity{rng_.range(material.min_order / step, material.max_order / step) * step,
                                 material.unit};
    po.production_date = core::Date{today.days_since_epoch - static_cast<int32_t>(rng_.range(1, 20))};
    po.expiry_date = core::Date{po.production_date.days_since_epoch + material.shelf_days};
    po.supplier_lot = fmt::format("S{}{:04}", core::format_date(po.production_date).substr(2, 2),
                                  rng_.range(1, 9999));
    po.day = day;
    core::CreatePurchaseOrder c;
    c.material = material.name;
    c.supplier_id = s.id;
    c.quantity = po.quantity;
    c.supplier_lot = po.supplier_lot;
    c.production_date = po.production_date;
    c.expiry_date = po.expiry_date;
    if (rng_.chance(0.2)) c.note = "请随货附检验报告";
    emit(m, "create_purchase_order", std::move(c), po.id);
    m.open_pos.emplace(po.id, std::move(po));
  }

  void receive(TenantModel& m, const std::string& po_id, core::Date today) {
    auto it = m.open_pos.find(po_id);
    OpenPo& po = it->second;
    core::Quantity q = po.quantity;
    if (rng_.chance(0.1)) q.amount = q.amount * rng_.range(90, 99) / 100;  // short delivery
    const std::string lot_id = fmt::format("lot-{}", ++m.lot_count);
    emit(m, "receive_purchase_order", core::ReceivePurchaseOrder{po.id, q, today}, po.id);
    m.lots.push_back(Lot{lot_id, po.material, q.amount});
    m.open_pos.erase(it);
  }

  TenantModel* tenant_by_uscc(const std::string& uscc) {
    if (uscc.empty()) return nullptr;
    for (TenantModel& t : tenants_) {
      if (t.uscc == uscc) return &t;
    }
    return nullptr;
  }

  // by scan. About one receipt in six is partial: 1-2 codes of the shipment are not
  // scanned and are recorded as missing. Half the receipts are repacked into a gift-box batch that
  // consumes part of the new lot; some of those batches get codes and are sold on (deeper chains).
  // About one received lot in seven is counted at a stocktake that finds some of it spoilt: the
  // difference is written off (a lineage holder of its own, issue 11).
  void receive_scan(TenantModel& m, const Inbound& in, core::Date today) {
    std::vector<std::string> scanned = in.codes;
    if (scanned.size() > 2 && rng_.chance(0.17)) {
      const int64_t missing = rng_.range(1, 2);
      for (int64_t i = 0; i < missing; ++i) {
        scanned.erase(scanned.begin() + rng_.range(0, static_cast<int64_t>(scanned.size()) - 1));
      }
    }
    core::ReceiveGoods r;
    r.codes = scanned;
    r.received_on = today;
    emit(m, "receive_goods", std::move(r), fmt::format("rcv-{}", ++m.receipts));
    const std::string lot_id = fmt::format("lot-{}", ++m.lot_count);
    const int64_t pieces = static_cast<int64_t>(scanned.size()) * 12;
    int64_t left = pieces;
    if (!full() && rng_.chance(0.5)) left -= repack(m, lot_id, pieces, today);
    if (full() || left < 24 || !rng_.chance(0.15)) return;
    const int64_t spoilt = 12 * rng_.range(1, left / 24);
    core::RecordStocktake st;
    st.taken_on = today;
    st.counts.push_back(
        core::StocktakeCount{lot_id, core::Quantity{left - spoilt, core::Unit::kPiece}, "腐损"});
    emit(m, "record_stocktake", std::move(st), fmt::format("st-{}", ++m.stocktakes));
  }

  // A gift-box batch of this enterprise made of part of a received lot; returns the pieces taken.
  int64_t repack(TenantModel& m, const std::string& lot_id, int64_t pieces, core::Date today) {
    Batch b;
    b.id = fmt::format("b-{}", ++m.batch_count);
    b.product = rng_.pick(kProducts) + "礼盒";
    b.lot_code = fmt::format("G{}{:04}", core::format_date(today).substr(2), m.batch_count);
    b.lot_code.erase(std::remove(b.lot_code.begin(), b.lot_code.end(), '-'), b.lot_code.end());
    const int64_t take = std::max<int64_t>(12, pieces * rng_.range(30, 100) / 100 / 12 * 12);
    b.quantity = core::Quantity{take, core::Unit::kPiece};
    b.production_date = today;
    b.expiry_date = core::Date{today.days_since_epoch + 730};
    emit(m, "create_batch", core::CreateBatch{b.product, b.lot_code, b.quantity, b.production_date, b.expiry_date, {}},
         b.id);
    emit(m, "consume_material", core::ConsumeMaterial{b.id, lot_id, core::Quantity{take, core::Unit::kPiece}}, b.id);
    if (rng_.chance(0.5)) code_and_sell(m, b, today);
    m.batches.push_back(std::move(b));
    return take;
  }

  OpenPo& random_open_po(TenantModel& m) {
    auto it = m.open_pos.begin();
    std::advance(it, rng_.range(0, static_cast<int64_t>(m.open_pos.size()) - 1));
    return it->second;
  }

  void amend_po(TenantModel& m) {
    OpenPo& po = random_open_po(m);
    const int64_t step = po.quantity.unit == core::Unit::kPiece ? 100 : 1000;
    po.quantity.amount = std::max(step, po.quantity.amount / step * rng_.range(80, 120) / 100 * step);
    core::AmendPurchaseOrder c{po.id, kMaterials[po.material].name, po.quantity, po.supplier_lot,
                               po.production_date, po.expiry_date, "数量按供应商确认调整"};
    emit(m, "amend_purchase_order", std::move(c), po.id);
  }

  void cancel_po(TenantModel& m) {
    const std::string id = random_open_po(m).id;  // a copy: erase must not read a freed key
    emit(m, "cancel_purchase_order", core::CancelPurchaseOrder{id, "供应商缺货"}, id);
    m.open_pos.erase(id);
  }

  void produce(TenantModel& m, int32_t day, core::Date today) {
    if (m.lots.empty()) return;  // nothing received yet (day 0)
    Batch b;
    b.id = fmt::format("b-{}", ++m.batch_count);
    b.product = rng_.pick(kProducts);
    // Lot code printed on the goods: line letter, date, sequence; URI-safe and <= 20 chars.
    b.lot_code = fmt::format("{}{}{:04}", static_cast<char>('A' + rng_.range(0, 3)),
                             core::format_date(today).substr(2), m.batch_count);
    b.lot_code.erase(std::remove(b.lot_code.begin(), b.lot_code.end(), '-'), b.lot_code.end());
    b.quantity = core::Quantity{rng_.range(20, 400) * 12, core::Unit::kPiece};
    b.production_date = today;
    b.expiry_date = core::Date{today.days_since_epoch + 730};
    core::CreateBatch c{b.product, b.lot_code, b.quantity, b.production_date, b.expiry_date, {}};
    emit(m, "create_batch", std::move(c), b.id);
    // Consume 3..5 lots, oldest first (FIFO), never more than a lot has left.
    const int64_t inputs = rng_.range(3, 5);
    for (int64_t i = 0; i < inputs && !m.lots.empty(); ++i) {
      const size_t window = std::min<size_t>(m.lots.size(), 6);
      const size_t k = static_cast<size_t>(rng_.range(0, static_cast<int64_t>(window) - 1));
      Lot& lot = m.lots[k];
      const int64_t take = lot.remaining <= 10 ? lot.remaining
                                               : std::max<int64_t>(1, lot.remaining *
                                                                          rng_.range(10, 100) / 100);
      emit(m, "consume_material",
           core::ConsumeMaterial{b.id, lot.id, core::Quantity{take, kMaterials[lot.material].unit}},
           b.id);
      lot.remaining -= take;
      if (lot.remaining == 0) m.lots.erase(m.lots.begin() + static_cast<std::ptrdiff_t>(k));
    }
    if (rng_.chance(0.3)) attach(m, b, day);
    if (rng_.chance(0.3)) code_and_sell(m, b, today);
    m.batches.push_back(std::move(b));
  }

  void attach(TenantModel& m, const Batch& b, int32_t day) {
    const bool inspection = rng_.chance(0.6);
    // A small, distinct document per batch; written to the blob store before the timed run.
    std::string bytes = fmt::format(
        "%PDF-1.4\n% AgriTrace bench {}\n{}\nenterprise {}\nbatch {} lot {} product {}\nday {} "
        "result: {}\n%%EOF\n",
        inspection ? "inspection report" : "production record", rng_.next(), m.uscc, b.id,
        b.lot_code, b.product, day, inspection ? "合格" : "记录完整");
    core::AttachDocument c;
    c.batch_id = b.id;
    c.document_sha256 = agritrace::core::sha256_hex(bytes);
    c.kind = inspection ? core::DocumentKind::kInspectionReport : core::DocumentKind::kProductionRecord;
    c.filename = fmt::format("{}-{}.pdf", inspection ? "inspection" : "record", b.lot_code);
    c.media_type = "application/pdf";
    c.size_bytes = static_cast<int64_t>(bytes.size());
    if (full()) return;
    emit(m, "attach_document", std::move(c), b.id);
    queue_.back().document = std::move(bytes);
  }

  void amend_batch(TenantModel& m) {
    Batch& b = m.batches[static_cast<size_t>(rng_.range(0, m.batches.size() - 1))];
    // Never below what was shipped: the batch's stock stays >= 0.
    b.quantity.amount = std::max<int64_t>({12, b.shipped, b.quantity.amount - 12 * rng_.range(1, 5)});
    core::AmendBatch c{b.id, b.product, b.quantity, b.production_date, b.expiry_date, "抽检留样，数量核减"};
    emit(m, "amend_batch", std::move(c), b.id);
  }

  void amend_supplier(TenantModel& m) {
    Supplier& s = m.suppliers[static_cast<size_t>(rng_.range(0, m.suppliers.size() - 1))];
    s.record.phone = make_mobile(rng_);  // a new contact number
    emit(m, "amend_counterparty", core::AmendCounterparty{s.id, s.record}, s.id);
  }

  Rng rng_;
  uint64_t target_;
  std::vector<TenantModel> tenants_;
  int32_t days_ = 0;
  int32_t first_day_ = 0;
  double per_day_scale_ = 1.0;
  std::deque<Planned> queue_;  // generated, not yet handed out
  uint64_t emitted_ = 0;
  bool started_ = false, done_ = false;
  size_t cursor_ = 0;  // next tenant of day_
  int32_t day_ = 0;
};

// ---------------------------------------------------------------------------------------------
// Flags (the same names and defaults as `agritrace serve` for the ledger).

struct Options {
  std::string data = "./var/data";
  std::string kafka;
  std::string topic = "agritrace.events";
  int32_t partitions = 4;
  uint64_t events = 100'000;
  uint64_t seed = 1;
  int32_t tenants = 20;
  int32_t concurrency = 64;
  std::string csv;  // write PostgreSQL COPY files and query samples here (untimed)
};

void usage(FILE* out) {
  std::fprintf(out,
               "usage: agritrace_bench generate [flags]\n\n"
               "Appends a deterministic production-end workload through the command writer\n"
               "(decide -> ledger, as the HTTP API does), then prints the append rate.\n"
               "The ledger (DIR/ledger, or the Kafka topic) must be empty.\n\n"
               "flags:\n"
               "  --data DIR          data folder (default ./var/data): DIR/ledger, DIR/documents\n"
               "  --kafka HOST:PORT   Kafka bootstrap servers; empty = embedded ledger\n"
               "  --topic T           Kafka topic (default agritrace.events)\n"
               "  --partitions P      ledger partitions when created (default 4)\n"
               "  --events N          about how many events to append (default 100000)\n"
               "  --seed S            workload seed (default 1)\n"
               "  --tenants K         enterprises (default 20)\n"
               "  --concurrency C     commands in flight (default 64)\n"
               "  --csv DIR           also write the final state as CSV files for PostgreSQL COPY\n"
               "                      and query samples (DIR/batch_ids.txt, DIR/lot_ids.txt)\n\n"
               "       agritrace_bench topic --kafka HOST:PORT --topic T [--partitions P]\n"
               "Creates an empty ledger topic (for the kcat produce baseline).\n\n"
               "       agritrace_bench query --data DIR --samples FILE --kind backward|forward|whereabouts\n"
               "                             [--seconds S] [--threads N]\n"
               "Times ProductionQueries in-process on DIR/views (the server must be stopped).\n");
}

bool parse_u64(const std::string& s, uint64_t lo, uint64_t hi, uint64_t* out) {
  try {
    size_t used = 0;
    const unsigned long long v = std::stoull(s, &used);
    if (used != s.size() || v < lo || v > hi || s.starts_with('-')) return false;
    *out = v;
    return true;
  } catch (const std::exception&) {
    return false;
  }
}

std::optional<Options> parse(int argc, char** argv) {
  Options o;
  for (int i = 2; i < argc; ++i) {
    std::string name = argv[i], value;
    if (name == "--help" || name == "-h") {
      usage(stdout);
      std::exit(0);
    }
    if (const size_t eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
    } else if (i + 1 < argc) {
      value = argv[++i];
    } else {
      std::fprintf(stderr, "agritrace_bench: %s needs a value\n", name.c_str());
      return std::nullopt;
    }
    uint64_t n = 0;
    auto number = [&](uint64_t lo, uint64_t hi) {
      if (parse_u64(value, lo, hi, &n)) return true;
      std::fprintf(stderr, "agritrace_bench: %s must be an integer in %llu..%llu\n", name.c_str(),
                   static_cast<unsigned long long>(lo), static_cast<unsigned long long>(hi));
      return false;
    };
    if (name == "--data") {
      o.data = value;
    } else if (name == "--kafka") {
      o.kafka = value;
    } else if (name == "--topic") {
      o.topic = value;
    } else if (name == "--partitions") {
      if (!number(1, 1024)) return std::nullopt;
      o.partitions = static_cast<int32_t>(n);
    } else if (name == "--events") {
      if (!number(1, 100'000'000)) return std::nullopt;
      o.events = n;
    } else if (name == "--seed") {
      if (!number(0, UINT64_MAX)) return std::nullopt;
      o.seed = n;
    } else if (name == "--tenants") {
      if (!number(1, 10'000)) return std::nullopt;
      o.tenants = static_cast<int32_t>(n);
    } else if (name == "--csv") {
      o.csv = value;
    } else if (name == "--concurrency") {
      if (!number(1, 100'000)) return std::nullopt;
      o.concurrency = static_cast<int32_t>(n);
    } else {
      std::fprintf(stderr, "agritrace_bench: unknown flag %s\n", name.c_str());
      return std::nullopt;
    }
  }
  return o;
}

// The ledger exactly as `agritrace serve` opens it (api/cli/main.cpp open_ledger with writer=true).
Result<std::unique_ptr<events::Ledger>> open_ledger(const Options& o) {
  if (!o.kafka.empty()) {
    events::KafkaLedgerOptions k;
    k.brokers = o.kafka;
    k.topic = o.topic;
    k.partitions = o.partitions;
    k.replication_factor = 1;
    k.transactional_id = "agritrace-writer." + o.topic;
    return events::open_kafka_ledger(k);
  }
  std::filesystem::create_directories(o.data);
  events::LocalLedgerOptions l;
  l.path = o.data + "/ledger";
  l.partitions = o.partitions;
  return events::open_local_ledger(l);
}

int fail(const std::string& message) {
  std::fprintf(stderr, "agritrace_bench: %s\n", message.c_str());
  return 1;
}

// Counts commands in flight: submit waits for a free slot, completions free it.
class InFlight {
 public:
  explicit InFlight(int32_t limit) : free_(limit), limit_(limit) {}
  void acquire() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return free_ > 0; });
    --free_;
  }
  void release() {
    {
      std::lock_guard lock(mu_);
      ++free_;
    }
    cv_.notify_all();
  }
  void wait_all() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return free_ == limit_; });
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  int32_t free_;
  const int32_t limit_;
};

// ---------------------------------------------------------------------------------------------
// PostgreSQL baseline data: the final state the commands lead to, as CSV for COPY into the
// normalised schema of bench/postgres/schema.sql. Written from the generated commands (the writer
// accepts every one: a run with refusals exits non-zero), so PostgreSQL and the views hold the same
// records. Tenants are numbered 1..K in registration order (PostgreSQL uses a smallint surrogate).
// Append-only rows (codes, shipment codes, receipt codes, documents, write-offs) are written as
// the commands stream by; a shipment's serials are kept only until the receiving enterprise scans
// it. Records that later commands amend (counterparties, orders, lots, batches) are kept to the
// end.

// CSV field for COPY ... (FORMAT csv): always quoted; an empty optional field is NULL (unquoted).
std::string csv(std::string_view v, bool null_if_empty = false) {
  if (v.empty() && null_if_empty) return "";
  std::string out = "\"";
  for (char c : v) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

class CsvFile {
 public:
  explicit CsvFile(const std::string& path) : f_(std::fopen(path.c_str(), "w")), path_(path) {}
  ~CsvFile() { if (f_) std::fclose(f_); }
  bool ok() const { return f_ != nullptr; }
  void row(const std::vector<std::string>& fields) {
    std::string line;
    for (size_t i = 0; i < fields.size(); ++i) {
      if (i) line.push_back(',');
      line += fields[i];
    }
    line.push_back('\n');
    std::fwrite(line.data(), 1, line.size(), f_);
  }

 private:
  FILE* f_;
  std::string path_;
};

std::string num(int64_t v) { return std::to_string(v); }

class CsvExport {
 public:
  CsvExport(std::string dir, uint64_t seed) : dir_(std::move(dir)), seed_(seed) {
    std::filesystem::create_directories(dir_);
    auto open = [&](const char* name) { return std::make_unique<CsvFile>(dir_ + "/" + name); };
    f_ent = open("enterprise.csv"), f_cp = open("counterparty.csv"),
    f_po = open("purchase_order.csv"), f_lot = open("material_lot.csv"),
    f_batch = open("batch.csv"), f_in = open("batch_input.csv"), f_doc = open("batch_document.csv"),
    f_code = open("code.csv"), f_so = open("sales_order.csv"), f_sh = open("shipment.csv"),
    f_shc = open("shipment_code.csv"), f_rl = open("received_lot.csv"),
    f_rc = open("receipt_code.csv"), f_ri = open("repack_input.csv"), f_wo = open("write_off.csv");
  }

  agritrace::Status open_status() const {
    for (auto* f : {f_ent.get(), f_cp.get(), f_po.get(), f_lot.get(), f_batch.get(), f_in.get(),
                    f_doc.get(), f_code.get(), f_so.get(), f_sh.get(), f_shc.get(), f_rl.get(),
                    f_rc.get(), f_ri.get(), f_wo.get()}) {
      if (!f->ok())
        return agritrace::make_error(agritrace::ErrorCode::kIoError, "csv_open",
                                     "cannot write CSV files in " + dir_);
    }
    return agritrace::Status{};
  }

  void add(const Planned& p) {
    if (const auto* c = std::get_if<core::RegisterEnterprise>(&p.command)) {
      tenant_no.emplace(p.tenant, static_cast<int32_t>(enterprises.size()) + 1);
      enterprises.push_back(*c);
      return;
    }
    const int32_t t = tenant_no.at(p.tenant);
    const Key k{t, p.expected_subject};
    if (const auto* c = std::get_if<core::RegisterCounterparty>(&p.command)) {
      cps[k] = c->record;
    } else if (const auto* c = std::get_if<core::AmendCounterparty>(&p.command)) {
      cps[k] = c->record;
    } else if (const auto* c = std::get_if<core::CreatePurchaseOrder>(&p.command)) {
      pos[k] = Po{c->supplier_id, c->material, c->supplier_lot, c->note, "open", c->quantity,
                  c->production_date, c->expiry_date};
    } else if (const auto* c = std::get_if<core::AmendPurchaseOrder>(&p.command)) {
      Po& po = pos.at(k);
      po.material = c->material; po.q = c->quantity; po.supplier_lot = c->supplier_lot;
      po.prod = c->production_date; po.expiry = c->expiry_date; po.note = c->note;
    } else if (std::holds_alternative<core::CancelPurchaseOrder>(p.command)) {
      pos.at(k).status = "cancelled";
    } else if (const auto* c = std::get_if<core::ReceivePurchaseOrder>(&p.command)) {
      Po& po = pos.at(k);
      po.status = "received";
      const std::string lot_id = fmt::format("lot-{}", ++lot_counter[t]);
      lots[Key{t, lot_id}] = LotRow{c->po_id, po.supplier, po.material, c->quantity, c->received_on};
    } else if (const auto* c = std::get_if<core::CreateBatch>(&p.command)) {
      batches[k] = BatchRow{c->product, c->lot_code, c->note, c->quantity, c->production_date, c->expiry_date};
    } else if (const auto* c = std::get_if<core::AmendBatch>(&p.command)) {
      BatchRow& b = batches.at(k);
      b.product = c->product; b.q = c->quantity; b.prod = c->production_date; b.expiry = c->expiry_date;
    } else if (const auto* c = std::get_if<core::ConsumeMaterial>(&p.command)) {
      if (received.count(Key{t, c->lot_id}) != 0) {
        repack_inputs[{Key{t, c->batch_id}, c->lot_id}] += c->quantity.amount;
        repacked[Key{t, c->lot_id}] += c->quantity.amount;
      } else {
        inputs[{Key{t, c->batch_id}, c->lot_id}] += c->quantity.amount;
      }
    } else if (const auto* c = std::get_if<core::ReceiveGoods>(&p.command)) {
      const std::string lot_id = fmt::format("lot-{}", ++lot_counter[t]);
      std::set<std::string> scanned;
      for (const std::string& uri : c->codes) scanned.insert(core::parse_digital_link(uri)->serial);
      const Key from = shipment_of_code.at(*scanned.begin());
      // The receiver's record of the goods: the shipment's product and the batch's lot code.
      const So& so = sos.at(Key{from.first, shs.at(from).so});
      received[Key{t, lot_id}] = Received{from.first, from.second, *c->received_on,
                                          12 * static_cast<int64_t>(scanned.size()), so.product,
                                          batches.at(Key{from.first, so.batch}).lot_code};
      auto shipped = codes_of_shipment.find(from);
      for (const std::string& serial : shipped->second) {
        f_rc->row({num(t), csv(lot_id), csv(serial), scanned.count(serial) == 0 ? "t" : "f"});
        missing_codes += scanned.count(serial) == 0 ? 1 : 0;
        shipment_of_code.erase(serial);  // received: its serials are not shipped again
      }
      codes_of_shipment.erase(shipped);
    } else if (const auto* c = std::get_if<core::RecordStocktake>(&p.command)) {
      // The generator counts received lots only, right after their receipt and repack.
      for (const core::StocktakeCount& count : c->counts) {
        const Key lot{t, count.item_id};
        const int64_t stock = received.at(lot).pieces - repacked[lot];
        if (stock > count.counted.amount) {
          f_wo->row({num(t), csv(count.item_id), csv(p.expected_subject),
                     num(stock - count.counted.amount), "\"piece\""});
          ++write_offs;
        }
      }
    } else if (const auto* c = std::get_if<core::AttachDocument>(&p.command)) {
      f_doc->row({num(t), csv(c->batch_id), csv(c->document_sha256),
                  csv(core::document_kind_name(c->kind)), csv(c->filename), csv(c->media_type),
                  num(c->size_bytes)});
      ++docs;
    } else if (const auto* c = std::get_if<core::GenerateCodes>(&p.command)) {
      const auto* bytes = reinterpret_cast<const uint8_t*>(c->random_bytes.data());
      for (int64_t i = 0; i < c->count; ++i) {
        f_code->row({num(t),
                     csv(core::make_serial(core::SerialFormat::kBase32,
                                           bytes + i * core::kSerialRandomBytes)),
                     csv(p.expected_subject), csv(c->batch_id)});
        ++codes;
      }
    } else if (const auto* c = std::get_if<core::CreateSalesOrder>(&p.command)) {
      const BatchRow& b = batches.at(Key{t, c->batch_id});
      sos[k] = So{c->customer_id, c->batch_id, c->product.empty() ? b.product : c->product, c->quantity.amount, 0,
                  c->price_fen, b.prod, b.expiry};
    } else if (const auto* c = std::get_if<core::ShipSalesOrder>(&p.command)) {
      So& so = sos.at(Key{t, c->so_id});
      so.shipped += 12 * static_cast<int64_t>(c->codes.size());
      const int32_t to_tenant =
          c->customer_tenant_hint.empty() ? 0 : tenant_no.at(c->customer_tenant_hint);
      shs[k] = Sh{c->so_id, *c->ship_date, to_tenant, static_cast<int64_t>(c->codes.size())};
      for (const std::string& uri : c->codes) {
        const std::string serial = core::parse_digital_link(uri)->serial;
        f_shc->row({num(t), csv(p.expected_subject), csv(serial)});
        if (to_tenant == 0) continue;  // only another generated enterprise scans it in
        codes_of_shipment[k].push_back(serial);
        shipment_of_code[serial] = k;
      }
    }
  }

  // The records kept to the end, the query samples and a summary line.
  Result<std::string> finish() {
    const std::string& dir = dir_;
    const uint64_t seed = seed_;
    for (size_t i = 0; i < enterprises.size(); ++i) {
      const auto* e = &enterprises[i];
      f_ent->row(
          {num(static_cast<int64_t>(i) + 1), csv(e->enterprise_id), csv(e->name), csv(e->region)});
    }
    for (const auto& [k, r] : cps) {
      f_cp->row({num(k.first), csv(k.second), csv(core::counterparty_kind_name(r.kind)),
                 csv(r.name), csv(r.uscc, true), csv(r.legal_representative, true),
                 csv(r.contact_person, true), csv(r.id_number, true), csv(r.phone),
                 csv(r.address, true), r.roles.supplier ? "t" : "f", r.roles.customer ? "t" : "f",
                 csv(r.region, true)});
    }
    for (const auto& [k, po] : pos) {
      f_po->row({num(k.first), csv(k.second), csv(po.supplier), csv(po.material), num(po.q.amount),
                 csv(core::unit_name(po.q.unit)), csv(po.supplier_lot),
                 csv(core::format_date(po.prod)), csv(core::format_date(po.expiry)),
                 csv(po.note, true), csv(po.status)});
    }
    for (const auto& [k, l] : lots) {
      f_lot->row({num(k.first), csv(k.second), csv(l.po), csv(l.supplier), csv(l.material),
                  num(l.q.amount), csv(core::unit_name(l.q.unit)),
                  csv(core::format_date(l.received_on))});
    }
    for (const auto& [k, b] : batches) {
      f_batch->row({num(k.first), csv(k.second), csv(b.product), csv(b.lot_code), num(b.q.amount),
                    csv(core::unit_name(b.q.unit)), csv(core::format_date(b.prod)),
                    b.expiry ? csv(core::format_date(*b.expiry)) : "", csv(b.note, true)});
    }
    for (const auto& [k, amount] : inputs) {
      f_in->row({num(k.first.first), csv(k.first.second), csv(k.second), num(amount)});
    }
    for (const auto& [k, so] : sos) {
      const char* status = so.shipped == 0      ? "open"
                           : so.shipped == so.q ? "shipped"
                                                : "partially_shipped";
      f_so->row({num(k.first), csv(k.second), csv(so.customer), csv(so.batch), csv(so.product),
                 num(so.q), "\"piece\"", csv(core::format_date(so.prod)),
                 so.expiry ? csv(core::format_date(*so.expiry)) : "",
                 so.price ? num(*so.price) : "", csv(status), num(so.shipped)});
    }
    for (const auto& [k, sh] : shs) {
      const So& so = sos.at(Key{k.first, sh.so});
      f_sh->row({num(k.first), csv(k.second), csv(sh.so), csv(so.batch),
                 csv(core::format_date(sh.ship_date)), csv(so.customer),
                 sh.to_tenant ? num(sh.to_tenant) : "", num(sh.codes * 12), "\"piece\"", "12"});
    }
    for (const auto& [k, r] : received) {
      f_rl->row({num(k.first), csv(k.second), num(r.from), csv(r.shipment),
                 csv(core::format_date(r.on)), num(r.pieces), "\"piece\"", csv(r.product),
                 csv(r.lot_code), "12"});
    }
    for (const auto& [k, amount] : repack_inputs) {
      f_ri->row({num(k.first.first), csv(k.first.second), csv(k.second), num(amount)});
    }
    // Query samples: uniform over tenants and over ids 1..N where every tenant has N (the smallest
    // tenant's count), the same distribution the pgbench scripts draw with random().
    std::map<int32_t, int64_t> nb, nl;
    for (const auto& [k, b] : batches) ++nb[k.first];
    for (const auto& [k, l] : lots) ++nl[k.first];
    int64_t min_b = INT64_MAX, min_l = INT64_MAX;
    for (size_t t = 1; t <= enterprises.size(); ++t) {
      min_b = std::min(min_b, nb[static_cast<int32_t>(t)]);
      min_l = std::min(min_l, nl[static_cast<int32_t>(t)]);
    }
    Rng rng(seed ^ 0x5eedULL);
    FILE* fb = std::fopen((dir + "/batch_ids.txt").c_str(), "w");
    FILE* fl = std::fopen((dir + "/lot_ids.txt").c_str(), "w");
    const int64_t tenants = static_cast<int64_t>(enterprises.size());
    for (int32_t i = 0; i < 20000 && min_b > 0 && min_l > 0; ++i) {
      const auto* e = &enterprises[static_cast<size_t>(rng.range(1, tenants) - 1)];
      std::fprintf(fb, "%s b-%lld\n", e->enterprise_id.c_str(),
                   static_cast<long long>(rng.range(1, min_b)));
      const auto* e2 = &enterprises[static_cast<size_t>(rng.range(1, tenants) - 1)];
      std::fprintf(fl, "%s lot-%lld\n", e2->enterprise_id.c_str(),
                   static_cast<long long>(rng.range(1, min_l)));
    }
    std::fclose(fb);
    std::fclose(fl);
    // Recall samples: a recall is raised for a lot that went into products, so these are uniform
    // over the lots some batch consumed (most received lots are still in the warehouse), written
    // both for AgriTrace (recall_lot_ids.txt) and for pgbench (recall_sample.csv, row i).
    std::vector<std::pair<int32_t, std::string>> consumed;
    {
      std::set<std::pair<int32_t, std::string>> seen;
      for (const auto& [k, amount] : inputs) seen.emplace(k.first.first, k.second);
      consumed.assign(seen.begin(), seen.end());
    }
    int64_t recall_samples = 0;
    {
      Rng rr(seed ^ 0x7ecaULL);
      FILE* fr = std::fopen((dir + "/recall_lot_ids.txt").c_str(), "w");
      CsvFile fs(dir + "/recall_sample.csv");
      for (int32_t i = 0; i < 20000 && !consumed.empty(); ++i) {
        const auto& [t, lot] =
            consumed[static_cast<size_t>(rr.range(0, static_cast<int64_t>(consumed.size()) - 1))];
        std::fprintf(fr, "%s %s\n", enterprises[static_cast<size_t>(t - 1)].enterprise_id.c_str(),
                     lot.c_str());
        fs.row({num(++recall_samples), num(t), csv(lot)});
      }
      std::fclose(fr);
    }
    FILE* env = std::fopen((dir + "/bench.env").c_str(), "w");
    std::fprintf(env, "TENANTS=%lld\nMIN_BATCHES=%lld\nMIN_LOTS=%lld\nRECALL_SAMPLES=%lld\n",
                 static_cast<long long>(tenants), static_cast<long long>(min_b),
                 static_cast<long long>(min_l), static_cast<long long>(recall_samples));
    std::fclose(env);
    return fmt::format(
        "{} counterparties, {} purchase orders, {} lots, {} batches, {} batch inputs, {} "
        "documents, "
        "{} codes, {} sales orders, {} shipments, {} lots received by scan ({} codes missing), "
        "{} repacks, {} stocktake write-offs",
        cps.size(), pos.size(), lots.size(), batches.size(), inputs.size(), docs, codes, sos.size(),
        shs.size(), received.size(), missing_codes, repack_inputs.size(), write_offs);
  }

 private:
  using Key = std::pair<int32_t, std::string>;  // (tenant number, id)
  struct Po {
    std::string supplier, material, supplier_lot, note, status = "open";
    core::Quantity q;
    core::Date prod, expiry;
  };
  struct LotRow {
    std::string po, supplier, material;
    core::Quantity q;
    core::Date received_on;
  };
  struct BatchRow {
    std::string product, lot_code, note;
    core::Quantity q;
    core::Date prod;
    std::optional<core::Date> expiry;
  };
  struct So {
    std::string customer, batch, product;
    int64_t q = 0, shipped = 0;
    std::optional<int64_t> price;
    core::Date prod;
    std::optional<core::Date> expiry;
  };
  struct Sh {
    std::string so;
    core::Date ship_date;
    int32_t to_tenant = 0;
    int64_t codes = 0;
  };
  // Downstream: lots received by scan, batches repacked from them.
  struct Received {
    int32_t from = 0;
    std::string shipment;
    core::Date on;
    int64_t pieces = 0;
    std::string product, lot_code;
  };

  std::string dir_;
  uint64_t seed_;
  std::unique_ptr<CsvFile> f_ent, f_cp, f_po, f_lot, f_batch, f_in, f_doc, f_code, f_so, f_sh,
      f_shc, f_rl, f_rc, f_ri, f_wo;
  std::map<std::string, int32_t> tenant_no;
  std::vector<core::RegisterEnterprise> enterprises;
  std::map<Key, core::CounterpartyRecord> cps;
  std::map<Key, Po> pos;
  std::map<Key, LotRow> lots;
  std::map<Key, BatchRow> batches;
  std::map<std::pair<Key, std::string>, int64_t> inputs;  // ((tenant, batch), lot) -> amount
  std::map<int32_t, int64_t> lot_counter;
  std::map<Key, So> sos;
  std::map<Key, Sh> shs;
  std::map<Key, Received> received;  // (receiver, lot)
  std::map<std::pair<Key, std::string>, int64_t>
      repack_inputs;  // ((t, batch), received lot) -> amount
  std::map<Key, std::vector<std::string>>
      codes_of_shipment;                        // (sender, sh) -> serials, until received
  std::map<std::string, Key> shipment_of_code;  // serial -> (sender, sh), until received
  std::map<Key, int64_t> repacked;              // (t, received lot) -> consumed
  int64_t docs = 0, codes = 0, missing_codes = 0, write_offs = 0;
};

int cmd_generate(int argc, char** argv) {
  auto parsed = parse(argc, argv);
  if (!parsed) {
    usage(stderr);
    return 2;
  }
  const Options o = *parsed;

  // Timings on the Env's monotonic clock (the benches run on the POSIX Env).
  agritrace::Env& env = events::posix_env();

  auto ledger = open_ledger(o);
  if (!ledger.ok()) return fail(ledger.status().to_string());
  // The Kafka ledger itself retries while a new topic's leaders settle (events/ledger/kafka_ledger.cpp).
  auto ends = (*ledger)->end_offsets();
  if (!ends.ok()) return fail(ends.status().to_string());
  for (int64_t e : *ends) {
    if (e != 0) return fail("the ledger " + (*ledger)->describe() + " is not empty; use a fresh --data or --topic");
  }

  // Pass 1 (untimed): generate the workload once to store its documents (attach refers to a blob
  // the API would have stored, so `serve` on this data folder can hand the documents out) and to
  // write the CSV files. Pass 2 generates the same commands again from the seed and submits them.
  // Neither pass holds the workload in memory.
  const int64_t plan_start = env.monotonic_ns();
  int64_t docs_ns = 0;
  uint64_t planned = 0, documents = 0;
  std::map<std::string, uint64_t> mix;
  std::optional<CsvExport> exporter;
  if (!o.csv.empty()) {
    exporter.emplace(o.csv, o.seed);
    if (auto st = exporter->open_status(); !st.ok()) return fail(st.to_string());
  }
  agritrace::api::BlobStore blobs(env, o.data + "/documents");
  std::vector<std::pair<std::string, std::string>> pending;  // (tenant, bytes), up to kPutBatch
  constexpr size_t kPutBatch = 256;
  auto put_pending = [&]() -> agritrace::Status {
    // Eight threads: each put waits on fsync (one per file, as BlobStore::put does), so parallel
    // puts overlap the waits.
    const int64_t t0 = env.monotonic_ns();
    std::mutex put_mu;
    agritrace::Status put_status;
    std::vector<std::thread> putters;
    for (size_t w = 0; w < 8; ++w) {
      putters.emplace_back([&, w] {
        for (size_t i = w; i < pending.size(); i += 8) {
          auto put = blobs.put(pending[i].first, pending[i].second);
          if (!put.ok()) {
            std::lock_guard lock(put_mu);
            put_status = put.status();
            return;
          }
        }
      });
    }
    for (std::thread& t : putters) t.join();
    pending.clear();
    docs_ns += env.monotonic_ns() - t0;
    return put_status;
  };
  {
    Generator gen(o.seed, o.tenants, o.events, env.today());
    while (std::optional<Planned> p = gen.next()) {
      ++planned;
      ++mix[p->name];
      if (exporter) exporter->add(*p);
      if (p->document.empty()) continue;
      ++documents;
      pending.emplace_back(p->tenant, std::move(p->document));
      if (pending.size() < kPutBatch) continue;
      if (auto st = put_pending(); !st.ok())
        return fail("cannot store a document: " + st.to_string());
    }
    if (auto st = put_pending(); !st.ok())
      return fail("cannot store a document: " + st.to_string());
  }
  std::string csv_summary;
  if (exporter) {
    auto exported = exporter->finish();
    if (!exported.ok()) return fail(exported.status().to_string());
    csv_summary = *exported;
    exporter.reset();
  }
  const double docs_secs = static_cast<double>(docs_ns) / 1e9;
  const double plan_secs = static_cast<double>(env.monotonic_ns() - plan_start - docs_ns) / 1e9;

  events::CommandWriterOptions writer_options;
  writer_options.env = &env;
  writer_options.index_path = o.data + "/writer-index";  // as serve: codes and keys on disk
  auto writer = events::start_command_writer(**ledger, writer_options);
  if (!writer.ok()) return fail("cannot start the command writer: " + writer.status().to_string());

  std::mutex result_mu;
  uint64_t refusals = 0, mismatches = 0;
  std::string first_refusal, first_mismatch;
  InFlight in_flight(o.concurrency);
  // Per-command latency, submit -> done callback (what a client of the writer waits), in 1 µs
  // buckets up to 1 s (constant memory); slower ones counted in the last bucket, the max kept
  // apart.
  std::vector<uint64_t> latency_hist(1'000'001, 0);
  int64_t latency_max_us = 0;

  Generator gen(o.seed, o.tenants, o.events, env.today());
  const int64_t start = env.monotonic_ns();
  uint64_t n = 0;
  while (std::optional<Planned> next = gen.next()) {
    Planned& p = *next;
    in_flight.acquire();
    events::CommandSubmission sub;
    sub.command_name = p.name;
    sub.tenant = p.tenant;
    sub.actor = p.actor;
    // What an ERP integration sends: a unique Idempotency-Key and the request's fingerprint.
    sub.idempotency_key = fmt::format("bench-{}-{}", o.seed, n);
    sub.request_hash = agritrace::core::sha256_hex(sub.idempotency_key + "\n" + p.name);
    sub.command = std::move(p.command);
    sub.done = [&, n, expected = std::move(p.expected_subject),
                t0 = env.monotonic_ns()](Result<events::CommandOutcome> r) {
      const int64_t us = (env.monotonic_ns() - t0) / 1000;
      {
        std::lock_guard lock(result_mu);
        ++latency_hist[static_cast<size_t>(std::clamp<int64_t>(us, 0, 1'000'000))];
        latency_max_us = std::max(latency_max_us, us);
        if (!r.ok()) {
          if (refusals++ == 0) {
            first_refusal = fmt::format("command #{}: {} ({})", n, r.error().reason, r.error().message);
          }
        } else if (r->events.empty() || r->events[0].subject != expected) {
          if (mismatches++ == 0) {
            first_mismatch = fmt::format("command #{}: expected subject {}, got {}", n, expected,
                                         r->events.empty() ? "no event" : r->events[0].subject);
          }
        }
      }
      in_flight.release();
    };
    (*writer)->submit(std::move(sub));
    ++n;
  }
  in_flight.wait_all();
  const double secs = static_cast<double>(env.monotonic_ns() - start) / 1e9;
  (*writer)->stop();
  const events::CommandWriterStats st = (*writer)->stats();

  std::printf("ledger            %s\n", (*ledger)->describe().c_str());
  std::printf(
      "workload          seed %llu, %d tenants, %zu commands planned in %.2f s, "
      "%zu documents stored in %.2f s (untimed)\n",
      static_cast<unsigned long long>(o.seed), o.tenants, static_cast<size_t>(planned), plan_secs,
      static_cast<size_t>(documents), docs_secs);
  std::string mix_line;
  for (const auto& [name, count] : mix) mix_line += fmt::format(" {} {}", name, count);
  std::printf("mix              %s\n", mix_line.c_str());
  std::printf("events appended   %llu\n", static_cast<unsigned long long>(st.events_appended));
  std::printf("seconds           %.3f\n", secs);
  std::printf("events/s          %.0f\n", secs > 0 ? static_cast<double>(st.events_appended) / secs : 0.0);
  std::printf("commands/s        %.0f\n", secs > 0 ? static_cast<double>(st.commands_accepted) / secs : 0.0);
  std::printf("appends           %llu (%.1f events per group commit, %d in flight)\n",
              static_cast<unsigned long long>(st.appends),
              st.appends ? static_cast<double>(st.events_appended) / static_cast<double>(st.appends) : 0.0,
              o.concurrency);
  // The sample of rank floor(q * n) (0-based), as the sorted vector this replaced picked it.
  auto pct = [&](double q) {
    if (n == 0) return 0.0;
    const uint64_t rank =
        std::min<uint64_t>(n - 1, static_cast<uint64_t>(q * static_cast<double>(n)));
    uint64_t seen = 0;
    for (size_t us = 0; us < latency_hist.size(); ++us) {
      seen += latency_hist[us];
      if (seen > rank) return static_cast<double>(us) / 1000.0;
    }
    return static_cast<double>(latency_max_us) / 1000.0;
  };
  std::printf("latency ms        p50 %.3f p99 %.3f max %.3f\n", pct(0.50), pct(0.99),
              static_cast<double>(latency_max_us) / 1000.0);
  if (!csv_summary.empty()) std::printf("csv               %s: %s\n", o.csv.c_str(), csv_summary.c_str());
  std::printf("refusals          %llu%s%s\n", static_cast<unsigned long long>(refusals),
              refusals ? "  first: " : "", first_refusal.c_str());
  if (mismatches) {
    std::printf("id mismatches     %llu  first: %s\n", static_cast<unsigned long long>(mismatches),
                first_mismatch.c_str());
  }
  return refusals == 0 && mismatches == 0 ? 0 : 3;
}

// Creates the ledger topic exactly as the writer would, so kcat can produce into the same shape.
int cmd_topic(int argc, char** argv) {
  auto parsed = parse(argc, argv);
  if (!parsed) {
    usage(stderr);
    return 2;
  }
  if (parsed->kafka.empty()) return fail("topic needs --kafka");
  auto ledger = open_ledger(*parsed);
  if (!ledger.ok()) return fail(ledger.status().to_string());
  std::printf("%s\n", (*ledger)->describe().c_str());
  return 0;
}

}  // namespace

namespace agritrace::bench {
int cmd_query(int argc, char** argv);  // bench/query.cpp
int cmd_flows(int argc, char** argv);  // bench/flows.cpp
}

int main(int argc, char** argv) {
  if (argc < 2 || std::string_view(argv[1]) == "--help" || std::string_view(argv[1]) == "-h") {
    usage(argc < 2 ? stderr : stdout);
    return argc < 2 ? 2 : 0;
  }
  if (std::string_view(argv[1]) == "generate") return cmd_generate(argc, argv);
  if (std::string_view(argv[1]) == "topic") return cmd_topic(argc, argv);
  if (std::string_view(argv[1]) == "query") return agritrace::bench::cmd_query(argc, argv);
  if (std::string_view(argv[1]) == "flows") return agritrace::bench::cmd_flows(argc, argv);
  std::fprintf(stderr, "agritrace_bench: unknown command '%s'\n", argv[1]);
  usage(stderr);
  return 2;
}
