// SPDX-License-Identifier: Apache-2.0
#include "sim/cli/cli.hpp"
#include "sim/scenario/schema.hpp"
#include "kl/variant.hpp"
#include "models/common/error.hpp"
#include "sim/batch/batch.hpp"
#include "sim/run/diag.hpp"
#include "sim/run/engine.hpp"
#include "sim/batch/explore.hpp"
#include "sim/scenario/overrides.hpp"
#include "sim/report/report.hpp"
#include "sim/scenario/scenario.hpp"
#include "sim/batch/sweep.hpp"
#include "srcmode/source.hpp"
#include "sim/report/vcd.hpp"

#include <boost/program_options.hpp>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <memory>
#include <sstream>
#include <thread>

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace stopsim {

namespace {

const char* kUsage = R"(usage: stopsim <command> [options]

commands:
  run FILE        simulate one scenario and check its expectations
  validate FILE.. check scenario files without running them
  list            the kernel variants and the scenario library
  sweep FILE      run the product of --set values and seeds in parallel, one CSV row per run
  replay CSV      run one sweep row again (--run ID) and prove it identical
  merge PART..    join the parts of a sharded sweep into one file
  summary CSV     outcome counts per swept value of a sweep file, and --plot
  explore FILE    find every boundary in one timing parameter where the result changes
  keys [SECTION]  the keys of the scenario schema: type, default, range (what --set accepts)
  --version       print the version

'stopsim <command> --help' describes a command's options.
exit codes: 0 ok, 1 an expectation failed, 2 bad usage or scenario, 3 internal error
)";

po::variables_map parse(int argc, char** argv, const po::options_description& opts,
			const po::positional_options_description& pos)
{
	po::variables_map vm;
	try {
		po::store(po::command_line_parser(argc, argv).options(opts).positional(pos).run(), vm);
		po::notify(vm);
	} catch (const po::error& e) {
		throw UsageError(e.what());
	}
	return vm;
}

bool load_or_report(const std::string& file, Scenario& out)
{
	std::vector<ScenarioError> errors;
	auto sc = load_scenario(file, errors);
	if (!sc) {
		for (const auto& e : errors)
			std::cerr << e.format() << "\n";
		return false;
	}
	out = std::move(*sc);
	return true;
}

/// Test hooks (tests/scenario/sweep_test.py): a sweep gives each worker STOPSIM_RUN_ID; a run whose
/// id matches STOPSIM_TEST_CRASH_AT aborts, one matching STOPSIM_TEST_HANG_AT never ends. Nothing
/// else reads these variables.
void test_hooks()
{
	const char* id = std::getenv("STOPSIM_RUN_ID");
	if (!id || !*id)
		return;
	const char* crash = std::getenv("STOPSIM_TEST_CRASH_AT");
	if (crash && std::string(crash) == id) {
		std::cerr << "stopsim: STOPSIM_TEST_CRASH_AT: aborting run " << id << "\n";
		std::abort();
	}
	const char* hang = std::getenv("STOPSIM_TEST_HANG_AT");
	if (hang && std::string(hang) == id)
		while (true)
			std::this_thread::sleep_for(std::chrono::seconds(1));
}

diag::Level log_level_option(const po::variables_map& vm)
{
	const std::string w = vm["log-level"].as<std::string>();
	const auto l = parse_log_level(w);
	if (!l)
		throw UsageError("--log-level: '" + w + "' is not a level; give one of " + log_level_words());
	return *l;
}

int cmd_run(int argc, char** argv)
{
	po::options_description opts("stopsim run FILE [options]");
	// clang-format off
	opts.add_options()
		("help,h", "this help")
		("file", po::value<std::string>(), "scenario file (YAML)")
		("set", po::value<std::vector<std::string>>()->composing(),
		 "PATH=VALUE: change one value of the file before it is checked (repeatable)")
		("seed", po::value<uint64_t>(), "seed for every random choice (default: the scenario's)")
		("json", po::value<std::string>(), "write the JSON report to this file ('-' for stdout)")
		("trace", po::value<std::string>(), "write a Perfetto/Chrome trace-event JSON file")
		("vcd", po::value<std::string>(), "write a VCD waveform of every CPU's masks, lines, context and online bit")
		("log-level", po::value<std::string>()->default_value("warn"),
		 "the simulator's own diagnostics on stderr: trace, debug, info or warn")
		("quiet,q", "print nothing; the exit code and --json carry the result")
		("kernel-source", po::value<std::string>(), "DIR: run the stop code compiled from the Linux tree at DIR (source mode)");
	// clang-format on
	po::positional_options_description pos;
	pos.add("file", 1);
	auto vm = parse(argc, argv, opts, pos);
	if (vm.count("help")) {
		std::cout << opts << "\nRuns one scenario from t=0 to its end (or the simulated-time limit), prints the\n"
				     "kernel's console lines with simulated timestamps, the outcome and a per-CPU table.\n"
				     "\n--set PATH=VALUE changes a value the file gives: PATH is dotted, list elements by\n"
				     "index (faults.0.delay_cycles, cpus.0.workload.0.spin.for_us, kernel.variant).\n"
				     "Keys ending in _us/_ms take exact decimals (or a unit: 250ns, 1.5ms); the result is\n"
				     "checked like the file itself.\n";
		return kExitOk;
	}
	if (!vm.count("file"))
		throw UsageError("run: missing scenario FILE");
	start_diagnostics(log_level_option(vm));
	const std::string file = vm["file"].as<std::string>();
	if (vm.count("kernel-source"))
		set_kernel_source_override(fs::absolute(vm["kernel-source"].as<std::string>()).lexically_normal().string());
	Scenario sc;
	std::vector<Override> overrides;
	if (vm.count("set")) {
		std::vector<ScenarioError> errors;
		auto tree = ScenarioTree::read(file, errors);
		if (!tree) {
			for (const auto& e : errors)
				std::cerr << e.format() << "\n";
			return kExitUsage;
		}
		std::optional<Scenario> loaded;
		try {
			for (const auto& a : vm["set"].as<std::vector<std::string>>())
				overrides.push_back(tree->parse(a));
			loaded = tree->load(overrides, errors);
		} catch (const OverrideError& e) {
			throw UsageError(e.what());
		}
		if (!loaded) {
			for (const auto& e : errors)
				std::cerr << e.format() << "\n";
			return kExitUsage;
		}
		sc = std::move(*loaded);
	} else if (!load_or_report(file, sc)) {
		return kExitUsage;
	}
	const uint64_t seed = vm.count("seed") ? vm["seed"].as<uint64_t>() : sc.seed;
	test_hooks();
	RunOptions ro;
	ro.collect_trace = vm.count("trace") > 0;
	/* The waveform file is opened before the run, so a path that cannot be written fails at once. */
	std::unique_ptr<VcdRecorder> vcd;
	std::ofstream vcd_file;
	const std::string vcd_path = vm.count("vcd") ? vm["vcd"].as<std::string>() : "";
	if (vm.count("vcd")) {
		vcd_file.open(vcd_path, std::ios::binary | std::ios::trunc);
		if (!vcd_file)
			throw UsageError("cannot write " + vcd_path);
		vcd = std::make_unique<VcdRecorder>("stopsim " STOPSIM_VERSION ": " + sc.name + " (" + sc.variant + "), seed " +
						    std::to_string(seed));
		ro.vcd = vcd.get();
	}
	RunResult r = run_scenario(sc, seed, ro);
	if (vcd) {
		vcd->finish(r.sim_ps);
		if (!(vcd_file << vcd->text()) || !vcd_file.flush())
			throw UsageError("cannot write " + vcd_path);
		vcd_file.close();
	}
	const bool quiet = vm.count("quiet") > 0;
	const std::string json_out = vm.count("json") ? vm["json"].as<std::string>() : "";
	if (!quiet && json_out != "-") {
		if (overrides.empty()) {
			write_console(std::cout, r);
		} else {
			// The overrides follow the heading line, so the output says which variant of the file ran.
			std::ostringstream text;
			write_console(text, r);
			const std::string t = text.str();
			const size_t nl = t.find('\n');
			std::cout << t.substr(0, nl + 1) << "overrides:";
			for (const auto& o : overrides)
				std::cout << " " << o.arg();
			std::cout << "\n" << t.substr(nl + 1);
		}
	}
	if (!json_out.empty()) {
		nlohmann::json j = report_json(r);
		if (!overrides.empty()) {
			j["overrides"] = nlohmann::json::array();
			for (const auto& o : overrides)
				j["overrides"].push_back({{"path", o.path}, {"value", o.value}});
		}
		const std::string text = j.dump(2) + "\n";
		if (json_out == "-") {
			std::cout << text;
		} else {
			std::ofstream f(json_out);
			f << text;
			f.close(); // the last buffer's write fails here on a full disk
			if (!f) {
				std::cerr << "stopsim: cannot write " << json_out << "\n";
				return output_failure_exit(); // 2; a sweep worker's own code, its stderr may be lost too
			}
		}
	}
	if (vm.count("trace")) {
		std::ofstream f(vm["trace"].as<std::string>());
		if (!(f << trace_json(r).dump() << "\n"))
			throw UsageError("cannot write " + vm["trace"].as<std::string>());
	}
	std::cout.flush();
	if (!std::cout || std::ferror(stdout)) {
		std::cerr << "stopsim: cannot write the console output (standard output)\n";
		return output_failure_exit();
	}
	return expectations_held(r) ? kExitOk : kExitExpectation;
}

int cmd_validate(int argc, char** argv)
{
	po::options_description opts("stopsim validate FILE...");
	opts.add_options()("help,h", "this help")("file", po::value<std::vector<std::string>>(), "scenario files");
	po::positional_options_description pos;
	pos.add("file", -1);
	auto vm = parse(argc, argv, opts, pos);
	if (vm.count("help")) {
		std::cout << opts << "\nChecks each file against the scenario format; prints FILE:LINE:COL: errors.\n";
		return kExitOk;
	}
	if (!vm.count("file"))
		throw UsageError("validate: missing scenario FILE");
	bool ok = true;
	for (const auto& f : vm["file"].as<std::vector<std::string>>()) {
		Scenario sc;
		if (load_or_report(f, sc)) {
			std::cout << f << ": ok (" << sc.name << ", " << sc.variant << ", " << sc.cpus << " CPUs"
				  << (sc.expect.any ? "" : ", no expectations") << ")\n";
		} else {
			ok = false;
		}
	}
	return ok ? kExitOk : kExitUsage;
}

std::string first_line(const std::string& s)
{
	const auto nl = s.find('\n');
	return nl == std::string::npos ? s : s.substr(0, nl);
}

int cmd_list(int argc, char** argv)
{
	po::options_description opts("stopsim list [options]");
	opts.add_options()("help,h", "this help")("dir", po::value<std::string>()->default_value(STOPSIM_SCENARIO_DIR),
						  "scenario library folder")(
		"kernel-source", po::value<std::string>(), "DIR: show what source mode would compile from the tree at DIR")(
		"arch", po::value<std::string>()->default_value("arm64"), "with --kernel-source: the architecture");
	po::positional_options_description pos;
	auto vm = parse(argc, argv, opts, pos);
	if (vm.count("help")) {
		std::cout << opts << "\nLists the kernel variants this build simulates and the scenarios in the library.\n";
		return kExitOk;
	}
	if (vm.count("kernel-source")) {
		std::cout << srcmode::describe_tree(vm["arch"].as<std::string>(), vm["kernel-source"].as<std::string>(), "");
		return kExitOk;
	}
	std::cout << "variants:\n";
	for (const auto& v : kl::list_variants())
		std::cout << "  " << std::left << std::setw(14) << v.name << " " << v.summary << "\n";
	const fs::path dir = vm["dir"].as<std::string>();
	std::vector<fs::path> files;
	std::error_code ec;
	for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator(); it.increment(ec))
		if (it->is_regular_file() && it->path().extension() == ".yaml")
			files.push_back(it->path());
	std::sort(files.begin(), files.end());
	std::cout << "\nscenarios (" << dir.string() << "):\n";
	for (const auto& f : files) {
		std::vector<ScenarioError> errors;
		auto sc = load_scenario(f.string(), errors);
		const std::string rel = fs::relative(f, dir).string();
		if (sc)
			std::cout << "  " << std::left << std::setw(36) << rel << " " << sc->variant << ": "
				  << first_line(sc->description) << "\n";
		else
			std::cout << "  " << std::left << std::setw(36) << rel << " (invalid: " << errors.front().message << ")\n";
	}
	return kExitOk;
}

