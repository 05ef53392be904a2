/*
 * progress.c — the learner's progress file (format in progress.h).
 */
#include "lesson/progress.h"
#include "common/dirlist.h"
#include "common/mem.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

bool progress_default_path(char *buf, size_t n)
{
	const char *env = getenv("SOCKSCOPE_PROGRESS");
	if (env && *env) {
		snprintf(buf, n, "%s", env);
		return true;
	}
	return xdg_path("XDG_DATA_HOME", ".local/share", "sockscope/progress", buf, n);
}

static struct progress_entry *find(const struct progress *p, const char *id)
{
	for (size_t i = 0; i < p->n; i++)
		if (strcmp(p->e[i].id, id) == 0)
			return &p->e[i];
	return NULL;
}

static struct progress_entry *get_or_add(struct progress *p, const char *id)
{
	struct progress_entry *e = find(p, id);
	if (e || strlen(id) >= sizeof e->id)
		return e;
	p->e = xreallocarray(p->e, p->n + 1, sizeof *p->e);
	e = &p->e[p->n++];
	memset(e, 0, sizeof *e);
	snprintf(e->id, sizeof e->id, "%s", id);
	return e;
}

struct progress *progress_load(const char *path)
{
	struct progress *p = xcalloc(1, sizeof *p);
	if (path)
		snprintf(p->path, sizeof p->path, "%s", path);
	else if (!progress_default_path(p->path, sizeof p->path))
		p->path[0] = '\0';
	FILE *f = p->path[0] ? fopen(p->path, "r") : NULL;
	if (!f)
		return p;
	char line[256];
	while (fgets(line, sizeof line, f)) {
		char id[64];
		unsigned s, ns, r, a;
		if (sscanf(line, "%63s steps=%u of=%u quiz=%u of=%u", id, &s, &ns, &r, &a) == 5 && id[0] != '#' &&
		    s <= ns && r <= a) {
			struct progress_entry *e = get_or_add(p, id);
			if (e) {
				e->steps = s;
				e->nsteps = ns;
				e->right = r;
				e->asked = a;
			}
		}
	}
	fclose(f);
	return p;
}

void progress_free(struct progress *p)
{
	if (p) {
		free(p->e);
		free(p);
	}
}

const struct progress_entry *progress_get(const struct progress *p, const char *id)
{
	return find(p, id);
}

void progress_steps(struct progress *p, const char *id, unsigned steps, unsigned nsteps)
{
	struct progress_entry *e = get_or_add(p, id);
	if (!e)
		return;
	if (e->nsteps != nsteps)   /* the lesson changed: start its count again */
		e->steps = 0;
	e->nsteps = nsteps;
	if (steps > e->steps)
		e->steps = steps <= nsteps ? steps : nsteps;
}

void progress_quiz(struct progress *p, const char *id, unsigned right, unsigned asked)
{
	struct progress_entry *e = get_or_add(p, id);
	if (e) {
		e->right = right <= asked ? right : asked;
		e->asked = asked;
	}
}

/* mkdir -p for the file's directory. */
static int make_parent(const char *path)
{
	char dir[4096];
	snprintf(dir, sizeof dir, "%s", path);
	char *slash = strrchr(dir, '/');
	if (!slash || slash == dir)
		return 0;
	*slash = '\0';
	for (char *c = dir + 1; *c; c++)
		if (*c == '/') {
			*c = '\0';
			if (mkdir(dir, 0700) < 0 && errno != EEXIST)
				return -1;
			*c = '/';
		}
	return mkdir(dir, 0700) < 0 && errno != EEXIST ? -1 : 0;
}

int progress_save(const struct progress *p, char *err, size_t errlen)
{
	if (!p->path[0]) {
		snprintf(err, errlen, "no place to keep progress: neither HOME nor XDG_DATA_HOME is set");
		return -1;
	}
	char tmp[4200];
	snprintf(tmp, sizeof tmp, "%s.tmp.%ld", p->path, (long)getpid());
	FILE *f = NULL;
	if (make_parent(p->path) < 0 || !(f = fopen(tmp, "w"))) {
		snprintf(err, errlen, "cannot write %s: %s", p->path, strerror(errno));
		return -1;
	}
	fprintf(f, "# sockscope progress: lesson, steps reached, last quiz score\n");
	for (size_t i = 0; i < p->n; i++)
		fprintf(f, "%s steps=%u of=%u quiz=%u of=%u\n", p->e[i].id, p->e[i].steps, p->e[i].nsteps,
		        p->e[i].right, p->e[i].asked);
	if (fclose(f) != 0 || rename(tmp, p->path) < 0) {
		snprintf(err, errlen, "cannot write %s: %s", p->path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

int progress_update(void (*fn)(struct progress *p, void *arg), void *arg, char *err, size_t errlen)
{
	struct progress *p = progress_load(NULL);
	fn(p, arg);
	int r = progress_save(p, err, errlen);
	progress_free(p);
	return r;
}

struct counts {
	const char *id;
	unsigned a, b;
};

static void set_steps(struct progress *p, void *arg)
{
	const struct counts *c = arg;
	progress_steps(p, c->id, c->a, c->b);
}

static void set_quiz(struct progress *p, void *arg)
{
	const struct counts *c = arg;
	progress_quiz(p, c->id, c->a, c->b);
}

int progress_update_steps(const char *id, unsigned steps, unsigned nsteps, char *err, size_t errlen)
{
	return progress_update(set_steps, &(struct counts){ id, steps, nsteps }, err, errlen);
}

int progress_update_quiz(const char *id, unsigned right, unsigned asked, char *err, size_t errlen)
{
	return progress_update(set_quiz, &(struct counts){ id, right, asked }, err, errlen);
}

void progress_describe(const struct progress_entry *e, char *buf, size_t n)
{
	if (!e || (!e->steps && !e->asked)) {
		snprintf(buf, n, "not started");
		return;
	}
	int o = 0;
	if (e->nsteps && e->steps >= e->nsteps)
		o = snprintf(buf, n, "done");
	else if (e->nsteps)
		o = snprintf(buf, n, "%u/%u steps", e->steps, e->nsteps);
	if (e->asked && o >= 0 && (size_t)o < n)
		snprintf(buf + o, n - (size_t)o, "%squiz %u/%u", o ? ", " : "", e->right, e->asked);
}
