// SPDX-License-Identifier: Apache-2.0
#include "sim/batch.hpp"
#include "sim/sha256.hpp"
#include "sim/units.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <stdexcept>

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace stopsim {

namespace {

using HostClock = std::chrono::steady_clock;

constexpr int kInternalExit = 3;
int g_wake[2] = {-1, -1};                 // self-pipe: SIGCHLD, SIGINT, SIGTERM wake the loop
volatile sig_atomic_t g_interrupted = 0;

void on_signal(int sig)
{
	const int saved = errno;
	if (sig == SIGINT || sig == SIGTERM)
		g_interrupted = sig;
	if (g_wake[1] >= 0) {
		const char c = 0;
		ssize_t n = write(g_wake[1], &c, 1);
		(void)n;
	}
	errno = saved;
}

std::string read_file(const std::string& path)
{
	std::ifstream in(path, std::ios::binary);
	std::ostringstream ss;
	ss << in.rdbuf();
	return ss.str();
}

const char* signal_name(int sig)
{
	switch (sig) {
	case SIGABRT:
		return "SIGABRT";
	case SIGSEGV:
		return "SIGSEGV";
	case SIGBUS:
		return "SIGBUS";
	case SIGFPE:
		return "SIGFPE";
	case SIGILL:
		return "SIGILL";
	case SIGKILL:
		return "SIGKILL";
	case SIGTERM:
		return "SIGTERM";
	case SIGINT:
		return "SIGINT";
	default:
		return nullptr;
	}
}

std::string signal_text(int sig)
{
	const char* n = signal_name(sig);
	return n ? n : "signal " + std::to_string(sig);
}

/// ns as a double in the report -> ps (exact: the report's ns come from whole ps below 2^53).
Ps ps_of(const nlohmann::json& ns) { return Ps(std::llround(ns.get<double>() * 1000.0)); }

} // namespace

// ---- worker processes ----------------------------------------------------------------------------

unsigned default_jobs()
{
	cpu_set_t set;
	CPU_ZERO(&set);
	if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0)
		return unsigned(CPU_COUNT(&set));
	const long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n > 0 ? unsigned(n) : 1;
}

namespace {
InProcessRunner g_runner = nullptr;
}

void set_in_process_runner(InProcessRunner runner) { g_runner = runner; }

WorkerPool::WorkerPool(unsigned jobs, double timeout_s, bool fresh_exec)
    : m_jobs(std::max(1u, jobs)), m_timeout_s(timeout_s), m_exec(fresh_exec || !g_runner)
{
	const char* tmp = std::getenv("TMPDIR");
	std::string templ = std::string(tmp && *tmp ? tmp : "/tmp") + "/stopsim-runs.XXXXXX";
	std::vector<char> buf(templ.begin(), templ.end());
	buf.push_back('\0');
	if (!mkdtemp(buf.data()))
		throw std::runtime_error("cannot create a temporary folder under " + templ + ": " + std::strerror(errno));
	m_dir = buf.data();
}

WorkerPool::~WorkerPool()
{
	// Only our own files: <id>.out/.err/.json that a killed run may have left.
	if (DIR* d = opendir(m_dir.c_str())) {
		while (struct dirent* e = readdir(d))
			if (e->d_name[0] != '.')
				unlink((m_dir + "/" + e->d_name).c_str());
		closedir(d);
	}
	rmdir(m_dir.c_str());
}

bool WorkerPool::run(const std::vector<Task>& tasks, const std::function<void(TaskResult&)>& done,
		     const std::function<void()>& tick)
{
	return run(tasks.size(), [&tasks](size_t i) { return tasks[i]; }, done, tick);
}