unsigned jobs_option(const po::variables_map& vm)
{
	if (!vm.count("jobs"))
		return 0;
	const unsigned j = vm["jobs"].as<unsigned>();
	if (j == 0 || j > 1024)
		throw UsageError("--jobs: give 1 to 1024");
	return j;
}

double timeout_option(const po::variables_map& vm)
{
	const double t = vm["timeout-s"].as<double>();
	if (!(t > 0) || t > 7 * 24 * 3600)
		throw UsageError("--timeout-s: give a positive number of seconds");
	return t;
}

int cmd_sweep(int argc, char** argv)
{
	po::options_description opts("stopsim sweep FILE --set PATH=SPEC ... --out RESULTS.csv [options]");
	// clang-format off
	opts.add_options()
		("help,h", "this help")
		("file", po::value<std::string>(), "scenario file (YAML)")
		("set", po::value<std::vector<std::string>>()->composing(),
		 "PATH=SPEC: values a,b,c or a range from:to:step (repeatable; the product is run)")
		("seeds", po::value<std::string>(), "seeds A..B, a,b,c or N (default: the scenario's seed)")
		("out,o", po::value<std::string>(), "CSV file, one row per run (appended as runs finish)")
		("jsonl", po::value<std::string>(), "also a JSON Lines file with each run's full report")
		("jobs,j", po::value<unsigned>(), "runs at a time (default: one per core)")
		("resume", "continue an interrupted sweep: skip the runs already in --out")
		("force", "start over even if --out exists")
		("shard", po::value<std::string>(), "K/N: run only the K-th of N slices (K from 1)")
		("timeout-s", po::value<double>()->default_value(600), "host-time limit of one run, in seconds")
		("plot", po::value<std::string>(), "draw outcome rate and stop time against the first --set (.svg or .png; needs gnuplot)")
		("exec", "start every run as a fresh process image (exec) rather than a fork of the sweep: slower, same rows")
		("vcd-dir", po::value<std::string>(), "write each run's --vcd waveform into this folder as RUN_ID.vcd")
		("vcd-rows", po::value<std::string>(), "with --vcd-dir: only these runs (r000001,r000007; default every run)")
		("quiet,q", "no progress or summary; errors only");
	// clang-format on
	po::positional_options_description pos;
	pos.add("file", 1);
	auto vm = parse(argc, argv, opts, pos);
	if (vm.count("help")) {
		std::cout << opts << R"(
Runs FILE once for every combination of the --set values and seeds, each run a separate process of
this binary, and writes one CSV row per run: run_id, the swept values, seed, outcome (or error /
timeout), exit, stop_us, rungs (name@ended_us), cpus_left_online, stopped_by, invariant_failures,
expectations, sha256 of the console output and of the report (host timings removed), error, and
the 'stopsim run' command that replays the run alone. Run ids number the product in --set order
(the first --set varies slowest), then seeds. When every run is done the files are sorted by run
id, so the same sweep gives the same bytes whatever --jobs or --shard.

exit codes: 0 every run produced a report, 1 some ended in error or timeout (see their rows),
2 bad usage or scenario, 3 internal error, 130 interrupted (continue with --resume).
See docs/sweeps.md.
)";
		return kExitOk;
	}
	if (!vm.count("file"))
		throw UsageError("sweep: missing scenario FILE");
	SweepOptions o;
	o.file = vm["file"].as<std::string>();
	if (vm.count("set"))
		o.sets = vm["set"].as<std::vector<std::string>>();
	if (vm.count("seeds"))
		o.seeds = vm["seeds"].as<std::string>();
	if (vm.count("out"))
		o.out = vm["out"].as<std::string>();
	if (vm.count("jsonl"))
		o.jsonl = vm["jsonl"].as<std::string>();
	o.jobs = jobs_option(vm);
	o.resume = vm.count("resume") > 0;
	o.force = vm.count("force") > 0;
	if (o.resume && o.force)
		throw UsageError("sweep: --resume and --force contradict each other");
	if (vm.count("shard"))
		std::tie(o.shard_k, o.shard_n) = parse_shard(vm["shard"].as<std::string>());
	o.timeout_s = timeout_option(vm);
	if (vm.count("plot"))
		o.plot = vm["plot"].as<std::string>();
	o.quiet = vm.count("quiet") > 0;
	o.exec = vm.count("exec") > 0;
	if (vm.count("vcd-rows") && !vm.count("vcd-dir"))
		throw UsageError("sweep: --vcd-rows needs --vcd-dir DIR");
	if (vm.count("vcd-dir")) {
		o.vcd_dir = vm["vcd-dir"].as<std::string>();
		if (o.vcd_dir.empty())
			throw UsageError("sweep: --vcd-dir: give a folder");
	}
	if (vm.count("vcd-rows")) {
		std::stringstream ids(vm["vcd-rows"].as<std::string>());
		for (std::string id; std::getline(ids, id, ',');)
			if (!id.empty())
				o.vcd_rows.push_back(id);
		if (o.vcd_rows.empty())
			throw UsageError("sweep: --vcd-rows: give run ids such as r000001,r000007");
	}
	return sweep_main(o);
}

