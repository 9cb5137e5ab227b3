// SPDX-License-Identifier: Apache-2.0
#include "sim/batch/sweep.hpp"
#include "sim/batch/batch.hpp"
#include "stopsim/exit_codes.hpp"
#include "sim/scenario/overrides.hpp"
#include "stopsim/sha256.hpp"
#include "sim/scenario/units.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>
#include <set>
#include <sstream>

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

namespace stopsim {

namespace {

constexpr uint64_t kMaxRuns = 10'000'000;
constexpr uint64_t kMaxChecked = 20'000; ///< parameter combinations validated one by one

/// The result columns after run_id, the swept paths and seed.
const std::vector<std::string> kResultColumns = {"outcome",     "exit",       "stop_us",  "rungs",
						 "cpus_left_online", "stopped_by", "invariant_failures",
						 "expectations", "console_sha256", "report_sha256", "error", "replay"};
/// Outcomes in the order tables and plots show them.
const std::vector<std::string> kOutcomeOrder = {"all_stopped", "cpus_left_online", "hang", "deadlock", "error",
						"timeout"};

struct Param {
	std::string path;
	ParamType type;
	std::vector<std::string> values;
};

std::string run_id(uint64_t index, uint64_t total)
{
	size_t width = 6;
	for (uint64_t t = total > 0 ? total - 1 : 0; t >= 1'000'000; t /= 10)
		width++;
	std::string n = std::to_string(index);
	return "r" + std::string(width > n.size() ? width - n.size() : 0, '0') + n;
}

std::vector<std::string> header_for(const std::vector<Param>& params)
{
	std::vector<std::string> h{"run_id"};
	for (const auto& p : params)
		h.push_back(p.path);
	h.push_back("seed");
	h.insert(h.end(), kResultColumns.begin(), kResultColumns.end());
	return h;
}

std::vector<std::string> row_fields(const RunRecord& r)
{
	std::vector<std::string> f{r.id};
	f.insert(f.end(), r.params.begin(), r.params.end());
	f.push_back(std::to_string(r.seed));
	for (const std::string& s : {r.outcome, r.exit, r.stop_us, r.rungs, r.left_online, r.stopped_by(),
				     r.invariant_failures(), r.expectations, r.console_sha, r.report_sha, r.error,
				     r.replay})
		f.push_back(s);
	return f;
}

std::string jsonl_line(const RunRecord& r, const std::vector<Param>& params)
{
	nlohmann::json j;
	j["run_id"] = r.id;
	j["params"] = nlohmann::json::object();
	for (size_t i = 0; i < params.size(); i++)
		j["params"][params[i].path] = r.params[i];
	j["seed"] = r.seed;
	j["outcome"] = r.outcome;
	j["exit"] = r.exit;
	j["error"] = r.error.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.error);
	j["replay"] = r.replay;
	j["console_sha256"] = r.console_sha;
	j["report_sha256"] = r.report_sha.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.report_sha);
	j["report"] = r.report;
	return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

/// A row that could not be added to an output file (a full disk, a quota): the user's to fix.
struct AppendError : std::runtime_error {
	using std::runtime_error::runtime_error;
};

/// Append one whole line with a single write(2), so a kill leaves at most one torn line. A write
/// that fails part-way is cut off again, so the file keeps whole lines only.
void append_line(int fd, const std::string& line, const std::string& path)
{
	struct stat st;
	const bool sized = fstat(fd, &st) == 0;
	size_t off = 0;
	while (off < line.size()) {
		const ssize_t n = write(fd, line.data() + off, line.size() - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			const int err = n < 0 ? errno : ENOSPC;
			if (sized && off > 0 && ftruncate(fd, st.st_size) != 0) {
				// the torn line stays; --resume drops it
			}
			throw AppendError("cannot append to " + path + ": " + std::strerror(err));
		}
		off += size_t(n);
	}
}

int open_append(const std::string& path)
{
	const int fd = open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		throw UsageError("cannot open " + path + " for writing: " + std::strerror(errno));
	return fd;
}

std::string read_text(const std::string& path)
{
	std::ifstream in(path, std::ios::binary);
	std::ostringstream ss;
	ss << in.rdbuf();
	return ss.str();
}

bool file_exists(const std::string& path) { return access(path.c_str(), F_OK) == 0; }

uint64_t row_number(const std::vector<std::string>& row)
{
	auto n = row.empty() ? std::nullopt : run_number(row[0]);
	return n ? *n : UINT64_MAX;
}

/// JSON Lines of ours: run_id of each complete line, and the bytes of the complete lines.
struct JsonlFile {
	std::vector<std::pair<std::string, std::string>> lines; ///< (run_id, line with '\n')
	bool torn = false;
	size_t bad_line = 0;
};

JsonlFile read_jsonl(const std::string& path)
{
	JsonlFile f;
	const std::string text = read_text(path);
	size_t pos = 0, no = 0;
	while (pos < text.size()) {
		const size_t nl = text.find('\n', pos);
		if (nl == std::string::npos) {
			f.torn = true;
			break;
		}
		no++;
		const std::string line = text.substr(pos, nl + 1 - pos);
		pos = nl + 1;
		try {
			auto j = nlohmann::json::parse(line);
			f.lines.emplace_back(j.at("run_id").get<std::string>(), line);
		} catch (const nlohmann::json::exception&) {
			if (!f.bad_line)
				f.bad_line = no;
		}
	}
	return f;
}

// ---- the sidecar: which scenario and which sweep a file holds -------------------------------------

constexpr const char* kMetaFormat = "stopsim-sweep-meta/1";

std::string meta_path(const std::string& csv) { return csv + ".meta.json"; }

/// What `--resume`, `merge` and `replay` check a CSV against: written next to it as CSV.meta.json
/// before its first row.
struct Meta {
	std::string scenario;       ///< FILE as the sweep was given it
	std::string scenario_sha;   ///< SHA-256 of FILE's bytes when the sweep started
	std::string sweep_sha;      ///< SHA-256 of the expanded --set values and seeds
	uint64_t runs = 0;          ///< runs in the whole sweep (all shards)
	unsigned shard_k = 1, shard_n = 1;
	std::vector<std::string> sets; ///< the --set arguments as given (for people)
	std::string seeds;             ///< --seeds as given (for people)
};

std::string meta_text(const Meta& m)
{
	nlohmann::json j;
	j["format"] = kMetaFormat;
	j["scenario"] = m.scenario;
	j["scenario_sha256"] = m.scenario_sha;
	j["sweep_sha256"] = m.sweep_sha;
	j["runs"] = m.runs;
	j["shard"] = std::to_string(m.shard_k) + "/" + std::to_string(m.shard_n);
	j["sets"] = m.sets;
	j["seeds"] = m.seeds;
	return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

/// nullopt when there is no sidecar; a damaged one is a usage error.
std::optional<Meta> read_meta(const std::string& csv, const std::string& who)
{
	const std::string path = meta_path(csv);
	if (!file_exists(path))
		return std::nullopt;
	Meta m;
	std::string format;
	try {
		const auto j = nlohmann::json::parse(read_text(path));
		format = j.at("format").get<std::string>();
		if (format != kMetaFormat)
			throw UsageError("format '" + format + "', not " + kMetaFormat);
		m.scenario = j.at("scenario").get<std::string>();
		m.scenario_sha = j.at("scenario_sha256").get<std::string>();
		m.sweep_sha = j.at("sweep_sha256").get<std::string>();
		m.runs = j.at("runs").get<uint64_t>();
		const auto shard = parse_shard(j.at("shard").get<std::string>());
		m.shard_k = shard.first;
		m.shard_n = shard.second;
		m.sets = j.value("sets", std::vector<std::string>{});
		m.seeds = j.value("seeds", std::string());
	} catch (const nlohmann::json::exception& e) {
		throw UsageError(who + ": " + path + " is damaged: " + e.what());
	} catch (const UsageError& e) {
		throw UsageError(who + ": " + path + " is damaged: " + e.what());
	}
	return m;
}

std::string short_sha(const std::string& h) { return h.substr(0, 12); }

/// How a sweep's runs were given, for messages: --set P=SPEC ... --seeds S.
std::string spec_words(const Meta& m)
{
	std::string w;
	for (const auto& s : m.sets)
		w += (w.empty() ? "" : " ") + std::string("--set ") + shell_quote(s);
	if (!m.seeds.empty())
		w += (w.empty() ? "" : " ") + std::string("--seeds ") + m.seeds;
	return w.empty() ? "no --set or --seeds" : w;
}

/// An error row whose cause was the host (its output could not be written, its worker could not
/// start, it was killed from outside): `--resume` makes the run again. So is an error row without
/// a message, which no run of this version writes.
bool retried_on_resume(const std::string& outcome, const std::string& error)
{
	return outcome == "error" && (error.empty() || error.compare(0, std::strlen(kHostErrorPrefix), kHostErrorPrefix) == 0);
}

// ---- progress ------------------------------------------------------------------------------------

class Progress {
public:
	Progress(uint64_t total, uint64_t already, bool quiet)
	    : m_total(total), m_done(already), m_already(already), m_quiet(quiet),
	      m_tty(!quiet && isatty(2) && std::getenv("TERM") && std::string(std::getenv("TERM")) != "dumb"),
	      m_start(std::chrono::steady_clock::now()), m_last_line(m_start)
	{
	}
	void one_done(const RunRecord& r)
	{
		m_done++;
		if (!r.ok()) {
			m_failed++;
			if (!m_quiet) {
				clear();
				std::cerr << "sweep: " << r.id << " " << r.outcome << ": " << r.error << "\n";
			}
		}
	}
	void draw(bool final = false)
	{
		if (m_quiet)
			return;
		const auto now = std::chrono::steady_clock::now();
		const double el = std::chrono::duration<double>(now - m_start).count();
		const uint64_t fresh = m_done - m_already;
		const double rate = el > 0 ? double(fresh) / el : 0;
		const uint64_t left = m_total - m_done;
		char eta[32] = "-";
		if (rate > 0 && left > 0) {
			const unsigned long long s = (unsigned long long)(double(left) / rate + 0.5);
			if (s >= 3600)
				std::snprintf(eta, sizeof eta, "%llu:%02llu:%02llu", s / 3600, s / 60 % 60, s % 60);
			else
				std::snprintf(eta, sizeof eta, "%llu:%02llu", s / 60, s % 60);
		} else if (left == 0) {
			std::snprintf(eta, sizeof eta, "0:00");
		}
		const unsigned pct = m_total ? unsigned(m_done * 100 / m_total) : 100;
		char stats[160];
		std::snprintf(stats, sizeof stats, "%llu/%llu %3u%%  %.1f runs/s  ETA %s%s",
			      (unsigned long long)m_done, (unsigned long long)m_total, pct, rate, eta,
			      m_failed ? ("  (" + std::to_string(m_failed) + " error/timeout)").c_str() : "");
		if (m_tty) {
			const unsigned width = 30;
			const unsigned fill = m_total ? unsigned(m_done * width / m_total) : width;
			std::string bar = "[" + std::string(fill, '#') + std::string(width - fill, '.') + "]";
			std::cerr << "\r\033[Ksweep " << bar << " " << stats << (final ? "\n" : "") << std::flush;
			return;
		}
		// Plain lines: at every tenth and at least every 30 s.
		const unsigned tenth = m_total ? unsigned(m_done * 10 / m_total) : 10;
		if (final || tenth > m_last_tenth || now - m_last_line >= std::chrono::seconds(30)) {
			if (final && m_printed_final)
				return;
			std::cerr << "sweep: " << stats << "\n";
			m_last_tenth = tenth;
			m_last_line = now;
			m_printed_final = m_printed_final || m_done == m_total;
		}
	}
	double elapsed() const
	{
		return std::chrono::duration<double>(std::chrono::steady_clock::now() - m_start).count();
	}
	uint64_t fresh() const { return m_done - m_already; }
	uint64_t failed() const { return m_failed; }

private:
	void clear()
	{
		if (m_tty)
			std::cerr << "\r\033[K";
	}
	uint64_t m_total, m_done, m_already, m_failed = 0;
	bool m_quiet, m_tty;
	std::chrono::steady_clock::time_point m_start, m_last_line;
	unsigned m_last_tenth = 0;
	bool m_printed_final = false;
};

// ---- summary and plot ------------------------------------------------------------------------------

struct Table {
	std::vector<std::string> header;
	std::vector<std::vector<std::string>> rows; ///< sorted by run id
	std::vector<std::string> params;            ///< swept paths
	size_t col_seed = 0, col_outcome = 0, col_stop = 0, col_replay = 0, col_inv = 0;
};

Table table_from(const CsvFile& f, const std::string& what)
{
	Table t;
	t.header = f.header;
	auto col = [&](const std::string& name) {
		auto it = std::find(f.header.begin(), f.header.end(), name);
		if (it == f.header.end())
			throw UsageError(what + ": not a stopsim sweep file (no '" + name + "' column)");
		return size_t(it - f.header.begin());
	};
	if (f.header.empty() || f.header[0] != "run_id")
		throw UsageError(what + ": not a stopsim sweep file (no run_id column first)");
	t.col_seed = col("seed");
	t.col_outcome = col("outcome");
	t.col_stop = col("stop_us");
	t.col_replay = col("replay");
	t.col_inv = col("invariant_failures");
	for (size_t i = 1; i < t.col_seed; i++)
		t.params.push_back(f.header[i]);
	t.rows = f.rows;
	std::stable_sort(t.rows.begin(), t.rows.end(),
			 [](const auto& a, const auto& b) { return row_number(a) < row_number(b); });
	return t;
}

std::vector<std::string> outcome_columns(const Table& t)
{
	std::set<std::string> seen;
	for (const auto& r : t.rows)
		seen.insert(r[t.col_outcome]);
	std::vector<std::string> out;
	for (const auto& o : kOutcomeOrder)
		if (seen.count(o))
			out.push_back(o);
	for (const auto& o : seen)
		if (std::find(kOutcomeOrder.begin(), kOutcomeOrder.end(), o) == kOutcomeOrder.end())
			out.push_back(o);
	return out;
}

struct Group {
	std::string value;
	uint64_t runs = 0;
	uint64_t violated = 0; ///< runs where an invariant failed
	std::map<std::string, uint64_t> count;
	std::vector<Ps> stops;
	std::optional<Ps> median() const
	{
		if (stops.empty())
			return std::nullopt;
		auto s = stops;
		std::sort(s.begin(), s.end());
		return s[(s.size() - 1) / 2];
	}
};

/// Rows grouped by the values of column `col`, in the order values first appear.
std::vector<Group> group_by(const Table& t, size_t col)
{
	std::vector<Group> groups;
	std::map<std::string, size_t> at;
	for (const auto& r : t.rows) {
		const std::string key = col < r.size() ? r[col] : "all";
		auto it = at.find(key);
		if (it == at.end()) {
			it = at.emplace(key, groups.size()).first;
			groups.emplace_back();
			groups.back().value = key;
		}
		Group& g = groups[it->second];
		g.runs++;
		g.count[r[t.col_outcome]]++;
		g.violated += !r[t.col_inv].empty();
		if (auto ps = parse_decimal_ps(r[t.col_stop], kPsPerUs))
			g.stops.push_back(*ps);
	}
	return groups;
}

void print_summary(std::ostream& os, const Table& t)
{
	const auto outcomes = outcome_columns(t);
	std::vector<size_t> cols;
	for (size_t i = 0; i < t.params.size(); i++)
		cols.push_back(1 + i);
	if (t.params.empty())
		cols.push_back(std::string::npos); // seeds only: one line for the whole sweep
	for (size_t c : cols) {
		const auto groups = group_by(t, c);
		std::vector<std::vector<std::string>> cells;
		const std::string name = c < t.header.size() ? t.header[c] : "runs of";
		std::vector<std::string> head{name, "runs"};
		head.insert(head.end(), outcomes.begin(), outcomes.end());
		head.push_back("invariant violated");
		head.push_back("median stop_us");
		cells.push_back(head);
		for (const auto& g : groups) {
			std::vector<std::string> line{g.value, std::to_string(g.runs)};
			for (const auto& o : outcomes) {
				auto it = g.count.find(o);
				line.push_back(std::to_string(it == g.count.end() ? 0 : it->second));
			}
			line.push_back(std::to_string(g.violated));
			auto m = g.median();
			line.push_back(m ? decimal_ps(*m, kPsPerUs) : "-");
			cells.push_back(line);
		}
		std::vector<size_t> width(head.size(), 0);
		for (const auto& line : cells)
			for (size_t i = 0; i < line.size(); i++)
				width[i] = std::max(width[i], line[i].size());
		os << "\noutcomes" << (c < t.header.size() ? " by " + t.header[c] : std::string()) << ":\n";
		for (const auto& line : cells) {
			std::string s = " ";
			for (size_t i = 0; i < line.size(); i++)
				s += " " + (i == 0 ? line[i] + std::string(width[i] - line[i].size(), ' ')
						   : std::string(width[i] - line[i].size(), ' ') + line[i]);
			os << s << "\n";
		}
	}
}

std::optional<std::string> find_gnuplot()
{
	const char* env = std::getenv("STOPSIM_GNUPLOT");
	const std::string name = env && *env ? env : "gnuplot";
	if (name.find('/') != std::string::npos)
		return access(name.c_str(), X_OK) == 0 ? std::optional<std::string>(name) : std::nullopt;
	const char* path = std::getenv("PATH");
	std::string p = path ? path : "/usr/local/bin:/usr/bin:/bin";
	size_t start = 0;
	while (start <= p.size()) {
		const size_t colon = p.find(':', start);
		std::string dir = p.substr(start, colon == std::string::npos ? std::string::npos : colon - start);
		if (dir.empty())
			dir = ".";
		const std::string cand = dir + "/" + name;
		if (access(cand.c_str(), X_OK) == 0)
			return cand;
		if (colon == std::string::npos)
			break;
		start = colon + 1;
	}
	return std::nullopt;
}

bool is_number(const std::string& s)
{
	bool digits = false, dot = false;
	for (char c : s) {
		if (c >= '0' && c <= '9')
			digits = true;
		else if (c == '.' && !dot)
			dot = true;
		else
			return false;
	}
	return digits;
}

std::string gp_quote(const std::string& s)
{
	std::string out = "'";
	for (char c : s)
		out += c == '\'' ? std::string("''") : std::string(1, c);
	return out + "'";
}

void draw_plot(const Table& t, const std::string& plot)
{
	check_plot_target(plot);
	const std::string gnuplot = *find_gnuplot();
	if (t.rows.empty())
		throw UsageError("--plot: no rows to plot");
	const size_t col = t.params.empty() ? t.col_seed : 1;
	const std::string xname = t.header[col];
	const auto groups = group_by(t, col);
	const auto outcomes = outcome_columns(t);
	bool numeric = true;
	for (const auto& g : groups)
		numeric = numeric && is_number(g.value);
	Ps max_stop = 0;
	for (const auto& g : groups)
		if (auto m = g.median())
			max_stop = std::max(max_stop, *m);
	const bool in_ms = max_stop >= 10 * kPsPerMs;
	const Ps stop_unit = in_ms ? kPsPerMs : kPsPerUs;

	std::string tmp = std::getenv("TMPDIR") && *std::getenv("TMPDIR") ? std::string(std::getenv("TMPDIR")) : "/tmp";
	std::string templ = tmp + "/stopsim-plot.XXXXXX";
	std::vector<char> buf(templ.begin(), templ.end());
	buf.push_back('\0');
	if (!mkdtemp(buf.data()))
		throw UsageError("--plot: cannot create a temporary folder under " + tmp + ": " + std::strerror(errno));
	const std::string dir = buf.data();
	const std::string data = dir + "/data.tsv", script = dir + "/plot.gp";
	bool written = true;
	{
		std::ofstream d(data);
		for (size_t i = 0; i < groups.size(); i++) {
			const auto& g = groups[i];
			d << (numeric ? g.value : std::to_string(i)) << "\t" << g.value;
			for (const auto& o : outcomes) {
				auto it = g.count.find(o);
				const uint64_t n = it == g.count.end() ? 0 : it->second;
				d << "\t" << std::setprecision(6) << double(n) / double(g.runs);
			}
			d << "\t" << std::setprecision(6) << double(g.violated) / double(g.runs);
			auto m = g.median();
			d << "\t" << (m ? decimal_ps(*m, stop_unit) : std::string("NaN")) << "\n";
		}
		d.close();
		written = written && !d.fail();
	}
	const bool svg = plot.size() >= 4 && plot.compare(plot.size() - 4, 4, ".svg") == 0;
	std::string file_label;
	if (!t.rows.empty()) {
		try {
			auto w = shell_split(t.rows[0][t.col_replay]);
			if (w.size() > 2)
				file_label = w[2];
		} catch (const OverrideError&) {
		}
	}
	{
		std::ofstream s(script);
		s << (svg ? "set terminal svg size 960,540 dynamic noenhanced font 'sans,11' background rgb 'white'\n"
			  : "set terminal pngcairo size 960,540 noenhanced font 'sans,10' background rgb 'white'\n");
		s << "set output " << gp_quote(plot) << "\n";
		s << "set title " << gp_quote("stopsim sweep: " + file_label + " (" + std::to_string(t.rows.size()) + " runs)") << "\n";
		s << "set datafile separator '\\t'\n";
		s << "set datafile missing 'NaN'\n";
		s << "set xlabel " << gp_quote(xname) << " offset 0,-1\n";
		s << "set ylabel 'share of runs'\nset yrange [0:1.05]\nset ytics nomirror\n";
		s << "set y2label " << gp_quote(std::string("median stop time (") + (in_ms ? "ms" : "us") + ")") << "\n";
		s << "set y2tics\nset y2range [0:*]\nset grid\nset key below\n";
		s << "set offsets graph 0.03, graph 0.03, 0, 0\n";
		s << "set format x '%.12g'\nset xtics rotate by -30\n";
		s << "plot ";
		for (size_t i = 0; i < outcomes.size(); i++) {
			s << gp_quote(data) << " using 1:" << (3 + i)
			  << (numeric ? "" : ":xtic(2)") << " with linespoints lw 2 pt 7 title " << gp_quote(outcomes[i])
			  << ", ";
		}
		s << gp_quote(data) << " using 1:" << (3 + outcomes.size()) << (numeric ? "" : ":xtic(2)")
		  << " with linespoints lw 2 dt 3 pt 6 lc rgb 'red' title 'an invariant violated', ";
		s << gp_quote(data) << " using 1:" << (4 + outcomes.size()) << " axes x1y2 with linespoints lw 2 dt 2 pt 5 lc rgb 'black' title 'median stop time'\n";
		s.close();
		written = written && !s.fail();
	}
	if (!written) {
		unlink(data.c_str());
		unlink(script.c_str());
		rmdir(dir.c_str());
		throw UsageError("--plot: cannot write the plot's data under " + dir + " (a full disk?)");
	}
	const pid_t pid = fork();
	if (pid == 0) {
		execl(gnuplot.c_str(), "gnuplot", script.c_str(), (char*)nullptr);
		_exit(127);
	}
	int status = 0;
	if (pid > 0)
		waitpid(pid, &status, 0);
	unlink(data.c_str());
	unlink(script.c_str());
	rmdir(dir.c_str());
	if (pid < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
		throw UsageError("--plot: gnuplot (" + gnuplot + ") could not draw " + plot + " (can it be written?)");
	// gnuplot does not report a write that failed: an empty file is what a full disk leaves.
	struct stat st;
	if (stat(plot.c_str(), &st) != 0 || st.st_size == 0)
		throw UsageError("--plot: " + plot + " is empty after gnuplot drew it (a full disk?)");
}

// ---- sweep plan -------------------------------------------------------------------------------------

struct Plan {
	std::vector<Param> params;
	std::vector<uint64_t> seeds;
	uint64_t total = 0;
	/// Value index of each parameter and the seed of run `index`.
	void point(uint64_t index, std::vector<size_t>& vi, uint64_t& seed) const
	{
		seed = seeds[index % seeds.size()];
		uint64_t rem = index / seeds.size();
		vi.assign(params.size(), 0);
		for (size_t j = params.size(); j-- > 0;) {
			vi[j] = size_t(rem % params[j].values.size());
			rem /= params[j].values.size();
		}
	}
	std::vector<Override> overrides(const std::vector<size_t>& vi) const
	{
		std::vector<Override> o;
		for (size_t j = 0; j < params.size(); j++)
			o.push_back(Override{params[j].path, params[j].values[vi[j]]});
		return o;
	}
	/// SHA-256 of what the runs are: each path with its normalised values, then the seeds. Two
	/// spellings of the same values (200:800:300 and 200,500,800) are the same sweep.
	std::string sha() const
	{
		Sha256 h;
		const auto word = [&](const std::string& w) {
			h.update(std::to_string(w.size()));
			h.update(":");
			h.update(w);
		};
		h.update("stopsim sweep runs 1\n");
		for (const auto& p : params) {
			word("set");
			word(p.path);
			word(std::to_string(p.values.size()));
			for (const auto& v : p.values)
				word(v);
		}
		word("seeds");
		word(std::to_string(seeds.size()));
		for (uint64_t s : seeds)
			word(std::to_string(s));
		return h.hex();
	}
};

void finish_files(const SweepOptions& o, const std::vector<std::string>& header)
{
	auto f = read_csv(o.out);
	if (!f)
		throw UsageError("sweep: cannot read back " + o.out);
	auto rows = f->rows;
	std::stable_sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) { return row_number(a) < row_number(b); });
	std::string text = csv_line(header);
	std::set<std::string> seen;
	for (const auto& r : rows)
		if (seen.insert(r[0]).second)
			text += csv_line(r);
	write_atomically(o.out, text);
	if (!o.jsonl.empty()) {
		auto j = read_jsonl(o.jsonl);
		std::stable_sort(j.lines.begin(), j.lines.end(), [](const auto& a, const auto& b) {
			return run_number(a.first).value_or(UINT64_MAX) < run_number(b.first).value_or(UINT64_MAX);
		});
		std::string jt;
		std::set<std::string> jseen;
		for (const auto& [id, line] : j.lines)
			if (jseen.insert(id).second)
				jt += line;
		write_atomically(o.jsonl, jt);
	}
}

} // namespace

