// SPDX-License-Identifier: Apache-2.0
// --vcd: a Value Change Dump of every CPU's interrupt state (masks, lines, handler context,
// firmware event state, the online bit), one `$scope module cpuN` per CPU, time in ps.
//
// The platform declares the architecture's variables and a probe that reads them from its
// models; the hooks that feed the Perfetto trace (and the PE's line changes) call
// Sim::signals_changed(cpu), which samples that CPU. Changes within one picosecond collapse to
// the last value. Without --vcd, Sim::vcd is null and each hook is one test of a pointer.
#pragma once
#include "models/common/clock.hpp"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace stopsim {

struct Sim;

class VcdRecorder {
public:
	/// One variable of a CPU's scope; width 1 is a wire, more a bit vector.
	struct Var {
		std::string name;
		unsigned width = 1;
	};
	/// Writes the architecture's variables of `cpu`, in declaration order, to `out`.
	using Probe = std::function<void(unsigned cpu, uint64_t* out)>;

	/// `comment` goes into the header ($comment): what was run.
	explicit VcdRecorder(std::string comment) : m_comment(std::move(comment)) {}

	/// Called by the platform once its models exist (elaboration, t=0): takes the first sample.
	void attach(Sim& sim, std::vector<Var> arch_vars, Probe probe);
	bool attached() const { return m_sim != nullptr; }
	/// Something `cpu` shows may have changed now.
	void sample(unsigned cpu);
	void sample_all();
	/// The end of the run: a last sample of every CPU and the final time stamp.
	void finish(Ps end);
	/// The whole file.
	std::string text() const;

	/// The variables every architecture has, before the architecture's own.
	static std::vector<Var> common_vars();

private:
	void flush();
	void emit_value(std::string& out, size_t index) const;

	std::string m_comment;
	Sim* m_sim = nullptr;
	Probe m_probe;
	std::vector<Var> m_vars;       ///< per CPU: common, then the architecture's
	std::vector<std::string> m_ids;///< identifier codes, [cpu * vars + var]
	std::vector<uint64_t> m_cur;   ///< values as of m_time
	std::vector<uint64_t> m_out;   ///< values last written
	std::vector<size_t> m_dirty;   ///< indices sampled at m_time whose value may differ from m_out
	std::vector<char> m_is_dirty;
	Ps m_time = 0;
	bool m_started = false;        ///< the initial $dumpvars is written
	std::string m_body;
	Ps m_last_stamp = 0;
	bool m_stamped = false;
};

} // namespace stopsim
