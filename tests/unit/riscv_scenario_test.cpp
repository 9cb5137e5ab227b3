// SPDX-License-Identifier: Apache-2.0
// The RISC-V keys of the scenario loader: accepted on riscv, refused elsewhere, and vice versa.
#include "sim/scenario/scenario.hpp"

#include <catch2/catch.hpp>

using namespace stopsim;

namespace {
std::optional<Scenario> load(const std::string& text, std::vector<ScenarioError>& errs)
{
	return load_scenario_text(text, "t.yaml", errs);
}
bool mentions(const std::vector<ScenarioError>& errs, const std::string& s)
{
	for (const auto& e : errs)
		if (e.message.find(s) != std::string::npos)
			return true;
	return false;
}
const char* kBase = "name: t\nkernel: {variant: riscv-sse-v2}\ntriggers: [{event: panic, cpu: 0, at_us: 1}]\n";
} // namespace

TEST_CASE("scenario: a riscv platform with sbi, riscv and aplic sections", "[scenario][riscv]")
{
	std::vector<ScenarioError> errs;
	auto sc = load(std::string(kBase) +
			       "platform:\n  arch: riscv\n  cpus: 2\n  riscv: {ipi: sswi, mmio_cycles: 200}\n"
			       "  sbi: {sse: true, sse_events: [0xffff0000], ecall_cycles: 500}\n"
			       "  aplic:\n    sources:\n      - {source: 3, hart: 1, mode: level, assert_at_us: 5, handler_us: 2}\n"
			       "expect: {sse_state: {1: running}, hsm_state: {1: stopped}}\n",
		       errs);
	/* yaml-cpp reads 0xffff0000 as a string: hexadecimal is not a whole number here */
	REQUIRE(mentions(errs, "sse_events[0]"));
	errs.clear();
	sc = load(std::string(kBase) +
			  "platform:\n  arch: riscv\n  cpus: 2\n  riscv: {ipi: sswi, mmio_cycles: 200}\n"
			  "  sbi: {sse: true, sse_events: [4294901760], ecall_cycles: 500}\n"
			  "  aplic:\n    sources:\n      - {source: 3, hart: 1, mode: level, assert_at_us: 5, handler_us: 2}\n"
			  "expect: {sse_state: {1: running}, hsm_state: {1: stopped}}\n",
		  errs);
	REQUIRE(errs.empty());
	REQUIRE(sc);
	CHECK(sc->riscv.ipi == "sswi");
	CHECK(sc->intc.mmio_cycles == 200);
	CHECK(sc->sbi.ecall_cycles == 500);
	REQUIRE(sc->riscv.aplic_sources.size() == 1);
	CHECK(sc->riscv.aplic_sources[0].level);
	CHECK(sc->expect.sse_state.at(1) == "running");
	CHECK(sc->expect.hsm_state.at(1) == "stopped");
}

TEST_CASE("scenario: arm64 keys are refused on riscv and RISC-V keys on arm64", "[scenario][riscv]")
{
	std::vector<ScenarioError> errs;
	load(std::string(kBase) + "platform: {arch: riscv, cpus: 2, el3: {sdei: true}}\n"
				  "cpus: [{cpu: 1, workload: [{spin: {mask: daif, forever: true}}]}]\n",
	     errs);
	CHECK(mentions(errs, "arm64 keys"));
	CHECK(mentions(errs, "'daif' is not one of"));
	errs.clear();
	load("name: t\nkernel: {variant: arm64-v6.12}\ntriggers: [{event: panic, cpu: 0, at_us: 1}]\n"
	     "platform: {arch: arm64, cpus: 2, sbi: {sse: true}}\nexpect: {hsm_state: {1: stopped}}\n",
	     errs);
	CHECK(mentions(errs, "platform.sbi: a RISC-V key"));
	CHECK(mentions(errs, "sse_state/hsm_state need platform.arch riscv"));
	errs.clear();
	load(std::string(kBase) + "platform: {arch: riscv, cpus: 2, aplic: {sources: [{source: 70, hart: 5, assert_at_us: 1}]}}\n",
	     errs);
	CHECK(mentions(errs, "source: 70 is out of range"));
	CHECK(mentions(errs, "CPU 5 does not exist"));
}
