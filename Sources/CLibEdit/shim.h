#ifndef HUASHU_CLIBEDIT_SHIM_H
#define HUASHU_CLIBEDIT_SHIM_H

#include <stdio.h>
#include <wchar.h>
#include <locale.h>
#include <histedit.h>

/* Swift cannot call C variadic functions nor, in Swift 6 mode, read C mutable
   globals; these wrappers are the few calls Huashu needs. */

static inline FILE *huashu_stdin(void) { return stdin; }
static inline FILE *huashu_stdout(void) { return stdout; }
static inline FILE *huashu_stderr(void) { return stderr; }

static inline wchar_t *huashu_prompt_from_clientdata(EditLine *e) {
    void *data = NULL;
    el_get(e, EL_CLIENTDATA, &data);
    return data ? (wchar_t *)data : (wchar_t *)L"> ";
}

/* The prompt is read from the client data pointer, which Swift owns. */
static inline void huashu_el_use_prompt(EditLine *e, wchar_t *prompt) {
    el_set(e, EL_CLIENTDATA, (void *)prompt);
    el_wset(e, EL_PROMPT, huashu_prompt_from_clientdata);
}

static inline void huashu_el_setup(EditLine *e, HistoryW *h) {
    el_wset(e, EL_EDITOR, L"emacs");
    el_wset(e, EL_HIST, history_w, h);
}

static inline void huashu_el_add_completion(EditLine *e, unsigned char (*fn)(EditLine *, int)) {
    el_wset(e, EL_ADDFN, L"huashu-complete", L"Complete commands, answers and objections", fn);
    el_wset(e, EL_BIND, L"^I", L"huashu-complete", NULL);
}

/* A lone Esc leaves the search's pick mode; an arrow key's sequence is read on by the function. */
static inline void huashu_el_add_escape(EditLine *e, unsigned char (*fn)(EditLine *, int)) {
    el_wset(e, EL_ADDFN, L"huashu-escape", L"Leave the search's pick mode", fn);
    el_wset(e, EL_BIND, L"^[", L"huashu-escape", NULL);
}

static inline int huashu_history_setsize(HistoryW *h, int size) {
    HistEventW ev;
    return history_w(h, &ev, H_SETSIZE, size);
}

static inline int huashu_history_unique(HistoryW *h) {
    HistEventW ev;
    return history_w(h, &ev, H_SETUNIQUE, 1);
}

static inline int huashu_history_enter(HistoryW *h, const wchar_t *line) {
    HistEventW ev;
    return history_w(h, &ev, H_ENTER, line);
}

static inline int huashu_history_load(HistoryW *h, const char *path) {
    HistEventW ev;
    return history_w(h, &ev, H_LOAD, path);
}

static inline int huashu_history_save(HistoryW *h, const char *path) {
    HistEventW ev;
    return history_w(h, &ev, H_SAVE, path);
}

/* Walking the loaded entries from the oldest to the newest, to scrub a file an older version wrote. */
static inline const wchar_t *huashu_history_oldest(HistoryW *h) {
    HistEventW ev;
    return history_w(h, &ev, H_LAST) == 0 ? ev.str : NULL;
}

static inline const wchar_t *huashu_history_newer(HistoryW *h) {
    HistEventW ev;
    return history_w(h, &ev, H_PREV) == 0 ? ev.str : NULL;
}

static inline int huashu_history_clear(HistoryW *h) {
    HistEventW ev;
    return history_w(h, &ev, H_CLEAR);
}

#endif
