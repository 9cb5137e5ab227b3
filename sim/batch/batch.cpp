// SPDX-License-Identifier: Apache-2.0
#include "sim/batch/batch.hpp"
#include "stopsim/exit_codes.hpp"
#include "stopsim/sha256.hpp"
#include "sim/scenario/units.hpp"

#include <algorithm>
#include <array>
#include <cctype>
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
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <unistd.h>

namespace stopsim {

namespace {

using HostClock = std::chrono::steady_clock;

constexpr int kInternalExit = 3;
int g_wake[2] = {-1, -1};                 // self-pipe: SIGINT, SIGTERM (parent) or SIGCHLD (launcher)
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

void drain(int fd)
{
	char buf[256];
	while (read(fd, buf, sizeof buf) > 0) {
	}
}

bool write_all(int fd, const void* data, size_t n)
{
	const char* p = static_cast<const char*>(data);
	while (n > 0) {
		const ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return false;
		p += w;
		n -= size_t(w);
	}
	return true;
}

bool read_all(int fd, void* data, size_t n)
{
	char* p = static_cast<char*>(data);
	while (n > 0) {
		const ssize_t r = read(fd, p, n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return false;
		p += r;
		n -= size_t(r);
	}
	return true;
}

// ---- the launcher ---------------------------------------------------------------------------------
// Workers are forked by a small process of their own, itself forked once per pool: forking from the
// sweep, whose heap is warm from parsing reports, would make every fork copy-on-write-fault that heap
// back in (measured: ~5 ms of the sweep's time per run). The launcher keeps the workers' time limits.
//
// parent -> launcher: u32 length, then u64 index and the strings id, out, err, argv... (u32 length
// and bytes each). launcher -> parent: one Report per worker that ended.

struct Request {
	uint64_t index = 0;
	std::string id, out, err, json;
	std::vector<std::string> argv;
};

struct Report {
	uint64_t index;
	int32_t status;  ///< waitpid status
	uint32_t flags;  ///< kKilled, kNoStart
};
constexpr uint32_t kKilled = 1, kNoStart = 2;

void put_str(std::string& buf, const std::string& s)
{
	const uint32_t n = uint32_t(s.size());
	buf.append(reinterpret_cast<const char*>(&n), sizeof n);
	buf += s;
}

bool get_str(const std::string& buf, size_t& pos, std::string& out)
{
	uint32_t n;
	if (pos + sizeof n > buf.size())
		return false;
	std::memcpy(&n, buf.data() + pos, sizeof n);
	pos += sizeof n;
	if (pos + n > buf.size())
		return false;
	out.assign(buf, pos, n);
	pos += n;
	return true;
}

std::string encode(const Request& r)
{
	std::string body;
	body.append(reinterpret_cast<const char*>(&r.index), sizeof r.index);
	put_str(body, r.id);
	put_str(body, r.out);
	put_str(body, r.err);
	put_str(body, r.json);
	for (const auto& a : r.argv)
		put_str(body, a);
	const uint32_t n = uint32_t(body.size());
	return std::string(reinterpret_cast<const char*>(&n), sizeof n) + body;
}

bool decode(const std::string& body, Request& r)
{
	if (body.size() < sizeof r.index)
		return false;
	std::memcpy(&r.index, body.data(), sizeof r.index);
	size_t pos = sizeof r.index;
	if (!get_str(body, pos, r.id) || !get_str(body, pos, r.out) || !get_str(body, pos, r.err) ||
	    !get_str(body, pos, r.json))
		return false;
	r.argv.clear();
	std::string a;
	while (pos < body.size()) {
		if (!get_str(body, pos, a))
			return false;
		r.argv.push_back(a);
	}
	return !r.argv.empty();
}

InProcessRunner g_runner = nullptr;

[[noreturn]] void worker_main(const Request& r, bool exec, pid_t launcher, const int* close_fds, size_t n_close)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL); // never outlive the launcher, hence the sweep
	if (getppid() != launcher)
		_exit(127);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	signal(SIGPIPE, SIG_DFL); // the launcher ignores these two; a run gets what a shell gives it
	signal(SIGCHLD, SIG_DFL);
	signal(SIGUSR1, SIG_DFL);
	for (size_t i = 0; i < n_close; i++)
		close(close_fds[i]);
	unlink(r.json.c_str());
	const int in = open("/dev/null", O_RDONLY);
	const int out = open(r.out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
	const int err = open(r.err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (in < 0 || out < 0 || err < 0)
		_exit(126);
	dup2(in, 0);
	dup2(out, 1);
	dup2(err, 2);
	close(in);
	close(out);
	close(err);
	setenv("STOPSIM_RUN_ID", r.id.c_str(), 1);
	if (exec) {
		std::vector<char*> argv;
		for (const auto& a : r.argv)
			argv.push_back(const_cast<char*>(a.c_str()));
		argv.push_back(nullptr);
		execv("/proc/self/exe", argv.data());
		const char msg[] = "stopsim: worker: cannot execute /proc/self/exe\n";
		ssize_t n = write(2, msg, sizeof msg - 1);
		(void)n;
		_exit(127);
	}
	// The sweep is single-threaded and has not elaborated SystemC: this process is in the state a
	// fresh 'stopsim run' reaches at the same point, without the loader's and initialisers' work.
	// The sweep's own stream state is not the run's: start clean, then check every byte reached
	// the file (a full disk fails a write, or the flush of what stdio buffered).
	std::cout.clear();
	std::clearerr(stdout);
	int rc = kInternalExit;
	try {
		rc = g_runner(r.argv);
	} catch (const std::exception& e) {
		std::cerr << "stopsim: internal error: " << e.what() << "\n";
	} catch (...) {
	}
	std::cout.flush();
	bool out_bad = !std::cout;
	out_bad = std::fflush(stdout) != 0 || out_bad;
	out_bad = std::ferror(stdout) || out_bad;
	out_bad = close(1) != 0 || out_bad;
	std::cerr.flush();
	std::fflush(nullptr);
	_exit(out_bad ? kExitWorkerOutput : rc);
}

volatile sig_atomic_t g_orphaned = 0;

void on_parent_death(int)
{
	g_orphaned = 1;
	on_signal(SIGCHLD); // wake the loop
}

void remove_dir(const std::string& dir)
{
	if (DIR* d = opendir(dir.c_str())) {
		while (struct dirent* e = readdir(d))
			if (e->d_name[0] != '.')
				unlink((dir + "/" + e->d_name).c_str());
		closedir(d);
	}
	rmdir(dir.c_str());
}

[[noreturn]] void launcher_main(int req, int rep, double timeout_s, bool exec, pid_t parent, const std::string& dir)
{
	// If the sweep dies (kill -9), the launcher is told, ends the workers and removes the
	// temporary folder the sweep can no longer clean.
	signal(SIGUSR1, on_parent_death);
	prctl(PR_SET_PDEATHSIG, SIGUSR1);
	if (getppid() != parent)
		g_orphaned = 1;
	// Ctrl-C reaches the workers and the sweep directly; the launcher ends when the sweep closes
	// its pipe (or dies).
	signal(SIGINT, SIG_IGN);
	signal(SIGTERM, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	// A report written to a sweep that died must fail with EPIPE, not kill the launcher before it
	// has cleaned up.
	signal(SIGPIPE, SIG_IGN);
	if (g_wake[0] >= 0) {
		close(g_wake[0]);
		close(g_wake[1]);
	}
	if (pipe2(g_wake, O_CLOEXEC | O_NONBLOCK) != 0) {
		remove_dir(dir);
		_exit(1);
	}
	struct sigaction sa {};
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART | SA_NOCLDSTOP;
	sigaction(SIGCHLD, &sa, nullptr);
	const pid_t self = getpid();
	const int close_fds[] = {req, rep, g_wake[0], g_wake[1]};
	struct Child {
		uint64_t index;
		HostClock::time_point start;
		bool killed;
	};
	std::map<pid_t, Child> running;
	// Every way out goes through here: no worker outlives the launcher, and the folder of their
	// output files goes with them (after a kill -9 of the sweep nobody else would remove it).
	const auto leave = [&](int code) {
		for (const auto& [pid, c] : running)
			kill(pid, SIGKILL);
		for (const auto& [pid, c] : running)
			while (waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
			}
		running.clear();
		remove_dir(dir);
		_exit(code);
	};
	bool open = true;
	const auto limit = std::chrono::duration<double>(timeout_s);
	while (open || !running.empty()) {
		if (g_orphaned)
			leave(1);
		int wait_ms = -1;
		const auto now = HostClock::now();
		for (const auto& [pid, c] : running)
			if (!c.killed) {
				const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(c.start + limit - now).count();
				const int ms = int(std::max<long long>(0, std::min<long long>(left + 1, 60000)));
				wait_ms = wait_ms < 0 ? ms : std::min(wait_ms, ms);
			}
		struct pollfd pfd[2] = {{g_wake[0], POLLIN, 0}, {open ? req : -1, POLLIN, 0}};
		if (poll(pfd, 2, wait_ms) < 0 && errno != EINTR)
			leave(1);
		if (open && (pfd[1].revents & (POLLIN | POLLHUP | POLLERR))) {
			uint32_t n;
			std::string body;
			Request r;
			if (!read_all(req, &n, sizeof n)) {
				// End of file: the sweep is done, or gone before its parent-death signal came.
				// Either way nobody reads another report: stop everything and clean up.
				open = false;
				leave(0);
			} else {
				body.resize(n);
				if (!read_all(req, body.data(), n) || !decode(body, r))
					leave(1);
				const pid_t pid = fork();
				if (pid == 0)
					worker_main(r, exec, self, close_fds, 4);
				if (pid < 0) {
					const Report bad{r.index, 0, kNoStart};
					if (!write_all(rep, &bad, sizeof bad))
						leave(1); // the sweep is gone
				} else {
					running[pid] = Child{r.index, HostClock::now(), false};
				}
			}
		}
		drain(g_wake[0]);
		int status;
		pid_t pid;
		while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
			auto it = running.find(pid);
			if (it == running.end())
				continue;
			const Report done{it->second.index, status, it->second.killed ? kKilled : 0};
			running.erase(it);
			if (open && !write_all(rep, &done, sizeof done))
				leave(1); // the sweep is gone
		}
		const auto t = HostClock::now();
		for (auto& [p, c] : running)
			if (!c.killed && t - c.start >= limit) {
				kill(p, SIGKILL);
				c.killed = true;
			}
	}
	leave(0);
	_exit(0); // (leave does not return)
}

} // namespace

namespace {

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

std::string first_line(const std::string& path)
{
	std::ifstream in(path);
	std::string line;
	std::getline(in, line);
	return line;
}

/// Field 22 of /proc/PID/stat (start time in clock ticks since boot), or "" if there is no such process.
std::string start_time_of(const std::string& pid)
{
	const std::string stat = first_line("/proc/" + pid + "/stat");
	const size_t paren = stat.rfind(')'); // the command name may hold spaces and parentheses
	if (paren == std::string::npos)
		return "";
	std::istringstream rest(stat.substr(paren + 1));
	std::string field;
	for (int i = 3; i <= 22; i++)
		if (!(rest >> field))
			return "";
	return field;
}

std::string boot_token()
{
	std::string id;
	for (char c : first_line("/proc/sys/kernel/random/boot_id"))
		if (std::isxdigit(static_cast<unsigned char>(c)) && id.size() < 12)
			id += char(std::tolower(static_cast<unsigned char>(c)));
	return id.size() == 12 ? id : "";
}

std::string pid_ns_token()
{
	char buf[64];
	const ssize_t n = readlink("/proc/self/ns/pid", buf, sizeof buf - 1);
	if (n <= 0)
		return "";
	std::string digits;
	for (ssize_t i = 0; i < n; i++)
		if (buf[i] >= '0' && buf[i] <= '9')
			digits += buf[i];
	return digits;
}

bool all_of_set(const std::string& s, const char* set)
{
	return !s.empty() && s.find_first_not_of(set) == std::string::npos;
}

constexpr const char* kRunFolder = "stopsim-runs.";

std::string free_space(const std::string& dir)
{
	struct statvfs v;
	if (statvfs(dir.c_str(), &v) != 0)
		return "";
	const unsigned long long bytes = (unsigned long long)v.f_bavail * v.f_frsize;
	return "; " + std::to_string(bytes / 1024) + " KiB free there now";
}

} // namespace

// ---- temporary folders ---------------------------------------------------------------------------

std::string run_folder_prefix()
{
	const std::string pid = std::to_string(getpid());
	const std::string start = start_time_of("self"), boot = boot_token(), ns = pid_ns_token();
	if (start.empty() || boot.empty() || ns.empty())
		return kRunFolder; // no /proc: a folder no later sweep can prove dead (nor will it try)
	return kRunFolder + pid + "-" + start + "-" + boot + "-" + ns + ".";
}

size_t remove_stale_run_folders(const std::string& tmp)
{
	const std::string boot = boot_token(), ns = pid_ns_token();
	if (boot.empty() || ns.empty())
		return 0;
	DIR* d = opendir(tmp.c_str());
	if (!d)
		return 0;
	std::vector<std::string> dead;
	const std::string prefix = kRunFolder;
	while (struct dirent* e = readdir(d)) {
		const std::string name = e->d_name;
		if (name.compare(0, prefix.size(), prefix) != 0)
			continue;
		// PID-START-BOOT-NS.XXXXXX
		const std::string rest = name.substr(prefix.size());
		const size_t dot = rest.find('.');
		if (dot == std::string::npos || rest.size() - dot - 1 != 6)
			continue;
		std::vector<std::string> f;
		std::istringstream owner(rest.substr(0, dot));
		for (std::string x; std::getline(owner, x, '-');)
			f.push_back(x);
		if (f.size() != 4 || !all_of_set(f[0], "0123456789") || !all_of_set(f[1], "0123456789") ||
		    !all_of_set(f[2], "0123456789abcdef") || f[2].size() != 12 || !all_of_set(f[3], "0123456789"))
			continue;
		const std::string path = tmp + "/" + name;
		struct stat st;
		if (lstat(path.c_str(), &st) != 0 || !S_ISDIR(st.st_mode) || st.st_uid != geteuid())
			continue;
		bool gone;
		if (f[2] != boot)
			gone = true; // no process outlives a reboot
		else if (f[3] != ns)
			gone = false; // another pid namespace: its pids mean nothing here
		else
			gone = start_time_of(f[0]) != f[1]; // no such process, or the pid was reused
		if (gone)
			dead.push_back(path);
	}
	closedir(d);
	for (const auto& path : dead)
		remove_dir(path);
	return dead.size();
}

int output_failure_exit()
{
	const char* id = std::getenv("STOPSIM_RUN_ID");
	return id && *id ? kExitWorkerOutput : 2;
}

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

void set_in_process_runner(InProcessRunner runner) { g_runner = runner; }

WorkerPool::WorkerPool(unsigned jobs, double timeout_s, bool fresh_exec)
    : m_jobs(std::max(1u, jobs)), m_timeout_s(timeout_s), m_exec(fresh_exec || !g_runner)
{
	const char* tmp = std::getenv("TMPDIR");
	m_tmp = tmp && *tmp ? tmp : "/tmp";
	// What a sweep killed with -9 (or a launcher killed with it) left behind goes now.
	remove_stale_run_folders(m_tmp);
	std::string templ = m_tmp + "/" + run_folder_prefix() + "XXXXXX";
	std::vector<char> buf(templ.begin(), templ.end());
	buf.push_back('\0');
	if (!mkdtemp(buf.data()))
		throw UsageError("cannot create a temporary folder for the runs' output under " + m_tmp + ": " +
				 std::strerror(errno) + " (set TMPDIR to a folder with space)");
	m_dir = buf.data();
}

void WorkerPool::start_launcher()
{
	// The launcher removes the folder when it leaves: make it again for a pool used after an interrupt.
	if (mkdir(m_dir.c_str(), 0700) != 0 && errno != EEXIST)
		throw UsageError("cannot create " + m_dir + ": " + std::strerror(errno));
	int req[2], rep[2];
	if (pipe2(req, O_CLOEXEC) != 0 || pipe2(rep, O_CLOEXEC) != 0)
		throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
	std::cout.flush(); // nothing buffered may be written twice
	std::cerr.flush();
	std::fflush(nullptr);
	const pid_t parent = getpid();
	const pid_t pid = fork();
	if (pid < 0)
		throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
	if (pid == 0) {
		close(req[1]);
		close(rep[0]);
		launcher_main(req[0], rep[1], m_timeout_s, m_exec, parent, m_dir);
	}
	close(req[0]);
	close(rep[1]);
	m_launcher = pid;
	m_req = req[1];
	m_rep = rep[0];
}

void WorkerPool::stop_launcher()
{
	if (m_launcher <= 0)
		return;
	close(m_req); // the launcher kills what still runs and leaves
	close(m_rep);
	int status;
	while (waitpid(m_launcher, &status, 0) < 0 && errno == EINTR) {
	}
	m_launcher = -1;
	m_req = m_rep = -1;
}

WorkerPool::~WorkerPool()
{
	stop_launcher();
	remove_dir(m_dir); // only our own files: <id>.out/.err/.json that a killed run may have left
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
		Task task;
		HostClock::time_point start;
	};
	if (g_wake[0] < 0 && pipe2(g_wake, O_CLOEXEC | O_NONBLOCK) != 0)
		throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
	drain(g_wake[0]);
	struct sigaction sa {};
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	struct sigaction old_int, old_term, old_hup, old_pipe;
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	sigaction(SIGHUP, &sa, &old_hup);
	// A launcher that died must be an error here (EPIPE), not a silent death of the sweep.
	struct sigaction ign {};
	ign.sa_handler = SIG_IGN;
	sigemptyset(&ign.sa_mask);
	sigaction(SIGPIPE, &ign, &old_pipe);
	g_interrupted = 0;
	struct Restore {
		struct sigaction i, t, h, p;
		~Restore()
		{
			sigaction(SIGINT, &i, nullptr);
			sigaction(SIGTERM, &t, nullptr);
			sigaction(SIGHUP, &h, nullptr);
			sigaction(SIGPIPE, &p, nullptr);
		}
	} restore{old_int, old_term, old_hup, old_pipe};
	if (m_launcher <= 0)
		start_launcher();

