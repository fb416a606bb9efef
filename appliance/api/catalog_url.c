/*
 * signet-api: endpoint URLs with substitutions, as Keystone's format_url
 * (keystone/common/utils.py) reads them: "$(" is "%(", and "%(name)s"
 * takes the token's project or user. Keystone's catalog leaves out an
 * endpoint it cannot format: one that needs a project in a token scoped
 * elsewhere, and one that names a setting of Keystone's own server
 * (public_port and the like), which signet does not have.
 */
#include <stdlib.h>
#include <string.h>

#include "catalog_url.h"

/* What Keystone may substitute into a URL (WHITELISTED_PROPERTIES). */
static const char *const subst_names[] = { "tenant_id", "project_id",
    "user_id", "public_bind_host", "admin_bind_host", "compute_host",
    "admin_port", "public_port", "public_endpoint" };

static int
known_subst(const char *name, size_t n)
{
	size_t	 i;

	for (i = 0; i < sizeof(subst_names) / sizeof(subst_names[0]); i++)
		if (strlen(subst_names[i]) == n &&
		    strncmp(subst_names[i], name, n) == 0)
			return 1;
	return 0;
}

/*
 * The next substitution at or after u: its start, the name's span, and
 * the text after it. 0 at the end, -1 when malformed.
 */
static int
next_subst(const char *u, const char **at, const char **name, size_t *n,
    const char **after)
{
	const char	*end;

	for (; *u != '\0'; u++) {
		if (*u != '%' && !(u[0] == '$' && u[1] == '('))
			continue;
		if (*u == '%' && (u[1] == '%' || u[1] == 's')) {
			u++;
			continue;
		}
		if (u[1] != '(' || (end = strchr(u + 2, ')')) == NULL ||
		    end[1] != 's')
			return -1;
		*at = u;
		*name = u + 2;
		*n = (size_t)(end - (u + 2));
		*after = end + 2;
		return 1;
	}
	return 0;
}

int
catalog_url_ok(const char *u)
{
	const char	*at, *name, *after;
	size_t		 n;
	int		 r;

	while ((r = next_subst(u, &at, &name, &n, &after)) == 1) {
		if (!known_subst(name, n))
			return 0;
		u = after;
	}
	return r == 0;
}

static int
has_subst(const char *u)
{
	return u != NULL && (strchr(u, '%') != NULL || strstr(u, "$(") != NULL);
}

static const char *
value_of(const char *name, size_t n, const char *project, const char *user)
{
	if ((n == 10 && strncmp(name, "project_id", n) == 0) ||
	    (n == 9 && strncmp(name, "tenant_id", n) == 0))
		return project;
	if (n == 7 && strncmp(name, "user_id", n) == 0)
		return user;
	return NULL;
}

/* Appends len bytes of s to the string at *out (size *cap), growing it. */
static int
append(char **out, size_t *len, size_t *cap, const char *s, size_t n)
{
	char	*p;

	if (*len + n + 1 > *cap) {
		*cap = (*len + n + 1) * 2;
		if ((p = realloc(*out, *cap)) == NULL)
			return -1;
		*out = p;
	}
	memcpy(*out + *len, s, n);
	*len += n;
	(*out)[*len] = '\0';
	return 0;
}

/* "%%" is "%" once formatted; the rest of a piece is as written. */
static int
append_literal(char **out, size_t *len, size_t *cap, const char *s,
    size_t n)
{
	size_t	 i, from = 0;

	for (i = 0; i + 1 < n; i++)
		if (s[i] == '%' && s[i + 1] == '%') {
			if (append(out, len, cap, s + from, i + 1 - from) != 0)
				return -1;
			from = ++i + 1;
		}
	return append(out, len, cap, s + from, n - from);
}

/* The url formatted (free()), or NULL: the endpoint is left out. */
static char *
format_url(const char *u, const char *project, const char *user)
{
	const char	*at, *name, *after, *v;
	char		*out = NULL;
	size_t		 n, len = 0, cap = 0;
	int		 r;

	if (append(&out, &len, &cap, "", 0) != 0)
		return NULL;
	while ((r = next_subst(u, &at, &name, &n, &after)) == 1) {
		if ((v = value_of(name, n, project, user)) == NULL ||
		    *v == '\0' ||
		    append_literal(&out, &len, &cap, u, at - u) != 0 ||
		    append(&out, &len, &cap, v, strlen(v)) != 0)
			break;
		u = after;
	}
	if (r != 0 || append_literal(&out, &len, &cap, u, strlen(u)) != 0) {
		free(out);
		return NULL;
	}
	return out;
}

/* The endpoints of one service, formatted; NULL when out of memory. */
static json_t *
endpoints_for(json_t *eps, const char *project, const char *user)
{
	json_t		*out = json_array(), *ep, *copy;
	const char	*u;
	char		*f;
	size_t		 i;

	json_array_foreach(eps, i, ep) {
		u = json_string_value(json_object_get(ep, "url"));
		if (u == NULL || !has_subst(u)) {
			json_array_append(out, ep);
			continue;
		}
		if ((f = format_url(u, project, user)) == NULL)
			continue;	/* left out, as Keystone does */
		copy = json_copy(ep);
		json_object_set_new(copy, "url", json_string(f));
		json_array_append_new(out, copy);
		free(f);
	}
	return out;
}

int
catalog_has_subst(json_t *cat)
{
	json_t	*svc, *ep;
	size_t	 i, j;
	int	 any = 0;

	json_array_foreach(cat, i, svc)
		json_array_foreach(json_object_get(svc, "endpoints"), j, ep)
			any |= has_subst(json_string_value(
			    json_object_get(ep, "url")));
	return any;
}

json_t *
catalog_for(json_t *cat, int subst, const char *project, const char *user)
{
	json_t		*out, *svc, *copy;
	size_t		 i;

	if (!subst)
		return json_incref(cat);
	if ((out = json_array()) == NULL)
		return NULL;
	json_array_foreach(cat, i, svc) {
		copy = json_copy(svc);
		json_object_set_new(copy, "endpoints", endpoints_for(
		    json_object_get(svc, "endpoints"), project, user));
		json_array_append_new(out, copy);
	}
	return out;
}
