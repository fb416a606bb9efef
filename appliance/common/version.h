/*
 * Used by every daemon: the version its start line names.
 */
#ifndef SIGNET_VERSION_H
#define SIGNET_VERSION_H

#define SIGNET_VERSION	"0.1.0"

#endif