bool WorkerPool::run(size_t count, const std::function<Task(size_t)>& task_at,
		     const std::function<void(TaskResult&)>& done, const std::function<void()>& tick)
{
	struct Running {
		size_t index;
		Task task;
		HostClock::time_point start;
		bool killed = false;
	};
	if (g_wake[0] < 0) {
		if (pipe2(g_wake, O_CLOEXEC | O_NONBLOCK) != 0)
			throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
	}
	struct sigaction sa {};
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART | SA_NOCLDSTOP;
	struct sigaction old_chld, old_int, old_term;
	sigaction(SIGCHLD, &sa, &old_chld);
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	g_interrupted = 0;

	// Everything the child needs is built before fork: after it, only async-signal-safe calls.
	std::vector<std::string> env_keep;
	for (char** e = environ; *e; e++)
		if (std::strncmp(*e, "STOPSIM_RUN_ID=", 15) != 0)
			env_keep.push_back(*e);
	const pid_t parent = getpid();

	std::map<pid_t, Running> running;
	size_t next = 0;
	const auto paths = [this](const std::string& id) {
		return std::array<std::string, 3>{m_dir + "/" + id + ".out", m_dir + "/" + id + ".err",
						  m_dir + "/" + id + ".json"};
	};
	auto spawn = [&](size_t i) {
		Task t = task_at(i);
		const auto p = paths(t.id);
		std::vector<std::string> args{"stopsim"};
		args.insert(args.end(), t.args.begin(), t.args.end());
		args.push_back("--json");
		args.push_back(p[2]);
		std::vector<char*> argv;
		for (auto& a : args)
			argv.push_back(a.data());
		argv.push_back(nullptr);
		std::vector<std::string> env = env_keep;
		env.push_back("STOPSIM_RUN_ID=" + t.id);
		std::vector<char*> envp;
		for (auto& e : env)
			envp.push_back(e.data());
		envp.push_back(nullptr);
		unlink(p[2].c_str());
		const int out = open(p[0].c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		const int err = open(p[1].c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		const int in = open("/dev/null", O_RDONLY | O_CLOEXEC);
		if (out < 0 || err < 0 || in < 0)
			throw std::runtime_error("cannot create output files in " + m_dir + ": " + std::strerror(errno));
		std::cout.flush(); // nothing buffered may be written twice
		std::cerr.flush();
		std::fflush(nullptr);
		const pid_t pid = fork();
		if (pid < 0)
			throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
		if (pid == 0) {
			prctl(PR_SET_PDEATHSIG, SIGKILL); // never outlive the sweep
			if (getppid() != parent)
				_exit(127);
			signal(SIGINT, SIG_DFL);
			signal(SIGTERM, SIG_DFL);
			signal(SIGCHLD, SIG_DFL);
			close(g_wake[0]);
			close(g_wake[1]);
			dup2(in, 0);
			dup2(out, 1);
			dup2(err, 2);
			if (!m_exec) {
				// The parent is single-threaded and has not elaborated SystemC: this child is in the
				// state a fresh 'stopsim run' reaches at the same point, minus the loader's work.
				setenv("STOPSIM_RUN_ID", t.id.c_str(), 1);
				int rc = kInternalExit;
				try {
					rc = g_runner(args);
				} catch (const std::exception& e) {
					std::cerr << "stopsim: internal error: " << e.what() << "\n";
				} catch (...) {
				}
				std::cout.flush();
				std::cerr.flush();
				std::fflush(nullptr);
				_exit(rc);
			}
			execve("/proc/self/exe", argv.data(), envp.data());
			const char msg[] = "stopsim: worker: cannot execute /proc/self/exe\n";
			ssize_t n = write(2, msg, sizeof msg - 1);
			(void)n;
			_exit(127);
		}
		close(out);
		close(err);
		close(in);
		running[pid] = Running{i, std::move(t), HostClock::now()};
	};
	auto finish = [&](pid_t pid, int status) {
		auto it = running.find(pid);
		if (it == running.end())
			return;
		const Running r = std::move(it->second);
		running.erase(it);
		const Task& t = r.task;
		const auto p = paths(t.id);
		TaskResult res;
		res.id = t.id;
		res.index = r.index;
		res.timed_out = r.killed;
		res.host_s = std::chrono::duration<double>(HostClock::now() - r.start).count();
		if (WIFEXITED(status))
			res.exit_code = WEXITSTATUS(status);
		else if (WIFSIGNALED(status))
			res.signal = WTERMSIG(status);
		res.out = read_file(p[0]);
		res.err = read_file(p[1]);
		struct stat st;
		if (stat(p[2].c_str(), &st) == 0)
			res.json = read_file(p[2]);
		for (const auto& f : p)
			unlink(f.c_str());
		done(res);
	};

	bool interrupted = false;
	auto last_tick = HostClock::now();
	while (next < count || !running.empty()) {
		if (g_interrupted) {
			interrupted = true;
			break;
		}
		while (running.size() < m_jobs && next < count)
			spawn(next++);
		// Sleep until a child ends, a signal arrives, the next deadline or the next tick.
		auto now = HostClock::now();
		int wait_ms = 100;
		for (const auto& [pid, r] : running) {
			const auto deadline = r.start + std::chrono::duration<double>(m_timeout_s);
			const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now).count();
			wait_ms = int(std::max<long long>(0, std::min<long long>(wait_ms, left + 1)));
		}
		struct pollfd pfd {
			g_wake[0], POLLIN, 0
		};
		if (poll(&pfd, 1, wait_ms) > 0) {
			char buf[256];
			while (read(g_wake[0], buf, sizeof buf) > 0) {
			}
		}
		int status = 0;
		pid_t pid;
		while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
			finish(pid, status);
		now = HostClock::now();
		for (auto& [pid, r] : running) {
			if (!r.killed && now - r.start >= std::chrono::duration<double>(m_timeout_s)) {
				kill(pid, SIGKILL);
				r.killed = true;
			}
		}
		if (tick && now - last_tick >= std::chrono::milliseconds(100)) {
			tick();
			last_tick = now;
		}
	}
	if (interrupted) {
		for (const auto& [pid, r] : running)
			kill(pid, SIGKILL);
		for (const auto& [pid, r] : running) {
			int status;
			waitpid(pid, &status, 0);
		}
		running.clear();
	}
	sigaction(SIGCHLD, &old_chld, nullptr);
	sigaction(SIGINT, &old_int, nullptr);
	sigaction(SIGTERM, &old_term, nullptr);
	return !interrupted;
}

// ---- one run's record ------------------------------------------------------------------------------

std::string RunRecord::stopped_by() const
{
	std::string out;
	for (size_t i = 0; i < stopped.size();) {
		size_t j = i;
		while (j + 1 < stopped.size() && stopped[j + 1] == stopped[i])
			j++;
		out += (out.empty() ? "" : ";") + std::to_string(i) + (j > i ? "-" + std::to_string(j) : "") + "=" +
		       stopped[i];
		i = j + 1;
	}
	return out;
}

std::string RunRecord::invariant_failures() const
{
	std::string out;
	for (const auto& [name, ok] : invariants)
		if (!ok)
			out += (out.empty() ? "" : ";") + name;
	return out;
}

std::string RunRecord::signature() const
{
	std::string s = outcome + "|" + stopped_by() + "|";
	for (const auto& [name, ok] : invariants)
		s += name + (ok ? "=ok;" : "=violated;");
	return s;
}

std::string RunRecord::describe() const
{
	if (!ok())
		return outcome + ": " + error;
	const std::string inv = invariant_failures();
	return "outcome " + outcome + "; stopped_by " + stopped_by() + "; " +
	       (inv.empty() ? std::string("invariants ok") : "violated: " + inv);
}

std::string normalised_report_text(nlohmann::json& report)
{
	if (report.contains("stats") && report["stats"].is_object())
		for (const char* k : {"host_ns", "host_sim_ns", "host_stop_ns"})
			report["stats"].erase(k);
	return report.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

std::string tail_line(const std::string& text, size_t max_chars)
{
	std::string t = text;
	while (!t.empty() && (t.back() == '\n' || t.back() == ' '))
		t.pop_back();
	if (t.size() > max_chars)
		t = "..." + t.substr(t.size() - max_chars);
	std::string out;
	for (unsigned char c : t) {
		if (c == '\n')
			out += " | ";
		else if (c == '\r' || c == '\t')
			out += ' ';
		else if (c < 0x20 || c >= 0x7f) {
			char buf[8];
			std::snprintf(buf, sizeof buf, "\\x%02x", c);
			out += buf;
		} else
			out += char(c);
	}
	return out;
}

RunRecord record_from(TaskResult& r, std::vector<std::string> params, uint64_t seed, std::string replay,
		      double timeout_s)
{
	RunRecord rec;
	rec.id = r.id;
	rec.params = std::move(params);
	rec.seed = seed;
	rec.replay = std::move(replay);
	rec.exit = r.signal ? signal_text(r.signal) : std::to_string(r.exit_code);
	rec.console_sha = sha256_hex(r.out);
	auto fail = [&](const std::string& outcome, const std::string& what) {
		rec.outcome = outcome;
		const std::string tail = tail_line(r.err);
		rec.error = what + (tail.empty() ? "" : "; stderr: " + tail);
		rec.report = nullptr;
		rec.report_sha.clear();
	};
	if (r.timed_out) {
		char buf[64];
		std::snprintf(buf, sizeof buf, "%g", timeout_s);
		fail("timeout", std::string("no result within the host-time limit of ") + buf + " s (killed)");
		rec.exit = "";
		rec.console_sha.clear(); // how far it got is the host's doing, not the run's
		return rec;
	}
	if (r.signal) {
		fail("error", "killed by " + signal_text(r.signal));
		return rec;
	}
	if (r.exit_code != 0 && r.exit_code != 1) {
		fail("error", r.exit_code == 2   ? "exit 2 (bad usage or scenario)"
			      : r.exit_code == 3 ? "exit 3 (internal error)"
						 : "exit " + std::to_string(r.exit_code));
		return rec;
	}
	if (!r.json) {
		fail("error", "exit " + std::to_string(r.exit_code) + " without a JSON report");
		return rec;
	}
	try {
		nlohmann::json j = nlohmann::json::parse(*r.json);
		rec.report_sha = sha256_hex(normalised_report_text(j));
		rec.outcome = j.at("outcome").get<std::string>();
		const auto& stop = j.at("stop");
		if (!stop.at("duration_ns").is_null())
			rec.stop_us = decimal_ps(ps_of(stop["duration_ns"]), kPsPerUs);
		for (const auto& g : j.at("rungs")) {
			rec.rungs += (rec.rungs.empty() ? "" : ";") + g.at("name").get<std::string>() + "@" +
				     (g.at("ended_ns").is_null() ? std::string("never") : decimal_ps(ps_of(g["ended_ns"]), kPsPerUs)) +
				     (g.at("timed_out").get<bool>() ? "(timed_out)" : "");
		}
		for (const auto& c : j.at("cpus_left_online"))
			rec.left_online += (rec.left_online.empty() ? "" : ";") + std::to_string(c.get<unsigned>());
		for (const auto& c : j.at("cpu_states"))
			rec.stopped.push_back(c.at("stopped_by").is_null() ? "-" : c["stopped_by"].get<std::string>());
		for (const auto& iv : j.at("invariants"))
			rec.invariants.emplace_back(iv.at("name").get<std::string>(), iv.at("ok").get<bool>());
		size_t held = 0, total = 0;
		for (const auto& e : j.at("expectations")) {
			total++;
			held += e.at("ok").get<bool>();
		}
		rec.expectations = std::to_string(held) + "/" + std::to_string(total);
		rec.report = std::move(j);
	} catch (const nlohmann::json::exception& e) {
		fail("error", std::string("unreadable JSON report: ") + e.what());
	}
	return rec;
}

std::vector<std::string> run_args(const std::string& file, const std::vector<Override>& sets, uint64_t seed)
{
	std::vector<std::string> a{"run", file};
	for (const auto& o : sets) {
		a.push_back("--set");
		a.push_back(o.arg());
	}
	a.push_back("--seed");
	a.push_back(std::to_string(seed));
	return a;
}

std::string replay_command(const std::string& file, const std::vector<Override>& sets, uint64_t seed)
{
	std::string cmd = "stopsim";
	for (const auto& a : run_args(file, sets, seed))
		cmd += " " + shell_quote(a);
	return cmd;
}

// ---- CSV ---------------------------------------------------------------------------------------

std::string csv_line(const std::vector<std::string>& fields)
{
	std::string out;
	for (size_t i = 0; i < fields.size(); i++) {
		const std::string& f = fields[i];
		if (i)
			out += ',';
		const bool quote = f.find_first_of(",\"") != std::string::npos ||
				   (!f.empty() && (f.front() == ' ' || f.back() == ' '));
		if (!quote) {
			out += f;
			continue;
		}
		out += '"';
		for (char c : f) {
			if (c == '"')
				out += '"';
			out += c;
		}
		out += '"';
	}
	for (char& c : out)
		if (c == '\n' || c == '\r')
			c = ' ';
	return out + "\n";
}

std::optional<std::vector<std::string>> csv_split(const std::string& line)
{
	std::vector<std::string> out;
	std::string cur;
	size_t i = 0;
	while (true) {
		cur.clear();
		if (i < line.size() && line[i] == '"') {
			i++;
			while (true) {
				if (i >= line.size())
					return std::nullopt;
				if (line[i] == '"') {
					if (i + 1 < line.size() && line[i + 1] == '"') {
						cur += '"';
						i += 2;
						continue;
					}
					i++;
					break;
				}
				cur += line[i++];
			}
			if (i < line.size() && line[i] != ',')
				return std::nullopt;
		} else {
			while (i < line.size() && line[i] != ',') {
				if (line[i] == '"')
					return std::nullopt;
				cur += line[i++];
			}
		}
		out.push_back(cur);
		if (i >= line.size())
			break;
		i++; // the comma
	}
	return out;
}

std::optional<CsvFile> read_csv(const std::string& path)
{
	std::ifstream in(path, std::ios::binary);
	if (!in)
		return std::nullopt;
	std::ostringstream ss;
	ss << in.rdbuf();
	const std::string text = ss.str();
	CsvFile f;
	size_t pos = 0, line_no = 0;
	while (pos < text.size()) {
		const size_t nl = text.find('\n', pos);
		if (nl == std::string::npos) {
			f.torn = true;
			break;
		}
		line_no++;
		const std::string line = text.substr(pos, nl - pos);
		pos = nl + 1;
		auto fields = csv_split(line);
		if (!fields || (!f.header.empty() && fields->size() != f.header.size())) {
			if (!f.bad_line)
				f.bad_line = line_no;
			continue;
		}
		f.good_bytes = pos;
		if (f.header.empty())
			f.header = *fields;
		else
			f.rows.push_back(*fields);
	}
	return f;
}

void write_atomically(const std::string& path, const std::string& text)
{
	const std::string tmp = path + ".tmp";
	{
		std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
		if (!(out << text) || !out.flush())
			throw std::runtime_error("cannot write " + tmp);
	}
	if (std::rename(tmp.c_str(), path.c_str()) != 0)
		throw std::runtime_error("cannot rename " + tmp + " to " + path + ": " + std::strerror(errno));
}

std::optional<uint64_t> run_number(const std::string& id)
{
	if (id.size() < 2 || id[0] != 'r' || id.size() > 21)
		return std::nullopt;
	uint64_t v = 0;
	for (size_t i = 1; i < id.size(); i++) {
		if (id[i] < '0' || id[i] > '9')
			return std::nullopt;
		v = v * 10 + uint64_t(id[i] - '0');
	}
	return v;
}

} // namespace stopsim
