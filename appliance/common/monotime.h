/*
 * The monotonic clock, for deadlines, rates and waits: a step of the wall
 * clock (NTP, an operator, a VM resumed) moves none of them.
 */
#ifndef SIGNET_MONOTIME_H
#define SIGNET_MONOTIME_H

double	mono_now(void);		/* seconds */
long	mono_ms(void);		/* milliseconds */

#endif
