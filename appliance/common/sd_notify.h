/*
 * Used by signet-signerd and signet-api: tells the service manager
 * (systemd's Type=notify) that the daemon is ready, what it is doing and
 * that it is stopping. Nothing happens when NOTIFY_SOCKET is unset.
 */
#ifndef SIGNET_SD_NOTIFY_H
#define SIGNET_SD_NOTIFY_H

int	sdnotify_send(const char *);
int	sdnotify_status(const char *, ...)
	    __attribute__((format(printf, 1, 2)));
int	sdnotify_ready(const char *, ...)
	    __attribute__((format(printf, 1, 2)));
int	sdnotify_stopping(void);

#endif
