/*
 * pyrun.c — Python lines for sockscope trace: run a Python script under the
 * line runner (assets/trace/pylines.py) and read what it reports.
 *
 * A Python program's calls unwind into the interpreter's C (socketmodule.c),
 * never to the script.  So `python3 [OPTIONS] SCRIPT ARGS`, `python3 -m
 * MODULE`, and a script whose #! line names python become
 * `python3 [OPTIONS] pylines.py SCRIPT ARGS`: the runner sets sys.settrace
 * and, before each line of the script's own files runs, writes
 * "\0sockscope-line L PATH:LINE" to a /dev/null descriptor the tracer
 * opened for it.  write(2) is a stopped call already (it may be a
 * socket's), so the tracer sees the report at its seccomp stop, in the
 * order of the program's calls and on the thread that runs the line, and
 * skips the call (trace.c).  Anything else, `python3 -c` and the REPL
 * included, is traced call by call.
 *
 * Where the runner is: the source tree's assets/ when sockscope runs from
 * its build tree, PREFIX/share/sockscope/ next to an installed binary (also
 * a moved prefix), the configured install path: the lessons' lookup
 * (src/lesson/catalog.c).
 */
#include "trace/trace_priv.h"
#include "common/mem.h"

#include <ctype.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define RUNNER "trace/pylines.py"
#define MAGIC "\0sockscope-line "
#define MAGIC_LEN (sizeof MAGIC - 1)

static bool is_file(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

const char *pyrun_runner(void)
{
	static char found[PATH_MAX];
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n > 0) {
		exe[n] = '\0';
		char *slash = strrchr(exe, '/');
		if (slash)
			*slash = '\0';
		if (strcmp(exe, SOCKSCOPE_BUILD_DIR) == 0) {
			snprintf(found, sizeof found, "%s/%s", SOCKSCOPE_SOURCE_ASSETS, RUNNER);
			if (is_file(found))
				return found;
		}
		snprintf(found, sizeof found, "%s/../share/sockscope/%s", exe, RUNNER);
		if (is_file(found))
			return found;
	}
	snprintf(found, sizeof found, "%s/%s", SOCKSCOPE_INSTALLED_ASSETS, RUNNER);
	if (is_file(found))
		return found;
	snprintf(found, sizeof found, "%s/%s", SOCKSCOPE_SOURCE_ASSETS, RUNNER);
	return is_file(found) ? found : NULL;
}

/* python, python3, python3.12, pypy3: an interpreter the runner runs under. */
bool pyrun_is_python(const char *path)
{
	const char *b = strrchr(path, '/');
	b = b ? b + 1 : path;
	if (!strncmp(b, "python", 6))
		b += 6;
	else if (!strncmp(b, "pypy", 4))
		b += 4;
	else
		return false;
	for (; *b; b++)
		if (!isdigit((unsigned char)*b) && *b != '.')
			return false;
	return true;
}

static char **vec_new(size_t n)
{
	return xcalloc(n + 1, sizeof(char *));
}

void pyrun_free_argv(char **argv)
{
	if (!argv)
		return;
	for (char **p = argv; *p; p++)
		free(*p);
	free(argv);
}

/* argv[0..pre), head (a flag cluster, may be NULL), the runner, extra
 * (0-2 words), then argv[from..]. */
static char **with_runner(char **argv, size_t pre, const char *head, const char *runner, const char *const *extra,
                          size_t nextra, size_t from)
{
	size_t argc = 0;
	while (argv[argc])
		argc++;
	char **v = vec_new(pre + 2 + nextra + (argc - from));
	if (!v)
		return NULL;
	size_t k = 0;
	bool ok = true;
	for (size_t i = 0; i < pre; i++)
		ok &= (v[k++] = xstrdup(argv[i])) != NULL;
	if (head)
		ok &= (v[k++] = xstrdup(head)) != NULL;
	ok &= (v[k++] = xstrdup(runner)) != NULL;
	for (size_t i = 0; i < nextra; i++)
		ok &= (v[k++] = xstrdup(extra[i])) != NULL;
	for (size_t i = from; i < argc; i++)
		ok &= (v[k++] = xstrdup(argv[i])) != NULL;
	if (!ok) {
		pyrun_free_argv(v);
		return NULL;
	}
	return v;
}

/* `python [OPTIONS] SCRIPT|-m MODULE ...` with the runner; NULL (and why)
 * when there is no script to run it on. */
