/*
 * test_lesson_build.c — lesson programs compiled into the user's cache
 * (src/lesson/build.c): lesson 2's real client builds with its stated line
 * plus -g -O0 under $XDG_CACHE_HOME/sockscope and runs; built again it is
 * found in the cache, not recompiled (same path, same inode); a changed
 * source gets a new binary; a program that does not compile comes back as
 * the compiler's own text with its file:line; without cc on PATH the
 * answer is LESSON_BUILD_NO_CC.  Skips (77) without cc.
 */
#include "lesson/build.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	CHECK(f != NULL);
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

int main(void)
{
	if (!lesson_build_have_cc()) {
		printf("SKIP: no C compiler (cc)\n");
		return 77;
	}
	char tmp[] = "/tmp/sockscope-build-XXXXXX";
	CHECK(mkdtemp(tmp) != NULL);
	setenv("XDG_CACHE_HOME", tmp, 1);
	char cache[4096];
	CHECK(lesson_build_cache_dir(cache, sizeof cache));
	char want[4200];
	snprintf(want, sizeof want, "%s/sockscope", tmp);
	EQ_STR(want, cache);

	/* lesson 2's client, as shipped */
	struct lesson_build b;
	const char *client = SOCKSCOPE_SOURCE_DIR "/lessons/programs/02-tcp-basics/client.c";
	EQ_INT(LESSON_BUILD_OK, lesson_build_c(client, &b));
	CHECK(!b.cached);
	CHECK_MSG(strncmp(b.exe, want, strlen(want)) == 0, "built at %s", b.exe);
	CHECK_MSG(strstr(b.command, "-Werror") && strstr(b.command, "-g -O0"), "command %s", b.command);
	struct stat st1, st2;
	CHECK(stat(b.exe, &st1) == 0 && (st1.st_mode & S_IXUSR));
	char cmd[8400];
	/* it is the program: its usage line, exit 2 */
	snprintf(cmd, sizeof cmd, "'%s' 2>&1 | grep -q 'usage: .* HOST PORT'", b.exe);
	EQ_INT(0, system(cmd));
	char first[4096];
	snprintf(first, sizeof first, "%s", b.exe);
	lesson_build_free(&b);

	/* again: the cache's, untouched */
	EQ_INT(LESSON_BUILD_OK, lesson_build_c(client, &b));
	CHECK(b.cached);
	EQ_STR(first, b.exe);
	CHECK(stat(b.exe, &st2) == 0 && st1.st_ino == st2.st_ino && st1.st_mtime == st2.st_mtime);
	lesson_build_free(&b);

	/* a program of our own: changed, it is another binary */
	char src[4200];
	snprintf(src, sizeof src, "%s/hello.c", tmp);
	write_file(src, "/* Build: cc -std=c11 -Wall -Wextra -Werror */\n#include <stdio.h>\n"
	                "int main(void) { puts(\"one\"); return 0; }\n");
	EQ_INT(LESSON_BUILD_OK, lesson_build_c(src, &b));
	snprintf(first, sizeof first, "%s", b.exe);
	snprintf(cmd, sizeof cmd, "test \"$('%s')\" = one", b.exe);
	EQ_INT(0, system(cmd));
	lesson_build_free(&b);
	write_file(src, "/* Build: cc -std=c11 -Wall -Wextra -Werror */\n#include <stdio.h>\n"
	                "int main(void) { puts(\"two\"); return 0; }\n");
	EQ_INT(LESSON_BUILD_OK, lesson_build_c(src, &b));
	CHECK(!b.cached);
	CHECK(strcmp(first, b.exe) != 0);
	snprintf(cmd, sizeof cmd, "test \"$('%s')\" = two", b.exe);
	EQ_INT(0, system(cmd));
	lesson_build_free(&b);

	/* -Werror refuses an unused variable on line 3: the compiler's words, file:line */
	write_file(src, "/* Build: cc -std=c11 -Wall -Wextra -Werror */\n"
	                "int main(void) {\n\tint unused = 1;\n\treturn 0;\n}\n");
	EQ_INT(LESSON_BUILD_FAILED, lesson_build_c(src, &b));
	char loc[4300];
	snprintf(loc, sizeof loc, "%s:3", src);
	EQ_STR(loc, b.first_error);
	CHECK_MSG(b.errors && strstr(b.errors, "unused"), "errors: %s", b.errors ? b.errors : "(none)");
	CHECK(b.exe[0] == '\0' || access(b.exe, F_OK) != 0);
	lesson_build_free(&b);

	/* no build line: said, nothing run */
	write_file(src, "int main(void) { return 0; }\n");
	EQ_INT(LESSON_BUILD_ERROR, lesson_build_c(src, &b));
	CHECK(b.errors && strstr(b.errors, "Build: cc"));
	lesson_build_free(&b);

	/* no compiler on PATH */
	const char *path = getenv("PATH");
	char saved[8192];
	snprintf(saved, sizeof saved, "%s", path ? path : "");
	setenv("PATH", "/nonexistent", 1);
	CHECK(!lesson_build_have_cc());
	EQ_INT(LESSON_BUILD_NO_CC, lesson_build_c(client, &b));
	lesson_build_free(&b);
	setenv("PATH", saved, 1);

	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
	EQ_INT(0, system(cmd));
	return check_done("test_lesson_build");
}
