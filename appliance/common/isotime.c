/*
 * Used by every process: ISO 8601 UTC times as Keystone writes them. Only
 * the 'Z' zone is accepted: an offset would be a second way to spell one
 * instant, and Keystone itself never writes one.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "err.h"
#include "isotime.h"

/* Days in month MON (1-12) of YEAR, Gregorian leap years. */
static int
month_days(int year, int mon)
{
	static const int days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };
	int	 leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;

	return days[mon - 1] + (mon == 2 && leap);
}

/*
 * "YYYY-MM-DDTHH:MM:SS[.ffffff]Z"; the fraction is dropped as Keystone does.
 * Only real dates: timegm would take February 31st for March 3rd, a second
 * spelling of that instant.
 */
int
isotime_parse(const char *s, int64_t *out)
{
	struct tm	 tm;
	const char	*p;
	size_t		 i;
	int		 n = 0;

	memset(&tm, 0, sizeof(tm));
	if (strlen(s) < 20 || sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n",
	    &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min,
	    &tm.tm_sec, &n) != 6 || n != 19)
		return SIG_ERR_BAD_INPUT;
	for (i = 0; i < 19; i++)
		if ((i == 4 || i == 7) ? s[i] != '-' : i == 10 ? s[i] != 'T' :
		    (i == 13 || i == 16) ? s[i] != ':' :
		    (s[i] < '0' || s[i] > '9'))
			return SIG_ERR_BAD_INPUT;
	p = s + 19;
	if (*p == '.') {
		for (i = 1; p[i] >= '0' && p[i] <= '9'; i++)
			;
		if (i < 2 || i > 7)
			return SIG_ERR_BAD_INPUT;
		p += i;
	}
	if (strcmp(p, "Z") != 0 || tm.tm_mon < 1 || tm.tm_mon > 12 ||
	    tm.tm_mday < 1 || tm.tm_mday > month_days(tm.tm_year, tm.tm_mon) ||
	    tm.tm_hour > 23 ||
	    tm.tm_min > 59 || tm.tm_sec > 59 || tm.tm_year < 1970)
		return SIG_ERR_BAD_INPUT;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	*out = (int64_t)timegm(&tm);
	return 0;
}

/* out has room for ISOTIME_LEN + 1 bytes. */
void
isotime_format(int64_t t, char *out)
{
	struct tm	 tm;
	time_t		 tt = (time_t)t;

	gmtime_r(&tt, &tm);
	strftime(out, ISOTIME_LEN + 1, "%Y-%m-%dT%H:%M:%S.000000Z", &tm);
}
