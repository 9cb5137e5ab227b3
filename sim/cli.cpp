// SPDX-License-Identifier: Apache-2.0
#include "sim/cli.hpp"
#include "kl/variant.hpp"
#include "sim/engine.hpp"
#include "sim/report.hpp"
#include "sim/scenario.hpp"

#include <boost/program_options.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace stopsim {

namespace {

const char* kUsage = R"(usage: stopsim <command> [options]

commands:
  run FILE        simulate one scenario and check its expectations
  validate FILE.. check scenario files without running them
  list            the kernel variants and the scenario library
  --version       print the version

'stopsim <command> --help' describes a command's options.
exit codes: 0 ok, 1 an expectation failed, 2 bad usage or scenario, 3 internal error
)";

struct UsageError : std::runtime_error {
	using std::runtime_error::runtime_error;
};

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

int cmd_run(int argc, char** argv)
{
	po::options_description opts("stopsim run FILE [options]");
	// clang-format off
	opts.add_options()
		("help,h", "this help")
		("file", po::value<std::string>(), "scenario file (YAML)")
		("seed", po::value<uint64_t>(), "seed for every random choice (default: the scenario's)")
		("json", po::value<std::string>(), "write the JSON report to this file ('-' for stdout)")
		("trace", po::value<std::string>(), "write a Perfetto/Chrome trace-event JSON file")
		("quiet,q", "print nothing; the exit code and --json carry the result");
	// clang-format on
	po::positional_options_description pos;
	pos.add("file", 1);
	auto vm = parse(argc, argv, opts, pos);
	if (vm.count("help")) {
		std::cout << opts << "\nRuns one scenario from t=0 to its end (or the simulated-time limit), prints the\n"
				     "kernel's console lines with simulated timestamps, the outcome and a per-CPU table.\n";
		return kExitOk;
	}
	if (!vm.count("file"))
		throw UsageError("run: missing scenario FILE");
	Scenario sc;
	if (!load_or_report(vm["file"].as<std::string>(), sc))
		return kExitUsage;
	const uint64_t seed = vm.count("seed") ? vm["seed"].as<uint64_t>() : sc.seed;
	RunOptions ro;
	ro.collect_trace = vm.count("trace") > 0;
	RunResult r = run_scenario(sc, seed, ro);
	const bool quiet = vm.count("quiet") > 0;
	const std::string json_out = vm.count("json") ? vm["json"].as<std::string>() : "";
	if (!quiet && json_out != "-")
		write_console(std::cout, r);
	if (!json_out.empty()) {
		const std::string text = report_json(r).dump(2) + "\n";
		if (json_out == "-") {
			std::cout << text;
		} else {
			std::ofstream f(json_out);
			if (!(f << text))
				throw UsageError("cannot write " + json_out);
		}
	}
	if (vm.count("trace")) {
		std::ofstream f(vm["trace"].as<std::string>());
		if (!(f << trace_json(r).dump() << "\n"))
			throw UsageError("cannot write " + vm["trace"].as<std::string>());
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
						  "scenario library folder");
	po::positional_options_description pos;
	auto vm = parse(argc, argv, opts, pos);
	if (vm.count("help")) {
		std::cout << opts << "\nLists the kernel variants this build simulates and the scenarios in the library.\n";
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

} // namespace

int cli_main(int argc, char** argv)
{
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
		std::cerr << "stopsim: unknown command '" << cmd << "'\n" << kUsage;
		return kExitUsage;
	} catch (const UsageError& e) {
		std::cerr << "stopsim: " << e.what() << "\n";
		return kExitUsage;
	}
}

} // namespace stopsim
