// SPDX-License-Identifier: Apache-2.0
#include "sim/report/report.hpp"
#include "sim/scenario/units.hpp"

#include <cstdio>
#include <iomanip>
#include <sstream>

namespace stopsim {

namespace {

/// A CPU's EL3 state; "platform_event" only where the platform defines one (no change elsewhere).
nlohmann::json el3_json(const CpuResult& c)
{
	using nlohmann::json;
	if (!c.has_el3)
		return json(nullptr);
	json j{{"pe_masked", c.el3_pe_masked}, {"event0", c.el3_event0}, {"power", c.el3_power}, {"dispatches", c.el3_dispatches}};
	if (!c.el3_platform_event.empty())
		j["platform_event"] = c.el3_platform_event;
	return j;
}


std::string caller(int cpu)
{
	char buf[16];
	std::snprintf(buf, sizeof buf, "[%6s]", cpu < 0 ? "" : ("C" + std::to_string(cpu)).c_str());
	return buf;
}

std::string seconds(Ps ps)
{
	std::string t = kernel_timestamp(ps);
	size_t i = t.find_first_not_of(' ');
	return t.substr(i);
}

std::string range_list(const std::vector<unsigned>& v)
{
	std::string out;
	for (size_t i = 0; i < v.size();) {
		size_t j = i;
		while (j + 1 < v.size() && v[j + 1] == v[j] + 1)
			j++;
		out += (out.empty() ? "" : ",") + std::to_string(v[i]);
		if (j > i)
			out += "-" + std::to_string(v[j]);
		i = j + 1;
	}
	return out;
}

double ns(Ps ps) { return double(ps) / 1000.0; }

nlohmann::json opt_ns(const std::optional<Ps>& p) { return p ? nlohmann::json(ns(*p)) : nlohmann::json(nullptr); }

} // namespace

bool expectations_held(const RunResult& r)
{
	for (const auto& e : r.expectations)
		if (!e.ok)
			return false;
	return true;
}

void write_console(std::ostream& os, const RunResult& r)
{
	os << "stopsim: " << r.scenario << " (" << r.variant << ", " << r.cpus << " CPUs @ " << r.clock_hz / 1000000
	   << " MHz, seed " << r.seed << ")\n";
	if (!r.kernel_source.empty())
		os << "kernel source: " << r.kernel_source << " (Linux " << r.kernel_version << ", code "
		   << r.kernel_code_hash.substr(0, 16) << ")\n";
	for (const LogLine& l : r.log)
		os << "[" << kernel_timestamp(l.t) << "]" << caller(l.cpu) << " " << l.text << "\n";
	os << "\n";
	os << "outcome: " << r.outcome;
	if (!r.cpus_left_online.empty())
		os << " (CPUs " << range_list(r.cpus_left_online) << ")";
	os << "\n";
	if (r.stop_begin) {
		os << "stop: " << seconds(*r.stop_begin) << " s -> ";
		if (r.stop_end)
			os << seconds(*r.stop_end) << " s (" << ps_to_us_string(*r.stop_end - *r.stop_begin) << " us)";
		else
			os << "never returned";
		os << "\n";
	}
	if (r.end_at)
		os << "end: " << r.end_how << " at " << seconds(*r.end_at) << " s\n";
	else
		os << "end: none by the simulated-time limit (" << seconds(r.sim_ps) << " s)\n";
	if (r.console) {
		const ConsoleResult& c = *r.console;
		os << "console: " << c.lock << " (" << c.driver << "), " << c.writes << (c.writes == 1 ? " record (" : " records (")
		   << c.bytes << " bytes) written";
		if (c.unlocked_writes) {
			os << ", " << c.unlocked_writes << " (" << c.unlocked_bytes << " bytes) without the lock, held by "
			   << (c.holder_stopped ? "stopped " : "") << "CPU " << *c.holder;
			if (c.garbled_writes)
				os << ", " << c.garbled_writes << " garbled";
		}
		os << "\n";
	}
	for (const RungRecord& g : r.rungs) {
		os << "rung: " << std::left << std::setw(11) << g.name << " CPU " << g.cpu << " -> " << std::setw(10)
		   << range_list(g.targets) << " sent " << seconds(g.sent);
		if (g.ended)
			os << "  ended " << seconds(*g.ended) << (g.timed_out ? "  timed out" : "  all acked");
		else
			os << "  still waiting";
		os << "\n";
	}
	os << "\n";
	os << "CPU  online  stopped_by  stopped_at   crash_regs  final    last activity\n";
	for (const CpuResult& c : r.cpu_states) {
		std::ostringstream line;
		line << std::right << std::setw(3) << c.cpu << "  " << std::left << std::setw(6) << (c.online ? "yes" : "no")
		     << "  " << std::setw(10) << (c.stopped_by ? *c.stopped_by : "-") << "  " << std::setw(11)
		     << (c.stopped_at ? seconds(*c.stopped_at) : "-") << "  " << std::setw(10)
		     << (c.crash_regs_saved ? "yes (" + c.crash_regs_from + ")" : "no") << "  " << std::setw(7)
		     << c.final_state << "  " << c.activity;
		if (c.has_el3)
			line << " [EL3: " << (c.el3_pe_masked ? "masked" : "unmasked") << ", event 0 " << c.el3_event0
			     << (c.el3_platform_event.empty() ? "" : ", platform event " + c.el3_platform_event)
			     << (c.el3_power != "on" ? ", " + c.el3_power : "") << "]";
		if (c.has_sbi) {
			line << " [SBI: HSM " << c.sbi_hsm << ", SSE " << (c.sse_masked ? "masked" : "unmasked") << ", event "
			     << c.sse_state;
			for (const auto& p : c.sse_pending)
				line << ", " << p << " pending";
			line << ", M-mode " << ps_to_us_string(c.m_mode) << " us]";
		}
		std::string s = line.str();
		while (!s.empty() && s.back() == ' ')
			s.pop_back();
		os << s << "\n";
	}
	bool bad_inv = false;
	for (const auto& iv : r.invariants)
		bad_inv = bad_inv || !iv.ok;
	if (bad_inv) {
		os << "\ninvariants violated:\n";
		for (const auto& iv : r.invariants)
			if (!iv.ok)
				os << "  " << iv.name << ": " << iv.detail << "\n";
	}
	for (size_t i = 0; i < r.triggers.size(); i++)
		if (!r.triggers[i].fired)
			os << "note: trigger " << i << " (" << r.triggers[i].event << " on CPU " << r.triggers[i].cpu
			   << ") did not run: " << r.triggers[i].note << "\n";
	if (!r.expectations.empty()) {
		size_t ok = 0;
		for (const auto& e : r.expectations)
			ok += e.ok;
		os << "\nexpectations: " << ok << " of " << r.expectations.size() << " held\n";
		for (const auto& e : r.expectations)
			os << (e.ok ? "  ok    " : "  FAIL  ") << e.what << "\n";
	}
}

nlohmann::json report_json(const RunResult& r)
{
	using nlohmann::json;
	json j;
	j["scenario"] = r.scenario;
	j["file"] = r.file;
	j["seed"] = r.seed;
	j["arch"] = r.arch;
	j["variant"] = r.variant;
	if (!r.kernel_source.empty())
		j["kernel_source"] = {{"tree", r.kernel_source}, {"version", r.kernel_version}, {"code_sha256", r.kernel_code_hash}};
	j["cpus"] = r.cpus;
	j["clock_hz"] = r.clock_hz;
	j["outcome"] = r.outcome;
	if (r.primary_trigger >= 0) {
		const TriggerRecord& t = r.triggers[size_t(r.primary_trigger)];
		j["trigger"] = {{"cpu", t.cpu}, {"event", t.event}, {"t_ns", ns(t.at)}};
	} else {
		j["trigger"] = nullptr;
	}
	j["triggers"] = json::array();
	for (const auto& t : r.triggers)
		j["triggers"].push_back({{"cpu", t.cpu}, {"event", t.event}, {"t_ns", ns(t.at)}, {"fired", t.fired}, {"note", t.note}});
	j["stop"] = {{"begin_ns", opt_ns(r.stop_begin)},
		     {"end_ns", opt_ns(r.stop_end)},
		     {"duration_ns", r.stop_begin && r.stop_end ? json(ns(*r.stop_end - *r.stop_begin)) : json(nullptr)}};
	j["end"] = {{"how", r.end_at ? json(r.end_how) : json(nullptr)}, {"t_ns", opt_ns(r.end_at)}};
	j["rungs"] = json::array();
	for (const auto& g : r.rungs)
		j["rungs"].push_back({{"name", g.name},
				      {"cpu", g.cpu},
				      {"targets", g.targets},
				      {"sent_ns", ns(g.sent)},
				      {"ended_ns", opt_ns(g.ended)},
				      {"timed_out", g.timed_out}});
	j["cpu_states"] = json::array();
	for (const auto& c : r.cpu_states)
		j["cpu_states"].push_back({{"cpu", c.cpu},
					   {"online", c.online},
					   {"stopped_by", c.stopped_by ? json(*c.stopped_by) : json(nullptr)},
					   {"stopped_ns", opt_ns(c.stopped_at)},
					   {"crash_regs_saved", c.crash_regs_saved},
					   {"crash_regs_from", c.crash_regs_from.empty() ? json(nullptr) : json(c.crash_regs_from)},
					   {"final", c.final_state},
					   {"activity", c.activity},
					   {"stop_entries", c.stop_entries},
					   {"el3", el3_json(c)},
					   {"sbi", c.has_sbi ? json{{"hsm", c.sbi_hsm},
								    {"sse_masked", c.sse_masked},
								    {"sse_event", c.sse_state},
								    {"sse_pending", c.sse_pending},
								    {"sse_deliveries", c.sse_deliveries},
								    {"m_mode_ns", ns(c.m_mode)}}
							    : json(nullptr)}});
	j["cpus_left_online"] = r.cpus_left_online;
	if (r.console) {
		const ConsoleResult& c = *r.console;
		j["console"] = {{"lock", c.lock},
				{"driver", c.driver},
				{"writes", c.writes},
				{"bytes", c.bytes},
				{"unlocked_writes", c.unlocked_writes},
				{"unlocked_bytes", c.unlocked_bytes},
				{"garbled_writes", c.garbled_writes},
				{"holder", c.holder ? json(*c.holder) : json(nullptr)},
				{"holder_stopped", c.holder_stopped}};
	} else {
		j["console"] = nullptr;
	}
	j["log"] = json::array();
	for (const auto& l : r.log)
		j["log"].push_back({{"t_ns", ns(l.t)}, {"cpu", l.cpu}, {"level", l.level}, {"text", l.text}});
	j["invariants"] = json::array();
	for (const auto& iv : r.invariants)
		j["invariants"].push_back({{"name", iv.name}, {"ok", iv.ok}, {"detail", iv.detail}});
	j["expectations"] = json::array();
	for (const auto& e : r.expectations)
		j["expectations"].push_back({{"what", e.what}, {"ok", e.ok}});
	j["stats"] = {{"sim_ns", ns(r.sim_ps)}, {"host_ns", r.host_ns}, {"host_sim_ns", r.host_sim_ns}, {"host_stop_ns", r.host_stop_ns}, {"events", r.events}};
	return j;
}

nlohmann::json trace_json(const RunResult& r)
{
	using nlohmann::json;
	json events = json::array();
	events.push_back({{"ph", "M"}, {"pid", 0}, {"tid", 0}, {"name", "process_name"}, {"args", {{"name", r.scenario}}}});
	for (unsigned c = 0; c < r.cpus; c++) {
		events.push_back({{"ph", "M"}, {"pid", 0}, {"tid", c}, {"name", "thread_name"}, {"args", {{"name", "CPU " + std::to_string(c)}}}});
		events.push_back({{"ph", "M"}, {"pid", 0}, {"tid", c}, {"name", "thread_sort_index"}, {"args", {{"sort_index", c}}}});
	}
	for (const TraceEvent& e : r.trace) {
		json ev = {{"ph", std::string(1, e.ph)}, {"pid", 0}, {"tid", e.tid}, {"ts", double(e.ts) / 1e6}};
		if (!e.name.empty() || e.ph != 'E')
			ev["name"] = e.name;
		if (!e.cat.empty())
			ev["cat"] = e.cat;
		if (e.ph == 'X')
			ev["dur"] = double(e.dur) / 1e6;
		if (e.ph == 'i')
			ev["s"] = "t";
		json args = json::object();
		for (const auto& [k, v] : e.args) {
			if (e.ph == 'C')
				args[k] = std::stod(v);
			else
				args[k] = v;
		}
		if (e.ph == 'C')
			ev["name"] = e.name + " CPU" + std::to_string(e.tid);
		if (!args.empty())
			ev["args"] = args;
		events.push_back(ev);
	}
	return json{{"traceEvents", events}, {"displayTimeUnit", "ns"}};
}

} // namespace stopsim