// ---- public helpers ----------------------------------------------------------------------------------

void check_plot_target(const std::string& plot)
{
	const auto ends = [&](const char* e) {
		const std::string s(e);
		return plot.size() > s.size() && plot.compare(plot.size() - s.size(), s.size(), s) == 0;
	};
	if (!ends(".svg") && !ends(".png"))
		throw UsageError("--plot " + plot + ": give a file ending in .svg or .png");
	if (!find_gnuplot())
		throw UsageError("--plot needs gnuplot, which is not installed here (Debian: apt-get install gnuplot-nox; "
				 "scripts/deps.sh installs it). Leave out --plot, or draw the chart later with "
				 "'stopsim summary RESULTS.csv --plot " + plot + "'");
}

std::pair<unsigned, unsigned> parse_shard(const std::string& spec)
{
	const size_t slash = spec.find('/');
	auto num = [&](const std::string& s) -> unsigned {
		if (s.empty() || s.size() > 9 || !std::all_of(s.begin(), s.end(), ::isdigit))
			throw UsageError("--shard " + spec + ": expected K/N with 1 <= K <= N (e.g. 2/8)");
		return unsigned(std::stoul(s));
	};
	if (slash == std::string::npos)
		throw UsageError("--shard " + spec + ": expected K/N with 1 <= K <= N (e.g. 2/8)");
	const unsigned k = num(spec.substr(0, slash)), n = num(spec.substr(slash + 1));
	if (n == 0 || k == 0 || k > n)
		throw UsageError("--shard " + spec + ": expected K/N with 1 <= K <= N (shards count from 1)");
	return {k, n};
}

