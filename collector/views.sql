-- sbtrace database views, version 3: the everyday questions, documented
-- in sbtrace-db(5) VIEWS.  A new database gets them after the tables of
-- schema.sql; a migration drops the views it changes and collector/db.c
-- then makes what is missing from this file; sbtrace report makes them
-- as TEMP views over a database of any version, read-only.  So this file
-- must only ever use columns that every version has.
--
-- One row per (run, path): a path used by several processes or calls of
-- a run is listed once for that run, and once more for each other run
-- of an appended database (SELECT DISTINCT path ... for the whole file).
-- Mode bits as in common/schema.h: 1 READ, 2 WRITE, 4 CREATE, 8 DIR,
-- 16 TRUNC, 8192 PROBE.

-- Contents read: an exec, a load or dlopen by the dynamic linker, or an
-- open for reading that could not have made or emptied the file.  An
-- open with O_CREAT or O_TRUNC (fopen "w+", "a+") may have created the
-- file and nothing is known to have been read from it: it is a write
-- only, as ReproZip counts it.
CREATE VIEW IF NOT EXISTS files_read AS
	SELECT r.run_id, r.path, k.package
	FROM (SELECT DISTINCT p.run_id, a.path
	      FROM accesses a JOIN processes p ON p.id = a.process_id
	      WHERE a.result = 0 AND (a.mode & 1) AND NOT (a.mode & 8)
	        AND a.op IN ('open', 'exec', 'load', 'dlopen')
	        AND NOT (a.op = 'open' AND (a.mode & (4 | 16)))) r
	LEFT JOIN packages k ON k.path = r.path;

-- Changed: any successful call with the WRITE bit but access(W_OK),
-- which only asks.  op: the operations, comma separated, in the order
-- of their first call ('open' for most paths, as in version 2).
CREATE VIEW IF NOT EXISTS files_written AS
	SELECT w.run_id, w.path, w.op, k.package
	FROM (SELECT run_id, path, group_concat(op) AS op
	      FROM (SELECT p.run_id, a.path, a.op, min(a.ts_ns) AS first
	            FROM accesses a JOIN processes p ON p.id = a.process_id
	            WHERE a.result = 0 AND (a.mode & 2) AND a.op <> 'access'
	            GROUP BY p.run_id, a.path, a.op
	            ORDER BY first, a.op)
	      GROUP BY run_id, path) w
	LEFT JOIN packages k ON k.path = w.path;

CREATE VIEW IF NOT EXISTS programs_executed AS
	SELECT e.run_id, e.path, k.package
	FROM (SELECT DISTINCT p.run_id, a.path
	      FROM accesses a JOIN processes p ON p.id = a.process_id
	      WHERE a.op = 'exec' AND a.result = 0) e
	LEFT JOIN packages k ON k.path = e.path;

-- ENOENT, one row per (run, path, kind).  kind: 'loader-search', a
-- candidate the dynamic linker tried for a library; 'path-lookup', a
-- candidate tried along $PATH: one execvp or posix_spawnp tried (the
-- PROBE bit), or an exec, stat or access of a path named as a program
-- the run executed (a shell's or Python's own search of $PATH);
-- 'not-found', the rest: what a program asked for and did not get.
-- The names of the programs executed are made once per query, and
-- looked up by a join (a correlated subquery would scan every exec
-- row for every miss).  The last component of a path is what follows
-- its last '/': rtrim() takes away what is not a '/' from its end.
CREATE VIEW IF NOT EXISTS missing_paths AS
	SELECT m.run_id, m.path, group_concat(DISTINCT m.op) AS ops,
	       sum(m.count) AS tries, m.kind
	FROM (SELECT p.run_id, a.path, a.op, a.count,
	             CASE WHEN a.op = 'search' THEN 'loader-search'
	                  WHEN a.op = 'exec' AND (a.mode & 8192) THEN 'path-lookup'
	                  WHEN a.op IN ('exec', 'stat', 'access')
	                       AND x.name IS NOT NULL THEN 'path-lookup'
	                  ELSE 'not-found' END AS kind
	      FROM accesses a JOIN processes p ON p.id = a.process_id
	      LEFT JOIN (SELECT DISTINCT q.run_id,
	                        substr(e.path, length(rtrim(e.path,
	                               replace(e.path, '/', ''))) + 1) AS name
	                 FROM accesses e JOIN processes q ON q.id = e.process_id
	                 WHERE e.op = 'exec' AND e.result = 0) x
	        ON x.run_id = p.run_id
	       AND x.name = substr(a.path, length(rtrim(a.path,
	                           replace(a.path, '/', ''))) + 1)
	      WHERE a.result = 2) m
	GROUP BY m.run_id, m.path, m.kind;

-- tree_key: the ids from the root down to the process, 12 digits each,
-- joined by '.': ORDER BY tree_key lists every process under the one
-- that started it, siblings in the order they were first seen.
CREATE VIEW IF NOT EXISTS process_tree AS
	WITH RECURSIVE tree(id, run_id, depth, pid, exe, argv, parent_id,
	                    started_by, exit_code, signal, tree_key) AS (
		SELECT id, run_id, 0, pid, exe, argv, parent_id, started_by,
		       exit_code, signal, printf('%012d', id)
		FROM processes WHERE parent_id IS NULL
		UNION ALL
		SELECT c.id, c.run_id, t.depth + 1, c.pid, c.exe, c.argv,
		       c.parent_id, c.started_by, c.exit_code, c.signal,
		       t.tree_key || '.' || printf('%012d', c.id)
		FROM processes c JOIN tree t ON c.parent_id = t.id
	)
	SELECT * FROM tree;
