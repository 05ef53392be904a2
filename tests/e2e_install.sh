# e2e_install.sh — `cmake --install` puts the binary, the lessons and the man
# page under a prefix, and the installed binary finds its lessons there
# (also when the prefix is moved), with no source tree involved.
# $1: the sockscope binary in the build tree.
. "$(dirname "$0")/lib.sh"
bin=$1
build=$(dirname "$bin")
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
if ! cmake --install "$build" --prefix "$tmp/prefix" > "$tmp/log" 2>&1; then
	cat "$tmp/log"; fail "cmake --install failed"; finish
fi
[ -x "$tmp/prefix/bin/sockscope" ] && pass "binary installed" || fail "no bin/sockscope"
[ -f "$tmp/prefix/share/sockscope/lessons/02-tcp-basics.lesson" ] && pass "lessons installed" || fail "no lessons"
[ -f "$tmp/prefix/share/man/man1/sockscope.1" ] && pass "man page installed" || fail "no man page"
[ -f "$tmp/prefix/share/sockscope/trace/pylines.py" ] && pass "trace's Python line runner installed" \
	|| fail "no share/sockscope/trace/pylines.py"
mv "$tmp/prefix" "$tmp/moved"
list=$(cd / && SOCKSCOPE_LESSONS= "$tmp/moved/bin/sockscope" list 2>&1)
expect_in "$list" "tcp-basics" "the installed binary lists the installed lessons"
help=$("$tmp/moved/bin/sockscope" --help)
expect_in "$help" "$tmp/moved/bin/../share/sockscope/lessons" "it reads them from beside itself"
# trace finds its Python runner beside itself too (--capture none: no
# packets needed, a Python that never runs: the note is said before)
if command -v python3 > /dev/null 2>&1; then
	out=$("$tmp/moved/bin/sockscope" trace --capture none -- python3 /nonexistent.py 2>&1)
	expect_in "$out" "line runner ($tmp/moved/bin/../share/sockscope/trace/pylines.py)" \
		"the installed trace runs Python under the installed runner"
fi
# and from the build tree, the source tree's lessons
help=$("$bin" --help)
expect_in "$help" "/lessons)" "the build-tree binary names its lesson directory"
expect_not_in "$help" "/share/sockscope" "the build-tree binary does not use an installed copy"
finish
