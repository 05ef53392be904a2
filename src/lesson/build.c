/*
 * build.c — a lesson's C program compiled into the user's cache (build.h).
 *
 * The compiler runs without a shell: the file's build line is split into
 * words (the lines are plain flags), `cc` is found on PATH, its stderr is
 * read through a pipe, bounded in time.  The binary is written under a
 * temporary name and renamed into place, so a build cut short never
 * leaves a half binary that a later run would take for the cached one.
 */
#include "lesson/build.h"
#include "common/dirlist.h"

#include "common/clock.h"
#include "common/mem.h"
#include "common/proc.h"
#include "common/text.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* A compile of one small file takes well under a second; a machine under
 * load may need many.  Past this the compiler is ended and said so. */
#define BUILD_TIMEOUT_MS 120000
#define BUILD_MAX_ERR (64 * 1024)
#define BUILD_MAX_SRC (1024 * 1024)
#define BUILD_MAX_WORDS 32

bool lesson_build_cache_dir(char *buf, size_t n)
{
	return xdg_path("XDG_CACHE_HOME", ".cache", "sockscope", buf, n);
}

bool lesson_build_have_cc(void)
{
	return proc_on_path("cc", NULL, 0);
}

static void set_error(struct lesson_build *b, enum lesson_build_status st, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void set_error(struct lesson_build *b, enum lesson_build_status st, const char *fmt, ...)
{
	b->status = st;
	b->errors = xmalloc(8192);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(b->errors, 8192, fmt, ap);
	va_end(ap);
}

/* The source's bytes, NUL-ended (a program is small: at most a megabyte). */
static char *read_source(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	char *buf = xmalloc(BUILD_MAX_SRC + 1);
	*len = fread(buf, 1, BUILD_MAX_SRC + 1, f);
	bool bad = ferror(f) || *len > BUILD_MAX_SRC;
	fclose(f);
	if (bad) {
		free(buf);
		return NULL;
	}
	buf[*len] = '\0';
	return buf;
}

/* The flags after "Build: cc " in the file's first lines, into line. */
static bool build_line(const char *text, char *line, size_t n)
{
	const char *at = strstr(text, "Build: cc ");
	if (!at || at - text > 2048)
		return false;
	at += strlen("Build: cc ");
	size_t k = strcspn(at, "\n");
	const char *close = strstr(at, "*/");   /* a one-line comment ends on it */
	if (close && (size_t)(close - at) < k)
		k = (size_t)(close - at);
	if (k >= n)
		return false;
	memcpy(line, at, k);
	line[k] = '\0';
	return true;
}

/* mkdir -p of a directory under the cache, mode 0700 (the user's own). */
static int make_dirs(const char *dir)
{
	char p[4096];
	snprintf(p, sizeof p, "%s", dir);
	for (char *s = p + 1; *s; s++)
		if (*s == '/') {
			*s = '\0';
			if (mkdir(p, 0700) < 0 && errno != EEXIST)
				return -1;
			*s = '/';
		}
	return mkdir(p, 0700) < 0 && errno != EEXIST ? -1 : 0;
}

/* The compiler's first "file:line" (of `src`) into out. */
static void first_location(const char *errors, const char *src, char *out, size_t n)
{
	out[0] = '\0';
	size_t sl = strlen(src);
	for (const char *l = errors; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
		if (strncmp(l, src, sl) != 0 || l[sl] != ':')
			continue;
		char *end;
		long line = strtol(l + sl + 1, &end, 10);
		if (end != l + sl + 1 && *end == ':' && line > 0) {
			snprintf(out, n, "%s:%ld", src, line);
			return;
		}
	}
}

/* Run argv, its stderr (and stdout) into *text; the exit status, or -1
 * when it could not run or was ended for taking too long (said in *text). */
static int run_compiler(char *const argv[], char **text)
{
	int pfd[2];
	*text = xcalloc(1, BUILD_MAX_ERR + 1);
	if (pipe2(pfd, O_CLOEXEC) < 0) {
		snprintf(*text, BUILD_MAX_ERR, "cannot run the compiler: %s", strerror(errno));
		return -1;
	}
	pid_t pid = fork();
	if (pid == 0) {
		dup2(pfd[1], 1);
		dup2(pfd[1], 2);
		int nul = open("/dev/null", O_RDONLY);
		if (nul >= 0)
			dup2(nul, 0);
		execv(argv[0], argv);
		_exit(127);
	}
	close(pfd[1]);
	if (pid < 0) {
		close(pfd[0]);
		snprintf(*text, BUILD_MAX_ERR, "cannot run the compiler: %s", strerror(errno));
		return -1;
	}
	size_t len = 0;
	int64_t until = clock_ms() + BUILD_TIMEOUT_MS;
	bool late = false;
	for (;;) {
		int64_t left = until - clock_ms();
		if (left <= 0) {
			late = true;
			break;
		}
		struct pollfd p = { .fd = pfd[0], .events = POLLIN };
		int r = poll(&p, 1, (int)left);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			continue;
		char chunk[4096];
		ssize_t k = read(pfd[0], chunk, sizeof chunk);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break;
		size_t take = (size_t)k < BUILD_MAX_ERR - len ? (size_t)k : BUILD_MAX_ERR - len;
		memcpy(*text + len, chunk, take);
		len += take;
	}
	close(pfd[0]);
	if (late)
		kill(pid, SIGKILL);
	int status;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (late) {
		snprintf(*text + len, BUILD_MAX_ERR + 1 - len, "%sthe compiler did not finish within %d s: ended it\n",
		         len ? "\n" : "", BUILD_TIMEOUT_MS / 1000);
		return -1;
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

enum lesson_build_status lesson_build_c(const char *src, struct lesson_build *b)
{
	memset(b, 0, sizeof *b);
	char cc[4096], flags[sizeof b->command - 64], cache[4096];
	size_t len;
	char *text = read_source(src, &len);
	if (!text) {
		set_error(b, LESSON_BUILD_ERROR, "%s: cannot be read (%s)", src, errno ? strerror(errno) : "too large");
		return b->status;
	}
	if (!build_line(text, flags, sizeof flags)) {
		set_error(b, LESSON_BUILD_ERROR, "%s: no 'Build: cc ...' line at its top (the line the program is "
		          "compiled with)", src);
		free(text);
		return b->status;
	}
	if (!proc_on_path("cc", cc, sizeof cc)) {
		b->status = LESSON_BUILD_NO_CC;
		snprintf(b->command, sizeof b->command, "cc %s -g -O0", flags);
		free(text);
		return b->status;
	}
	snprintf(b->command, sizeof b->command, "cc %s -g -O0", flags);
	/* The key: the source, the line and which cc (a new compiler may make
	 * another binary of the same text). */
	uint64_t key = text_fnv1a(TEXT_FNV1A_INIT, text, len);
	key = text_fnv1a(key, b->command, strlen(b->command) + 1);
	key = text_fnv1a(key, cc, strlen(cc));
	free(text);
	struct stat st;
	if (stat(cc, &st) == 0)
		key = text_fnv1a(key, &st.st_mtime, sizeof st.st_mtime);
	if (!lesson_build_cache_dir(cache, sizeof cache)) {
		set_error(b, LESSON_BUILD_ERROR, "%s: no place to build it: neither XDG_CACHE_HOME nor HOME is set", src);
		return b->status;
	}
	const char *base = strrchr(src, '/') ? strrchr(src, '/') + 1 : src;
	char name[256];
	snprintf(name, sizeof name, "%.*s", (int)strcspn(base, "."), base);
	char dir[4096 + 64];
	snprintf(dir, sizeof dir, "%s/programs/%016llx", cache, (unsigned long long)key);
	snprintf(b->exe, sizeof b->exe, "%s/%s", dir, name);
	if (access(b->exe, X_OK) == 0) {
		b->status = LESSON_BUILD_OK;
		b->cached = true;
		return b->status;
	}
	if (make_dirs(dir) < 0) {
		set_error(b, LESSON_BUILD_ERROR, "%s: cannot make %s", src, dir);
		return b->status;
	}
	char tmp[sizeof b->exe + 32];
	snprintf(tmp, sizeof tmp, "%s.tmp%ld", b->exe, (long)getpid());

	char words[sizeof flags];
	snprintf(words, sizeof words, "%s", flags);
	char *argv[BUILD_MAX_WORDS + 8];
	size_t n = 0;
	argv[n++] = cc;
	char *save = NULL;
	for (char *w = strtok_r(words, " \t", &save); w && n < BUILD_MAX_WORDS; w = strtok_r(NULL, " \t", &save))
		argv[n++] = w;
	argv[n++] = "-g";
	argv[n++] = "-O0";
	argv[n++] = "-o";
	argv[n++] = tmp;
	argv[n++] = (char *)src;
	argv[n] = NULL;
	int rc = run_compiler(argv, &b->errors);
	if (rc != 0) {
		unlink(tmp);
		b->status = rc < 0 ? LESSON_BUILD_ERROR : LESSON_BUILD_FAILED;
		first_location(b->errors, src, b->first_error, sizeof b->first_error);
		return b->status;
	}
	free(b->errors);
	b->errors = NULL;
	if (rename(tmp, b->exe) < 0) {
		unlink(tmp);
		set_error(b, LESSON_BUILD_ERROR, "%s: cannot put the binary in the cache (%s)", src, strerror(errno));
		return b->status;
	}
	b->status = LESSON_BUILD_OK;
	return b->status;
}

void lesson_build_free(struct lesson_build *b)
{
	free(b->errors);
	b->errors = NULL;
}
