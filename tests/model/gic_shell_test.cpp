// SPDX-License-Identifier: Apache-2.0
// GicV3 shell through its TLM socket and ICC calls: register views, timing annotation, SGI
// routing and delivery latency, merging, and the fault hooks. One testbench for the whole
// process (SystemC elaborates once); every TEST_CASE resets the state it uses and advances time.
#include "models/common/event_queue.hpp"
#include "models/common/fault_plan.hpp"
#include "models/gic/gic_v3.hpp"

#include <catch2/catch.hpp>
#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

#include <array>
#include <cstdint>
#include <ios>
#include <vector>

using namespace stopsim;
using namespace stopsim::gic;

namespace {

constexpr unsigned kPes = 18; // two clusters: PEs 0-15 (Aff1 0) and 16-17 (Aff1 1)

GicParams test_params()
{
	GicParams p;
	p.num_pes = kPes;
	p.clock_hz = 2'000'000'000ull; // 500 ps per cycle
	p.sgi_delivery_cycles = 120;
	p.signal_cycles = 30;
	p.pio_cycles = 9;
	p.sgi_jitter_cycles = 0;
	p.seed = 1;
	return p;
}

constexpr Ps kPeriod = 500;
constexpr uint64_t kSgiCycles = 120 + 30;

/// One change of a PE's lines, as the PE saw it.
struct Edge {
	Ps t;
	unsigned pe;
	CpuIfLines lines;
};

/// A PE that only records its lines and reports a settable security state.
class FakePe : public IrqSink {
public:
	unsigned id = 0;
	std::vector<Edge>* log = nullptr;
	PeSecurity security{};
	CpuIfLines lines{};

	void gic_lines(const CpuIfLines& l) override
	{
		lines = l;
		log->push_back(Edge{now_ps(), id, l});
	}
	PeSecurity gic_pe_security() const override { return security; }
};

/// Fault hooks driven by a list of one-shot rules; every consultation is recorded.
class ScriptedHooks : public FaultHooks {
public:
	struct Rule {
		FaultPoint point;
		unsigned target;
		unsigned intid;
		FaultAction action;
		bool used = false;
	};
	struct Call {
		Ps t;
		FaultPoint point;
		unsigned source, target, intid;
	};
	std::vector<Rule> rules;
	std::vector<Call> calls;

	FaultAction at(FaultPoint point, unsigned source, unsigned target, unsigned intid) override
	{
		calls.push_back(Call{now_ps(), point, source, target, intid});
		for (Rule& r : rules)
			if (!r.used && r.point == point && r.target == target && r.intid == intid) {
				r.used = true;
				return r.action;
			}
		return {};
	}
};

struct Note {
	Ps t;
	SgiNote n;
};

struct Access {
	tlm::tlm_response_status status;
	sc_core::sc_time delay;
};

class Testbench : public sc_core::sc_module {
public:
	tlm_utils::simple_initiator_socket<Testbench> bus{"bus"};
	EventQueue events{"events"};
	GicV3 gic;
	std::array<FakePe, kPes> pes;
	std::vector<Edge> edges;
	std::vector<Note> notes;
	ScriptedHooks hooks;

	explicit Testbench(sc_core::sc_module_name name) : sc_core::sc_module(name), gic("gic", test_params(), events)
	{
		bus.bind(gic.in);
		for (unsigned i = 0; i < kPes; i++) {
			pes[i].id = i;
			pes[i].log = &edges;
			gic.bind_pe(i, &pes[i]);
		}
		gic.set_fault_hooks(&hooks);
		gic.set_observer([this](const SgiNote& n) { notes.push_back(Note{now_ps(), n}); });
	}

	const GicParams& p() const { return gic.params(); }
	static sc_core::sc_time cycles(uint64_t n) { return ps_time(n * kPeriod); }
	uint64_t gicr(unsigned pe, uint32_t off) const { return p().gicr_base + GICR_FRAME_STRIDE * pe + off; }
	uint64_t gicd(uint32_t off) const { return p().gicd_base + off; }

	Access transport(tlm::tlm_command cmd, uint64_t addr, unsigned char* data, unsigned len, bool secure,
			 sc_core::sc_time start = sc_core::SC_ZERO_TIME)
	{
		tlm::tlm_generic_payload t;
		GicSecureExt ext;
		t.set_command(cmd);
		t.set_address(addr);
		t.set_data_ptr(data);
		t.set_data_length(len);
		t.set_streaming_width(len);
		t.set_byte_enable_ptr(nullptr);
		t.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
		if (secure)
			t.set_extension(&ext);
		sc_core::sc_time delay = start;
		bus->b_transport(t, delay);
		if (secure)
			t.clear_extension(&ext);
		return Access{t.get_response_status(), delay};
	}
	Access write32(uint64_t addr, uint32_t v, bool secure)
	{
		return transport(tlm::TLM_WRITE_COMMAND, addr, reinterpret_cast<unsigned char*>(&v), 4, secure);
	}
	uint32_t read32(uint64_t addr, bool secure)
	{
		uint32_t v = 0xdeadbeef;
		const Access a = transport(tlm::TLM_READ_COMMAND, addr, reinterpret_cast<unsigned char*>(&v), 4, secure);
		REQUIRE(a.status == tlm::TLM_OK_RESPONSE);
		return v;
	}
	Access write8(uint64_t addr, uint8_t v, bool secure)
	{
		return transport(tlm::TLM_WRITE_COMMAND, addr, &v, 1, secure);
	}
	uint8_t read8(uint64_t addr, bool secure)
	{
		uint8_t v = 0xee;
		const Access a = transport(tlm::TLM_READ_COMMAND, addr, &v, 1, secure);
		REQUIRE(a.status == tlm::TLM_OK_RESPONSE);
		return v;
	}
	void swrite(uint64_t addr, uint32_t v) { REQUIRE(write32(addr, v, true).status == tlm::TLM_OK_RESPONSE); }
	void nswrite(uint64_t addr, uint32_t v) { REQUIRE(write32(addr, v, false).status == tlm::TLM_OK_RESPONSE); }

