-- sbtrace database schema, version 3 (common/schema.h SB_DB_VERSION): the
-- tables; the views are in views.sql.  Contract 2 of ARCHITECTURE.md,
-- documented in sbtrace-db(5).  Changed only by a migration that bumps
-- PRAGMA user_version (collector/db.c); never edit a released version in
-- place.
--
-- Paths are TEXT holding the exact bytes the program used (newlines and
-- non-UTF-8 bytes included); argv is a JSON array.  Times are
-- nanoseconds since the Unix epoch.  result is 0 or an errno value.

CREATE TABLE IF NOT EXISTS meta (
	key TEXT PRIMARY KEY,
	value TEXT
);

CREATE TABLE IF NOT EXISTS runs (
	id INTEGER PRIMARY KEY,
	command TEXT NOT NULL,		-- JSON array: the traced command line
	cwd TEXT NOT NULL,
	start_ns INTEGER NOT NULL,
	end_ns INTEGER,
	backend TEXT NOT NULL,		-- preload | ptrace | seccomp | auto
	host TEXT NOT NULL,		-- uname nodename
	all_calls INTEGER NOT NULL,	-- 1: every call is a row (--all)
	exit_code INTEGER,		-- of the command, when it exited
	signal INTEGER,			-- of the command, when it was killed
	events INTEGER NOT NULL DEFAULT 0, -- records received
	sbtrace_version TEXT NOT NULL,
	interrupted INTEGER,		-- the signal that stopped sbtrace early (version 3)
	filter TEXT,			-- JSON: what -e and --exclude-path left out (version 3)
	attached_pid INTEGER		-- the process -p attached to (version 3)
);

CREATE TABLE IF NOT EXISTS processes (
	id INTEGER PRIMARY KEY,
	run_id INTEGER NOT NULL REFERENCES runs(id),
	parent_id INTEGER REFERENCES processes(id), -- the image that forked or exec'd it
	pid INTEGER NOT NULL,
	ppid INTEGER,
	exe TEXT,			-- /proc/self/exe, or the exec'd path if untraced
	execfn TEXT,			-- path given to execve (AT_EXECFN)
	argv TEXT,			-- JSON array
	cwd TEXT,
	start_ns INTEGER,
	end_ns INTEGER,
	exit_code INTEGER,
	signal INTEGER,
	backend TEXT NOT NULL,		-- preload | ptrace | seccomp | none (static/setuid exec)
	started_by TEXT NOT NULL,	-- root | exec | fork | spawn
	env TEXT			-- JSON object: the variables of common/libcenv.h (version 2)
);

CREATE TABLE IF NOT EXISTS accesses (
	id INTEGER PRIMARY KEY,
	process_id INTEGER NOT NULL REFERENCES processes(id),
	op TEXT NOT NULL,
	path TEXT NOT NULL,		-- absolute, lexically normalised
	raw_path TEXT NOT NULL,		-- as the program passed it
	mode INTEGER NOT NULL,		-- bit mask, see sbtrace-db(5)
	result INTEGER NOT NULL,	-- 0 or errno
	count INTEGER NOT NULL,		-- calls folded into this row
	ts_ns INTEGER NOT NULL		-- first call
);

CREATE INDEX IF NOT EXISTS processes_run ON processes(run_id);
CREATE INDEX IF NOT EXISTS accesses_process ON accesses(process_id);
-- No index on accesses(path): it would cost a fifth of the ingest rate
-- of every trace; a user who looks paths up often makes one with
-- CREATE INDEX accesses_path ON accesses(path) (sbtrace-db(5)).

-- Which package owns a file, filled by sbtrace --packages (version 3).
CREATE TABLE IF NOT EXISTS packages (
	path TEXT PRIMARY KEY,		-- as accesses.path
	package TEXT NOT NULL,
	version TEXT,
	architecture TEXT
) WITHOUT ROWID;