	std::map<size_t, Running> running;
	size_t next = 0;
	const auto path = [this](const std::string& id, const char* ext) { return m_dir + "/" + id + ext; };
	auto send = [&](size_t i) {
		Task t = task_at(i);
		Request r;
		r.index = i;
		r.id = t.id;
		r.out = path(t.id, ".out");
		r.err = path(t.id, ".err");
		r.json = path(t.id, ".json");
		r.argv.push_back("stopsim");
		r.argv.insert(r.argv.end(), t.args.begin(), t.args.end());
		r.argv.push_back("--json");
		r.argv.push_back(r.json);
		const std::string msg = encode(r);
		if (!write_all(m_req, msg.data(), msg.size()))
			throw std::runtime_error("the worker launcher is gone");
		running[i] = Running{std::move(t), HostClock::now()};
	};
	auto finish = [&](const Report& rep) {
		auto it = running.find(size_t(rep.index));
		if (it == running.end())
			return;
		const Running r = std::move(it->second);
		running.erase(it);
		const std::string out = path(r.task.id, ".out"), err = path(r.task.id, ".err"), js = path(r.task.id, ".json");
		TaskResult res;
		res.id = r.task.id;
		res.index = size_t(rep.index);
		res.timed_out = rep.flags & kKilled;
		res.host_s = std::chrono::duration<double>(HostClock::now() - r.start).count();
		if (rep.flags & kNoStart) {
			res.exit_code = 127;
			res.host_error = "the worker could not be started (fork failed)";
		} else if (WIFEXITED(rep.status)) {
			res.exit_code = WEXITSTATUS(rep.status);
			if (res.exit_code == kExitWorkerOutput)
				res.host_error = "the run's output could not be written to " + m_dir +
						 " (a write, flush or close failed: a full disk?" + free_space(m_tmp) + ")";
			else if (res.exit_code == 126)
				res.host_error = "the worker could not create its output files in " + m_dir + free_space(m_tmp);
			else if (res.exit_code == 127 && m_exec)
				res.host_error = "the worker could not execute /proc/self/exe";
		} else if (WIFSIGNALED(rep.status)) {
			res.signal = WTERMSIG(rep.status);
			if (res.signal == SIGKILL && !res.timed_out)
				res.host_error = "killed by SIGKILL from outside the sweep (the out-of-memory killer, or a user)";
		}
		res.out = read_file(out);
		res.err += read_file(err);
		struct stat st;
		if (stat(js.c_str(), &st) == 0)
			res.json = read_file(js);
		unlink(out.c_str());
		unlink(err.c_str());
		unlink(js.c_str());
		// After Ctrl-C or SIGTERM the workers got the signal too: what ends now is the interrupt's
		// doing, not the run's, and must not become an 'error' row (a resume makes it again).
		if (g_interrupted || res.signal == SIGINT || res.signal == SIGTERM || res.signal == SIGHUP)
			return;
		done(res);
	};

