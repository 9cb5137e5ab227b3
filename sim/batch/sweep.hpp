// SPDX-License-Identifier: Apache-2.0
// stopsim sweep | merge | replay | summary: batches of runs over the product of parameter values
// and seeds, one CSV row (and optionally one JSON Lines record) per run.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace stopsim {

struct SweepOptions {
	std::string file;
	std::vector<std::string> sets;   ///< PATH=SPEC, in order (the first varies slowest)
	std::string seeds;               ///< A..B, a,b,c or N; empty: the scenario's seed
	unsigned jobs = 0;               ///< 0: one per core
	std::string out, jsonl;
	bool resume = false, force = false;
	unsigned shard_k = 1, shard_n = 1;
	double timeout_s = 600;
	std::string plot;
	bool quiet = false;
	bool exec = false;               ///< workers exec a fresh image instead of forking
	std::string vcd_dir;             ///< a --vcd waveform of the runs asked for goes here, as RUN_ID.vcd
	std::vector<std::string> vcd_rows; ///< run ids for vcd_dir; empty: every run
};

int sweep_main(const SweepOptions& o);
int merge_main(const std::string& out, const std::vector<std::string>& parts);
int replay_main(const std::string& csv, const std::string& id, bool all, unsigned jobs, double timeout_s,
		const std::string& json_out);
int summary_main(const std::string& csv, const std::string& plot);

/// Throws UsageError unless `plot` names an .svg or .png file and gnuplot can be run.
void check_plot_target(const std::string& plot);
/// "K/N" -> (K, N), 1 <= K <= N. Throws UsageError.
std::pair<unsigned, unsigned> parse_shard(const std::string& spec);
/// "A..B", "a,b,c" or "N". Throws UsageError.
std::vector<uint64_t> parse_seeds(const std::string& spec);

} // namespace stopsim
