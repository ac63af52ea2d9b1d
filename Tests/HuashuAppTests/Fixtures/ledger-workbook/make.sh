#!/usr/bin/env bash
# Remakes the workbook fixtures: a ledger written by openpyxl, and the same
# converted by LibreOffice (headless) to .xlsx and to CSV. The tests import all
# three and expect the same customers. Needs python3-openpyxl and
# libreoffice-calc-nogui (Debian); CI does not, it uses the committed files.
set -euo pipefail
cd "$(dirname "$0")"
python3 - <<'PY'
import datetime
from openpyxl import Workbook
from openpyxl.styles import Font

book = Workbook()
sheet = book.active
sheet.title = "续保台帐"
sheet.append(["2027年续保台帐(样例)"])
sheet.merge_cells("A1:K1")
sheet["A1"].font = Font(bold=True, size=14)
sheet.append(["客户姓名", "车牌号", "联系电话", "身份证号", "商业险到期日", "交强险到期日", "上年保费", "上年承保公司", "备注", "联系人", "车架号"])

def row(values, formats={}):
    sheet.append(values)
    for column, number_format in formats.items():
        sheet.cell(row=sheet.max_row, column=column).number_format = number_format

# Text phone and ID, dates in two date formats, a premium with a fraction, a column Huashu does not know.
row(["张三", "粤B10001", "13800138000", "11010519491231002X", datetime.date(2027, 3, 8), datetime.date(2027, 3, 20),
     4420.5, "平安", "老客户", None, "LSVAB12345678901"], {5: "yyyy-mm-dd", 6: "yyyy/m/d"})
# A phone stored as a number (exact), an ID number stored as a number (digits lost: held for review),
# a Chinese custom date format, a plate typed in lower case with a space.
row(["李四", "粤b 10002", 13912345678, 440301198505052000, datetime.date(2027, 5, 1), None, 5230, "人保", None, None, None],
    {5: 'yyyy"年"m"月"d"日"'})
sheet.append([])
# A placeholder phone, only a 交强险 date (a date-time: the time is dropped).
row(["王五", "粤A20003", "无", None, None, datetime.datetime(2027, 2, 1, 10, 30), None, "太平洋", "只有交强险", None, None],
    {6: "yyyy-mm-dd"})
# The second row of 张三's plate: one vehicle.
row(["张三", "粤B10001", "13800138000", None, None, datetime.date(2027, 3, 20), None, None, None, None, None], {6: "yyyy-mm-dd"})
# A landline kept as text, a date typed as text, a premium typed as text.
row(["陈七", "粤C30004", "020-12345678", None, "2027/4/5", None, "3980", "国寿财", None, None, None])
# A company car: a unified social credit code and a contact person.
row(["鹏程物流有限公司", "粤B40005", "13700137000", "91350100M000100Y43", datetime.date(2027, 6, 30), datetime.date(2027, 6, 30),
     12800, "平安", None, "刘经理", None], {5: "yyyy-mm-dd", 6: "yyyy-mm-dd"})
notes = book.create_sheet("说明")
notes.append(["本表由测试生成"])
book.save("ledger-openpyxl.xlsx")
PY
rm -rf lo && mkdir lo
soffice --headless --convert-to xlsx --outdir lo ledger-openpyxl.xlsx >/dev/null
soffice --headless --convert-to 'csv:Text - txt - csv (StarCalc):44,34,76,1' --outdir lo ledger-openpyxl.xlsx >/dev/null
mv lo/ledger-openpyxl.xlsx ledger-libreoffice.xlsx
mv lo/ledger-openpyxl.csv ledger-libreoffice.csv
rmdir lo
