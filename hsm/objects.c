/*
 * signerd and provision: small helpers over C_FindObjects and attributes,
 * each failure logged with the object's label or handle.
 */
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "hsm.h"
#include "log.h"

/* Up to max handles matching tmpl; more than max is an error. */
int
hsm_find(struct hsm_sess *s, CK_ATTRIBUTE *tmpl, CK_ULONG n,
    CK_OBJECT_HANDLE *out, CK_ULONG max, CK_ULONG *count)
{
	CK_ULONG	 got = 0, extra = 0;
	CK_OBJECT_HANDLE dummy;
	CK_RV		 rv;

	*count = 0;
	if ((rv = s->f->C_FindObjectsInit(s->h, tmpl, n)) != CKR_OK)
		return ck_err(rv, "C_FindObjectsInit");
	rv = s->f->C_FindObjects(s->h, out, max, &got);
	if (rv == CKR_OK && got == max)
		rv = s->f->C_FindObjects(s->h, &dummy, 1, &extra);
	(void)s->f->C_FindObjectsFinal(s->h);
	if (rv != CKR_OK)
		return ck_err(rv, "C_FindObjects");
	if (extra != 0) {
		log_err("more than %lu matching objects", (unsigned long)max);
		return SIG_ERR_STATE;
	}
	*count = got;
	return 0;
}

/* Exactly one object of class cls labelled label. */
int
hsm_find_label(struct hsm_sess *s, CK_OBJECT_CLASS cls, const char *label,
    CK_OBJECT_HANDLE *hp)
{
	CK_OBJECT_HANDLE h[2];
	CK_ULONG	 n;
	CK_ATTRIBUTE	 t[] = {
		{ CKA_CLASS, &cls, sizeof(cls) },
		{ CKA_LABEL, CK_IN(label), strlen(label) },
	};
	int		 r;

	if ((r = hsm_find(s, t, 2, h, 2, &n)) != 0)
		return r;
	if (n == 0)
		return SIG_ERR_KEY_NOT_FOUND;
	if (n > 1) {
		log_err("two objects are labelled '%s'", label);
		return SIG_ERR_STATE;
	}
	*hp = h[0];
	return 0;
}

int
hsm_attr_get(struct hsm_sess *s, CK_OBJECT_HANDLE h, CK_ATTRIBUTE_TYPE type,
    void *buf, CK_ULONG *len)
{
	CK_ATTRIBUTE	 a = { type, buf, *len };
	CK_RV		 rv;

	if ((rv = s->f->C_GetAttributeValue(s->h, h, &a, 1)) != CKR_OK)
		return ck_err(rv, "C_GetAttributeValue 0x%lx of object %lu",
		    (unsigned long)type, (unsigned long)h);
	*len = a.ulValueLen;
	return 0;
}

/* Caller owns *bufp (free). */
int
hsm_attr_alloc(struct hsm_sess *s, CK_OBJECT_HANDLE h, CK_ATTRIBUTE_TYPE type,
    uint8_t **bufp, CK_ULONG *lenp)
{
	CK_ATTRIBUTE	 a = { type, NULL, 0 };
	CK_RV		 rv;
	int		 r;

	*bufp = NULL;
	if ((rv = s->f->C_GetAttributeValue(s->h, h, &a, 1)) != CKR_OK)
		return ck_err(rv, "size of attribute 0x%lx of object %lu",
		    (unsigned long)type, (unsigned long)h);
	if (a.ulValueLen == CK_UNAVAILABLE_INFORMATION)
		return SIG_ERR_HSM_FATAL;
	if ((*bufp = malloc(a.ulValueLen + 1)) == NULL)
		return SIG_ERR_NOMEM;
	*lenp = a.ulValueLen;
	if ((r = hsm_attr_get(s, h, type, *bufp, lenp)) != 0) {
		free(*bufp);
		*bufp = NULL;
	}
	return r;
}

int
hsm_attr_bool(struct hsm_sess *s, CK_OBJECT_HANDLE h, CK_ATTRIBUTE_TYPE type,
    int *out)
{
	CK_BBOOL	 b = CK_FALSE;
	CK_ULONG	 len = sizeof(b);
	int		 r;

	if ((r = hsm_attr_get(s, h, type, &b, &len)) != 0)
		return r;
	*out = b == CK_TRUE;
	return 0;
}

/*
 * Several attributes in one call, as status reads a key: one the object
 * lacks, hides or has too long comes back CK_UNAVAILABLE_INFORMATION
 * and the rest are read. -1 when the call fails otherwise.
 */
int
hsm_attrs_read(struct hsm_sess *s, CK_OBJECT_HANDLE h, CK_ATTRIBUTE *a,
    CK_ULONG n)
{
	CK_RV	 rv = s->f->C_GetAttributeValue(s->h, h, a, n);

	return rv == CKR_OK || rv == CKR_ATTRIBUTE_TYPE_INVALID ||
	    rv == CKR_BUFFER_TOO_SMALL || rv == CKR_ATTRIBUTE_SENSITIVE ?
	    0 : -1;
}

int
hsm_label_get(struct hsm_sess *s, CK_OBJECT_HANDLE h, char *buf, size_t sz)
{
	CK_ULONG	 len = sz - 1;
	int		 r;

	if ((r = hsm_attr_get(s, h, CKA_LABEL, buf, &len)) != 0)
		return r;
	buf[len] = '\0';
	return 0;
}

int
hsm_label_set(struct hsm_sess *s, CK_OBJECT_HANDLE h, const char *label)
{
	CK_ATTRIBUTE	 a = { CKA_LABEL, CK_IN(label), strlen(label) };
	CK_RV		 rv;

	if ((rv = s->f->C_SetAttributeValue(s->h, h, &a, 1)) != CKR_OK)
		return ck_err(rv, "relabelling object %lu as '%s'",
		    (unsigned long)h, label);
	return 0;
}

int
hsm_destroy(struct hsm_sess *s, CK_OBJECT_HANDLE h, const char *what)
{
	CK_RV	 rv;

	if ((rv = s->f->C_DestroyObject(s->h, h)) != CKR_OK)
		return ck_err(rv, "C_DestroyObject of %s", what);
	return 0;
}

int
hsm_random(struct hsm_sess *s, uint8_t *buf, size_t len)
{
	CK_RV	 rv;

	if ((rv = s->f->C_GenerateRandom(s->h, buf, len)) != CKR_OK)
		return ck_err(rv, "C_GenerateRandom");
	return 0;
}

/*
 * Destroys (to == NULL) or relabels every object labelled label, of class
 * cls or, with CKO_VENDOR_DEFINED, of any class.
 */
int
hsm_label_each(struct hsm_sess *s, CK_OBJECT_CLASS cls, const char *label,
    const char *to)
{
	CK_OBJECT_HANDLE h[16];
	CK_ATTRIBUTE	 t[] = {
		{ CKA_LABEL, CK_IN(label), strlen(label) },
		{ CKA_CLASS, &cls, sizeof(cls) },
	};
	CK_ULONG	 n, i;
	int		 r;

	if ((r = hsm_find(s, t, cls == CKO_VENDOR_DEFINED ? 1 : 2, h, 16,
	    &n)) != 0)
		return r;
	for (i = 0; i < n && r == 0; i++)
		r = to == NULL ? hsm_destroy(s, h[i], label) :
		    hsm_label_set(s, h[i], to);
	return r;
}
