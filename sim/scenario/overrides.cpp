// SPDX-License-Identifier: Apache-2.0
#include "sim/scenario/overrides.hpp"
#include "sim/scenario/schema.hpp"
#include "sim/scenario/units.hpp"

#include <algorithm>
#include <map>

namespace stopsim {

namespace {

bool all_digits(const std::string& s)
{
	return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool ends_with(const std::string& s, const std::string& suffix)
{
	return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

/// "faults[0].delay_us" and "faults.0.delay_us" are the same path.
std::vector<std::string> segments(const std::string& path)
{
	std::string p;
	for (char c : path) {
		if (c == '[')
			p += '.';
		else if (c != ']')
			p += c;
	}
	std::vector<std::string> out;
	size_t start = 0;
	while (true) {
		const size_t dot = p.find('.', start);
		out.push_back(p.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
		if (dot == std::string::npos)
			break;
		start = dot + 1;
	}
	for (const auto& s : out)
		if (s.empty())
			throw OverrideError("'" + path + "': empty segment in the path (write it like faults.0.delay_us)");
	return out;
}

std::string joined(const std::vector<std::string>& segs, size_t n)
{
	std::string out;
	for (size_t i = 0; i < n && i < segs.size(); i++)
		out += (i ? "." : "") + segs[i];
	return out;
}

std::string keys_of(const YAML::Node& map)
{
	std::string out;
	for (const auto& kv : map)
		if (kv.first.IsScalar())
			out += (out.empty() ? "" : ", ") + kv.first.Scalar();
	return out;
}

/// The keys the schema knows at the mapping `section` ("" for the top level), for messages.
std::string schema_keys(const std::string& section)
{
	std::string out;
	for (const schema::Row* r : schema::section_rows(section))
		out += (out.empty() ? "" : ", ") + r->key;
	return out;
}

/// The schema section a path prefix names ("platform.aplic.sources.0" -> "platform.aplic.sources[]").
std::string section_of(const std::vector<std::string>& segs, size_t n)
{
	std::string out;
	for (size_t i = 0; i < n && i < segs.size(); i++) {
		if (all_digits(segs[i]))
			out += "[]";
		else
			out += (out.empty() ? "" : ".") + segs[i];
	}
	return out;
}

/// A key the file leaves out but the schema has: the row, if every mapping on the way can be made.
/// A section whose absence has a meaning of its own (platform.el3: no EL3 model) is not made.
const schema::Row* defaulted_row(const std::vector<std::string>& segs, size_t missing_at)
{
	std::string path;
	for (size_t i = 0; i < segs.size(); i++)
		path += (i ? "." : "") + segs[i];
	const schema::Row* row = schema::find(path);
	if (!row || row->type == schema::Type::mapping || row->type == schema::Type::list)
		return nullptr;
	for (size_t i = missing_at + 1; i < segs.size(); i++) {
		const schema::Row* sec = schema::find(section_of(segs, i));
		if (!sec || sec->type != schema::Type::mapping || sec->def == "none")
			return nullptr;
	}
	return row;
}

uint64_t parse_uint(const std::string& s, const std::string& what)
{
	if (!all_digits(s) || s.size() > 20)
		throw OverrideError(what + ": expected a whole number, got '" + s + "'");
	uint64_t v = 0;
	for (char c : s) {
		const uint64_t d = uint64_t(c - '0');
		if (v > (UINT64_MAX - d) / 10)
			throw OverrideError(what + ": '" + s + "' is too large");
		v = v * 10 + d;
	}
	return v;
}

/// A time with an optional unit suffix, in ps.
Ps parse_time(const ParamType& t, const std::string& text, const std::string& what)
{
	static const std::pair<const char*, Ps> kUnits[] = {
		{"ps", 1}, {"ns", kPsPerNs}, {"us", kPsPerUs}, {"ms", kPsPerMs}, {"s", kPsPerS}};
	std::string num = text;
	Ps unit = t.unit_ps;
	for (const auto& [name, ps] : kUnits) {
		if (ends_with(text, name) && text.size() > std::string(name).size()) {
			const std::string head = text.substr(0, text.size() - std::string(name).size());
			if (!head.empty() && (std::isdigit((unsigned char)head.back()) || head.back() == '.')) {
				num = head;
				unit = ps;
				break;
			}
		}
	}
	auto v = parse_decimal_ps(num, unit);
	if (!v)
		throw OverrideError(what + ": expected a non-negative decimal number of " + t.unit +
				    " (or with a unit: ns, us, ms, s), got '" + text + "'");
	return *v;
}

} // namespace

const char* ParamType::name() const
{
	switch (kind) {
	case Kind::time:
		return unit_ps == kPsPerMs ? "time in ms" : "time in us";
	case Kind::integer:
		return cycles ? "integer (cycles)" : "integer";
	case Kind::boolean:
		return "boolean";
	case Kind::text:
		return "text";
	}
	return "?";
}

std::pair<std::string, std::string> split_assignment(const std::string& arg)
{
	const size_t eq = arg.find('=');
	if (eq == std::string::npos || eq == 0)
		throw OverrideError("'" + arg + "': expected PATH=VALUE (for example faults.0.delay_us=250)");
	return {arg.substr(0, eq), arg.substr(eq + 1)};
}

/// The index of the first segment of `segs` that `root` does not have (segs.size() if all are there).
static size_t missing_segment(const YAML::Node& root, const std::vector<std::string>& segs)
{
	YAML::Node cur = root;
	for (size_t i = 0; i < segs.size(); i++) {
		if (cur.IsSequence() && all_digits(segs[i]) && segs[i].size() < 10 && std::stoul(segs[i]) < cur.size()) {
			const YAML::Node parent = cur;
			const YAML::Node child = parent[size_t(std::stoul(segs[i]))];
			cur.reset(child);
			continue;
		}
		if (!cur.IsMap())
			return i;
		bool found = false;
		for (const auto& kv : cur)
			if (kv.first.IsScalar() && kv.first.Scalar() == segs[i]) {
				cur.reset(kv.second);
				found = true;
				break;
			}
		if (!found)
			return i;
	}
	return segs.size();
}

YAML::Node find_value_node(const YAML::Node& root, const std::string& path)
{
	const auto segs = segments(path);
	YAML::Node cur = root;
	for (size_t i = 0; i < segs.size(); i++) {
		const std::string& seg = segs[i];
		const std::string here = i == 0 ? std::string("the top level") : "'" + joined(segs, i) + "'";
		if (cur.IsMap()) {
			bool found = false;
			for (const auto& kv : cur) {
				if (kv.first.IsScalar() && kv.first.Scalar() == seg) {
					cur.reset(kv.second); // rebind: operator= would rewrite the node itself
					found = true;
					break;
				}
			}
			if (!found) {
				// Not in the file. Name the first segment the schema does not know either, with the
				// keys it does know there; else say why the key cannot be added.
				for (size_t j = i; j < segs.size(); j++) {
					if (all_digits(segs[j]))
						break;
					const std::string sec = section_of(segs, j);
					const std::string known = schema_keys(sec);
					if (known.empty())
						break;
					if (!schema::find(sec.empty() ? segs[j] : sec + "." + segs[j]))
						throw OverrideError("'" + path + "': there is no key '" + segs[j] + "' at " +
								    (j == 0 ? std::string("the top level") : "'" + joined(segs, j) + "'") +
								    " (the keys there are: " + known + ")");
				}
				for (size_t j = i + 1; j < segs.size(); j++) {
					const schema::Row* sec = schema::find(section_of(segs, j));
					if (sec && sec->type == schema::Type::list)
						throw OverrideError("'" + path + "': the file has no '" + sec->path() +
								    "' list, and --set does not add list elements");
					if (sec && sec->def == "none")
						throw OverrideError("'" + path + "': the file has no '" + sec->path() +
								    "' section, and adding one would change more than this key "
								    "(its absence has a meaning of its own); give the section in the "
								    "file to set its keys");
				}
				throw OverrideError("'" + path + "': the file has no key '" + seg + "' at " + here + " (it has: " +
						    keys_of(cur) + "); only keys of the scenario schema can be added");
			}
		} else if (cur.IsSequence()) {
			if (!all_digits(seg))
				throw OverrideError("'" + path + "': " + here + " is a list: use an index (0.." +
						    std::to_string(cur.size() ? cur.size() - 1 : 0) + ") instead of '" + seg + "'");
			const size_t idx = size_t(parse_uint(seg, "'" + path + "'"));
			if (idx >= cur.size())
				throw OverrideError("'" + path + "': " + here + " has " + std::to_string(cur.size()) +
						    " element(s), no index " + seg);
			const YAML::Node parent = cur;
			const YAML::Node child = parent[idx]; // const access: never creates an element
			cur.reset(child);
		} else {
			throw OverrideError("'" + path + "': " + here + " is a single value, it has no '" + seg + "'");
		}
	}
	if (cur.IsMap() || cur.IsSequence())
		throw OverrideError("'" + path + "' is a " + (cur.IsMap() ? "mapping" : "list") +
				    "; --set replaces one value (go deeper, e.g. '" + path + "." +
				    (cur.IsMap() ? (cur.begin() != cur.end() && cur.begin()->first.IsScalar()
							    ? cur.begin()->first.Scalar()
							    : std::string("key"))
						 : std::string("0")) +
				    "')");
	return cur;
}

/// The type of a schema row's values.
static ParamType row_type(const schema::Row& r)
{
	ParamType t;
	switch (r.type) {
	case schema::Type::time:
		t.kind = ParamType::Kind::time;
		t.unit_ps = r.unit_ps;
		t.unit = r.unit_ps == kPsPerMs ? "ms" : "us";
		break;
	case schema::Type::cycles:
		t.kind = ParamType::Kind::integer;
		t.cycles = true;
		t.unit = "cycles";
		break;
	case schema::Type::whole:
		t.kind = ParamType::Kind::integer;
		break;
	case schema::Type::boolean:
		t.kind = ParamType::Kind::boolean;
		break;
	default:
		t.kind = ParamType::Kind::text;
		break;
	}
	return t;
}

ParamType param_type(const YAML::Node& root, const std::string& path)
{
	const auto segs = segments(path);
	YAML::Node n;
	try {
		n = find_value_node(root, path);
	} catch (const OverrideError&) {
		// Not in the file: a key of the schema takes its type from its row.
		if (const schema::Row* row = defaulted_row(segs, missing_segment(root, segs)))
			return row_type(*row);
		throw;
	}
	if (const schema::Row* row = schema::find(path))
		if (row->type != schema::Type::mapping && row->type != schema::Type::list)
			return row_type(*row);
	ParamType t;
	auto from_key = [&t](const std::string& key) {
		if (ends_with(key, "_us")) {
			t.kind = ParamType::Kind::time;
			t.unit_ps = kPsPerUs;
			t.unit = "us";
			return true;
		}
		if (ends_with(key, "_ms")) {
			t.kind = ParamType::Kind::time;
			t.unit_ps = kPsPerMs;
			t.unit = "ms";
			return true;
		}
		if (ends_with(key, "_cycles")) {
			t.kind = ParamType::Kind::integer;
			t.cycles = true;
			t.unit = "cycles";
			return true;
		}
		return false;
	};
	if (from_key(segs.back()))
		return t;
	if (segs.size() >= 2 && !all_digits(segs[segs.size() - 2]) && from_key(segs[segs.size() - 2]) &&
	    t.kind == ParamType::Kind::time)
		return t;
	t = ParamType{};
	const std::string v = n.IsScalar() ? n.Scalar() : "";
	if (n.IsScalar() && n.Tag() != "!" && all_digits(v))
		t.kind = ParamType::Kind::integer;
	else if (n.IsScalar() && n.Tag() != "!" && (v == "true" || v == "false"))
		t.kind = ParamType::Kind::boolean;
	else
		t.kind = ParamType::Kind::text;
	return t;
}

std::string decimal_ps(Ps value, Ps unit_ps)
{
	std::string s = std::to_string(value / unit_ps);
	Ps frac = value % unit_ps;
	if (frac) {
		int digits = 0;
		for (Ps u = unit_ps; u > 1; u /= 10)
			digits++;
		std::string f = std::to_string(frac);
		f = std::string(size_t(digits) - f.size(), '0') + f;
		while (!f.empty() && f.back() == '0')
			f.pop_back();
		s += "." + f;
	}
	return s;
}

std::string normalise_value(const ParamType& t, const std::string& text)
{
	switch (t.kind) {
	case ParamType::Kind::time:
		return decimal_ps(parse_time(t, text, "value"), t.unit_ps);
	case ParamType::Kind::integer:
		return std::to_string(parse_uint(text, "value"));
	case ParamType::Kind::boolean:
		if (text != "true" && text != "false")
			throw OverrideError("value: expected true or false, got '" + text + "'");
		return text;
	case ParamType::Kind::text:
		return text;
	}
	return text;
}

uint64_t value_magnitude(const ParamType& t, const std::string& v)
{
	if (t.kind == ParamType::Kind::time)
		return parse_time(t, v, "value");
	if (t.kind == ParamType::Kind::integer)
		return parse_uint(v, "value");
	throw OverrideError("a " + std::string(t.name()) + " value has no magnitude");
}

std::string value_from_magnitude(const ParamType& t, uint64_t m)
{
	if (t.kind == ParamType::Kind::time)
		return decimal_ps(m, t.unit_ps);
	return std::to_string(m);
}

std::vector<std::string> expand_spec(const ParamType& t, const std::string& spec, size_t max_values)
{
	std::vector<std::string> out;
	const bool numeric = t.kind == ParamType::Kind::time || t.kind == ParamType::Kind::integer;
	if (numeric && spec.find(':') != std::string::npos && spec.find(',') == std::string::npos) {
		std::vector<std::string> parts;
		size_t start = 0;
		while (true) {
			const size_t c = spec.find(':', start);
			parts.push_back(spec.substr(start, c == std::string::npos ? std::string::npos : c - start));
			if (c == std::string::npos)
				break;
			start = c + 1;
		}
		if (parts.size() != 3)
			throw OverrideError("range '" + spec + "': expected from:to:step");
		const uint64_t from = value_magnitude(t, parts[0]);
		const uint64_t to = value_magnitude(t, parts[1]);
		const uint64_t step = value_magnitude(t, parts[2]);
		if (step == 0)
			throw OverrideError("range '" + spec + "': the step must be positive");
		if (to < from)
			throw OverrideError("range '" + spec + "': 'to' is below 'from'");
		// (to - from) / step + 1 wraps for 0:18446744073709551615:1: compare before adding one.
		const uint64_t span = (to - from) / step;
		if (span >= max_values)
			throw OverrideError("range '" + spec + "' has " +
					    (span == UINT64_MAX ? std::string("18446744073709551616") : std::to_string(span + 1)) +
					    " values (at most " + std::to_string(max_values) + ")");
		const uint64_t count = span + 1;
		for (uint64_t i = 0; i < count; i++)
			out.push_back(value_from_magnitude(t, from + i * step));
		return out;
	}
	size_t start = 0;
	while (true) {
		const size_t c = spec.find(',', start);
		const std::string item = spec.substr(start, c == std::string::npos ? std::string::npos : c - start);
		if (item.empty())
			throw OverrideError("list '" + spec + "': empty value");
		if (!numeric && item.find(':') != std::string::npos && t.kind == ParamType::Kind::boolean)
			throw OverrideError("'" + spec + "': ranges are for numbers; a boolean takes true,false");
		out.push_back(normalise_value(t, item));
		if (out.size() > max_values)
			throw OverrideError("list '" + spec + "' has too many values");
		if (c == std::string::npos)
			break;
		start = c + 1;
	}
	return out;
}

static void add_node(YAML::Node& root, const std::vector<std::string>& segs, size_t from, const std::string& value)
{
	YAML::Node cur = root;
	for (size_t i = 0; i < from; i++) {
		if (cur.IsSequence()) {
			const YAML::Node parent = cur;
			const YAML::Node c = parent[size_t(parse_uint(segs[i], "index"))];
			cur.reset(c);
			continue;
		}
		for (const auto& kv : cur)
			if (kv.first.IsScalar() && kv.first.Scalar() == segs[i]) {
				cur.reset(kv.second);
				break;
			}
	}
	for (size_t i = from; i + 1 < segs.size(); i++) {
		cur[segs[i]] = YAML::Node(YAML::NodeType::Map);
		YAML::Node next = cur[segs[i]];
		cur.reset(next);
	}
	cur[segs.back()] = value;
}

std::optional<ScenarioTree> ScenarioTree::read(const std::string& file, std::vector<ScenarioError>& errors)
{
	auto text = read_scenario_file(file, errors);
	if (!text)
		return std::nullopt;
	return from_text(*text, file, errors);
}

std::optional<ScenarioTree> ScenarioTree::from_text(const std::string& text, const std::string& file,
						    std::vector<ScenarioError>& errors)
{
	// The text goes through the loader exactly as `validate` sees it (size, nesting, syntax, every
	// check), so whatever is wrong with it is said in the loader's own words.
	if (!load_scenario_text(text, file, errors))
		return std::nullopt;
	ScenarioTree t;
	t.m_file = file;
	t.m_text = text;
	t.m_root = YAML::Load(text); // a tree the check above did not touch
	if (!t.m_root.IsMap()) {
		errors.push_back({file, {1, 1}, "the scenario's top level must be a mapping"});
		return std::nullopt;
	}
	return t;
}

Override ScenarioTree::parse(const std::string& arg) const
{
	auto [path, value] = split_assignment(arg);
	ParamType t;
	try {
		t = type_of(path);
	} catch (const OverrideError& e) {
		throw OverrideError("--set " + arg + ": " + e.what());
	}
	try {
		return Override{path, normalise_value(t, value)};
	} catch (const OverrideError& e) {
		throw OverrideError("--set " + arg + ": " + path + " is a " + t.name() + ": " + e.what());
	}
}

std::optional<Scenario> ScenarioTree::load(const std::vector<Override>& overrides,
					    std::vector<ScenarioError>& errors) const
{
	// A fresh parse rather than YAML::Clone: a clone loses the marks the messages need.
	YAML::Node root = YAML::Load(m_text);
	std::map<std::pair<int, int>, std::string> at;
	std::string added; // overrides of keys the file leaves to their defaults: their nodes have no place
	for (const Override& o : overrides) {
		const auto segs = segments(o.path);
		const size_t miss = missing_segment(root, segs);
		if (miss < segs.size() && defaulted_row(segs, miss)) {
			add_node(root, segs, miss, o.value);
			added += (added.empty() ? "" : ", --set ") + o.arg();
			continue;
		}
		YAML::Node n = find_value_node(root, o.path);
		at[{n.Mark().line + 1, n.Mark().column + 1}] = o.arg();
		n = o.value;
		n.SetTag("?"); // a plain scalar, whatever the file had
	}
	std::vector<ScenarioError> errs;
	auto sc = load_scenario_node(root, m_file, errs);
	for (auto& e : errs) {
		auto it = at.find({e.loc.line, e.loc.col});
		if (it != at.end())
			e.message = "--set " + it->second + ": " + e.message;
		else if (!added.empty() && e.loc.line == 0)
			e.message = "--set " + added + ": " + e.message;
		errors.push_back(e);
	}
	return sc;
}

std::string shell_quote(const std::string& w)
{
	if (!w.empty() && std::all_of(w.begin(), w.end(), [](char c) {
		    return std::isalnum((unsigned char)c) || std::string("_./:=@%+,-").find(c) != std::string::npos;
	    }))
		return w;
	std::string out = "'";
	for (char c : w) {
		if (c == '\'')
			out += "'\\''";
		else
			out += c;
	}
	return out + "'";
}

std::vector<std::string> shell_split(const std::string& line)
{
	std::vector<std::string> out;
	std::string cur;
	bool in_word = false;
	for (size_t i = 0; i < line.size(); i++) {
		const char c = line[i];
		if (c == ' ' || c == '\t') {
			if (in_word)
				out.push_back(cur);
			cur.clear();
			in_word = false;
		} else if (c == '\'') {
			const size_t end = line.find('\'', i + 1);
			if (end == std::string::npos)
				throw OverrideError("unterminated quote in: " + line);
			cur += line.substr(i + 1, end - i - 1);
			i = end;
			in_word = true;
		} else if (c == '"') {
			in_word = true;
			for (i++; i < line.size() && line[i] != '"'; i++) {
				if (line[i] == '\\' && i + 1 < line.size() && std::string("\"\\$`").find(line[i + 1]) != std::string::npos)
					i++;
				cur += line[i];
			}
			if (i >= line.size())
				throw OverrideError("unterminated quote in: " + line);
		} else if (c == '\\' && i + 1 < line.size()) {
			cur += line[++i];
			in_word = true;
		} else {
			cur += c;
			in_word = true;
		}
	}
	if (in_word)
		out.push_back(cur);
	return out;
}

} // namespace stopsim
