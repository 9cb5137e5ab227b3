// SPDX-License-Identifier: Apache-2.0
// SimRng and fnv1a64: golden values pin the generator, the seeding and our own distribution,
// so that a run stays a pure function of (scenario, seed) across compilers and libraries.
#include "models/common/rng.hpp"

#include <catch2/catch.hpp>

#include <array>
#include <cstdint>
#include <set>

using stopsim::fnv1a64;
using stopsim::SimRng;

TEST_CASE("rng.fnv1a64: known strings", "[rng][fnv]")
{
	// The offset basis for the empty string; the others are the published FNV-1a 64-bit vectors.
	CHECK(fnv1a64("") == 0xcbf29ce484222325ull);
	CHECK(fnv1a64("a") == 0xaf63dc4c8601ec8cull);
	CHECK(fnv1a64("foobar") == 0x85944171f73967e8ull);
	CHECK(fnv1a64("soc.gic") == 0x379df005235a6707ull);
}

TEST_CASE("rng.fnv1a64: every byte matters, including bytes above 0x7f", "[rng][fnv]")
{
	CHECK(fnv1a64("cpu1") != fnv1a64("cpu2"));
	CHECK(fnv1a64("ab") != fnv1a64("ba"));
	const char high[] = {'\xff', '\0'};
	const char low[] = {'\x7f', '\0'};
	CHECK(fnv1a64(high) != fnv1a64(low));
	// One round by hand: (basis ^ 0xff) * prime, modulo 2^64.
	CHECK(fnv1a64(high) == (0xcbf29ce484222325ull ^ 0xffull) * 0x100000001b3ull);
}

TEST_CASE("rng.SimRng: golden xoshiro256** stream for seed 0", "[rng][golden]")
{
	// Cross-checked once against an independent implementation of SplitMix64 + xoshiro256**.
	SimRng r(0);
	CHECK(r.next_u64() == 0x99ec5f36cb75f2b4ull);
	CHECK(r.next_u64() == 0xbf6e1f784956452aull);
	CHECK(r.next_u64() == 0x1a5f849d4933e6e0ull);
	CHECK(r.next_u64() == 0x6aa594f1262d2d2cull);
}

TEST_CASE("rng.SimRng: golden stream for root seed 42 and component soc.gic", "[rng][golden]")
{
	SimRng r(42, "soc.gic");
	CHECK(r.next_u64() == 0xe9ba19c47381ae8cull);
	CHECK(r.next_u64() == 0xecbfb11a601f94c2ull);
	CHECK(r.next_u64() == 0xf24bf4bc5d98bbf0ull);
	CHECK(r.next_u64() == 0x99b93ace3976adc8ull);
}

TEST_CASE("rng.SimRng: a component stream is the root seed mixed with the FNV-1a of its name", "[rng]")
{
	SimRng named(42, "soc.gic");
	SimRng plain(42ull ^ fnv1a64("soc.gic"));
	for (int i = 0; i < 16; i++)
		REQUIRE(named.next_u64() == plain.next_u64());
}

TEST_CASE("rng.SimRng: golden uniform() draws", "[rng][golden]")
{
	SimRng r(7, "soc.cpu0");
	const std::array<uint64_t, 12> want = {7, 4, 6, 3, 8, 2, 1, 0, 6, 8, 4, 4};
	for (uint64_t w : want)
		CHECK(r.uniform(9) == w);
}

TEST_CASE("rng.SimRng: the same seed and name give the same stream", "[rng]")
{
	SimRng a(1234, "soc.cpu3");
	SimRng b(1234, "soc.cpu3");
	for (int i = 0; i < 100; i++)
		REQUIRE(a.next_u64() == b.next_u64());
}

TEST_CASE("rng.SimRng: different component names or seeds give different streams", "[rng]")
{
	SimRng a(1, "soc.cpu0");
	SimRng b(1, "soc.cpu1");
	SimRng c(2, "soc.cpu0");
	const uint64_t a0 = a.next_u64(), b0 = b.next_u64(), c0 = c.next_u64();
	CHECK(a0 != b0);
	CHECK(a0 != c0);
	CHECK(b0 != c0);
	// Not just a different first word: the streams share no value among their first 64.
	std::set<uint64_t> seen{a0};
	for (int i = 0; i < 63; i++)
		seen.insert(a.next_u64());
	bool overlap = seen.count(b0) > 0;
	for (int i = 0; i < 63; i++)
		overlap = overlap || seen.count(b.next_u64()) > 0;
	CHECK_FALSE(overlap);
}

TEST_CASE("rng.SimRng: uniform() stays in [0, bound] and reaches both ends", "[rng][uniform]")
{
	SimRng r(99, "uniform.small");
	std::array<unsigned, 4> hits{};
	for (int i = 0; i < 2000; i++) {
		const uint64_t v = r.uniform(3);
		REQUIRE(v <= 3);
		hits[v]++;
	}
	CHECK(hits[0] > 0);
	CHECK(hits[3] > 0);
	// Roughly even: each of the four values gets 500 +- 150 of 2000 draws.
	for (unsigned h : hits) {
		CHECK(h > 350);
		CHECK(h < 650);
	}
}

TEST_CASE("rng.SimRng: uniform(0) is always 0 and uniform(UINT64_MAX) is the raw stream", "[rng][uniform]")
{
	SimRng r(5);
	for (int i = 0; i < 10; i++)
		REQUIRE(r.uniform(0) == 0);

	SimRng raw(17, "x");
	SimRng full(17, "x");
	for (int i = 0; i < 10; i++)
		REQUIRE(full.uniform(UINT64_MAX) == raw.next_u64());
}

TEST_CASE("rng.SimRng: uniform() with a bound that is not a power of two stays in range", "[rng][uniform]")
{
	SimRng r(3, "uniform.odd");
	const uint64_t bound = (UINT64_MAX / 3) * 2; // rejection zone is about a third of the space
	for (int i = 0; i < 1000; i++)
		REQUIRE(r.uniform(bound) <= bound);
	uint64_t lo = UINT64_MAX, hi = 0;
	for (int i = 0; i < 1000; i++) {
		const uint64_t v = r.uniform(6);
		lo = v < lo ? v : lo;
		hi = v > hi ? v : hi;
	}
	CHECK(lo == 0);
	CHECK(hi == 6);
}
