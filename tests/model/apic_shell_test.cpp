// SPDX-License-Identifier: Apache-2.0
// ApicBus shell: ICR sends through x2APIC MSRs and xAPIC MMIO, destinations and shorthands, the
// delivery latency, NMI versus a software-disabled APIC, the xAPIC busy bit, merging, and the
// fault hooks. One testbench for the whole process (SystemC elaborates once); every TEST_CASE
// resets the state it uses and advances time with sc_start.
#include "models/common/event_queue.hpp"
#include "models/common/fault_plan.hpp"
#include "models/lapic/apic_bus.hpp"

#include <catch2/catch.hpp>
#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

#include <array>
#include <cstdint>
#include <vector>

using namespace stopsim;
using namespace stopsim::lapic;

namespace {

constexpr unsigned kCpus = 4;
constexpr Ps kPeriod = 400; // 2.5 GHz
constexpr uint32_t kDeliveryCycles = 500;
constexpr uint32_t kBusyCycles = 100;
constexpr uint32_t kMmioCycles = 20;
constexpr uint32_t kIcrMsr = X2APIC_MSR_BASE + APIC_ICR / 0x10;
constexpr uint32_t kSvrMsr = X2APIC_MSR_BASE + APIC_SVR / 0x10;
constexpr uint32_t kEoiMsr = X2APIC_MSR_BASE + APIC_EOI / 0x10;

ApicParams params(bool x2apic)
{
	ApicParams p;
	p.num_cpus = kCpus;
	p.clock_hz = 2'500'000'000ull;
	p.x2apic = x2apic;
	p.icr_delivery_cycles = kDeliveryCycles;
	p.icr_busy_cycles = kBusyCycles;
	p.mmio_cycles = kMmioCycles;
	return p;
}

enum class Kind { intr_on, intr_off, nmi };

struct Rec {
	Ps t;
	unsigned cpu;
	Kind kind;
};

/// A core that records what its APIC tells it.
class FakeCore : public ApicSink {
public:
	unsigned id = 0;
	std::vector<Rec>* log = nullptr;
	void apic_intr(bool on) override { log->push_back(Rec{now_ps(), id, on ? Kind::intr_on : Kind::intr_off}); }
	void apic_nmi() override { log->push_back(Rec{now_ps(), id, Kind::nmi}); }
};

/// One-shot fault rules; every consultation is recorded.
class ScriptedHooks : public FaultHooks {
public:
	struct Rule {
		FaultPoint point;
		unsigned target;
		unsigned id;
		FaultAction action;
		bool used = false;
	};
	std::vector<Rule> rules;
	unsigned consulted = 0;

	FaultAction at(FaultPoint point, unsigned, unsigned target, unsigned id) override
	{
		consulted++;
		for (Rule& r : rules)
			if (!r.used && r.point == point && r.target == target && r.id == id) {
				r.used = true;
				return r.action;
			}
		return {};
	}
};

/// One APIC bus with its fake cores and records.
struct Side {
	ApicBus bus;
	std::array<FakeCore, kCpus> cores;
	std::vector<Rec> recs;
	std::vector<ApicNote> notes;
	ScriptedHooks hooks;

	Side(const char* name, bool x2apic, EventQueue& ev) : bus(name, params(x2apic), ev)
	{
		for (unsigned i = 0; i < kCpus; i++) {
			cores[i].id = i;
			cores[i].log = &recs;
			bus.bind_cpu(i, &cores[i]);
		}
		bus.set_fault_hooks(&hooks);
		bus.set_observer([this](const ApicNote& n) { notes.push_back(n); });
	}

	std::vector<Rec> of(unsigned cpu) const
	{
		std::vector<Rec> out;
		for (const Rec& r : recs)
			if (r.cpu == cpu)
				out.push_back(r);
		return out;
	}
	unsigned count(ApicEvent e) const
	{
		unsigned n = 0;
		for (const ApicNote& x : notes)
			n += x.event == e;
		return n;
	}
};

class Testbench : public sc_core::sc_module {
public:
	tlm_utils::simple_initiator_socket<Testbench> mmio{"mmio"};
	tlm_utils::simple_initiator_socket<Testbench> unused{"unused"}; ///< the x2APIC bus's socket must be bound
	EventQueue events{"events"};
	Side x2{"x2apic", true, events};
	Side xa{"xapic", false, events};