int cmd_replay(int argc, char** argv)
{
	po::options_description opts("stopsim replay RESULTS.csv --run ID [options]");
	// clang-format off
	opts.add_options()
		("help,h", "this help")
		("csv", po::value<std::string>(), "a sweep's CSV file")
		("run", po::value<std::string>(), "the run id to replay (e.g. r000042)")
		("all", "replay every row (in parallel) and report the ones that differ")
		("json", po::value<std::string>(), "with --run: also write the replay's JSON report here")
		("jobs,j", po::value<unsigned>(), "with --all: runs at a time (default: one per core)")
		("timeout-s", po::value<double>()->default_value(600), "host-time limit of one run, in seconds");
	// clang-format on
	po::positional_options_description pos;
	pos.add("csv", 1);
	auto vm = parse(argc, argv, opts, pos);
	if (vm.count("help")) {
		std::cout << opts << R"(
Runs the row's replay command again and prints its console output, byte for byte what the sweep's
run printed; then compares the sha256 of the console output and of the JSON report (host timings
removed) with the row's. exit 0 identical, 1 different, 2 bad usage.
)";
		return kExitOk;
	}
	if (!vm.count("csv"))
		throw UsageError("replay: missing RESULTS.csv");
	const bool all = vm.count("all") > 0;
	if (all == (vm.count("run") > 0))
		throw UsageError("replay: give either --run ID or --all");
	return replay_main(vm["csv"].as<std::string>(), vm.count("run") ? vm["run"].as<std::string>() : "", all,
			   jobs_option(vm), timeout_option(vm), vm.count("json") ? vm["json"].as<std::string>() : "");
}

