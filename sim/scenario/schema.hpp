// SPDX-License-Identifier: Apache-2.0
// The scenario schema: one row per key of the file's mapping sections (key, type, unit, range,
// default, one-line meaning, the architecture it applies to, where the value goes). The loader
// parses and checks every such key through its row (sim/scenario/scenario.cpp), `--set` takes its paths and
// value types from it (a key the file leaves to its default can be set too), and the key tables of
// docs/scenario-format.md are printed from it (`stopsim schema`, checked by a test), so code, doc
// and command line cannot disagree about a key.
//
// Times travel as one type: a key in µs or ms is read exactly into picoseconds (Ps) and stays Ps
// until the model or kernel code uses it; a key in cycles stays a cycle count (uint64_t) until the
// model multiplies it by its clock.
#pragma once
#include "models/common/clock.hpp"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace stopsim {

struct Scenario;

namespace schema {

enum class Type {
	text,    ///< UTF-8 string
	choice,  ///< one of `choices`
	boolean, ///< true | false
	whole,   ///< whole number in [lo, hi]
	cycles,  ///< whole number of platform-clock cycles in [lo, hi]
	time,    ///< decimal in the key's unit (`unit_ps`), exact to the ps, at most `hi` ps
	mapping, ///< a subsection (its own rows), or a mapping the loader reads itself
	list,    ///< a list the loader reads itself
};

/// One parsed value (the member its row's type fills).
struct Value {
	std::string text; ///< text, choice
	bool flag = false;
	uint64_t number = 0; ///< whole, cycles
	Ps ps = 0;           ///< time
};

struct Row {
	std::string section; ///< "" (top level), "platform", "platform.gic", "kernel.timeouts", ...
	std::string key;
	Type type = Type::text;
	uint64_t lo = 0, hi = 0;          ///< whole, cycles: the range; time: hi is the largest value in ps
	Ps unit_ps = 0;                   ///< time: one unit of the key (kPsPerUs for _us, kPsPerMs for _ms)
	std::vector<std::string> choices; ///< choice
	std::string def;                  ///< the default as the docs show it ("required" when there is none)
	std::string arch;                 ///< "" every architecture, else the one(s) it applies to
	std::string meaning;
	/// Where the value goes; empty for a key the loader stores itself (it needs other keys).
	std::function<void(Scenario&, const Value&)> store;
	bool whole_us = false; ///< a kernel timeout: a count of udelay(1), whole µs only

	std::string path() const { return section.empty() ? key : section + "." + key; }
	/// "whole number, cycles" and the like, for the docs and `--set` messages.
	std::string type_text() const;
	/// "1 … 4096", "≤ 3600 s", the choices; "" for booleans and text.
	std::string range_text() const;
};

/// Every row, sections in file order and keys in the order the loader checks them.
const std::vector<Row>& rows();
/// The row of a full path (list indices as given: aplic.sources.0.hart finds aplic.sources[].hart).
const Row* find(const std::string& path);
/// The sections that have rows, in order.
std::vector<std::string> sections();
/// The rows of one section.
std::vector<const Row*> section_rows(const std::string& section);
/// The keys a section's mapping allows: its rows and the subsections below it (platform: arch,
/// cpus, ..., gic, latencies, ...), in order.
std::vector<std::string> allowed_keys(const std::string& section, const std::vector<std::string>& extra = {});
/// A section's key table in the form of docs/scenario-format.md (markdown).
std::string markdown_table(const std::string& section);

} // namespace schema
} // namespace stopsim