std::vector<uint64_t> parse_seeds(const std::string& spec)
{
	auto num = [&](const std::string& s) -> uint64_t {
		if (s.empty() || s.size() > 19 || !std::all_of(s.begin(), s.end(), ::isdigit))
			throw UsageError("--seeds " + spec + ": expected A..B, a,b,c or N (whole numbers)");
		return std::stoull(s);
	};
	std::vector<uint64_t> out;
	const size_t dots = spec.find("..");
	if (dots != std::string::npos) {
		const uint64_t a = num(spec.substr(0, dots)), b = num(spec.substr(dots + 2));
		if (b < a)
			throw UsageError("--seeds " + spec + ": B is below A");
		if (b - a >= kMaxRuns)
			throw UsageError("--seeds " + spec + ": too many seeds");
		for (uint64_t s = a; s <= b; s++)
			out.push_back(s);
		return out;
	}
	size_t start = 0;
	while (true) {
		const size_t c = spec.find(',', start);
		out.push_back(num(spec.substr(start, c == std::string::npos ? std::string::npos : c - start)));
		if (c == std::string::npos)
			break;
		start = c + 1;
	}
	return out;
}

// ---- sweep ----------------------------------------------------------------------------------------

int sweep_main(const SweepOptions& o)
{
	if (o.out.empty())
		throw UsageError("sweep: --out FILE.csv is required");
	if (!o.plot.empty())
		check_plot_target(o.plot);
	std::vector<ScenarioError> errors;
	auto tree = ScenarioTree::read(o.file, errors);
	if (!tree) {
		for (const auto& e : errors)
			std::cerr << e.format() << "\n";
		return kExitUsage;
	}
	Plan plan;
	std::set<std::string> paths;
	for (const auto& s : o.sets) {
		try {
			auto [path, spec] = split_assignment(s);
			if (path == "seed")
				throw OverrideError("sweep seeds with --seeds, not --set seed=");
			Param p;
			p.path = path;
			p.type = tree->type_of(path);
			try {
				p.values = expand_spec(p.type, spec, kMaxRuns);
			} catch (const OverrideError& e) {
				throw OverrideError(path + " is a " + p.type.name() + ": " + e.what());
			}
			if (!paths.insert(p.path).second)
				throw OverrideError(path + " is set twice");
			plan.params.push_back(p);
		} catch (const OverrideError& e) {
			throw UsageError("--set " + s + ": " + e.what());
		}
	}
	if (o.seeds.empty()) {
		auto base = tree->load({}, errors);
		if (!base)
			return kExitUsage;
		plan.seeds = {base->seed};
	} else {
		plan.seeds = parse_seeds(o.seeds);
	}
	plan.total = plan.seeds.size();
	for (const auto& p : plan.params) {
		if (plan.total > kMaxRuns / p.values.size())
			throw UsageError("sweep: more than " + std::to_string(kMaxRuns) + " runs");
		plan.total *= p.values.size();
	}
	const std::vector<std::string> header = header_for(plan.params);
	// --vcd-dir: the folder must be there to write in, and every run id asked for must exist.
	std::set<std::string> vcd_rows;
	if (!o.vcd_dir.empty()) {
		if (!std::filesystem::is_directory(o.vcd_dir) || access(o.vcd_dir.c_str(), W_OK) != 0)
			throw UsageError("sweep --vcd-dir: " + o.vcd_dir + " is not a folder this user can write in");
		for (const auto& id : o.vcd_rows) {
			const auto n = run_number(id);
			if (!n || *n >= plan.total || run_id(*n, plan.total) != id)
				throw UsageError("sweep --vcd-rows: " + id + " is not a run of this sweep (" + run_id(0, plan.total) +
						 " to " + run_id(plan.total - 1, plan.total) + ")");
			vcd_rows.insert(id);
		}
	}

	// Every point of this shard is validated before anything runs: a bad value is a usage error now,
	// not an 'error' row an hour later.
	std::vector<uint64_t> mine;
	for (uint64_t i = o.shard_k - 1; i < plan.total; i += o.shard_n)
		mine.push_back(i);
	{
		// Every combination when there are not too many; beyond that each value once, with the
		// other parameters at their first value.
		uint64_t combos = 1;
		for (const auto& p : plan.params)
			combos *= p.values.size();
		std::vector<std::vector<size_t>> points;
		if (combos <= kMaxChecked) {
			std::set<std::vector<size_t>> seen;
			std::vector<size_t> vi;
			uint64_t seed;
			for (uint64_t i : mine) {
				plan.point(i, vi, seed);
				if (seen.insert(vi).second)
					points.push_back(vi);
			}
		} else {
			for (size_t j = 0; j < plan.params.size(); j++)
				for (size_t v = 0; v < plan.params[j].values.size(); v++) {
					std::vector<size_t> vi(plan.params.size(), 0);
					vi[j] = v;
					points.push_back(vi);
				}
		}
		for (const auto& vi : points) {
			std::vector<ScenarioError> errs;
			std::optional<Scenario> sc;
			try {
				sc = tree->load(plan.overrides(vi), errs);
			} catch (const OverrideError& e) {
				throw UsageError(std::string("--set: ") + e.what());
			}
			if (!sc) {
				std::cerr << "stopsim: sweep: these values would be invalid:";
				for (const auto& ov : plan.overrides(vi))
					std::cerr << " " << ov.arg();
				std::cerr << "\n";
				for (const auto& e : errs)
					std::cerr << e.format() << "\n";
				return kExitUsage;
			}
		}
	}

	// The output files: new, or resumed. The sidecar records which scenario bytes and which runs
	// the file holds, so that a resume cannot mix two scenarios (or two sweeps) in one file.
	Meta meta;
	meta.scenario = o.file;
	meta.scenario_sha = sha256_hex(read_text(o.file));
	meta.sweep_sha = plan.sha();
	meta.runs = plan.total;
	meta.shard_k = o.shard_k;
	meta.shard_n = o.shard_n;
	meta.sets = o.sets;
	meta.seeds = o.seeds;
	const auto start_files = [&] {
		write_atomically(meta_path(o.out), meta_text(meta));
		write_atomically(o.out, csv_line(header));
		if (!o.jsonl.empty())
			write_atomically(o.jsonl, "");
	};
	std::set<uint64_t> done, retry;
	const bool exists = file_exists(o.out) && !read_text(o.out).empty();
	if (exists && !o.resume && !o.force)
		throw UsageError("sweep: " + o.out + " exists: add --resume to continue that sweep, or --force to start over");
	if (o.force || !exists) {
		start_files();
	} else {
		auto f = read_csv(o.out);
		if (!f)
			throw UsageError("sweep: cannot read " + o.out);
		if (f->header.empty() && f->torn) {
			start_files();
		} else {
			if (f->header != header)
				throw UsageError("sweep --resume: " + o.out + " has other columns: it is not from this sweep "
						 "(same FILE and --set paths, in the same order)");
			if (f->bad_line)
				throw UsageError("sweep --resume: " + o.out + ": line " + std::to_string(f->bad_line) +
						 " is damaged (not a torn last line); fix or remove it");
			const auto old = read_meta(o.out, "sweep --resume");
			if (!old && !f->rows.empty())
				throw UsageError("sweep --resume: " + o.out + " has runs but no " + meta_path(o.out) +
						 ", the record of the scenario and runs it was started with, so nothing shows "
						 "that FILE and the --set values are unchanged: start over with --force");
			if (old && !f->rows.empty()) {
				if (old->scenario != o.file)
					throw UsageError("sweep --resume: " + o.out + " was started with FILE '" + old->scenario +
							 "', not '" + o.file + "' (its replay commands name FILE as given): resume with the same FILE, "
							 "from the same folder");
				if (old->scenario_sha != meta.scenario_sha)
					throw UsageError("sweep --resume: " + o.file + " has changed since " + o.out +
							 " was started (sha256 " + short_sha(old->scenario_sha) + "... then, " +
							 short_sha(meta.scenario_sha) + "... now): its rows and new ones would "
							 "come from two scenarios. Restore the file, or start over with --force");
				if (old->sweep_sha != meta.sweep_sha || old->runs != meta.runs)
					throw UsageError("sweep --resume: the --set values or --seeds are not those " + o.out +
							 " was started with (" + spec_words(*old) + "): resume with the same ones, "
							 "or start over with --force");
				if (old->shard_k != o.shard_k || old->shard_n != o.shard_n)
					throw UsageError("sweep --resume: " + o.out + " holds shard " + std::to_string(old->shard_k) +
							 "/" + std::to_string(old->shard_n) + ", not " + std::to_string(o.shard_k) + "/" +
							 std::to_string(o.shard_n));
			}
			const std::set<uint64_t> mine_set(mine.begin(), mine.end());
			const size_t c_outcome = 2 + plan.params.size(), c_error = c_outcome + 10;
			std::vector<size_t> vi;
			uint64_t seed;
			for (const auto& row : f->rows) {
				auto n = run_number(row[0]);
				if (!n || *n >= plan.total)
					throw UsageError("sweep --resume: " + o.out + ": '" + row[0] + "' is not a run of this sweep");
				plan.point(*n, vi, seed);
				bool same = row[1 + plan.params.size()] == std::to_string(seed);
				for (size_t j = 0; j < plan.params.size(); j++)
					same = same && row[1 + j] == plan.params[j].values[vi[j]];
				if (!same || row[0] != run_id(*n, plan.total))
					throw UsageError("sweep --resume: " + o.out + ": " + row[0] +
							 " has other values than this sweep gives it: not the same sweep");
				if (!mine_set.count(*n))
					throw UsageError("sweep --resume: " + o.out + ": " + row[0] + " belongs to another shard");
				if (retried_on_resume(row[c_outcome], row[c_error]))
					retry.insert(*n);
				else
					done.insert(*n);
			}
			for (uint64_t n : done)
				retry.erase(n);
			if (!retry.empty()) {
				// The rows of runs made again go now, so that the file never holds two rows of one run.
				std::string text = csv_line(header);
				for (const auto& row : f->rows)
					if (done.count(*run_number(row[0])))
						text += csv_line(row);
				write_atomically(o.out, text);
				if (!o.quiet)
					std::cerr << "sweep: " << retry.size() << " error row" << (retry.size() > 1 ? "s" : "")
						  << " with a host cause (output not written, worker not started, killed from outside)"
						  << (retry.size() > 1 ? " are" : " is") << " made again\n";
			} else if (f->torn && truncate(o.out.c_str(), off_t(f->good_bytes)) != 0) {
				throw UsageError("sweep --resume: cannot truncate the torn last line of " + o.out + ": " +
						 std::strerror(errno));
			}
			if (f->torn && !o.quiet)
				std::cerr << "sweep: dropped a torn last line in " << o.out << " (that run is made again)\n";
			if (!old || f->rows.empty())
				write_atomically(meta_path(o.out), meta_text(meta));
		}
		if (!o.jsonl.empty()) {
			// Keep one record per finished row: the JSON Lines file is written first, so it may hold
			// a run the CSV does not (killed between the two writes) or a torn last line.
			if (!file_exists(o.jsonl) && !done.empty())
				throw UsageError("sweep --resume: " + o.jsonl + " is missing but " + o.out +
						 " has finished runs: resume with the --jsonl of the first part, or without --jsonl");
			auto j = read_jsonl(o.jsonl);
			if (j.bad_line)
				throw UsageError("sweep --resume: " + o.jsonl + ": line " + std::to_string(j.bad_line) + " is damaged");
			std::string keep;
			std::set<std::string> seen;
			for (const auto& [id, line] : j.lines) {
				auto n = run_number(id);
				if (n && done.count(*n) && seen.insert(id).second)
					keep += line;
			}
			if (seen.size() != done.size())
				throw UsageError("sweep --resume: " + o.jsonl + " lacks " + std::to_string(done.size() - seen.size()) +
						 " of the runs " + o.out + " has: resume with the --jsonl of the first part, or without --jsonl");
			write_atomically(o.jsonl, keep);
		}
	}

	std::vector<uint64_t> todo;
	for (uint64_t i : mine)
		if (!done.count(i))
			todo.push_back(i);
	const auto task_at = [&](size_t j) {
		std::vector<size_t> vi;
		uint64_t seed;
		plan.point(todo[j], vi, seed);
		Task t{run_id(todo[j], plan.total), run_args(o.file, plan.overrides(vi), seed)};
		/* The waveform is an extra output of the worker: the row and its replay command stay the same. */
		if (!o.vcd_dir.empty() && (vcd_rows.empty() || vcd_rows.count(t.id))) {
			t.args.push_back("--vcd");
			t.args.push_back((std::filesystem::path(o.vcd_dir) / (t.id + ".vcd")).string());
		}
		return t;
	};
	const unsigned jobs = o.jobs ? o.jobs : default_jobs();
	if (!o.quiet) {
		std::cerr << "sweep: " << o.file << ": " << plan.total << " runs";
		for (const auto& p : plan.params)
			std::cerr << (&p == &plan.params[0] ? " (" : " x ") << p.values.size() << " " << p.path;
		std::cerr << (plan.params.empty() ? " (" : " x ") << plan.seeds.size() << " seed" << (plan.seeds.size() > 1 ? "s" : "") << ")";
		if (o.shard_n > 1)
			std::cerr << ", shard " << o.shard_k << "/" << o.shard_n << ": " << mine.size();
		if (!done.empty())
			std::cerr << ", " << done.size() << " already done";
		std::cerr << "; " << todo.size() << " to run on " << jobs << " job" << (jobs > 1 ? "s" : "") << "\n";
	}

	const int csv_fd = open_append(o.out);
	const int jsonl_fd = o.jsonl.empty() ? -1 : open_append(o.jsonl);
	Progress progress(mine.size(), done.size(), o.quiet);
	WorkerPool pool(jobs, o.timeout_s, o.exec);
	bool complete;
	uint64_t written = 0;
	try {
		complete = pool.run(
			todo.size(), task_at,
			[&](TaskResult& res) {
				const uint64_t i = todo[res.index];
				std::vector<size_t> vi;
				uint64_t seed;
				plan.point(i, vi, seed);
				const auto ov = plan.overrides(vi);
				std::vector<std::string> values;
				for (const auto& x : ov)
					values.push_back(x.value);
				RunRecord rec = record_from(res, values, seed, replay_command(o.file, ov, seed), o.timeout_s);
				if (jsonl_fd >= 0)
					append_line(jsonl_fd, jsonl_line(rec, plan.params), o.jsonl);
				append_line(csv_fd, csv_line(row_fields(rec)), o.out);
				written++;
				progress.one_done(rec);
			},
			[&] { progress.draw(); });
	} catch (const AppendError& e) {
		close(csv_fd);
		if (jsonl_fd >= 0)
			close(jsonl_fd);
		throw UsageError("sweep: " + std::string(e.what()) + ": " + std::to_string(done.size() + written) + " of " +
				 std::to_string(mine.size()) + " runs are in " + o.out +
				 "; make room and run the same command with --resume to finish");
	} catch (...) {
		close(csv_fd);
		if (jsonl_fd >= 0)
			close(jsonl_fd);
		throw;
	}
	// close(2) is where a file system that writes back late (NFS) reports what it could not store.
	const int csv_err = close(csv_fd) == 0 ? 0 : errno;
	const int jsonl_err = jsonl_fd < 0 || close(jsonl_fd) == 0 ? 0 : errno;
	for (const auto& [err, path] : {std::make_pair(csv_err, o.out), std::make_pair(jsonl_err, o.jsonl)})
		if (err && complete)
			throw UsageError("sweep: cannot write " + path + ": " + std::strerror(err) +
					 "; make room and run the same command with --resume");
	if (!complete) {
		progress.draw(true);
		std::cerr << "\nsweep: interrupted: " << (done.size() + progress.fresh()) << " of " << mine.size()
			  << " runs are in " << o.out << "; run the same command with --resume to finish\n";
		return 130;
	}
	progress.draw(true);
	try {
		finish_files(o, header);
	} catch (const UsageError& e) {
		throw UsageError("sweep: every run is in " + o.out + ", but putting the files in run-id order failed: " +
				 e.what() + "; make room and run the same command with --resume to finish");
	}
	auto f = read_csv(o.out);
	const Table t = table_from(*f, o.out);
	uint64_t failed = 0;
	for (const auto& r : t.rows)
		failed += r[t.col_outcome] == "error" || r[t.col_outcome] == "timeout";
	if (!o.quiet) {
		const double el = progress.elapsed();
		std::cout << "sweep: " << t.rows.size() << " runs in " << o.out << " (" << progress.fresh() << " run now in "
			  << std::fixed << std::setprecision(1) << el << " s, "
			  << (el > 0 ? double(progress.fresh()) / el : 0.0) << " runs/s on " << jobs << " job"
			  << (jobs > 1 ? "s" : "") << ")" << std::defaultfloat << "\n";
		if (failed)
			std::cout << "sweep: " << failed << " run(s) ended in error or timeout: their rows say why\n";
		print_summary(std::cout, t);
	}
	if (!o.plot.empty()) {
		draw_plot(t, o.plot);
		if (!o.quiet)
			std::cout << "\nplot: " << o.plot << "\n";
	}
	return failed ? kExitExpectation : kExitOk;
}

