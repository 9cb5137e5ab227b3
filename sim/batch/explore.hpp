// SPDX-License-Identifier: Apache-2.0
// stopsim explore: finds, by bisection over one timing parameter, every value where a run's
// signature (outcome, the rung that stopped each CPU, each invariant) changes, to a resolution in
// cycles, and prints the windows between those boundaries with a replay command for each side.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace stopsim {

struct ExploreOptions {
	std::string file;
	std::string vary;                ///< PATH=FROM:TO
	std::vector<std::string> sets;   ///< fixed overrides, PATH=VALUE
	std::optional<uint64_t> seed;    ///< default: the scenario's
	uint64_t resolution = 1;         ///< in cycles of the platform clock
	unsigned samples = 65;           ///< evenly spaced first look, ends included
	unsigned jobs = 0;               ///< 0: one per core
	double timeout_s = 600;
	std::string json_out;            ///< machine-readable windows ('-' for stdout)
	bool quiet = false;
	bool exec = false;               ///< workers exec a fresh image instead of forking
};

int explore_main(const ExploreOptions& o);

} // namespace stopsim
