// SPDX-License-Identifier: Apache-2.0
// The memory-ordering model's histories (sim/platform/memory_model.hpp).
#include "sim/platform/memory_model.hpp"

#include <catch2/catch.hpp>

using stopsim::MemHistory;

TEST_CASE("memory model: a load sees the newest store visible at its effective time", "[memory]")
{
	MemHistory<unsigned> h;
	h.store(0, 0, 0, 4);       // boot: 4 CPUs
	h.store(100, 100, 1, 3);   // CPU 1 goes offline at 100
	h.store(200, 500, 2, 2);   // CPU 2's store is late: others see it at 500
	CHECK(h.load(0, 50, 50, 0) == 4);
	CHECK(h.load(0, 100, 100, 0) == 3);
	CHECK(h.load(0, 300, 300, 0) == 3);  // the late store is not visible yet
	CHECK(h.load(0, 500, 500, 0) == 2);
	CHECK(h.last_visible() == 500);
}

TEST_CASE("memory model: a CPU sees its own store from when it made it", "[memory]")
{
	MemHistory<unsigned> h;
	h.store(0, 0, 0, 4);
	h.store(200, 500, 2, 3);
	CHECK(h.load(2, 200, 200, 0) == 3);  // the writer, at once
	CHECK(h.load(2, 100, 250, 0) == 3);  // even a load performed early: never before its own store
	CHECK(h.load(1, 250, 250, 0) == 4);  // the others, not until 500
}

TEST_CASE("memory model: an early load returns the older value", "[memory]")
{
	MemHistory<unsigned> h;
	h.store(0, 0, 0, 0);
	h.store(1000, 1000, 3, 1); // CPU 3 comes online
	CHECK(h.load(0, 1001, 1001, 9) == 1); // in order
	CHECK(h.load(0, 999, 1001, 9) == 0);  // performed before the store: the older value
	MemHistory<unsigned> empty;
	CHECK(empty.load(0, 5, 5, 9) == 9);
}
