# sbtrace exits with the command's status: its code, 128+N for signal N,
# 127 for a command not found, 126 for one that cannot be executed; the
# run and the root process record it.
. "$SB_SRC/test/lib.sh"

trace sh -c 'exit 3'
expect_eq 3 "$?" "exit 3"
expect_eq "3|" "$(q "SELECT exit_code, signal FROM runs")" "runs exit_code/signal for exit 3"
expect_eq "3|" "$(q "SELECT exit_code, signal FROM processes WHERE started_by = 'root'")" \
	"root process exit_code/signal for exit 3"

trace sh -c 'kill -TERM $$'
expect_eq 143 "$?" "kill -TERM self"
expect_eq "|15" "$(q "SELECT exit_code, signal FROM runs")" "runs exit_code/signal for SIGTERM"
expect_eq "|15" "$(q "SELECT exit_code, signal FROM processes WHERE started_by = 'root'")" \
	"root process exit_code/signal for SIGTERM"

trace true
expect_eq 0 "$?" "true"
trace false
expect_eq 1 "$?" "false"

err=$(trace sbtest-no-such-command-$$ 2>&1)
expect_eq 127 "$?" "command not found"
expect_match "sbtest-no-such-command-$$" "$err" "command not found: message names it"

printf '#!/bin/sh\nexit 0\n' >noexec
chmod 644 noexec
trace ./noexec 2>/dev/null
expect_eq 126 "$?" "not executable"
