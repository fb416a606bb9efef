/*
 * Used by every program: the one place the version is named (--version,
 * the daemons' start lines).
 */
#ifndef SIGNET_VERSION_H
#define SIGNET_VERSION_H

#define SIGNET_VERSION	"0.9.0"

#endif
