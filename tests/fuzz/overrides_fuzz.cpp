// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: `--set PATH=VALUE` arguments against a real scenario tree, sweep value specs
// (`a,b,c`, `from:to:step`) for every kind of parameter, and the shell quoting of replay
// commands. Bad input must end as an OverrideError or loader messages; a crash, a hang, a leak,
// a sanitizer report or a broken round trip is a finding. scripts/fuzz.sh runs it.
#include "sim/scenario/overrides.hpp"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace {

// One scenario with every kind of value (times in us and ms, cycles, integers, booleans, text).
const char* const kScenario = R"(name: fuzz/overrides
seed: 1
platform:
  arch: arm64
  cpus: 4
  clock_mhz: 2500
  latencies: {sgi_delivery_cycles: 150}
kernel:
  variant: arm64-v6.12
  pseudo_nmi: true
  timeouts: {stop_us: 1000000}
cpus:
  - cpu: 1
    workload:
      - spin: {mask: daif, for_us: 50}
      - lock: {name: rq, hold_us: 2, gap_us: 1, repeat: 3}
faults:
  - {kind: delay_ipi, cpu: 2, ipi: IPI_CPU_STOP, delay_us: 250}
  - {kind: delay_irq, cpu: 3, ipi: IPI_CPU_STOP, delay_cycles: 1000}
triggers:
  - {event: panic, cpu: 0, at_us: 100, message: "fuzz"}
expect:
  outcome: all_stopped
  stopped_by: {1: irq, 2: irq}
  stop_duration_us: {max: 20}
limits: {max_sim_ms: 2000, settle_us: 100}
)";

[[noreturn]] void finding(const char* what, const std::string& detail)
{
	std::fprintf(stderr, "fuzz_overrides: %s: %s\n", what, detail.c_str());
	std::abort();
}

const stopsim::ScenarioTree& tree()
{
	static const stopsim::ScenarioTree t = [] {
		std::vector<stopsim::ScenarioError> errs;
		auto tr = stopsim::ScenarioTree::from_text(kScenario, "fuzz.yaml", errs);
		if (!tr)
			finding("the built-in scenario does not load", errs.empty() ? "" : errs.front().format());
		return *tr;
	}();
	return t;
}

std::vector<std::string> lines(const std::string& s)
{
	std::vector<std::string> out;
	size_t start = 0;
	while (start <= s.size() && out.size() < 16) {
		const size_t nl = s.find('\n', start);
		out.push_back(s.substr(start, nl == std::string::npos ? std::string::npos : nl - start));
		if (nl == std::string::npos)
			break;
		start = nl + 1;
	}
	return out;
}

void sets(const std::vector<std::string>& args)
{
	const stopsim::ScenarioTree& t = tree();
	std::vector<stopsim::Override> ovs;
	for (const auto& a : args) {
		try {
			ovs.push_back(t.parse(a));
		} catch (const stopsim::OverrideError&) {
		}
	}
	std::vector<stopsim::ScenarioError> errs;
	try {
		auto sc = t.load(ovs, errs);
		if (!sc && errs.empty())
			finding("overrides refused without a message", "");
		for (const auto& e : errs)
			if (e.loc.line < 1 || e.loc.col < 1)
				finding("message without a position", e.format());
	} catch (const stopsim::OverrideError&) {
	}
}

void spec(stopsim::ParamType::Kind kind, bool ms, const std::string& text)
{
	stopsim::ParamType t;
	t.kind = kind;
	if (kind == stopsim::ParamType::Kind::time) {
		t.unit_ps = ms ? stopsim::kPsPerMs : stopsim::kPsPerUs;
		t.unit = ms ? "ms" : "us";
	}
	std::vector<std::string> values;
	try {
		values = stopsim::expand_spec(t, text, 10000);
	} catch (const stopsim::OverrideError&) {
		return;
	}
	if (values.empty() || values.size() > 10000)
		finding("expand_spec returned a bad number of values", text);
	if (kind != stopsim::ParamType::Kind::time && kind != stopsim::ParamType::Kind::integer)
		return;
	for (const auto& v : values) {
		// A normalised value is its own normal form and survives the magnitude round trip.
		uint64_t m = 0;
		try {
			m = stopsim::value_magnitude(t, v);
			if (stopsim::normalise_value(t, v) != v)
				finding("normalised value not stable", text + " -> " + v);
		} catch (const stopsim::OverrideError& e) {
			finding("normalised value refused", text + " -> " + v + ": " + e.what());
		}
		if (stopsim::value_from_magnitude(t, m) != v)
			finding("magnitude round trip", text + " -> " + v);
	}
}

void quoting(const std::string& word)
{
	const std::string q = stopsim::shell_quote(word);
	std::vector<std::string> back;
	try {
		back = stopsim::shell_split(q);
	} catch (const stopsim::OverrideError& e) {
		finding("shell_split refused shell_quote's output", q + ": " + e.what());
	}
	if (back.size() != 1 || back[0] != word)
		finding("shell quoting round trip", q);
	try {
		stopsim::shell_split(word);
	} catch (const stopsim::OverrideError&) {
	}
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
	if (size == 0)
		return 0;
	const unsigned mode = data[0] % 6;
	const std::string rest(reinterpret_cast<const char*>(data + 1), size - 1);
	switch (mode) {
	case 0:
		sets(lines(rest));
		break;
	case 1:
		spec(stopsim::ParamType::Kind::time, false, rest);
		break;
	case 2:
		spec(stopsim::ParamType::Kind::time, true, rest);
		break;
	case 3:
		spec(stopsim::ParamType::Kind::integer, false, rest);
		break;
	case 4:
		spec(data[1 % size] & 1 ? stopsim::ParamType::Kind::boolean : stopsim::ParamType::Kind::text, false, rest);
		break;
	case 5:
		quoting(rest);
		break;
	}
	return 0;
}
