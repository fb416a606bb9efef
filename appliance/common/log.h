/*
 * Used by every process: leveled logging to stderr. Never pass a token, a
 * PIN, key bytes or a request body to these functions.
 */
#ifndef SIGNET_LOG_H
#define SIGNET_LOG_H

enum log_level {
	LOGL_DEBUG = 0,
	LOGL_INFO,
	LOGL_WARN,
	LOGL_ERR,
};

void	log_init(const char *, enum log_level);
void	log_set_level(enum log_level);
void	log_timestamps(int);
void	log_msg(enum log_level, const char *, int, const char *, ...)
	    __attribute__((format(printf, 4, 5)));

#define log_debug(...)	log_msg(LOGL_DEBUG, NULL, 0, __VA_ARGS__)
#define log_info(...)	log_msg(LOGL_INFO, NULL, 0, __VA_ARGS__)
#define log_warn(...)	log_msg(LOGL_WARN, NULL, 0, __VA_ARGS__)
#define log_err(...)	log_msg(LOGL_ERR, NULL, 0, __VA_ARGS__)
#define log_debug_f(...) log_msg(LOGL_DEBUG, __func__, 0, __VA_ARGS__)
#define log_err_f(...)	log_msg(LOGL_ERR, __func__, 0, __VA_ARGS__)
/* _r variants append the text of a SIG_ERR_* code. */
#define log_err_r(r, ...) log_msg(LOGL_ERR, NULL, (r), __VA_ARGS__)
#define log_warn_r(r, ...) log_msg(LOGL_WARN, NULL, (r), __VA_ARGS__)

#endif