int cmd_merge(int argc, char** argv)
{
	po::options_description opts("stopsim merge --out RESULTS.csv PART.csv... (or .jsonl)");
	opts.add_options()("help,h", "this help")("out,o", po::value<std::string>(), "the joined file")(
		"part", po::value<std::vector<std::string>>(), "the shards' files");
	po::positional_options_description pos;
	pos.add("part", -1);
	auto vm = parse(argc, argv, opts, pos);
	if (vm.count("help")) {
		std::cout << opts << R"(
Joins the CSV files (or, when --out ends in .jsonl, the JSON Lines files) of a sharded sweep into
one, sorted by run id: the same bytes an unsharded run of the sweep writes. Exit 1 when run ids
are missing between the first and the last.
)";
		return kExitOk;
	}
	if (!vm.count("out"))
		throw UsageError("merge: --out FILE is required");
	if (!vm.count("part"))
		throw UsageError("merge: give the part files to join");
	return merge_main(vm["out"].as<std::string>(), vm["part"].as<std::vector<std::string>>());
}

int cmd_summary(int argc, char** argv)
{
	po::options_description opts("stopsim summary RESULTS.csv [--plot FILE.svg]");
	opts.add_options()("help,h", "this help")("csv", po::value<std::string>(), "a sweep's CSV file")(
		"plot", po::value<std::string>(), "draw outcome rate and stop time against the first swept value (.svg or .png)");
	po::positional_options_description pos;
	pos.add("csv", 1);
	auto vm = parse(argc, argv, opts, pos);
	if (vm.count("help")) {
		std::cout << opts << "\nThe table a sweep prints at its end, from its CSV file (for example after merge).\n";
		return kExitOk;
	}
	if (!vm.count("csv"))
		throw UsageError("summary: missing RESULTS.csv");
	return summary_main(vm["csv"].as<std::string>(), vm.count("plot") ? vm["plot"].as<std::string>() : "");
}