	/// Let every scheduled delivery land.
	void settle() { sc_core::sc_start(cycles(10'000)); }

	/// The state firmware and a Linux-like kernel leave behind: DS=0, SGIs 8-15 Group 0 at 0x70,
	/// everything else NS Group 1 at 0xa0 (absolute), all enabled, PMR open, IGRPEN0/1 on,
	/// EOImode 0, every PE Non-secure; no faults, no records.
	void reset()
	{
		settle();
		hooks.rules.clear();
		for (unsigned i = 0; i < kPes; i++)
			pes[i].security = PeSecurity{};
		swrite(gicd(GICD_CTLR), GICD_CTLR_ENABLEGRP0 | GICD_CTLR_ENABLEGRP1NS | GICD_CTLR_ENABLEGRP1S |
						GICD_CTLR_ARE_S | GICD_CTLR_ARE_NS);
		for (unsigned i = 0; i < kPes; i++) {
			swrite(gicr(i, GICR_ICACTIVER0), 0xffffffffu);
			swrite(gicr(i, GICR_ICPENDR0), 0xffffffffu);
			swrite(gicr(i, GICR_IGROUPR0), 0xffff00ffu);
			swrite(gicr(i, GICR_IGRPMODR0), 0);
			swrite(gicr(i, GICR_NSACR), 0);
			swrite(gicr(i, GICR_ISENABLER0), 0xffffffffu);
			for (uint32_t w = 0; w < 8; w++)
				swrite(gicr(i, GICR_IPRIORITYR0 + 4 * w), (w == 2 || w == 3) ? 0x70707070u : 0xa0a0a0a0u);
			gic.icc_write_pmr(i, 0xff, false);
			gic.icc_write_igrpen(i, Group::G0, true);
			gic.icc_write_igrpen(i, Group::G1NS, true);
			gic.icc_write_eoimode(i, true, false);
			gic.update(i);
			REQUIRE(gic.cpuif(i).running_priority() == 0xff); // a previous test left nothing active
			REQUIRE(pes[i].lines == CpuIfLines{});
		}
		edges.clear();
		notes.clear();
		hooks.calls.clear();
	}

	/// Acknowledge and complete one Group 1 interrupt at `pe` (EOImode 0), returning its INTID.
	unsigned ack_eoi(unsigned pe)
	{
		const unsigned intid = gic.icc_read_iar(pe, Group::G1NS, true);
		if (intid != INTID_SPURIOUS)
			gic.icc_write_eoir(pe, intid, Group::G1NS, true);
		return intid;
	}

	std::vector<Edge> edges_of(unsigned pe) const
	{
		std::vector<Edge> out;
		for (const Edge& e : edges)
			if (e.pe == pe)
				out.push_back(e);
		return out;
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

/// ICC_SGI1R_EL1 / ICC_SGI0R_EL1 value.
uint64_t sgir(unsigned intid, uint16_t targets, unsigned aff1 = 0, unsigned aff2 = 0, unsigned aff3 = 0,
	      bool irm = false, unsigned rs = 0)
{
	return uint64_t(targets) << ICC_SGIR_TARGETLIST_SHIFT | uint64_t(aff1) << ICC_SGIR_AFF1_SHIFT |
	       uint64_t(intid) << ICC_SGIR_INTID_SHIFT | uint64_t(aff2) << ICC_SGIR_AFF2_SHIFT |
	       uint64_t(irm) << ICC_SGIR_IRM_SHIFT | uint64_t(rs) << ICC_SGIR_RS_SHIFT |
	       uint64_t(aff3) << ICC_SGIR_AFF3_SHIFT;
}

const CpuIfLines kIrq{true, false};
const CpuIfLines kFiq{false, true};
const CpuIfLines kNone{false, false};

} // namespace

// Registers through the socket

TEST_CASE("gic.shell: GICD_CTLR Secure view via GicSecureExt, Non-secure view without it", "[gic][shell][mmio]")
{
	Testbench& b = tb();
	b.reset();
	CHECK(b.read32(b.gicd(GICD_CTLR), true) == 0x37u);
	CHECK(b.read32(b.gicd(GICD_CTLR), false) == 0x12u);

	// An NS write reaches only EnableGrp1NS and ARE_NS.
	b.nswrite(b.gicd(GICD_CTLR), 0);
	CHECK(b.read32(b.gicd(GICD_CTLR), true) == 0x15u);
	CHECK(b.read32(b.gicd(GICD_CTLR), false) == 0u);
	CHECK_FALSE(b.gic.dist().group_enabled(Group::G1NS));
	CHECK(b.gic.dist().group_enabled(Group::G0));

	// With NS Group 1 off in the distributor, a pending NS SGI is not signalled...
	b.gic.inject_pending(4, 1);
	CHECK(b.pes[4].lines == kNone);
	// ...and an NS write turning it back on signals it at once.
	b.nswrite(b.gicd(GICD_CTLR), GICD_CTLR_NS_ENABLEGRP1A | GICD_CTLR_NS_ARE_NS);
	CHECK(b.read32(b.gicd(GICD_CTLR), true) == 0x37u);
	CHECK(b.pes[4].lines == kIrq);
	REQUIRE(b.edges.size() == 1u);
	CHECK(b.edges[0].t == sc_core::sc_time_stamp().value());
	CHECK(b.ack_eoi(4) == 1u);
}

TEST_CASE("gic.shell: GicSecureExt with secure=false is a Non-secure access", "[gic][shell][mmio]")
{
	Testbench& b = tb();
	b.reset();
	tlm::tlm_generic_payload t;
	GicSecureExt ext;
	ext.secure = false;
	uint32_t v = 0;
	t.set_command(tlm::TLM_READ_COMMAND);
	t.set_address(b.gicd(GICD_CTLR));
	t.set_data_ptr(reinterpret_cast<unsigned char*>(&v));
	t.set_data_length(4);
	t.set_streaming_width(4);
	t.set_extension(&ext);
	sc_core::sc_time d = sc_core::SC_ZERO_TIME;
	b.bus->b_transport(t, d);
	t.clear_extension(&ext);
	CHECK(t.get_response_status() == tlm::TLM_OK_RESPONSE);
	CHECK(v == 0x12u);
}

TEST_CASE("gic.shell: GICR_ISENABLER0 through the socket, Secure and Non-secure", "[gic][shell][mmio]")
{
	Testbench& b = tb();
	b.reset();
	const unsigned pe = 5;
	CHECK(b.read32(b.gicr(pe, GICR_ISENABLER0), true) == 0xffffffffu);
	CHECK(b.read32(b.gicr(pe, GICR_ISENABLER0), false) == 0xffff00ffu);

	// NS cannot disable the Secure SGIs 8-15.
	b.nswrite(b.gicr(pe, GICR_ICENABLER0), 0xffffffffu);
	CHECK(b.read32(b.gicr(pe, GICR_ISENABLER0), true) == 0x0000ff00u);
	CHECK(b.read32(b.gicr(pe, GICR_ICENABLER0), false) == 0u);

	// A disabled SGI stays pending and silent; enabling it signals it.
	b.gic.inject_pending(pe, 3);
	CHECK(b.pes[pe].lines == kNone);
	CHECK(b.gic.redist(pe).is_pending(3));
	b.nswrite(b.gicr(pe, GICR_ISENABLER0), 1u << 3);
	CHECK(b.read32(b.gicr(pe, GICR_ISENABLER0), false) == (1u << 3));
	CHECK(b.pes[pe].lines == kIrq);
	CHECK(b.ack_eoi(pe) == 3u);
	CHECK(b.pes[pe].lines == kNone);

	// Other PEs' frames are untouched.
	CHECK(b.read32(b.gicr(pe + 1, GICR_ISENABLER0), true) == 0xffffffffu);
}

TEST_CASE("gic.shell: GICR_IPRIORITYR0 word and byte access", "[gic][shell][mmio][priority]")
{
	Testbench& b = tb();
	b.reset();
	const unsigned pe = 2;
	const uint64_t w1 = b.gicr(pe, GICR_IPRIORITYR0 + 4); // INTIDs 4-7 (NS)

	b.swrite(w1, 0x44332211u);
	CHECK(b.read8(w1 + 0, true) == 0x11);
	CHECK(b.read8(w1 + 1, true) == 0x22);
	CHECK(b.read8(w1 + 2, true) == 0x33);
	CHECK(b.read8(w1 + 3, true) == 0x44);

	// A Secure byte write changes one INTID only.
	REQUIRE(b.write8(w1 + 2, 0x99, true).status == tlm::TLM_OK_RESPONSE);
	CHECK(b.read32(w1, true) == 0x44992211u);
	CHECK(b.gic.redist(pe).priority(6) == 0x99);

	// A Non-secure byte write is shifted into the lower half and read back unshifted.
	b.swrite(w1, 0xa0a0a0a0u);
	REQUIRE(b.write8(w1 + 1, 0xc0, false).status == tlm::TLM_OK_RESPONSE);
	CHECK(b.gic.redist(pe).priority(5) == 0xe0);
	CHECK(b.read8(w1 + 1, false) == 0xc0);
	CHECK(b.read8(w1 + 1, true) == 0xe0);
	CHECK(b.read32(w1, true) == 0xa0a0e0a0u);

	// A Non-secure word write: all four shifted.
	b.nswrite(w1, 0x80c0a0e0u);
	CHECK(b.read32(w1, true) == 0xc0e0d0f0u);
	CHECK(b.read32(w1, false) == 0x80c0a0e0u);

	// Secure INTIDs 8-11 are RAZ/WI to NS, by word and by byte.
	const uint64_t w2 = b.gicr(pe, GICR_IPRIORITYR0 + 8);
	b.nswrite(w2, 0xa0a0a0a0u);
	REQUIRE(b.write8(w2 + 1, 0xa0, false).status == tlm::TLM_OK_RESPONSE);
	CHECK(b.read32(w2, true) == 0x70707070u);
	CHECK(b.read32(w2, false) == 0u);
	CHECK(b.read8(w2 + 3, false) == 0);
}

TEST_CASE("gic.shell: a Non-secure byte write leaves the neighbouring bytes alone", "[gic][shell][mmio][priority]")
{
	// SGI 4 is NS, but Secure gave it a priority in the Secure half (0x40). An NS byte write to
	// SGI 5 must change SGI 5 only.
	Testbench& b = tb();
	b.reset();
	const unsigned pe = 3;
	const uint64_t w1 = b.gicr(pe, GICR_IPRIORITYR0 + 4);
	b.swrite(w1, 0xa0a0a040u);
	REQUIRE(b.write8(w1 + 1, 0xc0, false).status == tlm::TLM_OK_RESPONSE);
	CHECK(int(b.gic.redist(pe).priority(4)) == 0x40);
	CHECK(int(b.gic.redist(pe).priority(5)) == 0xe0);
	CHECK(int(b.gic.redist(pe).priority(6)) == 0xa0);
	CHECK(int(b.gic.redist(pe).priority(7)) == 0xa0);
	CHECK(b.read32(w1, true) == 0xa0a0e040u);
}

TEST_CASE("gic.shell: an unmapped address answers TLM_ADDRESS_ERROR_RESPONSE", "[gic][shell][mmio]")
{
	Testbench& b = tb();
	b.reset();
	const uint64_t holes[] = {
		0x0,
		b.p().gicd_base - 4,
		b.p().gicd_base + 0x10000,                     // just past the distributor frame
		b.p().gicr_base - 4,
		b.p().gicr_base + GICR_FRAME_STRIDE * kPes,    // just past the last redistributor
	};
	for (uint64_t a : holes) {
		INFO("address 0x" << std::hex << a);
		uint32_t v = 0x12345678u;
		const Access w = b.transport(tlm::TLM_WRITE_COMMAND, a, reinterpret_cast<unsigned char*>(&v), 4, true);
		CHECK(w.status == tlm::TLM_ADDRESS_ERROR_RESPONSE);
		const Access r = b.transport(tlm::TLM_READ_COMMAND, a, reinterpret_cast<unsigned char*>(&v), 4, false);
		CHECK(r.status == tlm::TLM_ADDRESS_ERROR_RESPONSE);
		CHECK(v == 0x12345678u);
	}
	// The last word of the last redistributor frame is still mapped.
	uint32_t v = 0;
	const Access ok = b.transport(tlm::TLM_READ_COMMAND, b.p().gicr_base + GICR_FRAME_STRIDE * kPes - 4,
				      reinterpret_cast<unsigned char*>(&v), 4, false);
	CHECK(ok.status == tlm::TLM_OK_RESPONSE);
}

TEST_CASE("gic.shell: bad access sizes and misaligned words get TLM_COMMAND_ERROR_RESPONSE", "[gic][shell][mmio]")
{
	Testbench& b = tb();
	b.reset();
	uint64_t v = ~0ull; // room for the 8-byte attempt
	const uint64_t en = b.gicr(1, GICR_ICENABLER0);
	auto* data = reinterpret_cast<unsigned char*>(&v);
	CHECK(b.transport(tlm::TLM_WRITE_COMMAND, en, data, 2, true).status == tlm::TLM_COMMAND_ERROR_RESPONSE);
	CHECK(b.transport(tlm::TLM_WRITE_COMMAND, en + 1, data, 4, true).status == tlm::TLM_COMMAND_ERROR_RESPONSE);
	CHECK(b.transport(tlm::TLM_WRITE_COMMAND, en, data, 8, true).status == tlm::TLM_COMMAND_ERROR_RESPONSE);
	// A byte access outside the priority registers.
	CHECK(b.transport(tlm::TLM_WRITE_COMMAND, en, data, 1, true).status == tlm::TLM_COMMAND_ERROR_RESPONSE);
	CHECK(b.transport(tlm::TLM_READ_COMMAND, b.gicd(GICD_CTLR), data, 1, true).status ==
	      tlm::TLM_COMMAND_ERROR_RESPONSE);
	CHECK(b.read32(b.gicr(1, GICR_ISENABLER0), true) == 0xffffffffu);
}

TEST_CASE("gic.shell: every register access is annotated with pio_cycles at the GIC clock", "[gic][shell][timing]")
{
	Testbench& b = tb();
	b.reset();
	const sc_core::sc_time pio = Testbench::cycles(9);
	REQUIRE(pio == sc_core::sc_time(4.5, sc_core::SC_NS));
	CHECK(b.gic.clock().period_ps() == kPeriod);

	uint32_t v = 0;
	const auto t0 = sc_core::sc_time_stamp();
	CHECK(b.transport(tlm::TLM_READ_COMMAND, b.gicd(GICD_CTLR), reinterpret_cast<unsigned char*>(&v), 4, true).delay ==
	      pio);
	CHECK(b.write32(b.gicr(0, GICR_ISENABLER0), 0, false).delay == pio);
	uint8_t byte = 0;
	CHECK(b.transport(tlm::TLM_READ_COMMAND, b.gicr(0, GICR_IPRIORITYR0 + 3), &byte, 1, false).delay == pio);
	// The annotation adds to the initiator's local offset; b_transport itself does not wait.
	const sc_core::sc_time start(3, sc_core::SC_NS);
	CHECK(b.transport(tlm::TLM_READ_COMMAND, b.gicd(GICD_CTLR), reinterpret_cast<unsigned char*>(&v), 4, true, start)
		      .delay == start + pio);
	CHECK(sc_core::sc_time_stamp() == t0);
	// An error response costs nothing.
	CHECK(b.transport(tlm::TLM_READ_COMMAND, 0x0, reinterpret_cast<unsigned char*>(&v), 4, true).delay ==
	      sc_core::SC_ZERO_TIME);
}

TEST_CASE("gic.shell: GICR_TYPER reports affinity, processor number and Last", "[gic][shell][mmio]")
{
	Testbench& b = tb();
	b.reset();
	CHECK(b.read32(b.gicr(0, GICR_TYPER), false) == 0u);
	CHECK(b.read32(b.gicr(0, GICR_TYPER + 4), false) == 0u);
	CHECK(b.read32(b.gicr(15, GICR_TYPER + 4), false) == 0x0000000fu);
	CHECK(b.read32(b.gicr(16, GICR_TYPER), false) == 0x00001000u);
	CHECK(b.read32(b.gicr(16, GICR_TYPER + 4), false) == 0x00000100u); // Aff1 = 1, Aff0 = 0
	CHECK(b.read32(b.gicr(17, GICR_TYPER), false) == (0x00001100u | uint32_t(GICR_TYPER_LAST)));
	CHECK(b.read32(b.gicr(17, GICR_TYPER + 4), false) == 0x00000101u);
}

TEST_CASE("gic.shell: debug transport reads without time and refuses writes", "[gic][shell][mmio]")
{
	Testbench& b = tb();
	b.reset();
	tlm::tlm_generic_payload t;
	uint32_t v = 0;
	t.set_command(tlm::TLM_READ_COMMAND);
	t.set_address(b.gicr(1, GICR_IPRIORITYR0 + 8));
	t.set_data_ptr(reinterpret_cast<unsigned char*>(&v));
	t.set_data_length(4);
	t.set_streaming_width(4);
	CHECK(b.bus->transport_dbg(t) == 4u);
	CHECK(v == 0x70707070u); // a debugger sees the Secure view

	t.set_command(tlm::TLM_WRITE_COMMAND);
	t.set_address(b.gicr(1, GICR_ICENABLER0));
	v = 0xffffffffu;
	CHECK(b.bus->transport_dbg(t) == 0u);
	CHECK(b.read32(b.gicr(1, GICR_ISENABLER0), true) == 0xffffffffu);
}

// PMR and firmware

TEST_CASE("gic.shell: Non-secure software owns PMR only after firmware opens it", "[gic][shell][pmr]")
{
	Testbench& b = tb();
	b.reset();
	const unsigned pe = 6;
	b.gic.icc_write_pmr(pe, 0x00, false); // as at reset
	b.gic.inject_pending(pe, 1);
	b.gic.icc_write_pmr(pe, 0xe0, true);
	CHECK(b.gic.icc_read_pmr(pe, true) == 0);
	CHECK(b.gic.icc_read_pmr(pe, false) == 0);
	CHECK(b.pes[pe].lines == kNone);

	b.gic.icc_write_pmr(pe, 0xff, false); // firmware's Secure write
	CHECK(b.pes[pe].lines == kIrq);
	b.gic.icc_write_pmr(pe, 0xc0, true); // NS 0xc0 -> 0xe0: the SGI at 0xa0 still passes
	CHECK(b.gic.icc_read_pmr(pe, false) == 0xe0);
	CHECK(b.gic.icc_read_pmr(pe, true) == 0xc0);
	CHECK(b.pes[pe].lines == kIrq);
	b.gic.icc_write_pmr(pe, 0x00, true); // NS 0 -> 0x80: masks the SGI at 0xa0
	CHECK(b.gic.icc_read_pmr(pe, false) == 0x80);
	CHECK(b.pes[pe].lines == kNone);
	b.gic.icc_write_pmr(pe, 0xff, false);
	CHECK(b.ack_eoi(pe) == 1u);

	const auto e = b.edges_of(pe);
	REQUIRE(e.size() == 4u);
	CHECK(e[0].lines == kIrq);
	CHECK(e[1].lines == kNone);
	CHECK(e[2].lines == kIrq);
	CHECK(e[3].lines == kNone);
}

// SGI generation and delivery

TEST_CASE("gic.shell: an SGI reaches its targets after exactly sgi_delivery_cycles + signal_cycles",
	  "[gic][shell][sgi][timing]")
{
	Testbench& b = tb();
	b.reset();
	const Ps t0 = now_ps();
	const uint64_t sent_before = b.gic.sgis_sent();
	b.gic.icc_generate_sgi(0, sgir(5, 0b0110), Group::G1NS, true);
	CHECK(b.gic.sgis_sent() == sent_before + 2);
	CHECK(b.edges.empty());

	sc_core::sc_start(Testbench::cycles(kSgiCycles - 1));
	CHECK(b.edges.empty());
	CHECK_FALSE(b.gic.redist(1).is_pending(5));

	sc_core::sc_start(Testbench::cycles(5));
	REQUIRE(b.edges.size() == 2u);
	for (unsigned i = 0; i < 2; i++) {
		CHECK(b.edges[i].pe == i + 1);
		CHECK(b.edges[i].t == t0 + kSgiCycles * kPeriod);
		CHECK(b.edges[i].lines == kIrq);
	}
	CHECK(b.pes[0].lines == kNone);
	CHECK(b.pes[3].lines == kNone);

	// Notes: sent at t0 for both targets, pending at arrival.
	REQUIRE(b.notes.size() == 4u);
	CHECK(b.notes[0].n.event == SgiEvent::kSent);
	CHECK(b.notes[0].t == t0);
	CHECK(b.notes[0].n.source == 0u);
	CHECK(b.notes[0].n.target == 1u);
	CHECK(b.notes[0].n.intid == 5u);
	CHECK(b.notes[1].n.event == SgiEvent::kSent);
	CHECK(b.notes[1].n.target == 2u);
	CHECK(b.notes[2].n.event == SgiEvent::kPending);
	CHECK(b.notes[2].t == t0 + kSgiCycles * kPeriod);
	CHECK(b.notes[3].n.event == SgiEvent::kPending);

	CHECK(b.ack_eoi(1) == 5u);
	CHECK(b.ack_eoi(2) == 5u);
	CHECK(b.pes[1].lines == kNone);
	b.settle();
}

TEST_CASE("gic.shell: the sender's time offset is not part of the latency", "[gic][shell][sgi][timing]")
{
	// Two SGIs sent 7 cycles apart arrive 7 cycles apart.
	Testbench& b = tb();
	b.reset();
	const Ps t0 = now_ps();
	b.gic.icc_generate_sgi(0, sgir(1, 1u << 4), Group::G1NS, true);
	sc_core::sc_start(Testbench::cycles(7));
	b.gic.icc_generate_sgi(0, sgir(1, 1u << 5), Group::G1NS, true);
	b.settle();
	REQUIRE(b.edges.size() == 2u);
	CHECK(b.edges[0].pe == 4u);
	CHECK(b.edges[0].t == t0 + kSgiCycles * kPeriod);
	CHECK(b.edges[1].pe == 5u);
	CHECK(b.edges[1].t == t0 + (kSgiCycles + 7) * kPeriod);
	CHECK(b.ack_eoi(4) == 1u);
	CHECK(b.ack_eoi(5) == 1u);
}

TEST_CASE("gic.shell: IRM=1 broadcasts to every PE except the sender", "[gic][shell][sgi]")
{
	Testbench& b = tb();
	b.reset();
	const Ps t0 = now_ps();
	// Affinity and target list are ignored with IRM=1.
	b.gic.icc_generate_sgi(3, sgir(2, 0x0008, 7, 0, 0, true), Group::G1NS, true);
	b.settle();
	REQUIRE(b.edges.size() == kPes - 1);
	for (const Edge& e : b.edges) {
		CHECK(e.pe != 3u);
		CHECK(e.t == t0 + kSgiCycles * kPeriod);
		CHECK(e.lines == kIrq);
	}
	CHECK(b.edges_of(3).empty());
	CHECK_FALSE(b.gic.redist(3).is_pending(2));
	for (unsigned i = 0; i < kPes; i++)
		if (i != 3)
			CHECK(b.ack_eoi(i) == 2u);
	CHECK(b.ack_eoi(3) == INTID_SPURIOUS);
}

TEST_CASE("gic.shell: the target list is routed by Aff1/Aff2, and unreachable targets get nothing", "[gic][shell][sgi]")
{
	Testbench& b = tb();
	b.reset();
	// Aff1 = 1: PEs 16 and 17; bit 5 would be PE 21, which does not exist.
	b.gic.icc_generate_sgi(0, sgir(6, 0b100011, 1), Group::G1NS, true);
	// Aff1 = 0, bit 15: PE 15.
	b.gic.icc_generate_sgi(0, sgir(6, 1u << 15), Group::G1NS, true);
	// Aff3 or Aff2 non-zero, or a range selector: nobody on this platform.
	b.gic.icc_generate_sgi(0, sgir(7, 0xffff, 0, 0, 1), Group::G1NS, true);
	b.gic.icc_generate_sgi(0, sgir(7, 0xffff, 0, 1, 0), Group::G1NS, true);
	b.gic.icc_generate_sgi(0, sgir(7, 0xffff, 0, 0, 0, false, 1), Group::G1NS, true);
	// An empty target list: nobody.
	b.gic.icc_generate_sgi(0, sgir(7, 0), Group::G1NS, true);
	b.settle();
	REQUIRE(b.edges.size() == 3u);
	CHECK(b.edges[0].pe == 16u);
	CHECK(b.edges[1].pe == 17u);
	CHECK(b.edges[2].pe == 15u);
	for (unsigned i = 0; i < kPes; i++)
		CHECK_FALSE(b.gic.redist(i).is_pending(7));
	CHECK(b.ack_eoi(16) == 6u);
	CHECK(b.ack_eoi(17) == 6u);
	CHECK(b.ack_eoi(15) == 6u);
}

TEST_CASE("gic.shell: two SGIs sent back to back merge into one interrupt", "[gic][shell][sgi][merge]")
{
	Testbench& b = tb();
	b.reset();
	b.gic.icc_generate_sgi(0, sgir(2, 1u << 1), Group::G1NS, true);
	b.gic.icc_generate_sgi(0, sgir(2, 1u << 1), Group::G1NS, true);
	b.settle();
	// One rising edge only.
	REQUIRE(b.edges.size() == 1u);
	CHECK(b.edges[0].lines == kIrq);
	REQUIRE(b.notes.size() == 4u);
	CHECK(b.notes[0].n.event == SgiEvent::kSent);
	CHECK(b.notes[1].n.event == SgiEvent::kSent);
	CHECK(b.notes[2].n.event == SgiEvent::kPending);
	CHECK(b.notes[3].n.event == SgiEvent::kMerged);
	CHECK(b.ack_eoi(1) == 2u);
	CHECK(b.ack_eoi(1) == INTID_SPURIOUS); // the second one is gone
	CHECK(b.pes[1].lines == kNone);
}

TEST_CASE("gic.shell: an SGI arriving while the same SGI is active waits for its deactivation", "[gic][shell][sgi]")
{
	Testbench& b = tb();
	b.reset();
	const unsigned pe = 7;
	b.gic.icc_write_eoimode(pe, true, true); // host kernel: EOIR drops priority, DIR deactivates
	b.gic.icc_generate_sgi(0, sgir(2, 1u << pe), Group::G1NS, true);
	b.settle();
	REQUIRE(b.gic.icc_read_iar(pe, Group::G1NS, true) == 2u);
	b.gic.icc_write_eoir(pe, 2, Group::G1NS, true);
	CHECK(b.gic.redist(pe).is_active(2));

	b.gic.icc_generate_sgi(0, sgir(2, 1u << pe), Group::G1NS, true);
	b.settle();
	CHECK(b.gic.redist(pe).is_pending(2));
	CHECK(b.pes[pe].lines == kNone);
	REQUIRE(b.notes.back().n.event == SgiEvent::kPending); // not merged: it was not pending

	const Ps t_dir = now_ps();
	b.gic.icc_write_dir(pe, 2);
	CHECK(b.pes[pe].lines == kIrq);
	CHECK(b.edges.back().t == t_dir);
	REQUIRE(b.gic.icc_read_iar(pe, Group::G1NS, true) == 2u);
	b.gic.icc_write_eoir(pe, 2, Group::G1NS, true);
	b.gic.icc_write_dir(pe, 2);
	b.gic.icc_write_eoimode(pe, true, false);
}

TEST_CASE("gic.shell: a PMR-masked SGI is signalled when PMR opens", "[gic][shell][sgi][pmr]")
{
	Testbench& b = tb();
	b.reset();
	const unsigned pe = 9;
	b.gic.icc_write_pmr(pe, 0x00, true); // NS 0 -> 0x80
	b.gic.icc_generate_sgi(0, sgir(3, 1u << pe), Group::G1NS, true);
	b.settle();
	CHECK(b.gic.redist(pe).is_pending(3));
	CHECK(b.edges.empty());
	const Ps t_open = now_ps();
	b.gic.icc_write_pmr(pe, 0xe0, true);
	REQUIRE(b.edges.size() == 1u);
	CHECK(b.edges[0].t == t_open);
	CHECK(b.ack_eoi(pe) == 3u);
}

TEST_CASE("gic.shell: IGRPEN1 off holds an SGI; turning it on signals it", "[gic][shell][sgi][igrpen]")
{
	Testbench& b = tb();
	b.reset();
	const unsigned pe = 10;
	b.gic.icc_write_igrpen(pe, Group::G1NS, false);
	b.gic.icc_generate_sgi(0, sgir(3, 1u << (pe % 16)), Group::G1NS, true);
	b.settle();
	CHECK(b.edges.empty());
	CHECK(b.gic.icc_read_iar(pe, Group::G1NS, true) == INTID_SPURIOUS);
	b.gic.icc_write_igrpen(pe, Group::G1NS, true);
	CHECK(b.pes[pe].lines == kIrq);
	CHECK(b.ack_eoi(pe) == 3u);
}

TEST_CASE("gic.shell: a Group 0 SGI is signalled as FIQ and Secure SGIs need NSACR from NS", "[gic][shell][sgi][secure]")
{
	Testbench& b = tb();
	b.reset();
	// Secure sender, SGI0R: delivered, FIQ even though the target runs Non-secure.
	b.gic.icc_generate_sgi(0, sgir(8, 1u << 1), Group::G0, false);
	// Non-secure sender, SGI0R, NSACR = 0: rejected at the target.
	b.gic.icc_generate_sgi(0, sgir(8, 1u << 2), Group::G0, true);
	// Non-secure sender, SGI1R to a Group 0 SGI: group mismatch, rejected.
	b.gic.icc_generate_sgi(0, sgir(9, 1u << 2), Group::G1NS, true);
	b.settle();
	REQUIRE(b.edges.size() == 1u);
	CHECK(b.edges[0].pe == 1u);
	CHECK(b.edges[0].lines == kFiq);
	int rejected = 0;
	for (const Note& n : b.notes)
		rejected += n.n.event == SgiEvent::kRejected;
	CHECK(rejected == 2);
	CHECK_FALSE(b.gic.redist(2).is_pending(8));
	CHECK_FALSE(b.gic.redist(2).is_pending(9));

	REQUIRE(b.gic.icc_read_iar(1, Group::G0, false) == 8u);
	CHECK(b.gic.icc_read_rpr(1, false) == 0x70);
	CHECK(b.gic.icc_read_rpr(1, true) == 0x00); // hidden from NS
	b.gic.icc_write_eoir(1, 8, Group::G0, false);

	// NSACR = 1 for SGI 8 at PE 2 lets the NS SGI0R through.
	b.swrite(b.gicr(2, GICR_NSACR), 1u << 16);
	CHECK(b.read32(b.gicr(2, GICR_NSACR), false) == 0u);
	b.gic.icc_generate_sgi(0, sgir(8, 1u << 2), Group::G0, true);
	b.settle();
	CHECK(b.pes[2].lines == kFiq);
	REQUIRE(b.gic.icc_read_iar(2, Group::G0, false) == 8u);
	b.gic.icc_write_eoir(2, 8, Group::G0, false);
	b.swrite(b.gicr(2, GICR_NSACR), 0);
}

TEST_CASE("gic.shell: the line follows the PE's security state", "[gic][shell][lines]")
{
	Testbench& b = tb();
	b.reset();
	const unsigned pe = 11;
	b.gic.inject_pending(pe, 1);
	CHECK(b.pes[pe].lines == kIrq);
	b.pes[pe].security = PeSecurity{true, false}; // the PE entered EL3
	b.gic.update(pe);
	CHECK(b.pes[pe].lines == kFiq);
	b.pes[pe].security = PeSecurity{};
	b.gic.update(pe);
	CHECK(b.pes[pe].lines == kIrq);
	const auto e = b.edges_of(pe);
	REQUIRE(e.size() == 3u);
	CHECK(e[1].lines == kFiq);
	CHECK(b.ack_eoi(pe) == 1u);
}

// Fault hooks

TEST_CASE("gic.shell: a fault hook drops one SGI at dispatch", "[gic][shell][sgi][fault]")
{
	Testbench& b = tb();
	b.reset();
	b.hooks.rules.push_back({FaultPoint::kSend, 2, 4, FaultAction{true, 0, std::nullopt}});
	const Ps t0 = now_ps();
	b.gic.icc_generate_sgi(0, sgir(4, 0b0110), Group::G1NS, true);
	b.settle();
	REQUIRE(b.edges.size() == 1u);
	CHECK(b.edges[0].pe == 1u);
	CHECK(b.edges_of(2).empty());
	CHECK_FALSE(b.gic.redist(2).is_pending(4));

	// The hook saw both targets at dispatch and only the surviving one at signalling.
	REQUIRE(b.hooks.calls.size() == 3u);
	CHECK(b.hooks.calls[0].point == FaultPoint::kSend);
	CHECK(b.hooks.calls[0].target == 1u);
	CHECK(b.hooks.calls[0].t == t0);
	CHECK(b.hooks.calls[1].point == FaultPoint::kSend);
	CHECK(b.hooks.calls[1].source == 0u);
	CHECK(b.hooks.calls[1].target == 2u);
	CHECK(b.hooks.calls[1].intid == 4u);
	CHECK(b.hooks.calls[2].point == FaultPoint::kArrive);
	CHECK(b.hooks.calls[2].target == 1u);
	CHECK(b.hooks.calls[2].t == t0 + kSgiCycles * kPeriod);

	bool dropped = false;
	for (const Note& n : b.notes)
		dropped = dropped || (n.n.event == SgiEvent::kDropped && n.n.target == 2u && n.t == t0);
	CHECK(dropped);
	CHECK(b.ack_eoi(1) == 4u);

	// One-shot: the next SGI to PE 2 gets through.
	b.gic.icc_generate_sgi(0, sgir(4, 0b0100), Group::G1NS, true);
	b.settle();
	CHECK(b.ack_eoi(2) == 4u);
}

TEST_CASE("gic.shell: a fault hook delays one SGI at dispatch", "[gic][shell][sgi][fault]")
{
	Testbench& b = tb();
	b.reset();
	const Ps extra = 40 * kPeriod;
	b.hooks.rules.push_back({FaultPoint::kSend, 2, 4, FaultAction{false, extra, std::nullopt}});
	const Ps t0 = now_ps();
	b.gic.icc_generate_sgi(0, sgir(4, 0b0110), Group::G1NS, true);
	b.settle();
	REQUIRE(b.edges.size() == 2u);
	CHECK(b.edges[0].pe == 1u);
	CHECK(b.edges[0].t == t0 + kSgiCycles * kPeriod);
	CHECK(b.edges[1].pe == 2u);
	CHECK(b.edges[1].t == t0 + kSgiCycles * kPeriod + extra);
	bool delayed = false;
	for (const Note& n : b.notes)
		delayed = delayed || (n.n.event == SgiEvent::kDelayed && n.n.target == 2u && n.n.extra_delay == extra);
	CHECK(delayed);
	CHECK(b.ack_eoi(1) == 4u);
	CHECK(b.ack_eoi(2) == 4u);
}

TEST_CASE("gic.shell: a fault hook drops or delays one SGI at signalling", "[gic][shell][sgi][fault]")
{
	Testbench& b = tb();
	b.reset();
	const Ps extra = 1000 * kPeriod;
	b.hooks.rules.push_back({FaultPoint::kArrive, 1, 3, FaultAction{true, 0, std::nullopt}});
	b.hooks.rules.push_back({FaultPoint::kArrive, 2, 3, FaultAction{false, extra, std::nullopt}});
	const Ps t0 = now_ps();
	b.gic.icc_generate_sgi(0, sgir(3, 0b1110), Group::G1NS, true);
	sc_core::sc_start(Testbench::cycles(kSgiCycles + 10));
	// PE 3 on time; PE 1 never; PE 2 not yet.
	REQUIRE(b.edges.size() == 1u);
	CHECK(b.edges[0].pe == 3u);
	CHECK(b.edges[0].t == t0 + kSgiCycles * kPeriod);
	CHECK_FALSE(b.gic.redist(2).is_pending(3));
	b.settle();
	REQUIRE(b.edges.size() == 2u);
	CHECK(b.edges[1].pe == 2u);
	CHECK(b.edges[1].t == t0 + kSgiCycles * kPeriod + extra);
	CHECK_FALSE(b.gic.redist(1).is_pending(3));
	CHECK(b.edges_of(1).empty());
	CHECK(b.ack_eoi(2) == 3u);
	CHECK(b.ack_eoi(3) == 3u);
	CHECK(b.ack_eoi(1) == INTID_SPURIOUS);
}

TEST_CASE("gic.shell: inject_pending makes an SGI already pending, so a sent one merges", "[gic][shell][sgi][merge]")
{
	Testbench& b = tb();
	b.reset();
	const unsigned pe = 12;
	b.gic.icc_write_igrpen(pe, Group::G1NS, false); // hold it pending
	b.gic.inject_pending(pe, 2);
	b.gic.icc_generate_sgi(0, sgir(2, 1u << pe), Group::G1NS, true);
	b.settle();
	REQUIRE(b.notes.size() == 3u);
	CHECK(b.notes[0].n.event == SgiEvent::kPending);
	CHECK(b.notes[1].n.event == SgiEvent::kSent);
	CHECK(b.notes[2].n.event == SgiEvent::kMerged);
	b.gic.icc_write_igrpen(pe, Group::G1NS, true);
	CHECK(b.ack_eoi(pe) == 2u);
	CHECK(b.ack_eoi(pe) == INTID_SPURIOUS);
}
