// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: the scenario loader on any bytes, under a fake file name. Every input must end
// as "loaded" or as FILE:LINE:COL messages (the loader's exit-2 outcome); a crash, a hang, a leak,
// a sanitizer report or a broken message form is a finding. scripts/fuzz.sh runs it.
#include "sim/scenario/scenario.hpp"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace {

[[noreturn]] void finding(const char* what, const std::string& detail)
{
	std::fprintf(stderr, "fuzz_scenario: %s: %s\n", what, detail.c_str());
	std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
	const std::string text(reinterpret_cast<const char*>(data), size);
	// A name with a newline and a control byte: the message form must survive it.
	const std::string file = "fuzz\n\x1b.yaml";
	std::vector<stopsim::ScenarioError> errors;
	auto sc = stopsim::load_scenario_text(text, file, errors);
	if (sc && !errors.empty())
		finding("loaded with errors", errors.front().format());
	if (!sc && errors.empty())
		finding("refused without a message", "");
	size_t bytes = 0;
	for (const auto& e : errors) {
		const std::string line = e.format();
		bytes += line.size() + 1;
		if (e.loc.line < 1 || e.loc.col < 1)
			finding("message without a position", line);
		if (e.message.empty())
			finding("empty message", line);
		for (unsigned char c : line)
			if (c < 0x20 || c == 0x7f)
				finding("control character in a message", line);
	}
	// 100 messages of at most ~1 KiB, 64 KiB in all, the node limit's message and the closing
	// "... N more errors".
	if (errors.size() > stopsim::kMaxScenarioErrors + 2 || bytes > stopsim::kMaxScenarioErrorBytes + 2048)
		finding("too much error output", std::to_string(errors.size()) + " messages, " + std::to_string(bytes) + " bytes");
	if (sc) {
		// What the engine relies on from a loaded scenario.
		if (sc->cpus < 1 || sc->cpus > stopsim::kMaxScenarioCpus || sc->triggers.empty())
			finding("loaded scenario out of range", sc->name);
		for (const auto& c : sc->cpu_specs)
			if (c.cpu >= sc->cpus)
				finding("CPU spec beyond the platform", sc->name);
		for (const auto& t : sc->triggers)
			if (t.cpu >= sc->cpus)
				finding("trigger beyond the platform", sc->name);
		for (const auto& f : sc->faults)
			if (f.cpu >= sc->cpus || (f.from_cpu && *f.from_cpu >= sc->cpus))
				finding("fault beyond the platform", sc->name);
		for (const std::string* s : {&sc->name, &sc->description})
			if (stopsim::first_invalid_utf8(*s))
				finding("loaded text that is not UTF-8", *s);
	}
	return 0;
}
