/*
 * signerd and provision: every CK_RV becomes a name, a class (retry,
 * re-initialise, fatal) and one log line saying what was being done.
 */
#include <stdarg.h>
#include <stdio.h>

#include "err.h"
#include "hsm.h"
#include "log.h"

struct ck_row {
	CK_RV		 rv;
	const char	*name;
	enum hsm_class	 cls;
};

#define R(x, c)	{ x, #x, c }

static const struct ck_row ck_table[] = {
	R(CKR_OK, HSM_FATAL),
	R(CKR_HOST_MEMORY, HSM_RETRY),
	R(CKR_SLOT_ID_INVALID, HSM_REINIT),
	R(CKR_GENERAL_ERROR, HSM_REINIT),
	R(CKR_FUNCTION_FAILED, HSM_RETRY),
	R(CKR_ARGUMENTS_BAD, HSM_FATAL),
	R(CKR_ACTION_PROHIBITED, HSM_FATAL),
	R(CKR_ATTRIBUTE_READ_ONLY, HSM_FATAL),
	R(CKR_ATTRIBUTE_SENSITIVE, HSM_FATAL),
	R(CKR_ATTRIBUTE_TYPE_INVALID, HSM_FATAL),
	R(CKR_ATTRIBUTE_VALUE_INVALID, HSM_FATAL),
	R(CKR_DATA_INVALID, HSM_FATAL),
	R(CKR_DATA_LEN_RANGE, HSM_FATAL),
	R(CKR_DEVICE_ERROR, HSM_REINIT),
	R(CKR_DEVICE_MEMORY, HSM_RETRY),
	R(CKR_DEVICE_REMOVED, HSM_REINIT),
	R(CKR_ENCRYPTED_DATA_INVALID, HSM_FATAL),
	R(CKR_ENCRYPTED_DATA_LEN_RANGE, HSM_FATAL),
	R(CKR_FUNCTION_CANCELED, HSM_RETRY),
	R(CKR_FUNCTION_NOT_SUPPORTED, HSM_FATAL),
	R(CKR_KEY_HANDLE_INVALID, HSM_REINIT),
	R(CKR_KEY_SIZE_RANGE, HSM_FATAL),
	R(CKR_KEY_TYPE_INCONSISTENT, HSM_FATAL),
	R(CKR_KEY_FUNCTION_NOT_PERMITTED, HSM_FATAL),
	R(CKR_KEY_NOT_WRAPPABLE, HSM_FATAL),
	R(CKR_KEY_UNEXTRACTABLE, HSM_FATAL),
	R(CKR_MECHANISM_INVALID, HSM_FATAL),
	R(CKR_MECHANISM_PARAM_INVALID, HSM_FATAL),
	R(CKR_OBJECT_HANDLE_INVALID, HSM_REINIT),
	R(CKR_OPERATION_ACTIVE, HSM_RETRY),
	R(CKR_OPERATION_NOT_INITIALIZED, HSM_FATAL),
	R(CKR_PIN_INCORRECT, HSM_FATAL),
	R(CKR_PIN_INVALID, HSM_FATAL),
	R(CKR_PIN_LEN_RANGE, HSM_FATAL),
	R(CKR_PIN_EXPIRED, HSM_FATAL),
	R(CKR_PIN_LOCKED, HSM_FATAL),
	R(CKR_SESSION_CLOSED, HSM_REINIT),
	R(CKR_SESSION_COUNT, HSM_RETRY),
	R(CKR_SESSION_HANDLE_INVALID, HSM_REINIT),
	R(CKR_SESSION_READ_ONLY, HSM_FATAL),
	R(CKR_SESSION_EXISTS, HSM_FATAL),
	R(CKR_SIGNATURE_INVALID, HSM_FATAL),
	R(CKR_SIGNATURE_LEN_RANGE, HSM_FATAL),
	R(CKR_TEMPLATE_INCOMPLETE, HSM_FATAL),
	R(CKR_TEMPLATE_INCONSISTENT, HSM_FATAL),
	R(CKR_TOKEN_NOT_PRESENT, HSM_REINIT),
	R(CKR_TOKEN_NOT_RECOGNIZED, HSM_REINIT),
	R(CKR_TOKEN_WRITE_PROTECTED, HSM_FATAL),
	R(CKR_USER_ALREADY_LOGGED_IN, HSM_FATAL),
	R(CKR_USER_NOT_LOGGED_IN, HSM_REINIT),
	R(CKR_USER_PIN_NOT_INITIALIZED, HSM_FATAL),
	R(CKR_USER_TYPE_INVALID, HSM_FATAL),
	R(CKR_USER_ANOTHER_ALREADY_LOGGED_IN, HSM_FATAL),
	R(CKR_WRAPPED_KEY_INVALID, HSM_FATAL),
	R(CKR_WRAPPING_KEY_HANDLE_INVALID, HSM_FATAL),
	R(CKR_WRAPPING_KEY_TYPE_INCONSISTENT, HSM_FATAL),
	R(CKR_RANDOM_NO_RNG, HSM_FATAL),
	R(CKR_BUFFER_TOO_SMALL, HSM_FATAL),
	R(CKR_CRYPTOKI_NOT_INITIALIZED, HSM_REINIT),
	R(CKR_CRYPTOKI_ALREADY_INITIALIZED, HSM_FATAL),
};

#define NCK	(sizeof(ck_table) / sizeof(ck_table[0]))

static const struct ck_row *
ck_row(CK_RV rv)
{
	size_t	 i;

	for (i = 0; i < NCK; i++)
		if (ck_table[i].rv == rv)
			return &ck_table[i];
	return NULL;
}

const char *
ck_name(CK_RV rv)
{
	const struct ck_row	*row = ck_row(rv);

	return row != NULL ? row->name : "CKR_VENDOR_OR_UNKNOWN";
}

enum hsm_class
ck_class(CK_RV rv)
{
	const struct ck_row	*row = ck_row(rv);

	return row != NULL ? row->cls : HSM_FATAL;
}

static int
ck_code(CK_RV rv)
{
	if (rv == CKR_PIN_INCORRECT)
		return SIG_ERR_PIN_INCORRECT;
	if (rv == CKR_PIN_LOCKED)
		return SIG_ERR_PIN_LOCKED;
	switch (ck_class(rv)) {
	case HSM_RETRY:
		return SIG_ERR_HSM_RETRY;
	case HSM_REINIT:
		return SIG_ERR_HSM_REINIT;
	default:
		return SIG_ERR_HSM_FATAL;
	}
}

/* Logs "<what>: CKR_NAME (0xNN)" and returns the SIG_ERR_* for its class. */
int
ck_err(CK_RV rv, const char *fmt, ...)
{
	char	 what[256];
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	log_err("%s: %s (0x%lx)%s", what, ck_name(rv), (unsigned long)rv,
	    rv == CKR_PIN_INCORRECT ? ": PIN incorrect" : "");
	return ck_code(rv);
}