int cmd_explore(int argc, char** argv)
{
	po::options_description opts("stopsim explore FILE --vary PATH=FROM:TO [options]");
	// clang-format off
	opts.add_options()
		("help,h", "this help")
		("file", po::value<std::string>(), "scenario file (YAML)")
		("vary", po::value<std::string>(), "PATH=FROM:TO: the timing parameter to search (a _cycles, _us or _ms key)")
		("resolution", po::value<uint64_t>()->default_value(1), "narrow each boundary to this many cycles")
		("samples", po::value<unsigned>()->default_value(65), "evenly spaced runs of the first look, ends included")
		("set", po::value<std::vector<std::string>>()->composing(), "PATH=VALUE held fixed (repeatable)")
		("seed", po::value<uint64_t>(), "seed (default: the scenario's)")
		("jobs,j", po::value<unsigned>(), "runs at a time (default: one per core)")
		("timeout-s", po::value<double>()->default_value(600), "host-time limit of one run, in seconds")
		("json", po::value<std::string>(), "write the windows as JSON ('-': only that, to stdout)")
		("exec", "start every run as a fresh process image (exec) rather than a fork: slower, same results")
		("quiet,q", "no progress lines");
	// clang-format on
	po::positional_options_description pos;
	pos.add("file", 1);
	auto vm = parse(argc, argv, opts, pos);
	if (vm.count("help")) {
		std::cout << opts << R"(
Runs FILE at --samples evenly spaced values of PATH, then bisects every interval whose two ends
differ in signature (the outcome, the rung that stopped each CPU, each invariant's ok) until the
ends are at most --resolution cycles apart. A _us/_ms key moves on a grid of whole cycles of the
platform clock. Prints each window of values with one signature, each boundary as the last value
of one window and the first of the next, and a replay command for every edge. A window narrower
than the first look's spacing, with the same signature on both sides, can be missed: raise
--samples or narrow FROM:TO. exit 0, 1 when a run ended in error or timeout, 2 bad usage.
)";
		return kExitOk;
	}
	if (!vm.count("file"))
		throw UsageError("explore: missing scenario FILE");
	if (!vm.count("vary"))
		throw UsageError("explore: --vary PATH=FROM:TO is required");
	ExploreOptions o;
	o.file = vm["file"].as<std::string>();
	o.vary = vm["vary"].as<std::string>();
	if (vm.count("set"))
		o.sets = vm["set"].as<std::vector<std::string>>();
	if (vm.count("seed"))
		o.seed = vm["seed"].as<uint64_t>();
	o.resolution = vm["resolution"].as<uint64_t>();
	o.samples = vm["samples"].as<unsigned>();
	o.jobs = jobs_option(vm);
	o.timeout_s = timeout_option(vm);
	if (vm.count("json"))
		o.json_out = vm["json"].as<std::string>();
	o.quiet = vm.count("quiet") > 0;
	o.exec = vm.count("exec") > 0;
	return explore_main(o);
}

