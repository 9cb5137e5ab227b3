// SPDX-License-Identifier: Apache-2.0
// RiscvIntc shell: IMSIC doorbells at many harts. An IMSIC write or claim changes one hart's
// interrupt file only, so it re-evaluates that hart's wires only: a doorbell to every one of
// 4096 harts costs 4096 wire evaluations, not 4096 x 4096 (which took seconds).
#include "models/aplic/riscv_intc.hpp"
#include "models/common/event_queue.hpp"
#include "models/cpu/riscv_hart_core.hpp"

#include <catch2/catch.hpp>
#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

#include <memory>
#include <vector>

using namespace stopsim;
using namespace stopsim::aplic;

namespace {
struct Bus : sc_core::sc_module {
	tlm_utils::simple_initiator_socket<Bus> socket{"socket"};
	explicit Bus(sc_core::sc_module_name n) : sc_core::sc_module(n) {}
};
} // namespace

TEST_CASE("riscv intc: IMSIC doorbells and claims at 4096 harts are linear in harts", "[model][riscv]")
{
	constexpr unsigned kHarts = 4096;
	constexpr uint32_t kId = 7;
	IntcParams p;
	p.num_harts = kHarts;
	p.imsic = true;
	auto events = std::make_unique<EventQueue>("events");
	auto intc = std::make_unique<RiscvIntc>("intc", p, *events);
	Bus bus("bus"); // the register port, unused here
	bus.socket.bind(intc->in);
	std::vector<int> meip(kHarts, 0), raised(kHarts, 0);
	for (unsigned h = 0; h < kHarts; h++) {
		intc->bind_hart(
			h,
			[&meip, &raised, h](uint64_t bit, bool level) {
				if (bit == cpu::MIP_MEIP) {
					meip[h] = level;
					raised[h] += level;
				}
			},
			[] {});
		ImsicFile& f = intc->imsic(h, true);
		f.eidelivery = 1;
		f.set_enabled(kId, true);
	}
	sc_core::sc_start(sc_core::SC_ZERO_TIME);
	for (unsigned h = 0; h < kHarts; h++)
		intc->imsic_send(h, true, kId);
	sc_core::sc_start(ps_time(intc->clock().cycles(p.mmio_cycles) + 1));
	unsigned up = 0;
	for (unsigned h = 0; h < kHarts; h++)
		up += meip[h] == 1 && raised[h] == 1;
	CHECK(up == kHarts);
	CHECK(intc->line_checks() == kHarts);
	for (unsigned h = 0; h < kHarts; h++)
		CHECK(intc->imsic_claim(h, true) == ((kId << 16) | kId));
	unsigned down = 0;
	for (unsigned h = 0; h < kHarts; h++)
		down += meip[h] == 0;
	CHECK(down == kHarts);
	CHECK(intc->line_checks() == 2 * kHarts);
}
