// SPDX-License-Identifier: Apache-2.0
// `--set PATH=VALUE`: changes to a scenario's YAML tree before the strict loader sees it, and the
// value lists and ranges a sweep expands (`a,b,c`, `from:to:step`). Time keys (`_us`, `_ms`) are
// exact decimals handled as integer picoseconds; `_cycles` and plain integers are integers.
#pragma once
#include "models/common/clock.hpp"
#include "sim/scenario/scenario.hpp"

#include <yaml-cpp/yaml.h>

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace stopsim {

/// A bad override: wrong syntax, a path the file does not have, a value of the wrong kind.
struct OverrideError : std::runtime_error {
	using std::runtime_error::runtime_error;
};

/// One `--set`: a dotted path (list elements by index) and one value, already normalised.
struct Override {
	std::string path;
	std::string value;
	/// "PATH=VALUE" as it appears in a replay command.
	std::string arg() const { return path + "=" + value; }
};

/// What values a path takes.
struct ParamType {
	enum class Kind { time, integer, boolean, text } kind = Kind::text;
	Ps unit_ps = 0;        ///< time: one unit of the key (kPsPerUs for _us, kPsPerMs for _ms)
	std::string unit;      ///< "us", "ms", "cycles" or ""
	bool cycles = false;   ///< integer counted in cycles of the platform clock (a _cycles key)
	const char* name() const;
};

/// Split "PATH=VALUE" (the first '='). Throws OverrideError.
std::pair<std::string, std::string> split_assignment(const std::string& arg);

/// The node at `path` in `root`; throws OverrideError naming the first missing segment and what
/// is there instead. The node must be a single value (not a mapping or a list).
YAML::Node find_value_node(const YAML::Node& root, const std::string& path);

/// The kind of `path`: from the key's suffix (its own, or its parent's, as in
/// expect.stop_duration_us.min), else from the value the file holds there.
ParamType param_type(const YAML::Node& root, const std::string& path);

/// One value, checked for the kind and normalised (time: decimal in the key's unit; a unit suffix
/// ps, ns, us, ms or s is accepted and converted exactly). Throws OverrideError.
std::string normalise_value(const ParamType& t, const std::string& text);

/// A sweep SPEC: `a,b,c` or (numbers only) `from:to:step`, `to` included when the steps land on
/// it. Values normalised, in order. Throws OverrideError.
std::vector<std::string> expand_spec(const ParamType& t, const std::string& spec, size_t max_values = 1'000'000);

/// An integer or time value as a number of grid units (for ordering and bisection): integers as
/// themselves, times in ps.
uint64_t value_magnitude(const ParamType& t, const std::string& normalised);
/// The inverse of value_magnitude.
std::string value_from_magnitude(const ParamType& t, uint64_t m);

/// A scenario file read and parsed once; override sets are applied to copies of its tree.
class ScenarioTree {
public:
	/// Reads and parses `file`. On failure `errors` holds the loader's own messages.
	static std::optional<ScenarioTree> read(const std::string& file, std::vector<ScenarioError>& errors);
	/// The same from text already read (`file` names it in messages).
	static std::optional<ScenarioTree> from_text(const std::string& text, const std::string& file,
						     std::vector<ScenarioError>& errors);
	const std::string& file() const { return m_file; }
	const YAML::Node& root() const { return m_root; }
	ParamType type_of(const std::string& path) const { return param_type(m_root, path); }
	/// "PATH=VALUE" checked against this file and normalised (one value). Throws OverrideError.
	Override parse(const std::string& arg) const;
	/// A copy of the tree with `overrides` applied in order, through the strict loader. Problems
	/// the loader finds at an overridden value read "--set PATH=VALUE: FILE:LINE:COL: ...".
	/// Throws OverrideError for a path the file does not have.
	std::optional<Scenario> load(const std::vector<Override>& overrides, std::vector<ScenarioError>& errors) const;

private:
	std::string m_file;
	std::string m_text;
	YAML::Node m_root;
};

/// Quote a word for a POSIX shell (only when it needs it).
std::string shell_quote(const std::string& word);
/// Split a command line written by shell_quote-joined words back into words. Throws OverrideError.
std::vector<std::string> shell_split(const std::string& line);
/// `value` as a decimal number of `unit_ps` units, without trailing zeros ("1001601.8056").
std::string decimal_ps(Ps value, Ps unit_ps);

} // namespace stopsim