int cmd_keys(int argc, char** argv)
{
	po::options_description opts("stopsim keys [SECTION] [--markdown]");
	opts.add_options()("help,h", "this help")("section", po::value<std::string>(),
						  "only this section (top, platform, kernel.timeouts, ...)")(
		"markdown", "the section's table as docs/scenario-format.md has it");
	po::positional_options_description pos;
	pos.add("section", 1);
	auto vm = parse(argc, argv, opts, pos);
	if (vm.count("help")) {
		std::cout << opts << R"(
Every key of the scenario file's mapping sections, from the schema the loader checks them with:
its path, type, default, range or choices and the architecture it applies to. Each path can be
given to --set (sweep, explore, run), whether the file gives the key or leaves it to its default.
)";
		return kExitOk;
	}
	const std::vector<std::string> all = schema::sections();
	std::vector<std::string> secs = all;
	if (vm.count("section")) {
		std::string want = vm["section"].as<std::string>();
		if (want == "top")
			want.clear();
		if (std::find(all.begin(), all.end(), want) == all.end()) {
			std::string list;
			for (const auto& s : all)
				list += (list.empty() ? "" : ", ") + (s.empty() ? std::string("top") : s);
			throw UsageError("keys: no section '" + want + "' (sections: " + list + ")");
		}
		secs = {want};
	}
	if (vm.count("markdown")) {
		for (const auto& sec : secs)
			std::cout << (secs.size() > 1 ? "\n" + (sec.empty() ? std::string("top") : sec) + "\n\n" : "")
				  << schema::markdown_table(sec);
		return kExitOk;
	}
	for (const auto& sec : secs)
		for (const schema::Row* r : schema::section_rows(sec)) {
			if (r->type == schema::Type::mapping || r->type == schema::Type::list)
				continue;
			std::string range = r->range_text();
			std::cout << r->path() << "  " << r->type_text() << "  default " << r->def
				  << (range.empty() ? "" : "  " + range) << (r->arch.empty() ? "" : "  (" + r->arch + ")") << "\n";
		}
	return kExitOk;
}