static char **python_cmd(char **argv, const char *runner, char *why, size_t n)
{
	size_t i = 1;
	for (; argv[i]; i++) {
		const char *a = argv[i];
		if (a[0] != '-' || !a[1])
			break;
		if (!strcmp(a, "--")) {
			i++;
			break;
		}
		if (a[1] == '-') {
			if (!strcmp(a, "--check-hash-based-pycs") && argv[i + 1]) {
				i++;
				continue;
			}
			snprintf(why, n, "%s %s runs no script", argv[0], a);
			return NULL;
		}
		/* a cluster of one-letter flags; the first that takes a value ends it */
		for (const char *f = a + 1; *f; f++) {
			if (*f == 'c') {
				snprintf(why, n, "%s -c runs no script file", argv[0]);
				return NULL;
			}
			if (*f == 'm') {
				const char *mod = f[1] ? f + 1 : argv[i + 1];
				if (!mod) {
					snprintf(why, n, "%s -m names no module", argv[0]);
					return NULL;
				}
				/* -m goes after the runner; the cluster's other flags ("-u" of
				 * "-um MOD") stay before it */
				char head[256];
				snprintf(head, sizeof head, "%.*s", (int)(f - a), a);
				const char *extra[2] = { "-m", mod };
				return with_runner(argv, i, strcmp(head, "-") ? head : NULL, runner, extra, 2,
				                   f[1] ? i + 1 : i + 2);
			}
			if (*f == 'X' || *f == 'W') {
				if (!f[1])
					i++;
				break;
			}
		}
		if (!argv[i])
			break;
	}
	if (!argv[i] || !strcmp(argv[i], "-")) {
		snprintf(why, n, "%s reads its program from standard input", argv[0]);
		return NULL;
	}
	return with_runner(argv, i, NULL, runner, NULL, 0, i);
}

char **pyrun_argv(char **argv, const char *found, char *note, size_t n)
{
	note[0] = '\0';
	if (pyrun_is_python(argv[0]) || pyrun_is_python(found)) {
		const char *runner = pyrun_runner();
		if (!runner) {
			snprintf(note, n, "Python's line runner (%s) is not installed: calls are shown without Python lines",
			         RUNNER);
			return NULL;
		}
		char why[256] = "";
		char **v = python_cmd(argv, runner, why, sizeof why);
		if (!v && why[0])
			snprintf(note, n, "%s: calls are shown without Python lines", why);
		else if (v)
			snprintf(note, n, "Python: the script runs under sockscope's line runner (%s): each call is shown at "
			                  "the line of the script's own files that made it (--no-lines: without)",
			         runner);
		return v;
	}
	/* A script whose #! names python (directly or through env). */
	int fd = open(found, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	char line[256];
	ssize_t k = read(fd, line, sizeof line - 1);
	close(fd);
	if (k < 3 || line[0] != '#' || line[1] != '!')
		return NULL;
	line[k] = '\0';
	line[strcspn(line, "\n")] = '\0';
	char *interp = line + 2 + strspn(line + 2, " \t");
	char *arg = interp + strcspn(interp, " \t");
	if (*arg) {
		*arg++ = '\0';
		arg += strspn(arg, " \t");
		/* as the kernel does: the rest of the line is one argument */
		size_t len = strlen(arg);
		while (len && isspace((unsigned char)arg[len - 1]))
			arg[--len] = '\0';
	}
	const char *py = !strcmp(strrchr(interp, '/') ? strrchr(interp, '/') + 1 : interp, "env") ? arg : interp;
	if (!*py || !pyrun_is_python(py) || strchr(arg, ' '))
		return NULL;
	const char *runner = pyrun_runner();
	if (!runner) {
		snprintf(note, n, "Python's line runner (%s) is not installed: calls are shown without Python lines", RUNNER);
		return NULL;
	}
	/* interp [arg] runner found ARGS... */
	size_t argc = 0;
	while (argv[argc])
		argc++;
	char **v = vec_new(argc + 3);
	if (!v)
		return NULL;
	size_t j = 0;
	bool ok = (v[j++] = xstrdup(interp)) != NULL;
	if (*arg)
		ok &= (v[j++] = xstrdup(arg)) != NULL;
	ok &= (v[j++] = xstrdup(runner)) != NULL;
	ok &= (v[j++] = xstrdup(found)) != NULL;
	for (size_t i = 1; i < argc; i++)
		ok &= (v[j++] = xstrdup(argv[i])) != NULL;
	if (!ok) {
		pyrun_free_argv(v);
		return NULL;
	}
	snprintf(note, n, "Python (#!%s%s%s): the script runs under sockscope's line runner (%s): each call is shown at "
	                  "the line of the script's own files that made it (--no-lines: without)",
	         interp, *arg ? " " : "", arg, runner);
	return v;
}

bool pyrun_parse(const char *buf, size_t n, char *path, size_t pathlen, int *line, bool *resumed)
{
	if (n < MAGIC_LEN + 4 || memcmp(buf, MAGIC, MAGIC_LEN) != 0)
		return false;
	const char *p = buf + MAGIC_LEN, *end = buf + n;
	if (*p != 'L' && *p != 'R')
		return false;
	*resumed = *p == 'R';
	p += 2;
	/* PATH:LINE, the path may hold colons: the number is after the last */
	const char *colon = NULL;
	for (const char *q = p; q < end; q++)
		if (*q == ':')
			colon = q;
	if (!colon || colon + 1 >= end || colon == p)
		return false;
	int v = 0;
	for (const char *q = colon + 1; q < end; q++) {
		if (*q < '0' || *q > '9' || v > 10000000)
			return false;
		v = v * 10 + (*q - '0');
	}
	*line = v;
	snprintf(path, pathlen, "%.*s", (int)(colon - p), p);
	return true;
}