	explicit Testbench(sc_core::sc_module_name name) : sc_core::sc_module(name) {
		mmio.bind(xa.bus.in);
		unused.bind(x2.bus.in);
	}

	static sc_core::sc_time cycles(uint64_t n) { return ps_time(n * kPeriod); }
	static Ps delivery() { return kDeliveryCycles * kPeriod; }
	void run_cycles(uint64_t n) { sc_core::sc_start(cycles(n)); }
	void settle() { run_cycles(100'000); }

	/// xAPIC MMIO access from `cpu`.
	tlm::tlm_response_status access(unsigned cpu, bool write, uint64_t addr, uint32_t& data, sc_core::sc_time& delay,
					unsigned len = 4)
	{
		tlm::tlm_generic_payload t;
		ApicCpuExt ext;
		ext.cpu = cpu;
		t.set_command(write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
		t.set_address(addr);
		t.set_data_ptr(reinterpret_cast<unsigned char*>(&data));
		t.set_data_length(len);
		t.set_streaming_width(len);
		t.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
		t.set_extension(&ext);
		mmio->b_transport(t, delay);
		t.clear_extension(&ext);
		return t.get_response_status();
	}
	void mmio_write(unsigned cpu, uint32_t off, uint32_t v)
	{
		sc_core::sc_time d = sc_core::SC_ZERO_TIME;
		REQUIRE(access(cpu, true, APIC_DEFAULT_BASE + off, v, d) == tlm::TLM_OK_RESPONSE);
		CHECK(d == cycles(kMmioCycles));
	}
	uint32_t mmio_read(unsigned cpu, uint32_t off)
	{
		uint32_t v = 0xdeadbeef;
		sc_core::sc_time d = sc_core::SC_ZERO_TIME;
		REQUIRE(access(cpu, false, APIC_DEFAULT_BASE + off, v, d) == tlm::TLM_OK_RESPONSE);
		return v;
	}
	/// The xAPIC send: high half, then the low half goes out.
	void mmio_icr(unsigned cpu, uint64_t icr)
	{
		mmio_write(cpu, APIC_ICR2, uint32_t(icr >> 32));
		mmio_write(cpu, APIC_ICR, uint32_t(icr));
	}

	/// Every APIC enabled, TPR 0, IRR and ISR empty, no faults, no records.
	void reset()
	{
		settle();
		for (Side* s : {&x2, &xa}) {
			s->hooks.rules.clear();
			for (unsigned i = 0; i < kCpus; i++) {
				s->bus.msr_write(i, kSvrMsr, APIC_SVR_ENABLE | 0xff);
				s->bus.msr_write(i, X2APIC_MSR_BASE + APIC_TPR / 0x10, 0);
				while (s->bus.inta(i) >= 0) {
				}
				while (s->bus.core(i).isr.any())
					s->bus.msr_write(i, kEoiMsr, 0);
				REQUIRE(s->bus.core(i).irr.none());
			}
			s->recs.clear();
			s->notes.clear();
			s->hooks.consulted = 0;
		}
	}
};

Testbench& tb()
{
	// Built once, before the first sc_start; held by a static pointer for the whole process.
	static Testbench* t = [] {
		auto* made = new Testbench("tb");
		sc_core::sc_start(sc_core::SC_ZERO_TIME);
		return made;
	}();
	return *t;
}

} // namespace

TEST_CASE("apic.bus: a fixed IPI to one CPU (x2APIC MSR) arrives after exactly icr_delivery_cycles",
	  "[apic][x2apic][delivery]")
{
	Testbench& t = tb();
	t.reset();
	const Ps sent = now_ps();
	t.x2.bus.msr_write(0, kIcrMsr, encode_icr(0xf8, Delivery::fixed, Shorthand::none, 2, true));
	CHECK(t.x2.bus.icr_busy_for(0) == 0); // x2APIC has no busy bit
	t.run_cycles(kDeliveryCycles - 1);
	CHECK(t.x2.recs.empty());
	CHECK_FALSE(t.x2.bus.core(2).irr.test(0xf8));
	t.run_cycles(2); // an event at the very end of an sc_start window runs in the next one
	REQUIRE(t.x2.recs.size() == 1);
	CHECK(t.x2.recs[0].cpu == 2);
	CHECK(t.x2.recs[0].kind == Kind::intr_on);
	CHECK(t.x2.recs[0].t == sent + Testbench::delivery());
	CHECK(t.x2.bus.core(2).irr.test(0xf8));
	// INTA takes it and drops the line; the EOI clears ISR.
	CHECK(t.x2.bus.inta(2) == 0xf8);
	REQUIRE(t.x2.recs.size() == 2);
	CHECK(t.x2.recs[1].kind == Kind::intr_off);
	CHECK(t.x2.bus.core(2).isr.test(0xf8));
	t.x2.bus.msr_write(2, kEoiMsr, 0);
	CHECK(t.x2.bus.core(2).isr.none());
	CHECK(t.x2.bus.msr_read(2, X2APIC_MSR_BASE + APIC_PPR / 0x10) == 0);
}

TEST_CASE("apic.bus: a fixed IPI through xAPIC MMIO goes out from the CPU the extension names",
	  "[apic][xapic][delivery]")
{
	Testbench& t = tb();
	t.reset();
	const Ps sent = now_ps();
	t.mmio_icr(3, encode_icr(0x40, Delivery::fixed, Shorthand::none, 1, false));
	CHECK(t.mmio_read(3, APIC_ICR2) == (1u << 24));
	t.settle();
	REQUIRE(t.xa.recs.size() == 1);
	CHECK(t.xa.recs[0].cpu == 1);
	CHECK(t.xa.recs[0].t == sent + Testbench::delivery());
	REQUIRE(t.xa.notes.size() >= 2);
	CHECK(t.xa.notes[0].event == ApicEvent::kSent);
	CHECK(t.xa.notes[0].source == 3);
	CHECK(t.xa.notes[0].target == 1);
	CHECK(t.xa.notes[1].event == ApicEvent::kAccepted);
	// Register reads through MMIO see this CPU's APIC.
	CHECK(t.mmio_read(1, APIC_IRR + 0x20) == 1u); // vector 0x40: word 2, bit 0
	CHECK(t.mmio_read(0, APIC_IRR + 0x20) == 0u);
	CHECK(t.mmio_read(1, APIC_ID) == (1u << 24));
	CHECK(t.mmio_read(1, APIC_SVR) == (APIC_SVR_ENABLE | 0xff));
	// The x2APIC bus saw nothing.
	CHECK(t.x2.recs.empty());
}

TEST_CASE("apic.bus: MMIO outside the page or not 32-bit gets a TLM error", "[apic][xapic][tlm]")
{
	Testbench& t = tb();
	t.reset();
	uint32_t v = 0;
	sc_core::sc_time d = sc_core::SC_ZERO_TIME;
	CHECK(t.access(0, false, APIC_DEFAULT_BASE + 0x1000, v, d) == tlm::TLM_ADDRESS_ERROR_RESPONSE);
	CHECK(t.access(0, false, APIC_DEFAULT_BASE + 0x302, v, d) == tlm::TLM_COMMAND_ERROR_RESPONSE);
	CHECK(t.access(0, true, APIC_DEFAULT_BASE + 0x300, v, d, 2) == tlm::TLM_COMMAND_ERROR_RESPONSE);
	t.settle();
	CHECK(t.xa.recs.empty());
}

TEST_CASE("apic.bus: all-but-self reaches every CPU except the sender", "[apic][shorthand]")
{
	Testbench& t = tb();
	t.reset();
	const Ps sent = now_ps();
	t.x2.bus.msr_write(1, kIcrMsr, encode_icr(0xf8, Delivery::fixed, Shorthand::all_but_self, 1, true));
	t.settle();
	CHECK(t.x2.of(1).empty());
	for (unsigned c : {0u, 2u, 3u}) {
		REQUIRE(t.x2.of(c).size() == 1);
		CHECK(t.x2.of(c)[0].t == sent + Testbench::delivery());
		CHECK(t.x2.bus.core(c).irr.test(0xf8));
	}
	CHECK_FALSE(t.x2.bus.core(1).irr.test(0xf8));
}

TEST_CASE("apic.bus: self and all-including-self shorthands", "[apic][shorthand]")
{
	Testbench& t = tb();
	t.reset();
	SECTION("self ignores the destination field")
	{
		t.x2.bus.msr_write(2, kIcrMsr, encode_icr(0x50, Delivery::fixed, Shorthand::self, 0, true));
		t.settle();
		REQUIRE(t.x2.recs.size() == 1);
		CHECK(t.x2.recs[0].cpu == 2);
	}
	SECTION("all including self")
	{
		t.x2.bus.msr_write(2, kIcrMsr, encode_icr(2, Delivery::nmi, Shorthand::all_incl_self, 0, true));
		t.settle();
		REQUIRE(t.x2.recs.size() == kCpus);
		for (unsigned c = 0; c < kCpus; c++) {
			REQUIRE(t.x2.of(c).size() == 1);
			CHECK(t.x2.of(c)[0].kind == Kind::nmi);
		}
	}
}

TEST_CASE("apic.bus: an NMI reaches a software-disabled APIC's core, a fixed IPI is lost", "[apic][nmi][svr]")
{
	Testbench& t = tb();
	t.reset();
	t.x2.bus.msr_write(3, kSvrMsr, 0xff); // disable_local_APIC()
	const Ps sent = now_ps();
	t.x2.bus.msr_write(0, kIcrMsr, encode_icr(0xf8, Delivery::fixed, Shorthand::none, 3, true));
	t.x2.bus.msr_write(0, kIcrMsr, encode_icr(2, Delivery::nmi, Shorthand::none, 3, true));
	t.settle();
	REQUIRE(t.x2.of(3).size() == 1);
	CHECK(t.x2.of(3)[0].kind == Kind::nmi);
	CHECK(t.x2.of(3)[0].t == sent + Testbench::delivery());
	CHECK(t.x2.bus.core(3).irr.none());
	CHECK(t.x2.count(ApicEvent::kLost) == 1);
	CHECK(t.x2.count(ApicEvent::kNmi) == 1);
	// NMI bypasses IRR/ISR/PPR: even a TPR of 0xff does not hold it.
	t.x2.bus.msr_write(3, kSvrMsr, APIC_SVR_ENABLE | 0xff);
	t.x2.bus.msr_write(3, X2APIC_MSR_BASE + APIC_TPR / 0x10, 0xff);
	t.x2.recs.clear();
	t.x2.bus.msr_write(0, kIcrMsr, encode_icr(2, Delivery::nmi, Shorthand::none, 3, true));
	t.x2.bus.msr_write(0, kIcrMsr, encode_icr(0xf8, Delivery::fixed, Shorthand::none, 3, true));
	t.settle();
	REQUIRE(t.x2.of(3).size() == 1); // the fixed vector waits in IRR below PPR
	CHECK(t.x2.of(3)[0].kind == Kind::nmi);
	CHECK(t.x2.bus.core(3).irr.test(0xf8));
}

TEST_CASE("apic.bus: the xAPIC delivery-status bit reads busy for icr_busy_cycles", "[apic][xapic][busy]")
{
	Testbench& t = tb();
	t.reset();
	CHECK((t.mmio_read(0, APIC_ICR) & APIC_ICR_BUSY) == 0);
	t.mmio_icr(0, encode_icr(0x60, Delivery::fixed, Shorthand::none, 2, false));
	CHECK((t.mmio_read(0, APIC_ICR) & APIC_ICR_BUSY) != 0);
	CHECK(t.xa.bus.icr_busy_for(0) == kBusyCycles * kPeriod);
	CHECK((t.mmio_read(1, APIC_ICR) & APIC_ICR_BUSY) == 0); // per CPU
	t.run_cycles(kBusyCycles - 1);
	CHECK((t.mmio_read(0, APIC_ICR) & APIC_ICR_BUSY) != 0);
	CHECK(t.xa.bus.icr_busy_for(0) == kPeriod);
	t.run_cycles(1);
	CHECK((t.mmio_read(0, APIC_ICR) & APIC_ICR_BUSY) == 0);
	CHECK(t.xa.bus.icr_busy_for(0) == 0);
	t.settle();
}

TEST_CASE("apic.bus: two identical fixed vectors merge into one IRR bit", "[apic][merge]")
{
	Testbench& t = tb();
	t.reset();
	t.x2.bus.msr_write(0, kIcrMsr, encode_icr(0xf8, Delivery::fixed, Shorthand::none, 1, true));
	t.x2.bus.msr_write(2, kIcrMsr, encode_icr(0xf8, Delivery::fixed, Shorthand::none, 1, true));
	t.settle();
	CHECK(t.x2.count(ApicEvent::kAccepted) == 1);
	CHECK(t.x2.count(ApicEvent::kMerged) == 1);
	REQUIRE(t.x2.of(1).size() == 1); // one rising edge
	CHECK(t.x2.bus.inta(1) == 0xf8);
	CHECK(t.x2.bus.inta(1) == -1); // nothing left
}

TEST_CASE("apic.bus: fault hooks drop or delay one message", "[apic][faults]")
{
	Testbench& t = tb();
	t.reset();
	SECTION("dropped at the sender: no trace at the target")
	{
		t.x2.hooks.rules.push_back({FaultPoint::kSend, 2, kNmiId, FaultAction{true, 0, std::nullopt}});
		t.x2.bus.msr_write(0, kIcrMsr, encode_icr(2, Delivery::nmi, Shorthand::all_but_self, 0, true));
		t.settle();
		CHECK(t.x2.of(2).empty());
		CHECK(t.x2.of(1).size() == 1);
		CHECK(t.x2.of(3).size() == 1);
		CHECK(t.x2.count(ApicEvent::kDropped) == 1);
	}
	SECTION("dropped on arrival")
	{
		t.x2.hooks.rules.push_back({FaultPoint::kArrive, 1, 0xf8, FaultAction{true, 0, std::nullopt}});
		t.x2.bus.msr_write(0, kIcrMsr, encode_icr(0xf8, Delivery::fixed, Shorthand::none, 1, true));
		t.settle();
		CHECK(t.x2.recs.empty());
		CHECK(t.x2.bus.core(1).irr.none());
		CHECK(t.x2.count(ApicEvent::kDropped) == 1);
	}
	SECTION("delayed at the sender by extra_delay")
	{
		const Ps extra = 1'000'000; // 1 us
		t.x2.hooks.rules.push_back({FaultPoint::kSend, 3, 0xf8, FaultAction{false, extra, std::nullopt}});
		const Ps sent = now_ps();
		t.x2.bus.msr_write(0, kIcrMsr, encode_icr(0xf8, Delivery::fixed, Shorthand::all_but_self, 0, true));
		t.settle();
		REQUIRE(t.x2.of(3).size() == 1);
		CHECK(t.x2.of(3)[0].t == sent + Testbench::delivery() + extra);
		REQUIRE(t.x2.of(1).size() == 1);
		CHECK(t.x2.of(1)[0].t == sent + Testbench::delivery());
		CHECK(t.x2.count(ApicEvent::kDelayed) == 1);
	}
	SECTION("delayed on arrival")
	{
		const Ps extra = 4000;
		t.x2.hooks.rules.push_back({FaultPoint::kArrive, 2, kNmiId, FaultAction{false, extra, std::nullopt}});
		const Ps sent = now_ps();
		t.x2.bus.msr_write(0, kIcrMsr, encode_icr(2, Delivery::nmi, Shorthand::none, 2, true));
		t.settle();
		REQUIRE(t.x2.of(2).size() == 1);
		CHECK(t.x2.of(2)[0].t == sent + Testbench::delivery() + extra);
	}
	CHECK(t.x2.hooks.rules.size() == 1);
	CHECK(t.x2.hooks.rules[0].used);
}
