// SPDX-License-Identifier: Apache-2.0
// The SDEI dispatcher rules of the EL3 model (docs/reference/hardware.md section 3.3-3.8), on the plain core.
#include "models/el3-firmware/sdei_core.hpp"

#include <catch2/catch.hpp>

using namespace stopsim::el3;

namespace {
SdeiCore ready(unsigned pes, SdeiParams p = {})
{
	SdeiCore c(pes, p);
	for (unsigned i = 0; i < pes; i++) {
		REQUIRE(c.event_register(i, 0, 0x1000, 0) == SDEI_SUCCESS);
		REQUIRE(c.event_enable(i, 0) == SDEI_SUCCESS);
		REQUIRE(c.pe_unmask(i) == SDEI_SUCCESS);
	}
	return c;
}
} // namespace

TEST_CASE("el3.sdei: every PE starts masked with event 0 unregistered", "[el3][sdei]")
{
	SdeiCore c(2, {});
	CHECK(c.pe(0).masked);
	CHECK(c.pe(1).masked);
	CHECK_FALSE(c.pe(0).ev0.registered);
	CHECK(c.on_acknowledge(0) == Dispatch::kMaskedNoEoi);
}

TEST_CASE("el3.sdei: registration state machine", "[el3][sdei]")
{
	SdeiCore c(1, {});
	CHECK(c.event_enable(0, 0) == SDEI_EDENY);   // enable needs Registered
	CHECK(c.event_register(0, 0, 1, 2) == SDEI_SUCCESS);
	CHECK(c.event_register(0, 0, 1, 2) == SDEI_EDENY); // register needs "none"
	CHECK(c.event_register(0, 1, 1, 2) == SDEI_EINVAL); // only event 0 exists
	CHECK(c.event_enable(0, 0) == SDEI_SUCCESS);
	CHECK(c.event_disable(0, 0) == SDEI_SUCCESS);
	CHECK_FALSE(c.pe(0).ev0.enabled);
	CHECK(c.event_unregister(0, 0) == SDEI_SUCCESS);
	CHECK_FALSE(c.pe(0).ev0.registered);
}

TEST_CASE("el3.sdei: unregistering a running event is pending until COMPLETE", "[el3][sdei]")
{
	SdeiCore c = ready(1);
	c.begin_dispatch(0);
	CHECK(c.event_unregister(0, 0) == SDEI_EPEND);
	CHECK(c.private_reset(0) == SDEI_EPEND);
	CHECK(c.complete(0) == SDEI_SUCCESS);
	CHECK(c.complete(0) == SDEI_EDENY); // nothing outstanding
	CHECK(c.private_reset(0) == SDEI_SUCCESS);
}

TEST_CASE("el3.sdei: PE_MASK reports whether it changed the mask", "[el3][sdei]")
{
	SdeiCore c = ready(1);
	CHECK(c.pe_mask(0) == 1);
	CHECK(c.pe_mask(0) == 0);
	CHECK(c.pe_unmask(0) == SDEI_SUCCESS);
	CHECK_FALSE(c.pe(0).masked);
}

TEST_CASE("el3.sdei: SIGNAL checks the target on TF-A 2.12 and later", "[el3][sdei]")
{
	SdeiCore c = ready(3);
	CHECK(c.signal(0, 0, 1) == SDEI_SUCCESS);
	CHECK(c.signal(0, 0, 0) == SDEI_SUCCESS); // signalling oneself is allowed
	CHECK(c.signal(0, 1, 1) == SDEI_EINVAL);  // not event 0
	CHECK(c.signal(0, 0, 7) == SDEI_EINVAL);  // no such PE
	c.pe_mask(2);
	CHECK(c.signal(0, 0, 2) == SDEI_EINVAL);  // masked target
	c.pe_unmask(2);
	c.event_disable(2, 0);
	CHECK(c.signal(0, 0, 2) == SDEI_EINVAL);  // not enabled there
}

TEST_CASE("el3.sdei: older firmware raises the SGI without looking at the target", "[el3][sdei]")
{
	SdeiParams old;
	old.signal_checks = false;
	SdeiCore c(2, old);
	CHECK(c.signal(0, 0, 1) == SDEI_SUCCESS); // masked, unregistered: still signalled
	CHECK(c.on_acknowledge(1) == Dispatch::kMaskedNoEoi);
}

TEST_CASE("el3.sdei: without event 0 nothing registers or signals", "[el3][sdei]")
{
	SdeiParams none;
	none.event0 = false;
	SdeiCore c(2, none);
	CHECK(c.event_register(0, 0, 1, 0) == SDEI_EINVAL);
	CHECK(c.signal(0, 0, 1) == SDEI_EINVAL);
}

TEST_CASE("el3.sdei: dispatch decisions", "[el3][sdei]")
{
	SdeiCore c = ready(2);
	CHECK(c.on_acknowledge(1) == Dispatch::kRun);
	c.begin_dispatch(1);
	CHECK(c.pe(1).ev0.running);
	CHECK(c.pe(1).dispatches == 1);
	// A second event 0 cannot run while one is running on that PE.
	CHECK(c.on_acknowledge(1) == Dispatch::kRepend);
	c.complete(1);
	CHECK(c.on_acknowledge(1) == Dispatch::kRun);
	c.event_disable(1, 0);
	CHECK(c.on_acknowledge(1) == Dispatch::kRepend);
	c.event_unregister(1, 0);
	CHECK(c.on_acknowledge(1) == Dispatch::kDrop);
	c.pe_mask(0);
	CHECK(c.on_acknowledge(0) == Dispatch::kMaskedNoEoi);
}

TEST_CASE("el3.sdei: the platform event runs like event 0 and keeps event 0 out while it runs", "[el3][sdei]")
{
	SdeiParams p;
	p.platform_event = 2000;
	SdeiCore c(2, p);
	// Not registered yet: a raised platform event is dropped; it cannot be signalled at all.
	CHECK(c.on_platform_event(0) == Dispatch::kDrop);
	CHECK(c.event_register(0, 1999, 1, 0) == SDEI_EINVAL);
	for (unsigned pe : {0u, 1u}) {
		CHECK(c.event_register(pe, 0, 1, 0) == SDEI_SUCCESS);
		CHECK(c.event_enable(pe, 0) == SDEI_SUCCESS);
		CHECK(c.event_register(pe, 2000, 2, 0) == SDEI_SUCCESS);
		CHECK(c.event_enable(pe, 2000) == SDEI_SUCCESS);
		c.pe_unmask(pe);
	}
	CHECK(c.signal(0, 2000, 1) == SDEI_EINVAL);
	CHECK(c.on_platform_event(0) == Dispatch::kRun);
	c.begin_dispatch(0, 2000);
	CHECK(c.pe(0).plat.running);
	CHECK(c.handler_running(0));
	// Both are normal priority: neither event is dispatched on top of the other.
	CHECK(c.on_acknowledge(0) == Dispatch::kRepend);
	CHECK(c.on_platform_event(0) == Dispatch::kRepend);
	CHECK(c.private_reset(0) == SDEI_EPEND);
	// COMPLETE_AND_RESUME finishes the platform event; event 0 can run again.
	unsigned which = 0;
	CHECK(c.complete(0, &which) == SDEI_SUCCESS);
	CHECK(which == 2000);
	CHECK_FALSE(c.pe(0).plat.running);
	CHECK(c.complete(0) == SDEI_EDENY);
	CHECK(c.on_acknowledge(0) == Dispatch::kRun);
	// A masked PE leaves the platform event pending.
	c.pe_mask(1);
	CHECK(c.on_platform_event(1) == Dispatch::kRepend);
}
