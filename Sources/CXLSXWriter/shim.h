// libxlsxwriter is loaded on first use, not linked: linking it (with zlib and
// minizip) would make the dynamic loader map them at every start of huashu,
// even for a call that never writes a workbook. Only the types come from the header.
#include <dlfcn.h>
#include <stddef.h>
#include <xlsxwriter.h>

static inline void *huashu_xlsxwriter(void) {
    static void *handle;
    if (!handle) handle = dlopen("libxlsxwriter.so.4", RTLD_NOW | RTLD_LOCAL);
    if (!handle) handle = dlopen("libxlsxwriter.so", RTLD_NOW | RTLD_LOCAL);
    return handle;
}

/// Whether libxlsxwriter could be loaded; every huashu_ call below needs it.
static inline int huashu_xlsxwriter_loaded(void) { return huashu_xlsxwriter() != NULL; }

#define HUASHU_XLSX(ret, name, params, args) \
    static inline ret huashu_##name params { \
        static ret (*function) params; \
        if (!function) function = (ret (*) params) dlsym(huashu_xlsxwriter(), #name); \
        return function args; \
    }
#define HUASHU_XLSX_VOID(name, params, args) \
    static inline void huashu_##name params { \
        static void (*function) params; \
        if (!function) function = (void (*) params) dlsym(huashu_xlsxwriter(), #name); \
        function args; \
    }

HUASHU_XLSX(lxw_workbook *, workbook_new, (const char *filename), (filename))
HUASHU_XLSX(lxw_worksheet *, workbook_add_worksheet, (lxw_workbook *workbook, const char *sheetname), (workbook, sheetname))
HUASHU_XLSX(lxw_format *, workbook_add_format, (lxw_workbook *workbook), (workbook))
HUASHU_XLSX(lxw_error, workbook_close, (lxw_workbook *workbook), (workbook))
HUASHU_XLSX_VOID(format_set_bold, (lxw_format *format), (format))
HUASHU_XLSX_VOID(format_set_num_format, (lxw_format *format, const char *num_format), (format, num_format))
HUASHU_XLSX_VOID(format_set_text_wrap, (lxw_format *format), (format))
HUASHU_XLSX(lxw_error, worksheet_write_string, (lxw_worksheet *worksheet, lxw_row_t row, lxw_col_t col, const char *string, lxw_format *format),
            (worksheet, row, col, string, format))
HUASHU_XLSX(lxw_error, worksheet_write_number, (lxw_worksheet *worksheet, lxw_row_t row, lxw_col_t col, double number, lxw_format *format),
            (worksheet, row, col, number, format))
HUASHU_XLSX(lxw_error, worksheet_set_column, (lxw_worksheet *worksheet, lxw_col_t first_col, lxw_col_t last_col, double width, lxw_format *format),
            (worksheet, first_col, last_col, width, format))
HUASHU_XLSX(char *, lxw_strerror, (lxw_error error_num), (error_num))
