# e2e_layers.sh — the house plan, checked: src/ holds main.c and folders
# only, curses is included by src/tui/term.c alone, and no two folders
# include each other, directly or through others (an include of
# "inspect/x.h" from src/lab/ is an edge lab -> inspect; a cycle is a
# failure, printed with its path).  $1: the sockscope binary (unused: this
# reads the sources).
. "$(dirname "$0")/lib.sh"
src=$(cd "$(dirname "$0")/../src" && pwd)

loose=$(cd "$src" && find . -maxdepth 1 -type f ! -name main.c | sed 's|^\./||' | sort)
[ -z "$loose" ] && pass "src/ top level: main.c only" || fail "files loose in src/: $loose"

curses=$(grep -rlE '#include <(n?curses|ncursesw/curses)\.h>' "$src" | sed "s|^$src/||" | sort)
[ "$curses" = "tui/term.c" ] && pass "curses is included by tui/term.c only" || fail "curses included by: $curses"

# folder -> folder edges from the quoted includes
edges=$(cd "$src" && grep -rHoE '^#include "[a-z_]+/' --include='*.c' --include='*.h' . |
	sed -E 's|^\./([a-z_]+)/[^:]*:#include "([a-z_]+)/|\1 \2|' | awk '$1 != $2' | sort -u)
cycle=$(printf '%s\n' "$edges" | awk '
	NF == 2 { out[$1] = out[$1] " " $2; nodes[$1]; nodes[$2] }
	function visit(n, path,    k, m, parts, i) {
		if (state[n] == 1) { found = path " -> " n; return 1 }
		if (state[n] == 2) return 0
		state[n] = 1
		m = split(out[n], parts, " ")
		for (i = 1; i <= m; i++)
			if (visit(parts[i], path " -> " n)) return 1
		state[n] = 2
		return 0
	}
	END { for (n in nodes) if (!state[n] && visit(n, "")) { print substr(found, 5); exit } }')
[ -z "$cycle" ] && pass "no folder include cycle ($(printf '%s\n' "$edges" | wc -l) edges)" ||
	fail "a folder include cycle: $cycle"
finish
