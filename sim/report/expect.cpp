// SPDX-License-Identifier: Apache-2.0
#include "sim/report/expect.hpp"
#include "sim/scenario/units.hpp"

namespace stopsim {

namespace {

std::string cpus_text(const std::vector<unsigned>& v)
{
	std::string s = "[";
	for (size_t i = 0; i < v.size(); i++)
		s += (i ? "," : "") + std::to_string(v[i]);
	return s + "]";
}

bool log_matches(const LogExpect& le, const LogLine& l)
{
	if (l.text.find(le.text) == std::string::npos)
		return false;
	if (le.cpu && l.cpu != int(*le.cpu))
		return false;
	if (le.after && l.t < *le.after)
		return false;
	if (le.before && l.t > *le.before)
		return false;
	return true;
}

std::string log_what(const char* verb, const LogExpect& le)
{
	std::string w = std::string(verb) + " \"" + le.text + "\"";
	if (le.cpu)
		w += " on CPU " + std::to_string(*le.cpu);
	if (le.after)
		w += " after " + ps_to_us_string(*le.after) + " us";
	if (le.before)
		w += " before " + ps_to_us_string(*le.before) + " us";
	return w;
}

} // namespace

void evaluate_expectations(const Scenario& sc, RunResult& r)
{
	const Expectations& e = sc.expect;
	auto check = [&](const std::string& what, bool ok) { r.expectations.push_back({what, ok}); };

	if (e.outcome)
		check("outcome is " + *e.outcome + " (got " + r.outcome + ")", r.outcome == *e.outcome);

	for (const auto& [cpu, want] : e.stopped_by) {
		const auto& got = r.cpu_states.at(cpu).stopped_by;
		const std::string ws = want ? *want : "null", gs = got ? *got : "null";
		check("CPU " + std::to_string(cpu) + " stopped_by " + ws + " (got " + gs + ")", want == got);
	}
	for (const auto& [cpu, want] : e.crash_regs) {
		const bool got = r.cpu_states.at(cpu).crash_regs_saved;
		check("CPU " + std::to_string(cpu) + " crash registers " + (want ? "saved" : "not saved") + " (got " +
			      (got ? "saved" : "not saved") + ")",
		      want == got);
	}
	for (const auto& [cpu, want] : e.crash_regs_from) {
		const std::string got = r.cpu_states.at(cpu).crash_regs_from;
		check("CPU " + std::to_string(cpu) + " crash registers from " + want + " (got " +
			      (got.empty() ? "none" : got) + ")",
		      want == got);
	}
	for (const auto& [cpu, want] : e.final_state) {
		const std::string got = r.cpu_states.at(cpu).final_state;
		check("CPU " + std::to_string(cpu) + " final state " + want + " (got " + got + ")", want == got);
	}
	for (const auto& [cpu, want] : e.el3_event0) {
		const std::string got = r.cpu_states.at(cpu).el3_event0;
		check("CPU " + std::to_string(cpu) + " EL3 event 0 " + want + " (got " + got + ")", want == got);
	}
	for (const auto& [cpu, want] : e.el3_platform_event) {
		const std::string got = r.cpu_states.at(cpu).el3_platform_event;
		check("CPU " + std::to_string(cpu) + " EL3 platform event " + want + " (got " + got + ")", want == got);
	}
	for (const auto& [cpu, want] : e.el3_power) {
		const std::string got = r.cpu_states.at(cpu).el3_power;
		check("CPU " + std::to_string(cpu) + " EL3 power " + want + " (got " + got + ")", want == got);
	}
	for (const auto& [cpu, want] : e.stop_entries) {
		const unsigned got = r.cpu_states.at(cpu).stop_entries;
		check("CPU " + std::to_string(cpu) + " entered a stop handler " + std::to_string(want) + " time(s) (got " +
			      std::to_string(got) + ")",
		      want == got);
	}
	for (const auto& [cpu, want] : e.sse_state) {
		const std::string got = r.cpu_states.at(cpu).sse_state;
		check("CPU " + std::to_string(cpu) + " SSE event " + want + " (got " + got + ")", want == got);
	}
	for (const auto& [cpu, want] : e.hsm_state) {
		const std::string got = r.cpu_states.at(cpu).sbi_hsm;
		check("CPU " + std::to_string(cpu) + " HSM " + want + " (got " + got + ")", want == got);
	}
	if (e.cpus_left_online)
		check("CPUs left online " + cpus_text(*e.cpus_left_online) + " (got " + cpus_text(r.cpus_left_online) + ")",
		      *e.cpus_left_online == r.cpus_left_online);
	for (const LogExpect& le : e.log_present) {
		bool found = false;
		for (const LogLine& l : r.log)
			found = found || log_matches(le, l);
		check(log_what("log has", le), found);
	}
	for (const LogExpect& le : e.log_absent) {
		bool found = false;
		for (const LogLine& l : r.log)
			found = found || log_matches(le, l);
		check(log_what("log lacks", le), !found);
	}
	if (e.console) {
		const auto& want = *e.console;
		const ConsoleResult* got = r.console ? &*r.console : nullptr;
		auto count = [&](const char* name, const std::optional<uint64_t>& w, uint64_t ConsoleResult::*field) {
			if (!w)
				return;
			if (!got) {
				check(std::string("console ") + name + " " + std::to_string(*w) + " (no console write ran)", false);
				return;
			}
			check(std::string("console ") + name + " " + std::to_string(*w) + " (got " +
				      std::to_string(got->*field) + ")",
			      *w == got->*field);
		};
		count("writes", want.writes, &ConsoleResult::writes);
		count("bytes", want.bytes, &ConsoleResult::bytes);
		count("unlocked_writes", want.unlocked_writes, &ConsoleResult::unlocked_writes);
		count("unlocked_bytes", want.unlocked_bytes, &ConsoleResult::unlocked_bytes);
		count("garbled_writes", want.garbled_writes, &ConsoleResult::garbled_writes);
		if (want.holder) {
			auto text = [](const std::optional<unsigned>& h) { return h ? "CPU " + std::to_string(*h) : std::string("none"); };
			const std::optional<unsigned> g = got ? got->holder : std::nullopt;
			check("console port lock holder " + text(*want.holder) + " (got " + text(g) + ")", *want.holder == g);
		}
	}
	if (e.stop_min || e.stop_max) {
		std::string what = "stop duration";
		if (e.stop_min)
			what += " >= " + ps_to_us_string(*e.stop_min) + " us";
		if (e.stop_max)
			what += std::string(e.stop_min ? " and" : "") + " <= " + ps_to_us_string(*e.stop_max) + " us";
		bool ok = r.stop_begin && r.stop_end;
		if (ok) {
			const Ps d = *r.stop_end - *r.stop_begin;
			ok = (!e.stop_min || d >= *e.stop_min) && (!e.stop_max || d <= *e.stop_max);
			what += " (got " + ps_to_us_string(d) + " us)";
		} else {
			what += " (the stop never returned)";
		}
		check(what, ok);
	}
	for (const auto& [name, want] : e.invariants) {
		bool got = true;
		for (const auto& iv : r.invariants)
			if (iv.name == name)
				got = iv.ok;
		check("invariant " + name + " " + (want ? "holds" : "is violated") + " (got " + (got ? "holds" : "violated") + ")",
		      want == got);
	}
	// Rung expectations match the rungs of that name in order of sending.
	std::map<std::string, size_t> seen;
	for (const RungExpect& re : e.rungs) {
		size_t n = seen[re.name]++;
		const RungRecord* rr = nullptr;
		for (const auto& x : r.rungs)
			if (x.name == re.name && n-- == 0) {
				rr = &x;
				break;
			}
		if (re.sent && !*re.sent) {
			check("no " + re.name + " rung", rr == nullptr);
			continue;
		}
		if (!rr) {
			check(re.name + " rung sent", false);
			continue;
		}
		if (re.timed_out)
			check(re.name + " rung " + (*re.timed_out ? "timed out" : "completed") + " (got " +
				      (rr->timed_out ? "timed out" : "completed") + ")",
			      *re.timed_out == rr->timed_out);
		else
			check(re.name + " rung sent", true);
	}
}

} // namespace stopsim