// ---- merge -------------------------------------------------------------------------------------------

int merge_main(const std::string& out, const std::vector<std::string>& parts)
{
	if (parts.empty())
		throw UsageError("merge: give the part files to join");
	const bool jsonl = out.size() > 6 && out.compare(out.size() - 6, 6, ".jsonl") == 0;
	std::map<uint64_t, std::pair<std::string, std::string>> by_id; // number -> (id, line)
	std::vector<std::string> header;
	size_t inputs = 0;
	// The parts' sidecars must agree on the scenario and the runs: shards of two different sweeps
	// (or of a scenario edited between shards) are not one file.
	std::optional<Meta> meta;
	std::string meta_from, no_meta;
	for (const auto& part : parts) {
		if (!file_exists(part))
			throw UsageError("merge: cannot open " + part);
		inputs++;
		if (!jsonl) {
			auto m = read_meta(part, "merge");
			if (!m) {
				no_meta = part;
			} else if (!meta) {
				meta = m;
				meta_from = part;
			} else if (m->scenario != meta->scenario || m->scenario_sha != meta->scenario_sha) {
				throw UsageError("merge: " + part + " and " + meta_from + " come from different scenarios ('" +
						 m->scenario + "' sha256 " + short_sha(m->scenario_sha) + "..., '" + meta->scenario +
						 "' sha256 " + short_sha(meta->scenario_sha) + "...): not the same sweep");
			} else if (m->sweep_sha != meta->sweep_sha || m->runs != meta->runs) {
				throw UsageError("merge: " + part + " and " + meta_from + " are shards of different sweeps (" +
						 spec_words(*m) + " | " + spec_words(*meta) + ")");
			}
			if (meta && !no_meta.empty())
				throw UsageError("merge: " + no_meta + " has no " + meta_path(no_meta) + " but " + meta_from +
						 " has: nothing shows they are from the same scenario");
		}
		std::vector<std::pair<std::string, std::string>> lines;
		if (jsonl) {
			auto j = read_jsonl(part);
			if (j.torn || j.bad_line)
				throw UsageError("merge: " + part + " ends in a torn or damaged line: resume that shard first");
			lines = j.lines;
		} else {
			auto f = read_csv(part);
			if (!f)
				throw UsageError("merge: cannot read " + part);
			if (f->torn || f->bad_line)
				throw UsageError("merge: " + part + " ends in a torn or damaged line: resume that shard first");
			if (f->header.empty())
				continue;
			if (header.empty())
				header = f->header;
			else if (f->header != header)
				throw UsageError("merge: " + part + " has other columns than " + parts[0] + ": not the same sweep");
			for (const auto& r : f->rows)
				lines.emplace_back(r[0], csv_line(r));
		}
		for (const auto& [id, line] : lines) {
			auto n = run_number(id);
			if (!n)
				throw UsageError("merge: " + part + ": '" + id + "' is not a run id");
			auto it = by_id.find(*n);
			if (it == by_id.end())
				by_id.emplace(*n, std::make_pair(id, line));
			else if (it->second.second != line)
				throw UsageError("merge: " + id + " appears twice with different contents (" + part + ")");
		}
	}
	std::string text = jsonl ? "" : csv_line(header);
	std::vector<std::string> missing;
	uint64_t expect = 0;
	for (const auto& [n, v] : by_id) {
		for (; expect < n && missing.size() < 20; expect++)
			missing.push_back(std::to_string(expect));
		expect = n + 1;
		text += v.second;
	}
	if (meta) {
		meta->shard_k = meta->shard_n = 1; // the whole sweep: its command with --resume fills any gap
		write_atomically(meta_path(out), meta_text(*meta));
	} else if (!jsonl && file_exists(meta_path(out))) {
		unlink(meta_path(out).c_str()); // not about this file any more
	}
	write_atomically(out, text);
	std::cerr << "merge: " << by_id.size() << " runs from " << inputs << " file" << (inputs > 1 ? "s" : "") << " -> "
		  << out << "\n";
	if (!missing.empty()) {
		std::cerr << "merge: runs missing before the last one (numbers):";
		for (const auto& m : missing)
			std::cerr << " " << m;
		std::cerr << "\nmerge: finish them with the sweep's command, --out " << out << " --resume\n";
		return kExitExpectation;
	}
	return kExitOk;
}

