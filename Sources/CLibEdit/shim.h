// Wrappers for the libedit calls Glassbox uses.
//
// `el_set`, `el_get` and `history` are C variadic functions, which Swift cannot call; each
// wrapper below fixes one argument list. Everything else in <histedit.h> is imported as is.
#ifndef GLASSBOX_CLIBEDIT_SHIM_H
#define GLASSBOX_CLIBEDIT_SHIM_H

#include <histedit.h>
#include <stdio.h>

typedef char *(*gb_prompt_fn)(EditLine *);
typedef unsigned char (*gb_command_fn)(EditLine *, int);

// MARK: - Standard streams

// Swift 6 refuses C's mutable globals `stdin`/`stdout`/`stderr`; these read them.
static inline FILE *gb_stdin(void) { return stdin; }
static inline FILE *gb_stdout(void) { return stdout; }
static inline FILE *gb_stderr(void) { return stderr; }

// MARK: - el_set / el_get

static inline int gb_el_set_prompt(EditLine *el, gb_prompt_fn fn) { return el_set(el, EL_PROMPT, fn); }
/// A prompt whose non-printing stretches (colour escapes) are bracketed by `esc` on both sides.
static inline int gb_el_set_prompt_esc(EditLine *el, gb_prompt_fn fn, char esc) { return el_set(el, EL_PROMPT_ESC, fn, esc); }
static inline int gb_el_set_editor(EditLine *el, const char *mode) { return el_set(el, EL_EDITOR, mode); }
static inline int gb_el_set_signal(EditLine *el, int on) { return el_set(el, EL_SIGNAL, on); }
static inline int gb_el_set_editmode(EditLine *el, int on) { return el_set(el, EL_EDITMODE, on); }
static inline int gb_el_set_hist(EditLine *el, History *h) { return el_set(el, EL_HIST, history, h); }
static inline int gb_el_set_clientdata(EditLine *el, void *data) { return el_set(el, EL_CLIENTDATA, data); }
static inline void *gb_el_get_clientdata(EditLine *el) { void *d = NULL; el_get(el, EL_CLIENTDATA, &d); return d; }
static inline int gb_el_add_function(EditLine *el, const char *name, const char *help, gb_command_fn fn) {
    return el_set(el, EL_ADDFN, name, help, fn);
}
static inline int gb_el_bind(EditLine *el, const char *key, const char *command) {
    return el_set(el, EL_BIND, key, command, (const char *)NULL);
}
static inline int gb_el_refresh(EditLine *el) { return el_set(el, EL_REFRESH); }

// MARK: - history

static inline int gb_history_setsize(History *h, HistEvent *ev, int n) { return history(h, ev, H_SETSIZE, n); }
static inline int gb_history_setunique(History *h, HistEvent *ev, int on) { return history(h, ev, H_SETUNIQUE, on); }
static inline int gb_history_enter(History *h, HistEvent *ev, const char *line) { return history(h, ev, H_ENTER, line); }
static inline int gb_history_load(History *h, HistEvent *ev, const char *path) { return history(h, ev, H_LOAD, path); }
static inline int gb_history_save(History *h, HistEvent *ev, const char *path) { return history(h, ev, H_SAVE, path); }
static inline int gb_history_getsize(History *h, HistEvent *ev) { return history(h, ev, H_GETSIZE); }
/// Oldest entry first: `H_LAST` moves to the oldest, `H_PREV` towards the newest.
static inline int gb_history_last(History *h, HistEvent *ev) { return history(h, ev, H_LAST); }
static inline int gb_history_prev(History *h, HistEvent *ev) { return history(h, ev, H_PREV); }
static inline int gb_history_clear(History *h, HistEvent *ev) { return history(h, ev, H_CLEAR); }

#endif
