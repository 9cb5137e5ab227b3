// SPDX-License-Identifier: Apache-2.0
#include "sim/batch/explore.hpp"
#include "sim/batch/batch.hpp"
#include "stopsim/exit_codes.hpp"
#include "sim/scenario/overrides.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>

namespace stopsim {

namespace {

struct Interrupted {};

struct Sample {
	RunRecord rec;
	std::string value;
};

/// What changed between two signatures, in words.
std::vector<std::string> changes(const RunRecord& a, const RunRecord& b)
{
	std::vector<std::string> out;
	if (a.outcome != b.outcome)
		out.push_back("outcome " + a.outcome + " -> " + b.outcome);
	if (!a.ok() || !b.ok())
		return out;
	for (size_t c = 0; c < std::max(a.stopped.size(), b.stopped.size()); c++) {
		const std::string x = c < a.stopped.size() ? a.stopped[c] : "?";
		const std::string y = c < b.stopped.size() ? b.stopped[c] : "?";
		if (x != y)
			out.push_back("CPU " + std::to_string(c) + " stopped_by " + x + " -> " + y);
	}
	std::map<std::string, bool> ia(a.invariants.begin(), a.invariants.end());
	for (const auto& [name, ok] : b.invariants) {
		auto it = ia.find(name);
		if (it != ia.end() && it->second != ok)
			out.push_back(name + " " + (it->second ? "ok" : "violated") + " -> " + (ok ? "ok" : "violated"));
	}
	return out;
}

std::string join(const std::vector<std::string>& v, const std::string& sep)
{
	std::string out;
	for (const auto& s : v)
		out += (out.empty() ? "" : sep) + s;
	return out;
}

} // namespace

int explore_main(const ExploreOptions& o)
{
	std::vector<ScenarioError> errors;
	auto tree = ScenarioTree::read(o.file, errors);
	if (!tree) {
		for (const auto& e : errors)
			std::cerr << e.format() << "\n";
		return kExitUsage;
	}
	std::vector<Override> fixed;
	for (const auto& s : o.sets) {
		try {
			fixed.push_back(tree->parse(s));
		} catch (const OverrideError& e) {
			throw UsageError(e.what());
		}
	}
	std::string path, range;
	ParamType type;
	uint64_t from = 0, to = 0;
	try {
		std::tie(path, range) = split_assignment(o.vary);
		type = tree->type_of(path);
		if (type.kind != ParamType::Kind::integer && type.kind != ParamType::Kind::time)
			throw OverrideError(path + " is a " + type.name() + ": explore varies a number (a _us, _ms or _cycles key)");
		const size_t colon = range.find(':');
		if (colon == std::string::npos || range.find(':', colon + 1) != std::string::npos)
			throw OverrideError("expected FROM:TO, e.g. " + path + "=2504004000:2504005000");
		from = value_magnitude(type, range.substr(0, colon));
		to = value_magnitude(type, range.substr(colon + 1));
		if (to <= from)
			throw OverrideError("TO must be above FROM");
		for (const auto& f : fixed)
			if (f.path == path)
				throw OverrideError(path + " is both --set and --vary");
	} catch (const OverrideError& e) {
		throw UsageError("--vary " + o.vary + ": " + e.what());
	}
	if (o.resolution == 0)
		throw UsageError("--resolution must be at least 1 cycle");
	if (o.samples < 2)
		throw UsageError("--samples must be at least 2");

	auto base = tree->load(fixed, errors);
	if (!base) {
		for (const auto& e : errors)
			std::cerr << e.format() << "\n";
		return kExitUsage;
	}
	const uint64_t seed = o.seed ? *o.seed : base->seed;
	const Clock clock(base->clock_hz);
	// The grid: whole cycles for a time (ps from FROM), single units for an integer key.
	const uint64_t unit = type.kind == ParamType::Kind::time ? clock.period_ps() : 1;
	const uint64_t top = (to - from) / unit; // grid points 0..top
	auto value_at = [&](uint64_t k) { return value_from_magnitude(type, from + k * unit); };
	auto sets_at = [&](uint64_t k) {
		auto s = fixed;
		s.push_back(Override{path, value_at(k)});
		return s;
	};
	for (uint64_t k : {uint64_t(0), top}) {
		std::vector<ScenarioError> errs;
		if (!tree->load(sets_at(k), errs)) {
			std::cerr << "stopsim: explore: " << path << "=" << value_at(k) << " is not a valid scenario:\n";
			for (const auto& e : errs)
				std::cerr << e.format() << "\n";
			return kExitUsage;
		}
	}
	const std::string unit_word = type.kind == ParamType::Kind::time ? type.unit
				      : type.cycles ? "cycles" : "units";
	if (!o.quiet) {
		std::cerr << "explore: " << path << " from " << value_at(0) << " to " << value_at(top) << " " << unit_word
			  << " (" << top + 1 << " values on a grid of "
			  << (type.kind == ParamType::Kind::time ? "1 cycle = " + std::to_string(unit) + " ps"
								 : std::string("1 ") + (type.cycles ? "cycle" : "unit"))
			  << "), resolution " << o.resolution << (type.kind == ParamType::Kind::integer && !type.cycles ? " unit" : " cycle")
			  << (o.resolution > 1 ? "s" : "") << ", seed " << seed << "\n";
		if (type.kind == ParamType::Kind::integer && !type.cycles)
			std::cerr << "explore: " << path << " is not a _cycles key: the resolution counts its own units\n";
	}

	std::map<uint64_t, Sample> samples;
	const unsigned jobs = o.jobs ? o.jobs : default_jobs();
	WorkerPool pool(jobs, o.timeout_s, o.exec);
	const auto t0 = std::chrono::steady_clock::now();
	unsigned rounds = 0;
	auto evaluate = [&](const std::vector<uint64_t>& ks) {
		std::vector<Task> tasks;
		for (uint64_t k : ks)
			tasks.push_back(Task{"k" + std::to_string(k), run_args(o.file, sets_at(k), seed)});
		const bool ok = pool.run(tasks, [&](TaskResult& res) {
			const uint64_t k = ks[res.index];
			Sample s;
			s.value = value_at(k);
			s.rec = record_from(res, {s.value}, seed, replay_command(o.file, sets_at(k), seed), o.timeout_s);
			samples[k] = std::move(s);
		});
		if (!ok)
			throw Interrupted{};
		rounds++;
		if (!o.quiet)
			std::cerr << "explore: round " << rounds << ": " << ks.size() << " run" << (ks.size() > 1 ? "s" : "")
				  << " (" << samples.size() << " so far)\n";
	};

	try {
		std::vector<uint64_t> first;
		const uint64_t n = std::min<uint64_t>(o.samples, top + 1);
		for (uint64_t i = 0; i < n; i++) {
			const uint64_t k = n == 1 ? 0 : uint64_t((unsigned __int128)top * i / (n - 1));
			if (first.empty() || first.back() != k)
				first.push_back(k);
		}
		evaluate(first);
		while (true) {
			std::vector<uint64_t> mids;
			for (auto it = samples.begin(); std::next(it) != samples.end(); ++it) {
				auto nx = std::next(it);
				if (it->second.rec.signature() != nx->second.rec.signature() && nx->first - it->first > o.resolution)
					mids.push_back(it->first + (nx->first - it->first) / 2);
			}
			if (mids.empty())
				break;
			evaluate(mids);
		}
	} catch (const Interrupted&) {
		std::cerr << "explore: interrupted\n";
		return 130;
	}
	const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

	// Windows: maximal runs of consecutive samples with one signature.
	struct Window {
		uint64_t first, last;
	};
	std::vector<Window> windows;
	for (const auto& [k, s] : samples) {
		if (!windows.empty() && samples.at(windows.back().last).rec.signature() == s.rec.signature())
			windows.back().last = k;
		else
			windows.push_back(Window{k, k});
	}

	nlohmann::json j;
	j["scenario"] = o.file;
	j["path"] = path;
	j["kind"] = type.name();
	j["from"] = value_at(0);
	j["to"] = value_at(top);
	j["resolution_cycles"] = o.resolution;
	j["seed"] = seed;
	j["runs"] = samples.size();
	j["windows"] = nlohmann::json::array();
	j["boundaries"] = nlohmann::json::array();
	std::ostringstream os;
	os << "explore: " << samples.size() << " runs in " << rounds << " rounds (" << std::fixed << std::setprecision(1)
	   << secs << " s)" << std::defaultfloat << "; " << windows.size() << " window" << (windows.size() > 1 ? "s" : "")
	   << ", " << windows.size() - 1 << " boundar" << (windows.size() == 2 ? "y" : "ies") << " of " << path << "\n";
	auto width_of = [&](const Window& w) {
		const uint64_t n = w.last - w.first + 1;
		return std::to_string(n) + " " + (type.kind == ParamType::Kind::time || type.cycles ? "cycle" : "value") +
		       (n > 1 ? "s" : "");
	};
	for (size_t i = 0; i < windows.size(); i++) {
		const Window& w = windows[i];
		const Sample& a = samples.at(w.first);
		const Sample& b = samples.at(w.last);
		os << "\nwindow " << i + 1 << ": " << a.value << " .. " << b.value << " " << unit_word << " (" << width_of(w)
		   << ")\n";
		os << "  " << a.rec.describe() << "\n";
		os << "  first: " << a.rec.replay << "\n";
		if (w.last != w.first)
			os << "  last:  " << b.rec.replay << "\n";
		j["windows"].push_back({{"first", a.value},
					{"last", b.value},
					{"outcome", a.rec.outcome},
					{"stopped_by", a.rec.stopped_by()},
					{"invariant_failures", a.rec.invariant_failures()},
					{"error", a.rec.error},
					{"replay_first", a.rec.replay},
					{"replay_last", b.rec.replay}});
		if (i + 1 < windows.size()) {
			const Sample& c = samples.at(windows[i + 1].first);
			const auto ch = changes(b.rec, c.rec);
			const uint64_t gap = windows[i + 1].first - w.last;
			os << "\nboundary " << i + 1 << ": " << b.value << " | " << c.value << " " << unit_word
			   << (gap > 1 ? " (" + std::to_string(gap) + " grid steps apart: raise the resolution to narrow it)" : "")
			   << ": " << join(ch, "; ") << "\n";
			os << "  last of window " << i + 1 << ":  " << b.rec.replay << "\n";
			os << "  first of window " << i + 2 << ": " << c.rec.replay << "\n";
			j["boundaries"].push_back({{"last", b.value},
						   {"first", c.value},
						   {"changes", ch},
						   {"replay_last", b.rec.replay},
						   {"replay_first", c.rec.replay}});
		}
	}
	if (o.json_out == "-") {
		std::cout << j.dump(2) << "\n";
	} else {
		std::cout << os.str();
		if (!o.json_out.empty()) {
			std::ofstream f(o.json_out);
			if (!(f << j.dump(2) << "\n"))
				throw UsageError("explore: cannot write " + o.json_out);
		}
	}
	for (const auto& [k, s] : samples)
		if (!s.rec.ok())
			return kExitExpectation;
	return kExitOk;
}

} // namespace stopsim