// ---- replay ------------------------------------------------------------------------------------------

int replay_main(const std::string& csv, const std::string& id, bool all, unsigned jobs, double timeout_s,
		const std::string& json_out)
{
	auto f = read_csv(csv);
	if (!f)
		throw UsageError("replay: cannot open " + csv);
	const Table t = table_from(*f, csv);
	auto col = [&](const char* name) { return size_t(std::find(t.header.begin(), t.header.end(), name) - t.header.begin()); };
	const size_t c_console = col("console_sha256"), c_report = col("report_sha256"), c_error = col("error");
	if (c_console >= t.header.size() || c_report >= t.header.size())
		throw UsageError("replay: " + csv + " has no sha256 columns");
	std::vector<const std::vector<std::string>*> rows;
	for (const auto& r : t.rows)
		if (all || r[0] == id)
			rows.push_back(&r);
	if (rows.empty()) {
		if (all)
			throw UsageError("replay: " + csv + " has no rows");
		throw UsageError("replay: " + csv + " has no run '" + id + "'" +
				 (t.rows.empty() ? "" : " (it has " + t.rows.front()[0] + " .. " + t.rows.back()[0] + ")"));
	}
	// A row may only say which scenario, which --set values and which seed: the command is made
	// from those, and a replay column that says anything else (an output path, another option) is
	// refused rather than run, since a CSV is easy to edit and to pass around.
	const auto meta = read_meta(csv, "replay");
	std::vector<Task> tasks;
	std::set<std::string> files;
	for (const auto* r : rows) {
		const std::string& id = (*r)[0];
		std::vector<std::string> words;
		try {
			words = shell_split((*r)[t.col_replay]);
		} catch (const OverrideError& e) {
			throw UsageError("replay: " + id + ": " + e.what());
		}
		if (words.size() < 3 || words[0] != "stopsim" || words[1] != "run")
			throw UsageError("replay: " + id + ": the replay column is not a 'stopsim run' command");
		const std::string file = words[2];
		if (file.empty() || file[0] == '-')
			throw UsageError("replay: " + id + ": the replay column names no scenario FILE ('" + file + "')");
		if (meta && file != meta->scenario)
			throw UsageError("replay: " + id + ": the replay column names '" + file + "', but the sweep ran '" +
					 meta->scenario + "' (" + meta_path(csv) + ")");
		const std::string& seed_text = (*r)[t.col_seed];
		if (seed_text.empty() || seed_text.size() > 19 || !std::all_of(seed_text.begin(), seed_text.end(), ::isdigit))
			throw UsageError("replay: " + id + ": the seed column holds '" + seed_text + "', not a whole number");
		const uint64_t seed = std::stoull(seed_text);
		std::vector<Override> sets;
		for (size_t i = 0; i < t.params.size(); i++) {
			const std::string& path = t.params[i];
			const bool path_ok = !path.empty() && (std::isalpha(static_cast<unsigned char>(path[0])) || path[0] == '_') &&
					     path.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.[]") ==
						     std::string::npos;
			if (!path_ok)
				throw UsageError("replay: " + csv + ": column '" + path + "' is not a scenario path");
			sets.push_back(Override{path, (*r)[1 + i]});
		}
		const std::string expect = replay_command(file, sets, seed);
		if ((*r)[t.col_replay] != expect)
			throw UsageError("replay: " + id + ": the replay column is not the command the row's values give (" +
					 expect + "): the file was edited. Replay runs only a row's scenario, --set values and seed; "
					 "nothing else (no output path or other option) is taken from a row");
		files.insert(file);
		tasks.push_back(Task{id, run_args(file, sets, seed)});
	}
	if (meta)
		for (const auto& file : files)
			if (file_exists(file) && sha256_hex(read_text(file)) != meta->scenario_sha)
				std::cerr << "replay: note: " << file << " has changed since the sweep (sha256 "
					  << short_sha(meta->scenario_sha) << "... then, " << short_sha(sha256_hex(read_text(file)))
					  << "... now): its runs may differ\n";
	// Always a fresh process image: a replay proves what the row's command does on its own.
	WorkerPool pool(all ? (jobs ? jobs : default_jobs()) : 1, timeout_s, true);
	uint64_t same = 0, differ = 0;
	const bool ok = pool.run(tasks, [&](TaskResult& res) {
		const auto& row = *rows[res.index];
		const std::string recorded = row[t.col_outcome];
		RunRecord rec = record_from(res, {}, 0, "", timeout_s);
		const bool console_same = rec.console_sha == row[c_console];
		const bool report_same = rec.report_sha == row[c_report];
		const bool outcome_same = rec.outcome == recorded;
		if (!all) {
			std::cout << res.out << std::flush;
			if (!json_out.empty() && res.json) {
				std::ofstream jf(json_out, std::ios::binary);
				if (!(jf << *res.json))
					throw UsageError("replay: cannot write " + json_out);
			}
		}
		if (console_same && report_same && outcome_same) {
			same++;
			if (!all)
				std::cerr << "replay " << row[0] << ": identical to the sweep: console output (sha256 "
					  << rec.console_sha.substr(0, 16) << "...) and JSON report (sha256 "
					  << (rec.report_sha.empty() ? std::string("none") : rec.report_sha.substr(0, 16) + "...") << ")\n";
			return;
		}
		differ++;
		std::cerr << "replay " << row[0] << ": DIFFERS from the sweep:";
		if (!outcome_same)
			std::cerr << " outcome " << recorded << " -> " << rec.outcome << ";";
		if (!console_same)
			std::cerr << " console output differs;";
		if (!report_same)
			std::cerr << " JSON report differs;";
		if (recorded == "error" || recorded == "timeout")
			std::cerr << " (the sweep recorded: " << row[c_error] << ")";
		if (!rec.ok())
			std::cerr << " (now: " << rec.error << ")";
		if (res.exit_code == 2)
			std::cerr << " (replay commands name FILE as the sweep was given it: replay from the folder the sweep ran in)";
		std::cerr << "\n";
	});
	if (!ok)
		return 130;
	if (all)
		std::cerr << "replay: " << same << " of " << rows.size() << " runs identical to the sweep" << (differ ? "" : " (all)")
			  << "\n";
	return differ ? kExitExpectation : kExitOk;
}

// ---- summary -----------------------------------------------------------------------------------------

int summary_main(const std::string& csv, const std::string& plot)
{
	if (!plot.empty())
		check_plot_target(plot);
	auto f = read_csv(csv);
	if (!f)
		throw UsageError("summary: cannot open " + csv);
	const Table t = table_from(*f, csv);
	std::cout << csv << ": " << t.rows.size() << " runs" << (f->torn ? " (and a torn last line)" : "") << "\n";
	print_summary(std::cout, t);
	if (!plot.empty()) {
		draw_plot(t, plot);
		std::cout << "\nplot: " << plot << "\n";
	}
	return kExitOk;
}

} // namespace stopsim
