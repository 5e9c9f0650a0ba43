# test/lint passes: no banned calls, man pages clean under mandoc -T lint.
set -u
: "${SB_SRC:=$(cd "$(dirname "$0")/.." && pwd)}"
"$SB_SRC/test/lint"