/// A sweep worker forked without exec runs its command here, with the handling main.cpp gives a
/// fresh process.
int run_in_place(const std::vector<std::string>& args)
{
	std::vector<std::string> words = args;
	std::vector<char*> argv;
	for (auto& w : words)
		argv.push_back(w.data());
	argv.push_back(nullptr);
	try {
		return cli_main(int(words.size()), argv.data());
	} catch (const InternalError& e) {
		std::cerr << "stopsim: " << e.what() << "\n";
		return kExitInternal;
	} catch (const std::exception& e) {
		std::cerr << "stopsim: internal error: " << e.what() << "\n";
		return kExitInternal;
	}
}

} // namespace

int cli_main(int argc, char** argv)
{
	set_in_process_runner(&run_in_place);
	if (argc < 2) {
		std::cerr << kUsage;
		return kExitUsage;
	}
	const std::string cmd = argv[1];
	try {
		if (cmd == "--help" || cmd == "-h" || cmd == "help") {
			std::cout << kUsage;
			return kExitOk;
		}
		if (cmd == "--version") {
			std::cout << "stopsim " << STOPSIM_VERSION << "\n";
			return kExitOk;
		}
		if (cmd == "run")
			return cmd_run(argc - 1, argv + 1);
		if (cmd == "validate")
			return cmd_validate(argc - 1, argv + 1);
		if (cmd == "list")
			return cmd_list(argc - 1, argv + 1);
		if (cmd == "sweep")
			return cmd_sweep(argc - 1, argv + 1);
		if (cmd == "replay")
			return cmd_replay(argc - 1, argv + 1);
		if (cmd == "merge")
			return cmd_merge(argc - 1, argv + 1);
		if (cmd == "summary")
			return cmd_summary(argc - 1, argv + 1);
		if (cmd == "explore")
			return cmd_explore(argc - 1, argv + 1);
		if (cmd == "keys")
			return cmd_keys(argc - 1, argv + 1);
		std::cerr << "stopsim: unknown command '" << cmd << "'\n" << kUsage;
		return kExitUsage;
	} catch (const UsageError& e) {
		std::cerr << "stopsim: " << e.what() << "\n";
		return kExitUsage;
	}
}

} // namespace stopsim