	auto last_tick = HostClock::now();
	while (next < count || !running.empty()) {
		if (g_interrupted)
			break;
		while (running.size() < m_jobs && next < count)
			send(next++);
		struct pollfd pfd[2] = {{m_rep, POLLIN, 0}, {g_wake[0], POLLIN, 0}};
		if (poll(pfd, 2, 100) > 0) {
			drain(g_wake[0]);
			if (pfd[0].revents & (POLLIN | POLLHUP | POLLERR)) {
				Report rep;
				if (!read_all(m_rep, &rep, sizeof rep)) {
					if (g_interrupted)
						break;
					stop_launcher();
					throw std::runtime_error("the worker launcher ended unexpectedly");
				}
				finish(rep);
			}
		}
		const auto now = HostClock::now();
		if (tick && now - last_tick >= std::chrono::milliseconds(100)) {
			tick();
			last_tick = now;
		}
	}
	if (g_interrupted) {
		stop_launcher(); // kills the workers still running
		return false;
	}
	return true;
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
	if (!r.host_error.empty()) {
		fail("error", kHostErrorPrefix + r.host_error);
		rec.console_sha.clear(); // whatever reached the file is not the run's output
		return rec;
	}
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
	const int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		throw UsageError("cannot write " + path + " (through " + tmp + "): " + std::strerror(errno));
	int err = 0;
	errno = 0;
	if (!write_all(fd, text.data(), text.size()))
		err = errno ? errno : EIO;
	else if (fsync(fd) != 0 && errno != EINVAL && errno != EROFS) // EINVAL: a file that cannot be synced
		err = errno;
	if (close(fd) != 0 && !err)
		err = errno;
	if (!err && std::rename(tmp.c_str(), path.c_str()) != 0)
		err = errno;
	if (err) {
		unlink(tmp.c_str());
		throw UsageError("cannot write " + path + ": " + std::strerror(err));
	}
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
