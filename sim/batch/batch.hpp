// SPDX-License-Identifier: Apache-2.0
// What sweep, replay and explore share: worker processes (fork/exec of this binary, one run each,
// with a host-time limit and captured output), the record of one run, and our CSV files.
#pragma once
#include "sim/scenario/overrides.hpp"

#include <nlohmann/json.hpp>

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace stopsim {

// ---- worker processes ----------------------------------------------------------------------------

/// One run to make: `stopsim ARGS --json TMP` in a process of its own.
struct Task {
	std::string id;                ///< run id, also given to the worker as STOPSIM_RUN_ID
	std::vector<std::string> args; ///< after the program name, e.g. run FILE --set P=V --seed N
};

struct TaskResult {
	std::string id;
	size_t index = 0;          ///< position in the task list
	bool timed_out = false;    ///< killed at the host-time limit
	int exit_code = -1;        ///< when it exited
	int signal = 0;            ///< when a signal ended it
	std::string out, err;      ///< everything it wrote to stdout and stderr
	std::optional<std::string> json; ///< the --json file, when it wrote one
	double host_s = 0;
	/// Set when the run failed for a reason of this host, not of the run (its output could not be
	/// written, the worker could not be started, it was killed from outside): an `error` row whose
	/// message starts with "host: ", which `sweep --resume` makes again.
	std::string host_error;
};

/// The exit code of a sweep worker whose own output (console, JSON report) could not be written.
/// Its stderr may be on the same full disk, so the code alone carries the news to the sweep.
constexpr int kExitWorkerOutput = 125;
/// What `stopsim run` exits with when it cannot write its console output or JSON report:
/// kExitWorkerOutput in a sweep worker (STOPSIM_RUN_ID set), 2 otherwise.
int output_failure_exit();
/// Error messages of rows that `sweep --resume` runs again start with this.
constexpr const char* kHostErrorPrefix = "host: ";

/// Processors this process may run on (its affinity mask), at least 1.
unsigned default_jobs();

/// Runs `stopsim ARGS...` inside the calling process and returns its exit code (the CLI registers
/// this). A worker forked without exec calls it: the child skips the dynamic loader and the
/// libraries' static initialisers, which cost more than a whole canonical run.
using InProcessRunner = int (*)(const std::vector<std::string>& argv);
void set_in_process_runner(InProcessRunner runner);

/// Runs tasks `jobs` at a time, each in a process of its own. A crash, a hang or a flood of output in
/// one of them cannot take the caller down: each has a host-time limit, its output goes to private
/// temporary files, and it dies with the caller. The workers are forked by a small launcher process
/// (forked once, at the first run), so the caller's own heap is never copied-on-write per run.
class WorkerPool {
public:
	/// `fresh_exec`: each worker execs /proc/self/exe (a fresh process image, as a user's replay
	/// command gets); otherwise it is forked from this process and runs the command in place (faster;
	/// the same isolation: its own process, host-time limit, output files).
	WorkerPool(unsigned jobs, double timeout_s, bool fresh_exec = false);
	~WorkerPool();
	WorkerPool(const WorkerPool&) = delete;
	WorkerPool& operator=(const WorkerPool&) = delete;
	/// Calls `done` for each task in completion order and `tick` about ten times a second.
	/// Returns false when SIGINT or SIGTERM interrupted it (running children are killed; the
	/// tasks whose `done` was called are complete).
	bool run(const std::vector<Task>& tasks, const std::function<void(TaskResult&)>& done,
		 const std::function<void()>& tick = {});
	/// The same for `count` tasks made on demand (a sweep of millions keeps only the running ones).
	bool run(size_t count, const std::function<Task(size_t)>& task_at, const std::function<void(TaskResult&)>& done,
		 const std::function<void()>& tick = {});

private:
	void start_launcher();
	void stop_launcher();
	std::string m_tmp;   ///< the folder under which m_dir is made (TMPDIR or /tmp)
	unsigned m_jobs;
	double m_timeout_s;
	bool m_exec;
	std::string m_dir;
	int m_launcher = -1; ///< pid of the process that forks the workers
	int m_req = -1, m_rep = -1;
};

// ---- one run's record ------------------------------------------------------------------------------

/// What a sweep row, a replay and an explore sample know about one run.
struct RunRecord {
	std::string id;
	std::vector<std::string> params; ///< swept values, in --set order
	uint64_t seed = 0;
	std::string outcome;   ///< the report's outcome, or error | timeout
	std::string exit;      ///< exit code, or the signal's name
	std::string stop_us;   ///< stop duration (exact decimal us), empty if it never returned
	std::string rungs;     ///< name@ended_us per rung, "(timed_out)" when it did, ';'-separated
	std::string left_online;           ///< CPUs left online, ';'-separated
	std::vector<std::string> stopped;  ///< per CPU: the rung that stopped it, or "-"
	std::vector<std::pair<std::string, bool>> invariants;
	std::string expectations;          ///< held/total
	std::string console_sha, report_sha;
	std::string error;     ///< for error/timeout: what happened and the tail of stderr
	std::string replay;    ///< the command that reproduces this run alone
	nlohmann::json report; ///< normalised report (null for error/timeout)
	bool ok() const { return outcome != "error" && outcome != "timeout"; }
	/// "1=irq;2=pseudo_nmi;3=irq" with runs of equal CPUs folded ("1-3=irq").
	std::string stopped_by() const;
	/// Names of the invariants that failed, ';'-separated.
	std::string invariant_failures() const;
	/// The signature explore bisects on: outcome, stopped_by per CPU, each invariant's ok.
	std::string signature() const;
	/// One-line description of the signature for people.
	std::string describe() const;
};

/// The report text with the host timings (stats.host_ns, host_sim_ns, host_stop_ns) removed: the
/// part of a report that is a pure function of (scenario, seed).
std::string normalised_report_text(nlohmann::json& report);

/// Fill a record from a finished task. `params`, `seed` and `replay` are the caller's.
RunRecord record_from(TaskResult& r, std::vector<std::string> params, uint64_t seed, std::string replay,
		      double timeout_s);

/// The replay command of a run: "stopsim run FILE --set P=V ... --seed N", shell-quoted.
std::string replay_command(const std::string& file, const std::vector<Override>& sets, uint64_t seed);
/// The worker arguments for the same run.
std::vector<std::string> run_args(const std::string& file, const std::vector<Override>& sets, uint64_t seed);

// ---- CSV ---------------------------------------------------------------------------------------

/// Fields joined with commas, quoted when needed, ending in '\n'. Fields never hold newlines.
std::string csv_line(const std::vector<std::string>& fields);
/// One line back into fields (without its '\n'); nullopt if malformed.
std::optional<std::vector<std::string>> csv_split(const std::string& line);

struct CsvFile {
	std::vector<std::string> header;
	std::vector<std::vector<std::string>> rows;
	size_t good_bytes = 0;   ///< bytes up to the end of the last complete line
	bool torn = false;       ///< the file ends inside a line (a writer was killed mid-row)
	size_t bad_line = 0;     ///< first malformed complete line (1-based), 0 if none
};
/// Reads a CSV file of ours. nullopt if it cannot be opened.
std::optional<CsvFile> read_csv(const std::string& path);

/// Write `text` to `path` through `path.tmp`, fsync and a rename (all or nothing). On failure the
/// temporary file is removed and a UsageError names the file and the reason (a full disk is the
/// user's to fix, not an internal error).
void write_atomically(const std::string& path, const std::string& text);

// ---- temporary folders ---------------------------------------------------------------------------

/// The name of a worker pool's temporary folder carries its owner: "stopsim-runs.PID-START-BOOT-NS."
/// followed by mkdtemp's six characters, where START is the owner's start time (clock ticks since
/// boot, /proc/PID/stat), BOOT the first 12 hex digits of the boot id and NS its pid namespace.
std::string run_folder_prefix();
/// Removes the folders of that form under `tmp` whose owner is provably gone (same boot and pid
/// namespace, and no process PID with that start time; or another boot) and that belong to this
/// user. Returns how many it removed. Folders it cannot prove dead are left alone.
size_t remove_stale_run_folders(const std::string& tmp);

/// "r000042" -> 42; nullopt if not a run id.
std::optional<uint64_t> run_number(const std::string& id);
/// Printable, single-line form of a process's output tail.
std::string tail_line(const std::string& text, size_t max_chars = 600);

} // namespace stopsim
