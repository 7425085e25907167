// Fixed-arity wrappers for the variadic parts of libedit's native API (el_set, el_wset, el_get,
// history) and accessors for C globals, so that Swift 6 can call them. Only LineEditing imports this.
// libedit is opened with dlopen on first use (LineEditing/LibEdit.swift), not linked: each wrapper
// takes the variadic function's address (from dlsym) as its first argument and calls through it.
#ifndef ESA_CLIBEDIT_SHIM_H
#define ESA_CLIBEDIT_SHIM_H

#include <histedit.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <wchar.h>

typedef wchar_t *(*esa_el_wprompt_func)(EditLine *);
typedef unsigned char (*esa_el_func)(EditLine *, int);
typedef int (*esa_el_rfunc)(EditLine *, wchar_t *);
typedef int (*esa_el_set_t)(EditLine *, int, ...);
typedef int (*esa_el_get_t)(EditLine *, int, ...);
typedef int (*esa_history_t)(History *, HistEvent *, int, ...);

// MARK: C globals

static inline FILE *esa_stdin(void) { return stdin; }
static inline FILE *esa_stdout(void) { return stdout; }
static inline FILE *esa_stderr(void) { return stderr; }

// MARK: el_set / el_wset / el_get

/// EL_PROMPT with a wide-character prompt function (no locale conversion of the prompt text).
static inline int esa_el_set_wprompt(void *el_wset, EditLine *el, esa_el_wprompt_func fn) {
    return ((esa_el_set_t)el_wset)(el, EL_PROMPT, fn);
}

/// EL_EDITOR: "emacs" or "vi".
static inline int esa_el_set_editor(void *el_set, EditLine *el, const char *mode) { return ((esa_el_set_t)el_set)(el, EL_EDITOR, mode); }

/// EL_TERMINAL: the terminal type (NULL = $TERM).
static inline int esa_el_set_terminal(void *el_set, EditLine *el, const char *term) { return ((esa_el_set_t)el_set)(el, EL_TERMINAL, term); }

/// EL_SIGNAL: 1 = libedit installs its signal handlers while editing (one editor per process only).
static inline int esa_el_set_signal(void *el_set, EditLine *el, int on) { return ((esa_el_set_t)el_set)(el, EL_SIGNAL, on); }

/// EL_HIST with the narrow history() function.
static inline int esa_el_set_history(void *el_set, EditLine *el, void *history_fn, History *h) {
    return ((esa_el_set_t)el_set)(el, EL_HIST, (esa_history_t)history_fn, h);
}

/// EL_ADDFN: a named editor function.
static inline int esa_el_addfn(void *el_set, EditLine *el, const char *name, const char *help, esa_el_func fn) {
    return ((esa_el_set_t)el_set)(el, EL_ADDFN, name, help, fn);
}

/// EL_BIND key to a named editor function.
static inline int esa_el_bind(void *el_set, EditLine *el, const char *key, const char *fn) {
    return ((esa_el_set_t)el_set)(el, EL_BIND, key, fn, (const char *)NULL);
}

/// EL_SETTY with two arguments, e.g. "-d" "-isig".
static inline int esa_el_setty(void *el_set, EditLine *el, const char *mode, const char *setting) {
    return ((esa_el_set_t)el_set)(el, EL_SETTY, mode, setting, (const char *)NULL);
}

/// EL_GETCFN: the function that reads one character.
static inline int esa_el_set_getcfn(void *el_set, EditLine *el, esa_el_rfunc fn) { return ((esa_el_set_t)el_set)(el, EL_GETCFN, fn); }

/// EL_CLIENTDATA set / get.
static inline int esa_el_set_clientdata(void *el_set, EditLine *el, void *data) { return ((esa_el_set_t)el_set)(el, EL_CLIENTDATA, data); }
static inline void *esa_el_get_clientdata(void *el_get, EditLine *el) {
    void *data = NULL;
    if (((esa_el_get_t)el_get)(el, EL_CLIENTDATA, &data) != 0) return NULL;
    return data;
}

/// EL_GETFP: the stream libedit uses for output (fd 1) or input (fd 0).
static inline FILE *esa_el_get_fp(void *el_get, EditLine *el, int which) {
    FILE *fp = NULL;
    if (((esa_el_get_t)el_get)(el, EL_GETFP, which, &fp) != 0) return NULL;
    return fp;
}

// MARK: history()

static inline int esa_history_setsize(void *history_fn, History *h, int size) {
    HistEvent ev;
    return ((esa_history_t)history_fn)(h, &ev, H_SETSIZE, size);
}
static inline int esa_history_setunique(void *history_fn, History *h, int unique) {
    HistEvent ev;
    return ((esa_history_t)history_fn)(h, &ev, H_SETUNIQUE, unique);
}
static inline int esa_history_enter(void *history_fn, History *h, const char *line) {
    HistEvent ev;
    return ((esa_history_t)history_fn)(h, &ev, H_ENTER, line);
}
static inline int esa_history_load(void *history_fn, History *h, const char *path) {
    HistEvent ev;
    return ((esa_history_t)history_fn)(h, &ev, H_LOAD, path);
}
static inline int esa_history_save(void *history_fn, History *h, const char *path) {
    HistEvent ev;
    return ((esa_history_t)history_fn)(h, &ev, H_SAVE, path);
}
static inline int esa_history_count(void *history_fn, History *h) {
    HistEvent ev;
    if (((esa_history_t)history_fn)(h, &ev, H_GETSIZE) != 0) return 0;
    return ev.num;
}
/// H_LAST (the oldest entry) or H_PREV (the next newer one): the entry's text, or NULL at the end.
static inline const char *esa_history_oldest(void *history_fn, History *h) {
    HistEvent ev;
    if (((esa_history_t)history_fn)(h, &ev, H_LAST) != 0) return NULL;
    return ev.str;
}
static inline const char *esa_history_newer(void *history_fn, History *h) {
    HistEvent ev;
    if (((esa_history_t)history_fn)(h, &ev, H_PREV) != 0) return NULL;
    return ev.str;
}

// MARK: ioctl (variadic)

static inline int esa_get_window_size(int fd, unsigned short *rows, unsigned short *columns) {
    struct winsize ws;
    if (ioctl(fd, TIOCGWINSZ, &ws) != 0) return -1;
    *rows = ws.ws_row;
    *columns = ws.ws_col;
    return 0;
}

#endif
