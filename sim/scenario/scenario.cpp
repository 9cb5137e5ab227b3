// SPDX-License-Identifier: Apache-2.0
// Strict scenario loader: every unknown key, wrong type or out-of-range value is reported with
// its file, line and column, and all of them are reported, not just the first.
#include "sim/scenario/scenario.hpp"
#include "sim/scenario/schema.hpp"
#include "sim/scenario/units.hpp"
#include "kl/riscv/riscv.hpp"
#include "kl/variant.hpp"
#include "srcmode/source.hpp"

#include <yaml-cpp/yaml.h>

#include <yaml-cpp/eventhandler.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <cstdio>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>

namespace stopsim {

namespace {

/// The length of the UTF-8 sequence at s[i], 0 if it is not one (shortest form only).
size_t utf8_sequence_length(const std::string& s, size_t i)
{
	const auto b = [&](size_t k) { return (unsigned char)s[k]; };
	const unsigned char c = b(i);
	if (c < 0x80)
		return 1;
	size_t len;
	uint32_t cp;
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
		cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		cp = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		cp = c & 0x07;
	} else {
		return 0;
	}
	if (i + len > s.size())
		return 0;
	for (size_t k = 1; k < len; k++) {
		if ((b(i + k) & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (b(i + k) & 0x3f);
	}
	// Overlong forms, UTF-16 surrogates and code points past U+10FFFF are not UTF-8.
	if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

} // namespace

std::string message_file_name(const std::string& name)
{
	// Control characters (C0, DEL, C1) and bytes that are not UTF-8 become \xNN: a newline or an
	// escape sequence in a name can neither split a FILE:LINE:COL line nor drive the terminal.
	std::string out;
	const size_t n = name.size();
	for (size_t i = 0; i < n;) {
		const unsigned char c = (unsigned char)name[i];
		const size_t len = utf8_sequence_length(name, i);
		if (len == 0 || c < 0x20 || c == 0x7f || (c == 0xc2 && len == 2 && (unsigned char)name[i + 1] < 0xa0)) {
			const size_t bad = len == 0 ? 1 : len;
			for (size_t k = 0; k < bad; k++) {
				char buf[8];
				std::snprintf(buf, sizeof buf, "\\x%02x", (unsigned char)name[i + k]);
				out += buf;
			}
			i += bad;
			continue;
		}
		out.append(name, i, len);
		i += len;
	}
	return out;
}

std::optional<size_t> first_invalid_utf8(const std::string& s)
{
	for (size_t i = 0; i < s.size();) {
		const size_t len = utf8_sequence_length(s, i);
		if (len == 0)
			return i;
		i += len;
	}
	return std::nullopt;
}

std::string ScenarioError::format() const
{
	std::ostringstream os;
	os << message_file_name(file) << ":" << loc.line << ":" << loc.col << ": " << message;
	return os.str();
}

const char* trigger_context_name(TriggerSpec::Context c)
{
	switch (c) {
	case TriggerSpec::Context::task:
		return "task";
	case TriggerSpec::Context::irq:
		return "irq";
	case TriggerSpec::Context::nmi:
		return "nmi";
	case TriggerSpec::Context::pseudo_nmi:
		return "pseudo_nmi";
	case TriggerSpec::Context::sdei:
		return "sdei";
	case TriggerSpec::Context::sse:
		return "sse";
	}
	return "?";
}

const char* trigger_event_name(TriggerSpec::Event e)
{
	switch (e) {
	case TriggerSpec::Event::panic:
		return "panic";
	case TriggerSpec::Event::reboot:
		return "reboot";
	case TriggerSpec::Event::kdump:
		return "kdump";
	case TriggerSpec::Event::backtrace:
		return "backtrace";
	}
	return "?";
}

namespace {

constexpr size_t kMaxFileBytes = 1 << 20;

/// Messages may quote the file: keep control and non-ASCII bytes out of the terminal.
std::string printable(const std::string& s)
{
	std::string out;
	for (unsigned char c : s) {
		if (c >= 0x20 && c < 0x7f) {
			out += char(c);
		} else {
			char buf[8];
			std::snprintf(buf, sizeof buf, "\\x%02x", c);
			out += buf;
		}
	}
	return out;
}

/// yaml-cpp reports some problems without a position: point at the start of the file.
Loc mark_loc(const YAML::Mark& m)
{
	if (m.line < 0 || m.column < 0)
		return Loc{1, 1};
	return Loc{m.line + 1, m.column + 1};
}
constexpr uint64_t kMaxNodes = 200000;

const char* const kOutcomes[] = {"all_stopped", "cpus_left_online", "hang", "deadlock"};
const char* const kStoppedBy[] = {"irq", "nmi", "pseudo_nmi", "sdei", "sse"};
const char* const kInvariants[] = {"no_cpu_running_after_stop", "crash_regs_saved", "no_nmi_nested_in_stop_handler",
				   "no_lock_held_by_stopped_cpu", "stop_returned", "nmi_handler_list_intact"};
const char* const kFinals[] = {"parked", "off", "el3_wedged", "running", "offline", "ended"};

class Reader {
public:
	Reader(std::string file, std::vector<ScenarioError>& errs) : m_file(std::move(file)), m_errs(errs) {}

	static Loc loc(const YAML::Node& n)
	{
		const YAML::Mark m = n.Mark();
		return Loc{m.line + 1, m.column + 1};
	}
	void err(const Loc& l, const std::string& raw, bool always = false)
	{
		// Past the first messages the rest are noise (usually one mistake repeated through an
		// alias): they are counted, not formatted, and one closing line says how many there were.
		// The node limit's message is always shown: it says why the rest of the file was not read.
		m_reported++;
		if (always) {
			m_errs.push_back({m_file, l, printable(raw)});
			return;
		}
		if (m_dropped || m_errs.size() - m_first >= kMaxScenarioErrors) {
			drop(l);
			return;
		}
		std::string msg = printable(raw.size() > 4 * kMaxScenarioMessageBytes ? raw.substr(0, 4 * kMaxScenarioMessageBytes) : raw);
		if (msg.size() > kMaxScenarioMessageBytes) {
			msg.resize(kMaxScenarioMessageBytes);
			msg += "... (message cut)";
		}
		const size_t bytes = m_file_bytes + msg.size() + 16;
		if (m_bytes + bytes > kMaxScenarioErrorBytes) {
			drop(l);
			return;
		}
		m_bytes += bytes;
		m_errs.push_back({m_file, l, msg});
	}
	void err(const YAML::Node& n, const std::string& msg) { err(loc(n), msg); }
	/// Past the bounds: further messages are only counted.
	bool dropping() const { return m_dropped > 0 || m_errs.size() - m_first >= kMaxScenarioErrors; }
	bool failed() const { return m_reported > 0; }
	/// The closing "... N more errors" line, once the load is over.
	void finish()
	{
		if (m_dropped)
			m_errs.push_back({m_file, m_first_dropped,
					  "... " + std::to_string(m_dropped) + " more error" + (m_dropped == 1 ? "" : "s") +
						  " (only the first " + std::to_string(m_errs.size() - m_first) + " are shown)"});
	}

	/// Count visited nodes: aliases are expanded by reference, so a "billion laughs" file hits this.
	/// A mapping or list counts one more per entry, since checking it looks at every entry: the
	/// loader's work is bounded by the limit whatever the shape of the aliases.
	bool visit(const YAML::Node& n, uint64_t weight = 1)
	{
		m_nodes += weight;
		if (m_nodes > kMaxNodes) {
			if (!m_too_big) {
				err(loc(n), "scenario too large (more than " + std::to_string(kMaxNodes) + " nodes after alias expansion)",
				    true);
				m_too_big = true;
			}
			return false;
		}
		return true;
	}
	bool too_big() const { return m_too_big; }

	/// A mapping whose keys are CPU numbers (expect.stopped_by and its kind): checked in one pass.
	bool cpu_map(const YAML::Node& n, const std::string& what)
	{
		if (!visit(n, n.IsMap() ? 1 + n.size() : 1))
			return false;
		if (!n.IsMap()) {
			err(n, what + ": expected a mapping");
			return false;
		}
		std::set<std::string> seen;
		for (const auto& kv : n) {
			const YAML::Node& key = kv.first;
			if (!key.IsScalar()) {
				err(key, what + ": keys must be plain names");
				continue;
			}
			if (!seen.insert(key.Scalar()).second)
				err(key, what + ": duplicate key '" + key.Scalar() + "'");
		}
		return true;
	}

	/// A mapping whose keys must come from `allowed`. Returns false (after reporting) otherwise.
	bool map(const YAML::Node& n, const std::string& what, const std::vector<std::string>& allowed)
	{
		if (!visit(n, n.IsMap() ? 1 + n.size() : 1))
			return false;
		if (!n.IsMap()) {
			err(n, what + ": expected a mapping");
			return false;
		}
		std::set<std::string> seen;
		std::string list; // the allowed keys, for messages (built at the first unknown key)
		for (const auto& kv : n) {
			const YAML::Node& key = kv.first;
			if (!key.IsScalar()) {
				err(key, what + ": keys must be plain names");
				continue;
			}
			const std::string& k = key.Scalar();
			if (!seen.insert(k).second)
				err(key, what + ": duplicate key '" + k + "'");
			if (std::find(allowed.begin(), allowed.end(), k) == allowed.end()) {
				if (dropping()) { // counted only: no need to spell it out
					err(loc(key), std::string());
					continue;
				}
				if (list.empty())
					for (const auto& a : allowed)
						list += (list.empty() ? "" : ", ") + a;
				err(key, what + ": unknown key '" + k + "' (expected one of: " + list + ")");
			}
		}
		return true;
	}

	bool seq(const YAML::Node& n, const std::string& what)
	{
		if (!visit(n, n.IsSequence() ? 1 + n.size() : 1))
			return false;
		if (!n.IsSequence()) {
			err(n, what + ": expected a list");
			return false;
		}
		return true;
	}

	std::optional<std::string> str(const YAML::Node& n, const std::string& what)
	{
		visit(n);
		if (!n.IsScalar()) {
			err(n, what + ": expected a string");
			return std::nullopt;
		}
		// Text reaches the console, the JSON report and the trace: it must be UTF-8.
		if (auto bad = first_invalid_utf8(n.Scalar())) {
			char b[8];
			std::snprintf(b, sizeof b, "0x%02x", (unsigned char)n.Scalar()[*bad]);
			err(n, what + ": not valid UTF-8 (byte " + b + " at offset " + std::to_string(*bad) + " of the value)");
			return std::nullopt;
		}
		return n.Scalar();
	}

	std::optional<uint64_t> uint(const YAML::Node& n, const std::string& what, uint64_t lo, uint64_t hi)
	{
		visit(n);
		if (!n.IsScalar() || n.Tag() == "!") {
			err(n, what + ": expected a whole number");
			return std::nullopt;
		}
		const std::string& s = n.Scalar();
		uint64_t v = 0;
		bool ok = !s.empty() && s.size() <= 20;
		for (char c : s) {
			if (c < '0' || c > '9') {
				ok = false;
				break;
			}
			const uint64_t d = uint64_t(c - '0');
			if (v > (UINT64_MAX - d) / 10) {
				ok = false;
				break;
			}
			v = v * 10 + d;
		}
		if (!ok) {
			err(n, what + ": expected a whole number, got '" + s + "'");
			return std::nullopt;
		}
		if (v < lo || v > hi) {
			err(n, what + ": " + s + " is out of range [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
			return std::nullopt;
		}
		return v;
	}

	std::optional<bool> boolean(const YAML::Node& n, const std::string& what)
	{
		visit(n);
		if (n.IsScalar() && n.Tag() != "!") {
			const std::string& s = n.Scalar();
			if (s == "true")
				return true;
			if (s == "false")
				return false;
		}
		err(n, what + ": expected true or false");
		return std::nullopt;
	}

	/// A time given in `unit_ps` units (the key's suffix: _us, _ms), decimal, exact to the ps.
	std::optional<Ps> time(const YAML::Node& n, const std::string& what, Ps unit_ps, Ps max_ps)
	{
		visit(n);
		if (!n.IsScalar() || n.Tag() == "!") {
			err(n, what + ": expected a number");
			return std::nullopt;
		}
		auto v = parse_decimal_ps(n.Scalar(), unit_ps);
		if (!v) {
			err(n, what + ": expected a non-negative decimal number, got '" + n.Scalar() + "'");
			return std::nullopt;
		}
		if (*v > max_ps) {
			err(n, what + ": " + n.Scalar() + " is too large");
			return std::nullopt;
		}
		return v;
	}

	std::optional<std::string> one_of(const YAML::Node& n, const std::string& what,
					  const std::vector<std::string>& choices)
	{
		auto s = str(n, what);
		if (!s)
			return std::nullopt;
		if (std::find(choices.begin(), choices.end(), *s) == choices.end()) {
			std::string list;
			for (const auto& c : choices)
				list += (list.empty() ? "" : ", ") + c;
			err(n, what + ": '" + *s + "' is not one of: " + list);
			return std::nullopt;
		}
		return s;
	}

private:
	void drop(const Loc& l)
	{
		if (m_dropped++ == 0)
			m_first_dropped = l;
	}

	std::string m_file;
	std::vector<ScenarioError>& m_errs;
	size_t m_first = m_errs.size();       ///< messages already there (another file's)
	size_t m_file_bytes = message_file_name(m_file).size();
	uint64_t m_nodes = 0;
	bool m_too_big = false;
	size_t m_reported = 0;
	size_t m_bytes = 0;
	size_t m_dropped = 0;
	Loc m_first_dropped;
};

constexpr Ps kMaxTime = 3600 * kPsPerS;

template <class T> void set(std::optional<T> v, T& out)
{
	if (v)
		out = *v;
}

std::vector<std::string> names(const char* const* b, size_t n) { return std::vector<std::string>(b, b + n); }

MaskKind mask_of(const std::string& s)
{
	if (s == "daif")
		return MaskKind::daif;
	if (s == "pmr")
		return MaskKind::pmr;
	if (s == "irq")
		return MaskKind::irq;
	return MaskKind::none;
}

std::string g_kernel_source_override;

class Loader {
public:
	Loader(const std::string& file, std::vector<ScenarioError>& errs) : r(file, errs) { sc.file = file; }

	std::optional<Scenario> load(const YAML::Node& root)
	{
		auto out = load_top(root);
		r.finish();
		return out;
	}

private:
	std::optional<Scenario> load_top(const YAML::Node& root)
	{
		if (!r.map(root, "scenario", schema::allowed_keys("")))
			return std::nullopt;
		if (!root["name"])
			r.err(root, "scenario: missing required key 'name'");
		fields(root, "", {"name", "description", "seed"});
		if (root["platform"])
			platform(root["platform"]);
		else
			r.err(root, "scenario: missing required key 'platform'");
		if (root["kernel"])
			kernel(root["kernel"]);
		else
			r.err(root, "scenario: missing required key 'kernel'");
		if (root["limits"])
			limits(root["limits"]);
		if (root["cpus"])
			cpus(root["cpus"]);
		if (root["faults"])
			faults(root["faults"]);
		if (root["triggers"])
			triggers(root["triggers"]);
		else
			r.err(root, "scenario: missing required key 'triggers'");
		if (root["expect"])
			expect(root["expect"]);
		if (r.failed())
			return std::nullopt;
		return sc;
	}

	std::optional<unsigned> cpu_index(const YAML::Node& n, const std::string& what)
	{
		auto v = r.uint(n, what, 0, kMaxScenarioCpus - 1);
		if (!v)
			return std::nullopt;
		if (m_cpus_known && *v >= sc.cpus) {
			r.err(n, what + ": CPU " + std::to_string(*v) + " does not exist (platform has " +
					 std::to_string(sc.cpus) + ")");
			return std::nullopt;
		}
		return unsigned(*v);
	}

	void platform(const YAML::Node& n)
	{
		if (!r.map(n, "platform", schema::allowed_keys("platform")))
			return;
		if (!n["arch"])
			r.err(n, "platform: missing required key 'arch'");
		field(n, "platform", "arch");
		if (n["cpus"])
			m_cpus_known = field(n, "platform", "cpus");
		else
			r.err(n, "platform: missing required key 'cpus'");
		field(n, "platform", "clock_mhz");
		if (n["gic"])
			section(n["gic"], "platform.gic");
		if (n["apic"]) {
			if (sc.arch != "x86")
				r.err(n["apic"], "platform.apic: only an x86 platform has local APICs");
			else
				section(n["apic"], "platform.apic");
		}
		for (const char* key : {"riscv", "sbi", "aplic"})
			if (n[key] && sc.arch != "riscv")
				r.err(n[key], std::string("platform.") + key + ": a RISC-V key (platform.arch: riscv)");
		if (sc.arch == "riscv")
			riscv(n);
		if (sc.arch != "arm64" && (n["gic"] || n["el3"]))
			r.err(n["gic"] ? n["gic"] : n["el3"], "platform: gic and el3 are arm64 keys");
		field(n, "platform", "store_visibility_cycles");
		if (n["memory"])
			memory(n["memory"]);
		if (n["el3"])
			el3(n["el3"]);
		if (n["latencies"])
			section(n["latencies"], "platform.latencies");
	}

	void riscv(const YAML::Node& n)
	{
		RiscvSpec& rv = sc.riscv;
		if (n["riscv"]) {
			const YAML::Node x = n["riscv"];
			section(x, "platform.riscv");
		}
		if (n["sbi"]) {
			const YAML::Node x = n["sbi"];
			if (r.map(x, "platform.sbi", schema::allowed_keys("platform.sbi"))) {
				fields(x, "platform.sbi", {"sse", "hsm"});
				if (x["sse_events"] && r.seq(x["sse_events"], "platform.sbi.sse_events")) {
					sc.sbi.core.sse_local_events.clear();
					const YAML::Node l = x["sse_events"];
					if (l.size() > 32)
						r.err(l, "platform.sbi.sse_events: at most 32 events");
					for (size_t i = 0; i < l.size() && i < 32; i++) {
						const std::string w = "platform.sbi.sse_events[" + std::to_string(i) + "]";
						if (auto v = r.uint(l[i], w, 0, 0xffffffffull)) {
							if (*v & 0x8000)
								r.err(l[i], w + ": global events (bit 15) are not modelled");
							sc.sbi.core.sse_local_events.push_back(uint32_t(*v));
						}
					}
				}
				fields(x, "platform.sbi", {"ecall_cycles", "ipi_process_cycles", "sse_inject_cycles", "sse_complete_cycles"});
			}
		}
		if (n["aplic"]) {
			const YAML::Node x = n["aplic"];
			if (r.map(x, "platform.aplic", schema::allowed_keys("platform.aplic")) && x["sources"] && r.seq(x["sources"], "platform.aplic.sources")) {
				const YAML::Node l = x["sources"];
				if (l.size() > 63)
					r.err(l, "platform.aplic.sources: at most 63 sources");
				std::set<unsigned> seen;
				for (size_t i = 0; i < l.size() && i < 63; i++) {
					const std::string w = "platform.aplic.sources[" + std::to_string(i) + "]";
					const YAML::Node s = l[i];
					if (!r.map(s, w, schema::allowed_keys("platform.aplic.sources[]")))
						continue;
					AplicSourceSpec a;
					a.loc = Reader::loc(s);
					for (const char* req : {"source", "hart", "assert_at_us"})
						if (!s[req])
							r.err(s, w + ": missing required key '" + req + "'");
					const std::string row = "platform.aplic.sources[].";
					if (auto v = element(s, row, "source", w)) {
						a.source = unsigned(v->number);
						if (!seen.insert(a.source).second)
							r.err(s["source"], w + ": source " + std::to_string(v->number) + " is given twice");
					}
					if (s["hart"])
						if (auto c = cpu_index(s["hart"], w + ".hart"))
							a.hart = *c;
					if (auto v = element(s, row, "prio", w))
						a.prio = unsigned(v->number);
					if (auto v = element(s, row, "mode", w))
						a.level = v->text == "level";
					if (auto v = element(s, row, "assert_at_us", w))
						a.assert_at = v->ps;
					if (auto v = element(s, row, "delay_us", w))
						a.delay = v->ps;
					if (auto v = element(s, row, "handler_us", w))
						a.handler = v->ps;
					rv.aplic_sources.push_back(a);
				}
			}
		}
	}

	void el3(const YAML::Node& n)
	{
		if (n.IsScalar() && n.Scalar() == "none") {
			sc.el3.reset();
			return;
		}
		sc.el3.emplace();
		if (!section(n, "platform.el3"))
			sc.el3.reset();
		if (sc.el3 && n["platform_event"] && !sc.el3->sdei)
			r.err(n["platform_event"], "platform.el3.platform_event: needs the SDEI dispatcher (sdei: true)");
	}

	/// One value through its schema row; `what` names it in messages (the row's path by default).
	std::optional<schema::Value> value(const YAML::Node& n, const schema::Row& row, const std::string& what)
	{
		schema::Value v;
		switch (row.type) {
		case schema::Type::text:
			if (auto s = r.str(n, what))
				v.text = *s;
			else
				return std::nullopt;
			return v;
		case schema::Type::choice:
			if (auto s = r.one_of(n, what, row.choices))
				v.text = *s;
			else
				return std::nullopt;
			return v;
		case schema::Type::boolean:
			if (auto b = r.boolean(n, what))
				v.flag = *b;
			else
				return std::nullopt;
			return v;
		case schema::Type::whole:
		case schema::Type::cycles:
			if (auto u = r.uint(n, what, row.lo, row.hi))
				v.number = *u;
			else
				return std::nullopt;
			return v;
		case schema::Type::time:
			if (auto t = row.whole_us ? whole_us(n, what) : r.time(n, what, row.unit_ps, Ps(row.hi)))
				v.ps = *t;
			else
				return std::nullopt;
			return v;
		case schema::Type::mapping:
		case schema::Type::list:
			break;
		}
		throw std::logic_error("schema row " + row.path() + " is not a value");
	}

	static const schema::Row& row_of(const std::string& path)
	{
		const schema::Row* row = schema::find(path);
		if (!row)
			throw std::logic_error("no schema row for " + path);
		return *row;
	}

	/// The key `key` of the section mapping `n`, parsed, checked and stored through its row; true
	/// when it was there and valid.
	bool field(const YAML::Node& n, const std::string& section, const std::string& key)
	{
		if (!n[key])
			return false;
		const schema::Row& row = row_of(section.empty() ? key : section + "." + key);
		auto v = value(n[key], row, row.path());
		if (v && row.store)
			row.store(sc, *v);
		return bool(v);
	}
	void fields(const YAML::Node& n, const std::string& section, std::initializer_list<const char*> keys)
	{
		for (const char* k : keys)
			field(n, section, k);
	}
	/// A section that is a mapping of plain keys: its keys checked, each value through its row.
	bool section(const YAML::Node& n, const std::string& name)
	{
		if (!r.map(n, name, schema::allowed_keys(name)))
			return false;
		for (const schema::Row* row : schema::section_rows(name))
			field(n, name, row->key);
		return true;
	}
	/// A key of one list element (`row` is the element rows' prefix, `w` the element's name).
	std::optional<schema::Value> element(const YAML::Node& n, const std::string& row, const std::string& key,
					     const std::string& w)
	{
		if (!n[key])
			return std::nullopt;
		return value(n[key], row_of(row + key), w + "." + key);
	}

	void kernel(const YAML::Node& n)
	{
		if (!r.map(n, "kernel", schema::allowed_keys("kernel")))
			return;
		source_mode(n);
		if (n["variant"]) {
			if (auto s = r.str(n["variant"], "kernel.variant")) {
				m_variant = kl::make_variant(*s);
				if (!m_variant) {
					std::string list;
					for (const auto& v : kl::list_variants())
						list += (list.empty() ? "" : ", ") + v.name;
					r.err(n["variant"], "kernel.variant: unknown variant '" + *s + "' (known: " + list + ")");
				} else if (m_variant->arch() != sc.arch) {
					r.err(n["variant"], "kernel.variant: '" + *s + "' is for " + m_variant->arch() +
								    ", the platform is " + sc.arch);
				} else {
					sc.variant = *s;
				}
			}
		} else {
			r.err(n, "kernel: missing required key 'variant'");
		}
		fields(n, "kernel", {"pseudo_nmi", "kexec_core", "hotplug_cpu"});
		for (const char* key : {"nonmi_ipi", "reboot_force", "sme", "kvm"}) {
			if (n[key] && sc.arch != "x86")
				r.err(n[key], std::string("kernel.") + key + ": an x86 option");
			field(n, "kernel", key);
		}
		fields(n, "kernel", {"crash_kexec_post_notifiers", "panic_timeout_s"});
		if (n["elide_barriers"] && r.seq(n["elide_barriers"], "kernel.elide_barriers")) {
			for (const YAML::Node& e : n["elide_barriers"]) {
				auto s = r.str(e, "kernel.elide_barriers[]");
				if (!s)
					continue;
				if (!barrier_site(*s))
					r.err(e, "kernel.elide_barriers: '" + *s +
							 "' is not BARRIER@FUNCTION (BARRIER: smp_rmb, smp_wmb or smp_mb; FUNCTION: the kernel function it sits in)");
				else
					sc.elide_barriers.push_back(*s);
			}
		}
		if (n["pseudo_nmi"] && sc.arch != "arm64")
			r.err(n["pseudo_nmi"], "kernel.pseudo_nmi: an arm64 option");
		field(n, "kernel", "sdei_stop_epilogue");
		if (n["timeouts"])
			section(n["timeouts"], "kernel.timeouts");
		if (n["costs"])
			section(n["costs"], "kernel.costs");
	}

	/// platform.memory: the memory-ordering model's per-CPU, per-variable data.
	void memory(const YAML::Node& n)
	{
		if (!r.map(n, "platform.memory", schema::allowed_keys("platform.memory")))
			return;
		if (sc.arch == "x86" && n["early_loads"])
			r.err(n["early_loads"], "platform.memory.early_loads: x86 (TSO) never performs a load before an earlier load");
		for (const char* key : {"early_loads", "late_stores"}) {
			const YAML::Node l = n[key];
			const std::string w = std::string("platform.memory.") + key;
			if (!l || !r.seq(l, w))
				continue;
			for (size_t i = 0; i < l.size(); i++) {
				const YAML::Node e = l[i];
				const std::string we = w + "[" + std::to_string(i) + "]";
				const bool early = std::string(key) == "early_loads";
				const char* amount = early ? "early_cycles" : "late_cycles";
				if (!r.map(e, we, {"cpu", "variable", amount}))
					continue;
				MemFaultSpec m;
				m.loc = Reader::loc(e);
				for (const char* req : {"cpu", "variable"})
					if (!e[req])
						r.err(e, we + ": missing required key '" + req + "'");
				if (e["cpu"])
					if (auto c = cpu_index(e["cpu"], we + ".cpu"))
						m.cpu = *c;
				if (e["variable"])
					if (auto v = r.one_of(e["variable"], we + ".variable", {"cpu_online_mask", "num_online_cpus"}))
						m.var = *v == "cpu_online_mask" ? MemFaultSpec::Var::cpu_online_mask
										: MemFaultSpec::Var::num_online_cpus;
				if (e[amount])
					set(r.uint(e[amount], we + "." + amount, 0, 1'000'000'000ull), m.cycles);
				(early ? sc.early_loads : sc.late_stores).push_back(m);
			}
		}
	}

	/// "BARRIER@FUNCTION" with a barrier the kernel logic names and a C identifier.
	static bool barrier_site(const std::string& s)
	{
		const size_t at = s.find('@');
		if (at == std::string::npos)
			return false;
		const std::string b = s.substr(0, at), f = s.substr(at + 1);
		if (b != "smp_rmb" && b != "smp_wmb" && b != "smp_mb")
			return false;
		if (f.empty() || std::isdigit(static_cast<unsigned char>(f[0])))
			return false;
		for (char c : f)
			if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_')
				return false;
		return true;
	}

	/// Kernel timeouts are loop counts of udelay(1): whole microseconds only.
	std::optional<Ps> whole_us(const YAML::Node& n, const std::string& what)
	{
		auto v = r.time(n, what, kPsPerUs, kMaxTime);
		if (v && *v % kPsPerUs != 0) {
			r.err(n, what + ": a kernel timeout is a count of udelay(1) calls: whole microseconds only");
			return std::nullopt;
		}
		return v;
	}

	void limits(const YAML::Node& n)
	{
		section(n, "limits");
	}

	std::optional<MaskKind> mask(const YAML::Node& n, const std::string& what)
	{
		if (sc.arch != "arm64") {
			// daif and pmr are arm64 notions; elsewhere "irq" is IF=0 (x86) or SIE=0 (RISC-V).
			if (auto s = r.one_of(n, what, {"none", "irq"}))
				return mask_of(*s);
			return std::nullopt;
		}
		if (auto s = r.one_of(n, what, {"none", "daif", "pmr", "irq"}))
			return mask_of(*s);
		return std::nullopt;
	}

	void duration(const YAML::Node& n, const std::string& what, WorkStep& st)
	{
		if (n["for_us"] && n["forever"])
			r.err(n, what + ": give either 'for_us' or 'forever', not both");
		else if (n["for_us"])
			set(r.time(n["for_us"], what + ".for_us", kPsPerUs, kMaxTime), st.duration);
		else if (n["forever"]) {
			if (auto b = r.boolean(n["forever"], what + ".forever")) {
				st.forever = *b;
				if (!*b)
					r.err(n["forever"], what + ".forever: use 'for_us' for a bounded time");
			}
		} else
			r.err(n, what + ": missing 'for_us' or 'forever'");
	}

	void workload(const YAML::Node& n, const std::string& what, CpuSpec& cs)
	{
		if (!r.seq(n, what))
			return;
		if (n.size() > 1000) {
			r.err(n, what + ": more than 1000 steps");
			return;
		}
		for (size_t i = 0; i < n.size(); i++) {
			const YAML::Node s = n[i];
			const std::string w = what + "[" + std::to_string(i) + "]";
			if (!r.map(s, w, {"spin", "lock", "idle", "el3", "firmware"}))
				continue;
			if (s.size() != 1 || !(s["spin"] || s["idle"] || s["lock"] || s["el3"] || s["firmware"])) {
				if (s.size() != 1)
					r.err(s, w + ": a step is exactly one of spin, lock, idle, el3, firmware");
				continue;
			}
			WorkStep st;
			st.loc = Reader::loc(s);
			if (s["spin"]) {
				const YAML::Node b = s["spin"];
				st.kind = WorkStep::Kind::spin;
				if (!r.map(b, w + ".spin", {"mask", "sdei_mask", "for_us", "forever"}))
					continue;
				if (b["mask"])
					set(mask(b["mask"], w + ".spin.mask"), st.mask);
				if (b["sdei_mask"])
					set(r.boolean(b["sdei_mask"], w + ".spin.sdei_mask"), st.sdei_mask);
				duration(b, w + ".spin", st);
			} else if (s["el3"] || s["firmware"]) {
				// Stuck in the most privileged firmware: EL3 (arm64; `el3` is its alias), M-mode, SMM.
				const std::string key = s["el3"] ? "el3" : "firmware";
				const YAML::Node b = s[key];
				st.kind = WorkStep::Kind::el3;
				if (!r.map(b, w + "." + key, {"for_us", "forever"}))
					continue;
				duration(b, w + "." + key, st);
				if (sc.arch == "arm64" && !sc.el3)
					r.err(s, w + "." + key + ": the platform has no EL3 firmware (platform.el3)");
			} else if (s["idle"]) {
				const YAML::Node b = s["idle"];
				st.kind = WorkStep::Kind::idle;
				if (!r.map(b, w + ".idle", {"for_us", "forever"}))
					continue;
				duration(b, w + ".idle", st);
			} else {
				const YAML::Node b = s["lock"];
				st.kind = WorkStep::Kind::lock;
				st.mask = MaskKind::irq;
				if (!r.map(b, w + ".lock", {"name", "mask", "hold_us", "gap_us", "repeat", "forever"}))
					continue;
				if (b["name"])
					set(r.str(b["name"], w + ".lock.name"), st.lock);
				else
					r.err(b, w + ".lock: missing required key 'name'");
				if (b["mask"])
					set(mask(b["mask"], w + ".lock.mask"), st.mask);
				if (b["hold_us"])
					set(r.time(b["hold_us"], w + ".lock.hold_us", kPsPerUs, kMaxTime), st.hold);
				else
					r.err(b, w + ".lock: missing required key 'hold_us'");
				if (b["gap_us"])
					set(r.time(b["gap_us"], w + ".lock.gap_us", kPsPerUs, kMaxTime), st.gap);
				if (b["repeat"] && b["forever"])
					r.err(b, w + ".lock: give either 'repeat' or 'forever', not both");
				if (b["repeat"])
					set(r.uint(b["repeat"], w + ".lock.repeat", 1, 1'000'000'000), st.repeat);
				if (b["forever"])
					set(r.boolean(b["forever"], w + ".lock.forever"), st.repeat_forever);
			}
			cs.workload.push_back(st);
		}
	}

	void cpus(const YAML::Node& n)
	{
		if (!r.seq(n, "cpus"))
			return;
		std::set<unsigned> seen;
		for (size_t i = 0; i < n.size(); i++) {
			const YAML::Node c = n[i];
			const std::string w = "cpus[" + std::to_string(i) + "]";
			if (!r.map(c, w, {"cpu", "offline", "boot_at_us", "online_at_us", "workload"}))
				continue;
			CpuSpec cs;
			cs.loc = Reader::loc(c);
			if (!c["cpu"]) {
				r.err(c, w + ": missing required key 'cpu'");
				continue;
			}
			auto idx = cpu_index(c["cpu"], w + ".cpu");
			if (!idx)
				continue;
			cs.cpu = *idx;
			if (!seen.insert(cs.cpu).second)
				r.err(c["cpu"], w + ": CPU " + std::to_string(cs.cpu) + " is described twice");
			if (c["offline"])
				set(r.boolean(c["offline"], w + ".offline"), cs.offline);
			if (c["boot_at_us"])
				cs.boot_at = r.time(c["boot_at_us"], w + ".boot_at_us", kPsPerUs, kMaxTime);
			if (c["online_at_us"])
				cs.online_at = r.time(c["online_at_us"], w + ".online_at_us", kPsPerUs, kMaxTime);
			if (cs.offline && (cs.boot_at || cs.online_at))
				r.err(c, w + ": an offline CPU has no boot_at_us/online_at_us");
			if (cs.boot_at && !cs.online_at)
				r.err(c, w + ": boot_at_us needs online_at_us");
			if (cs.boot_at && cs.online_at && *cs.boot_at > *cs.online_at)
				r.err(c, w + ": boot_at_us is after online_at_us");
			if (c["workload"])
				workload(c["workload"], w + ".workload", cs);
			sc.cpu_specs.push_back(cs);
		}
	}

	void faults(const YAML::Node& n)
	{
		if (!r.seq(n, "faults"))
			return;
		if (n.size() > 10000) {
			r.err(n, "faults: more than 10000 entries");
			return;
		}
		for (size_t i = 0; i < n.size(); i++) {
			const YAML::Node f = n[i];
			const std::string w = "faults[" + std::to_string(i) + "]";
			if (!r.map(f, w, {"kind", "cpu", "ipi", "from_cpu", "count", "delay_us", "delay_cycles", "at_us",
					  "from_us", "until_us", "sse_event", "to_cpu"}))
				continue;
			FaultSpec fs;
			fs.loc = Reader::loc(f);
			if (!f["kind"]) {
				r.err(f, w + ": missing required key 'kind'");
				continue;
			}
			auto kind = r.one_of(f["kind"], w + ".kind",
					     {"drop_ipi", "delay_ipi", "delay_irq", "pend_ipi", "drop_sse", "misroute_sse"});
			if (!kind)
				continue;
			fs.kind = *kind == "drop_ipi"     ? FaultSpec::Kind::drop_ipi
				  : *kind == "delay_ipi"  ? FaultSpec::Kind::delay_ipi
				  : *kind == "delay_irq"  ? FaultSpec::Kind::delay_irq
				  : *kind == "drop_sse"   ? FaultSpec::Kind::drop_sse
				  : *kind == "misroute_sse" ? FaultSpec::Kind::misroute_sse
							    : FaultSpec::Kind::pend_ipi;
			const bool sse_kind = fs.kind == FaultSpec::Kind::drop_sse || fs.kind == FaultSpec::Kind::misroute_sse;
			if (sse_kind && sc.arch != "riscv")
				r.err(f["kind"], w + ": " + *kind + " (a firmware fault of SBI SSE) is modelled on RISC-V only");
			if (f["cpu"]) {
				if (auto c = cpu_index(f["cpu"], w + ".cpu"))
					fs.cpu = *c;
			} else {
				r.err(f, w + ": missing required key 'cpu'");
			}
			if (sse_kind) {
				if (f["ipi"])
					r.err(f["ipi"], w + ": " + *kind + " names an SSE event ('sse_event'), not an IPI");
				if (f["sse_event"])
					if (auto v = r.uint(f["sse_event"], w + ".sse_event", 0, 0xffffffffull))
						fs.sse_event = uint32_t(*v);
				if (fs.kind == FaultSpec::Kind::misroute_sse) {
					if (!f["to_cpu"])
						r.err(f, w + ": misroute_sse needs 'to_cpu' (the hart firmware injects into instead)");
					else if (auto c = cpu_index(f["to_cpu"], w + ".to_cpu")) {
						fs.to_cpu = *c;
						if (f["cpu"] && fs.to_cpu == fs.cpu)
							r.err(f["to_cpu"], w + ".to_cpu: the same hart as 'cpu' (nothing would be misrouted)");
					}
				}
			} else if (f["sse_event"] || f["to_cpu"]) {
				r.err(f["sse_event"] ? f["sse_event"] : f["to_cpu"],
				      w + ": 'sse_event' and 'to_cpu' belong to drop_sse / misroute_sse");
			}
			if (sse_kind && f["to_cpu"] && fs.kind != FaultSpec::Kind::misroute_sse)
				r.err(f["to_cpu"], w + ": only misroute_sse takes 'to_cpu'");
			if (sse_kind) {
				/* no IPI */
			} else if (f["ipi"]) {
				if (auto s = r.str(f["ipi"], w + ".ipi")) {
					fs.ipi = *s;
					if (m_variant || !m_source_ipis.empty()) {
						auto ipis = m_source_ipis.empty() ? m_variant->ipi_names() : m_source_ipis;
						auto it = std::find(ipis.begin(), ipis.end(), *s);
						if (it == ipis.end()) {
							std::string list;
							for (const auto& x : ipis)
								list += (list.empty() ? "" : ", ") + x;
							r.err(f["ipi"], w + ".ipi: " + (m_source_ipis.empty() ? std::string(m_variant->name()) : sc.kernel_source) + " has no IPI '" + *s +
										"' (it has: " + list + ")");
						} else {
							fs.ipi_index = unsigned(it - ipis.begin());
						}
					}
				}
			} else {
				r.err(f, w + ": missing required key 'ipi'");
			}
			if (f["from_cpu"])
				fs.from_cpu = cpu_index(f["from_cpu"], w + ".from_cpu");
			if (f["count"])
				set(r.uint(f["count"], w + ".count", 1, 1'000'000'000), fs.count);
			const bool delays = fs.kind == FaultSpec::Kind::delay_ipi || fs.kind == FaultSpec::Kind::delay_irq;
			if (f["delay_us"] && f["delay_cycles"])
				r.err(f, w + ": give either 'delay_us' or 'delay_cycles', not both");
			if ((f["delay_us"] || f["delay_cycles"]) && !delays)
				r.err(f["delay_us"] ? f["delay_us"] : f["delay_cycles"], w + ": only delay_ipi and delay_irq take a delay");
			if (f["delay_us"])
				set(r.time(f["delay_us"], w + ".delay_us", kPsPerUs, kMaxTime), fs.delay);
			if (f["delay_cycles"])
				if (auto c = r.uint(f["delay_cycles"], w + ".delay_cycles", 0, 1'000'000'000'000ull))
					fs.delay = Clock(sc.clock_hz).cycles(*c);
			if (delays && !f["delay_us"] && !f["delay_cycles"])
				r.err(f, w + ": " + *kind + " needs 'delay_us' or 'delay_cycles'");
			if (f["at_us"]) {
				if (fs.kind != FaultSpec::Kind::pend_ipi)
					r.err(f["at_us"], w + ": only pend_ipi takes 'at_us' (use from_us/until_us for a window)");
				set(r.time(f["at_us"], w + ".at_us", kPsPerUs, kMaxTime), fs.at);
			} else if (fs.kind == FaultSpec::Kind::pend_ipi) {
				r.err(f, w + ": pend_ipi needs 'at_us'");
			}
			if (fs.kind == FaultSpec::Kind::pend_ipi && sc.arch != "arm64")
				r.err(f["kind"], w + ": pend_ipi (an SGI already pending) is modelled on arm64 only");
			if (fs.kind == FaultSpec::Kind::pend_ipi)
				for (const char* k : {"from_cpu", "count", "from_us", "until_us"})
					if (f[k])
						r.err(f[k], w + ": pend_ipi acts once at 'at_us'; it takes no '" + k + "'");
			if (f["from_us"])
				set(r.time(f["from_us"], w + ".from_us", kPsPerUs, kMaxTime), fs.from);
			if (f["until_us"])
				fs.until = r.time(f["until_us"], w + ".until_us", kPsPerUs, kMaxTime);
			sc.faults.push_back(fs);
		}
	}

	/// triggers[i].context: the contexts each architecture has (docs/scenario-format.md).
	void trigger_context(const YAML::Node& n, const std::string& w, TriggerSpec& ts)
	{
		using C = TriggerSpec::Context;
		const auto c = r.one_of(n, w, {"task", "irq", "nmi", "pseudo_nmi", "sdei", "sse"});
		if (!c)
			return;
		if (*c == "task")
			return;
		const bool arm64 = sc.arch == "arm64", x86 = sc.arch == "x86";
		if (*c == "sse") {
			if (sc.arch != "riscv") {
				r.err(n, w + ": sse is a RISC-V context");
				return;
			}
			const auto* rv = dynamic_cast<const kl::riscv::RiscvVariant*>(m_variant.get());
			const auto& ev = sc.sbi.core.sse_local_events;
			if (!rv || !rv->has_unknown_nmi_event())
				r.err(n, w + ": sse needs a variant with the SSE NMI service (riscv-sse-v2, -v3, -ci), whose "
						 "unknown-NMI handler panics");
			else if (!sc.sbi.core.sse || std::find(ev.begin(), ev.end(), 0xffff0001u) == ev.end())
				r.err(n, w + ": sse needs platform.sbi.sse and LOCAL_UNKNOWN_NMI (4294901761) in "
						 "platform.sbi.sse_events");
		}
		if (*c == "nmi" && !x86) {
			r.err(n, w + ": nmi is an x86 context" +
					 std::string(arm64 ? "; arm64 has pseudo_nmi (with kernel.pseudo_nmi) and sdei" : ""));
			return;
		}
		if ((*c == "pseudo_nmi" || *c == "sdei") && !arm64) {
			r.err(n, w + ": " + *c + " is an arm64 context");
			return;
		}
		if (*c == "pseudo_nmi" && !sc.pseudo_nmi)
			r.err(n, w + ": pseudo_nmi needs kernel.pseudo_nmi: true (without it there are no pseudo-NMIs)");
		if (*c == "sdei" && !(sc.el3 && sc.el3->sdei && sc.el3->sdei_params.platform_event))
			r.err(n, w + ": sdei needs platform.el3 with sdei and a platform_event whose handler panics");
		if (ts.event != TriggerSpec::Event::panic && ts.event != TriggerSpec::Event::kdump)
			r.err(n, w + ": only a panic or kdump is raised from " + *c + " context");
		ts.context = *c == "irq"          ? C::irq
			     : *c == "nmi"        ? C::nmi
			     : *c == "pseudo_nmi" ? C::pseudo_nmi
			     : *c == "sse"        ? C::sse
						  : C::sdei;
	}

	void triggers(const YAML::Node& n)
	{
		if (!r.seq(n, "triggers"))
			return;
		if (n.size() == 0 || n.size() > 64) {
			r.err(n, "triggers: give between 1 and 64 triggers");
			return;
		}
		for (size_t i = 0; i < n.size(); i++) {
			const YAML::Node t = n[i];
			const std::string w = "triggers[" + std::to_string(i) + "]";
			if (!r.map(t, w, {"event", "cpu", "at_us", "message", "after_stop", "cpus", "context", "kexec_returns"}))
				continue;
			TriggerSpec ts;
			ts.loc = Reader::loc(t);
			ts.message = "stopsim injected panic";
			if (t["event"]) {
				if (auto e = r.one_of(t["event"], w + ".event", {"panic", "reboot", "kdump", "backtrace"}))
					ts.event = *e == "panic"    ? TriggerSpec::Event::panic
						   : *e == "reboot" ? TriggerSpec::Event::reboot
						   : *e == "kdump"  ? TriggerSpec::Event::kdump
								    : TriggerSpec::Event::backtrace;
			} else {
				r.err(t, w + ": missing required key 'event'");
			}
			if (t["cpu"]) {
				if (auto c = cpu_index(t["cpu"], w + ".cpu"))
					ts.cpu = *c;
			} else {
				r.err(t, w + ": missing required key 'cpu'");
			}
			if (t["at_us"])
				set(r.time(t["at_us"], w + ".at_us", kPsPerUs, kMaxTime), ts.at);
			else
				r.err(t, w + ": missing required key 'at_us'");
			if (t["message"])
				set(r.str(t["message"], w + ".message"), ts.message);
			if (t["context"])
				trigger_context(t["context"], w + ".context", ts);
			if (t["kexec_returns"])
				r.err(t["kexec_returns"], w + ".kexec_returns: removed (machine_kexec() never returns); a panic "
							      "ends in a restart with kernel.panic_timeout_s, after the crash stop with "
							      "kernel.crash_kexec_post_notifiers");
			if (t["cpus"]) {
				if (ts.event != TriggerSpec::Event::backtrace)
					r.err(t["cpus"], w + ".cpus: only a backtrace trigger takes a CPU list");
				else if (r.seq(t["cpus"], w + ".cpus"))
					for (size_t j = 0; j < t["cpus"].size(); j++)
						if (auto c = cpu_index(t["cpus"][j], w + ".cpus[" + std::to_string(j) + "]"))
							ts.targets.push_back(*c);
			}
			if (t["after_stop"] && ts.event != TriggerSpec::Event::panic && ts.event != TriggerSpec::Event::reboot)
				r.err(t["after_stop"], w + ".after_stop: only panic and reboot run work after the stop");
			if (t["after_stop"]) {
				const YAML::Node a = t["after_stop"];
				if (r.seq(a, w + ".after_stop")) {
					for (size_t j = 0; j < a.size(); j++) {
						const std::string aw = w + ".after_stop[" + std::to_string(j) + "]";
						if (!r.map(a[j], aw, {"lock", "hold_us", "bust_after_us", "console"}))
							continue;
						AfterStopAction act;
						act.loc = Reader::loc(a[j]);
						if (a[j]["lock"])
							set(r.str(a[j]["lock"], aw + ".lock"), act.lock);
						else
							r.err(a[j], aw + ": missing required key 'lock'");
						if (a[j]["hold_us"])
							set(r.time(a[j]["hold_us"], aw + ".hold_us", kPsPerUs, kMaxTime), act.hold);
						if (a[j]["bust_after_us"])
							act.bust_after = r.time(a[j]["bust_after_us"], aw + ".bust_after_us", kPsPerUs, kMaxTime);
						if (a[j]["console"]) {
							if (auto c = r.one_of(a[j]["console"], aw + ".console", {"write", "cancel"}))
								act.console = *c == "write" ? AfterStopAction::Console::write
											    : AfterStopAction::Console::cancel;
							/* One console: every console step names the same port lock. */
							if (act.console != AfterStopAction::Console::none && !act.lock.empty()) {
								if (m_console_lock.empty())
									m_console_lock = act.lock;
								else if (act.lock != m_console_lock)
									r.err(a[j]["lock"], aw + ".lock: the console's port lock is already '" +
												    m_console_lock + "'; every console step takes the same lock");
							}
						}
						ts.after_stop.push_back(act);
					}
				}
			}
			sc.triggers.push_back(ts);
		}
	}

	std::optional<LogExpect> log_expect(const YAML::Node& n, const std::string& w)
	{
		LogExpect le;
		le.loc = Reader::loc(n);
		if (n.IsScalar()) {
			if (auto s = r.str(n, w))
				le.text = *s;
			return le;
		}
		if (!r.map(n, w, {"text", "cpu", "after_us", "before_us"}))
			return std::nullopt;
		if (n["text"])
			set(r.str(n["text"], w + ".text"), le.text);
		else
			r.err(n, w + ": missing required key 'text'");
		if (n["cpu"])
			le.cpu = cpu_index(n["cpu"], w + ".cpu");
		if (n["after_us"])
			le.after = r.time(n["after_us"], w + ".after_us", kPsPerUs, kMaxTime);
		if (n["before_us"])
			le.before = r.time(n["before_us"], w + ".before_us", kPsPerUs, kMaxTime);
		return le;
	}

	/// A mapping from CPU number to one value. Linear in its size: the keys are checked once
	/// (mapping, duplicates) and each is then read as a CPU number.
	template <class F> void per_cpu(const YAML::Node& n, const std::string& w, F&& f)
	{
		if (!r.cpu_map(n, w))
			return;
		for (const auto& kv : n) {
			if (r.too_big())
				return;
			if (!kv.first.IsScalar())
				continue;
			auto c = cpu_index(kv.first, w + " key");
			if (c)
				f(*c, kv.second, w + "." + std::to_string(*c));
		}
	}

	void expect(const YAML::Node& n)
	{
		Expectations& e = sc.expect;
		e.loc = Reader::loc(n);
		if (!r.map(n, "expect",
			   {"outcome", "stopped_by", "crash_regs", "crash_regs_from", "final", "cpus_left_online", "log",
			    "no_log", "stop_duration_us", "invariants", "rungs", "el3_event0", "el3_power", "stop_entries",
			    "sse_state", "hsm_state", "console", "el3_platform_event"}))
			return;
		e.any = n.size() > 0;
		if (n["outcome"])
			e.outcome = r.one_of(n["outcome"], "expect.outcome", names(kOutcomes, std::size(kOutcomes)));
		if (n["stopped_by"])
			per_cpu(n["stopped_by"], "expect.stopped_by", [&](unsigned c, const YAML::Node& v, const std::string& w) {
				if (v.IsNull() || (v.IsScalar() && v.Scalar() == "null")) {
					e.stopped_by[c] = std::nullopt;
					return;
				}
				if (auto s = r.one_of(v, w, names(kStoppedBy, std::size(kStoppedBy))))
					e.stopped_by[c] = *s;
			});
		if (n["crash_regs"])
			per_cpu(n["crash_regs"], "expect.crash_regs", [&](unsigned c, const YAML::Node& v, const std::string& w) {
				if (auto b = r.boolean(v, w))
					e.crash_regs[c] = *b;
			});
		if (n["crash_regs_from"])
			per_cpu(n["crash_regs_from"], "expect.crash_regs_from",
				[&](unsigned c, const YAML::Node& v, const std::string& w) {
					if (auto s = r.one_of(v, w, {"task", "irq", "nmi", "sdei"}))
						e.crash_regs_from[c] = *s;
				});
		if (n["final"])
			per_cpu(n["final"], "expect.final", [&](unsigned c, const YAML::Node& v, const std::string& w) {
				if (auto s = r.one_of(v, w, names(kFinals, std::size(kFinals))))
					e.final_state[c] = *s;
			});
		if (n["el3_event0"])
			per_cpu(n["el3_event0"], "expect.el3_event0", [&](unsigned c, const YAML::Node& v, const std::string& w) {
				if (auto s = r.one_of(v, w, {"unregistered", "registered", "enabled", "running"}))
					e.el3_event0[c] = *s;
			});
		if (n["el3_platform_event"])
			per_cpu(n["el3_platform_event"], "expect.el3_platform_event",
				[&](unsigned c, const YAML::Node& v, const std::string& w) {
					if (auto s = r.one_of(v, w, {"unregistered", "registered", "enabled", "running"}))
						e.el3_platform_event[c] = *s;
				});
		if (n["el3_platform_event"] && !(sc.el3 && sc.el3->sdei_params.platform_event))
			r.err(n["el3_platform_event"], "expect.el3_platform_event: needs platform.el3.platform_event");
		if (n["el3_power"])
			per_cpu(n["el3_power"], "expect.el3_power", [&](unsigned c, const YAML::Node& v, const std::string& w) {
				if (auto s = r.one_of(v, w, {"on", "off", "wedged"}))
					e.el3_power[c] = *s;
			});
		if (n["stop_entries"])
			per_cpu(n["stop_entries"], "expect.stop_entries", [&](unsigned c, const YAML::Node& v, const std::string& w) {
				if (auto x = r.uint(v, w, 0, 1000))
					e.stop_entries[c] = *x;
			});
		if (n["sse_state"])
			per_cpu(n["sse_state"], "expect.sse_state", [&](unsigned c, const YAML::Node& v, const std::string& w) {
				if (auto x = r.one_of(v, w, {"unused", "registered", "enabled", "running"}))
					e.sse_state[c] = *x;
			});
		if (n["hsm_state"])
			per_cpu(n["hsm_state"], "expect.hsm_state", [&](unsigned c, const YAML::Node& v, const std::string& w) {
				if (auto x = r.one_of(v, w, {"started", "stopped"}))
					e.hsm_state[c] = *x;
			});
		if ((n["sse_state"] || n["hsm_state"]) && sc.arch != "riscv")
			r.err(n, "expect: sse_state/hsm_state need platform.arch riscv");
		if ((n["el3_event0"] || n["el3_power"]) && !sc.el3)
			r.err(n, "expect: el3_event0/el3_power need platform.el3");
		if (n["cpus_left_online"]) {
			const YAML::Node l = n["cpus_left_online"];
			if (r.seq(l, "expect.cpus_left_online")) {
				std::vector<unsigned> v;
				for (size_t i = 0; i < l.size(); i++)
					if (auto c = cpu_index(l[i], "expect.cpus_left_online[" + std::to_string(i) + "]"))
						v.push_back(*c);
				std::sort(v.begin(), v.end());
				e.cpus_left_online = v;
			}
		}
		for (const char* key : {"log", "no_log"}) {
			if (!n[key])
				continue;
			const YAML::Node l = n[key];
			if (!r.seq(l, std::string("expect.") + key))
				continue;
			for (size_t i = 0; i < l.size(); i++)
				if (auto le = log_expect(l[i], std::string("expect.") + key + "[" + std::to_string(i) + "]"))
					(std::string(key) == "log" ? e.log_present : e.log_absent).push_back(*le);
		}
		if (n["stop_duration_us"]) {
			const YAML::Node d = n["stop_duration_us"];
			if (r.map(d, "expect.stop_duration_us", {"min", "max"})) {
				if (d["min"])
					e.stop_min = r.time(d["min"], "expect.stop_duration_us.min", kPsPerUs, kMaxTime);
				if (d["max"])
					e.stop_max = r.time(d["max"], "expect.stop_duration_us.max", kPsPerUs, kMaxTime);
			}
		}
		if (n["console"]) {
			const YAML::Node c = n["console"];
			if (r.map(c, "expect.console",
				  {"writes", "bytes", "unlocked_writes", "unlocked_bytes", "garbled_writes", "holder"})) {
				Expectations::Console ce;
				ce.loc = Reader::loc(c);
				auto count = [&](const char* key, std::optional<uint64_t>& to) {
					if (c[key])
						to = r.uint(c[key], std::string("expect.console.") + key, 0, 1000000000);
				};
				count("writes", ce.writes);
				count("bytes", ce.bytes);
				count("unlocked_writes", ce.unlocked_writes);
				count("unlocked_bytes", ce.unlocked_bytes);
				count("garbled_writes", ce.garbled_writes);
				if (c["holder"]) {
					const YAML::Node h = c["holder"];
					if (h.IsNull() || (h.IsScalar() && h.Scalar() == "null"))
						ce.holder = std::optional<unsigned>{};
					else if (auto x = cpu_index(h, "expect.console.holder"))
						ce.holder = std::optional<unsigned>{*x};
				}
				e.console = ce;
			}
		}
		if (n["invariants"]) {
			const YAML::Node iv = n["invariants"];
			if (r.map(iv, "expect.invariants", names(kInvariants, std::size(kInvariants))))
				for (const auto& kv : iv)
					if (auto b = r.boolean(kv.second, "expect.invariants." + kv.first.Scalar()))
						e.invariants[kv.first.Scalar()] = *b;
		}
		if (n["rungs"]) {
			const YAML::Node l = n["rungs"];
			if (r.seq(l, "expect.rungs")) {
				for (size_t i = 0; i < l.size(); i++) {
					const std::string w = "expect.rungs[" + std::to_string(i) + "]";
					if (!r.map(l[i], w, {"name", "timed_out", "sent"}))
						continue;
					RungExpect re;
					re.loc = Reader::loc(l[i]);
					if (l[i]["name"])
						set(r.one_of(l[i]["name"], w + ".name", {"irq", "pseudo_nmi", "nmi", "sdei", "sse"}), re.name);
					else
						r.err(l[i], w + ": missing required key 'name'");
					if (l[i]["timed_out"])
						re.timed_out = r.boolean(l[i]["timed_out"], w + ".timed_out");
					if (l[i]["sent"])
						re.sent = r.boolean(l[i]["sent"], w + ".sent");
					e.rungs.push_back(re);
				}
			}
		}
	}

	Reader r;
	Scenario sc;
	std::string m_console_lock; ///< the port lock of the first after_stop console step
	bool m_cpus_known = false;
	std::unique_ptr<kl::StopVariant> m_variant;
	std::vector<std::string> m_source_ipis; ///< source mode: the tree's IPI names

	/// kernel.source / kernel.manifest (or --kernel-source): the tree, and its IPI names for faults.
	void source_mode(const YAML::Node& n)
	{
		namespace fs = std::filesystem;
		const fs::path base = fs::path(sc.file).parent_path();
		auto resolve = [&](const std::string& p) { return fs::path(p).is_absolute() || base.empty() ? p : (base / p).string(); };
		if (n["manifest"])
			if (auto s = r.str(n["manifest"], "kernel.manifest"))
				sc.kernel_manifest = resolve(*s);
		if (n["source"])
			if (auto s = r.str(n["source"], "kernel.source"))
				sc.kernel_source = resolve(*s);
		if (!g_kernel_source_override.empty())
			sc.kernel_source = g_kernel_source_override;
		if (sc.kernel_source.empty())
			return;
		try {
			m_source_ipis = srcmode::tree_ipi_names(sc.arch, sc.kernel_source, sc.kernel_manifest);
		} catch (const srcmode::SourceError& e) {
			const bool cli = !g_kernel_source_override.empty();
			r.err(n["source"] && !cli ? n["source"] : n, std::string(cli ? "--kernel-source: " : "kernel.source: ") + e.what());
		}
	}
};

} // namespace

namespace {

/// Thrown by the nesting check below.
struct TooDeep {
	YAML::Mark mark;
};

/// Parse events only, to find the first mapping or list nested deeper than the limit before
/// yaml-cpp's own recursion guard (which reports a bare "bad file") is reached.
class NestingCheck : public YAML::EventHandler {
public:
	void OnDocumentStart(const YAML::Mark&) override {}
	void OnDocumentEnd() override {}
	void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
	void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
	void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override {}
	void OnSequenceStart(const YAML::Mark& m, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override
	{
		open(m);
	}
	void OnSequenceEnd() override { m_depth--; }
	void OnMapStart(const YAML::Mark& m, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override
	{
		open(m);
	}
	void OnMapEnd() override { m_depth--; }

private:
	void open(const YAML::Mark& m)
	{
		if (++m_depth > kMaxScenarioNesting)
			throw TooDeep{m};
	}
	unsigned m_depth = 0;
};

/// nullopt if the nesting is within the limit (or the text does not parse: YAML::Load says why).
std::optional<Loc> too_deep(const std::string& text)
{
	std::istringstream in(text);
	try {
		YAML::Parser parser(in);
		NestingCheck check;
		// The first document only, as YAML::Load reads it. (Looping "while there are documents"
		// never ends on some malformed inputs: found by fuzz_scenario, tests/bad/fuzz-parser-loop.)
		parser.HandleNextDocument(check);
	} catch (const TooDeep& d) {
		return mark_loc(d.mark);
	} catch (const YAML::Exception&) {
	}
	return std::nullopt;
}

} // namespace

std::optional<Scenario> load_scenario_text(const std::string& text, const std::string& file,
					   std::vector<ScenarioError>& errors)
{
	if (text.size() > kMaxFileBytes) {
		errors.push_back({file, {1, 1}, "scenario file larger than 1 MiB"});
		return std::nullopt;
	}
	if (auto at = too_deep(text)) {
		errors.push_back({file, *at, "nesting too deep (limit " + std::to_string(kMaxScenarioNesting) +
						     " mappings and lists inside each other)"});
		return std::nullopt;
	}
	YAML::Node root;
	try {
		root = YAML::Load(text);
	} catch (const YAML::Exception& ex) {
		errors.push_back({file, mark_loc(ex.mark), printable(ex.msg)});
		return std::nullopt;
	}
	return load_scenario_node(root, file, errors);
}

std::optional<Scenario> load_scenario_node(const YAML::Node& root, const std::string& file,
					   std::vector<ScenarioError>& errors)
{
	if (!root.IsDefined() || root.IsNull()) {
		errors.push_back({file, {1, 1}, "scenario is empty"});
		return std::nullopt;
	}
	try {
		Loader l(file, errors);
		return l.load(root);
	} catch (const YAML::Exception& ex) {
		errors.push_back({file, mark_loc(ex.mark), printable(ex.msg)});
		return std::nullopt;
	}
}

std::optional<std::string> read_scenario_file(const std::string& path, std::vector<ScenarioError>& errors)
{
	auto fail = [&](const std::string& what) -> std::optional<std::string> {
		errors.push_back({path, {0, 0}, what});
		return std::nullopt;
	};
	std::error_code ec;
	if (std::filesystem::is_directory(path, ec))
		return fail("cannot read: is a directory");
	errno = 0;
	std::ifstream in(path, std::ios::binary);
	if (!in)
		return fail(std::string("cannot open file") + (errno ? std::string(": ") + std::strerror(errno) : ""));
	std::string text;
	char buf[65536];
	while (text.size() <= kMaxFileBytes) {
		in.read(buf, sizeof buf);
		text.append(buf, size_t(in.gcount()));
		if (in.eof())
			break;
		if (!in)
			return fail(std::string("cannot read") + (errno ? std::string(": ") + std::strerror(errno) : ""));
	}
	return text;
}

void set_kernel_source_override(const std::string& dir)
{
	g_kernel_source_override = dir;
}

std::optional<Scenario> load_scenario(const std::string& path, std::vector<ScenarioError>& errors)
{
	auto text = read_scenario_file(path, errors);
	if (!text)
		return std::nullopt;
	return load_scenario_text(*text, path, errors);
}

} // namespace stopsim
