#!/usr/bin/env python3
"""Writes one small call log as the spreadsheet programs staff and integrators use save it.

The same cells go through openpyxl, XlsxWriter (plain and constant-memory), LibreOffice Calc
and Gnumeric (which re-save openpyxl's file as .xlsx and as .ods), so the tests read files laid
out by other people's software, not only by our own builder.

    python3 scripts/lib/make-workbook-fixtures.py OUT_DIR
    # needs openpyxl and xlsxwriter (pip), soffice (libreoffice-calc-nogui), ssconvert (gnumeric)
"""
import datetime as dt
import os
import shutil
import subprocess
import sys
import tempfile

HEADER = ["工单编号", "来电时间", "来电号码", "姓名", "诉求类型", "诉求内容", "事发地址", "坐席工号", "通话时长"]
# (value, number format or None) per cell; None as value leaves the cell out.
ROWS = [
    [(20261103001, None), (dt.datetime(2026, 11, 3, 8, 15, 2), "yyyy/m/d h:mm:ss"), (13812345678, None),
     ("张三", None), ("噪音", None), ("工地夜间施工,噪音\"很大\"\n凌晨两点还在打桩", None),
     ("西湖区文三路 12 号", None), ("A017", None), (65, None)],
    [("T-0002", None), (dt.date(2026, 11, 4), 'yyyy"年"m"月"d"日"'), ("+86 139 0000 1111", None),
     ("李四", None), ("停水", None), ("小区停水 & 没有通知 <紧急>", None), (None, None), ("A018", None),
     (120, None)],
    [],
    [("330102199001011234", None), (dt.datetime(2026, 11, 5, 23, 59, 59), "yyyy-mm-dd hh:mm:ss"),
     ("0571-87654321", None), ("王五", None), ("路灯", None), ("路灯不亮", None), ("滨江区", None),
     (None, None), (0.5, None)],
]
SHEET = "工单"


def write_openpyxl(path):
    import openpyxl
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = SHEET
    sheet.append(HEADER)
    for number, row in enumerate(ROWS, start=2):
        for column, (value, fmt) in enumerate(row, start=1):
            if value is None:
                continue
            cell = sheet.cell(row=number, column=column, value=value)
            if fmt:
                cell.number_format = fmt
    book.create_sheet("说明").append(["这一页不是工单"])
    book.save(path)


def write_xlsxwriter(path, constant_memory):
    import xlsxwriter
    book = xlsxwriter.Workbook(path, {"constant_memory": constant_memory})
    sheet = book.add_worksheet(SHEET)
    formats = {}
    sheet.write_row(0, 0, HEADER)
    for number, row in enumerate(ROWS, start=1):
        for column, (value, fmt) in enumerate(row):
            if value is None:
                continue
            style = formats.setdefault(fmt, book.add_format({"num_format": fmt})) if fmt else None
            if isinstance(value, (dt.date, dt.datetime)):
                sheet.write_datetime(number, column, value, style)
            elif isinstance(value, str):
                sheet.write_string(number, column, value)
            else:
                sheet.write_number(number, column, value)
    book.add_worksheet("说明").write(0, 0, "这一页不是工单")
    book.close()


def convert(source, extension, filter_name, out):
    with tempfile.TemporaryDirectory() as work:
        subprocess.run(
            ["soffice", f"-env:UserInstallation=file://{work}/profile", "--headless", "--convert-to",
             f"{extension}:{filter_name}", "--outdir", work, source],
            check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        produced = os.path.join(work, os.path.splitext(os.path.basename(source))[0] + "." + extension)
        shutil.move(produced, out)


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    write_openpyxl(os.path.join(out, "openpyxl.xlsx"))
    write_xlsxwriter(os.path.join(out, "xlsxwriter.xlsx"), False)
    write_xlsxwriter(os.path.join(out, "xlsxwriter-constant-memory.xlsx"), True)
    with tempfile.TemporaryDirectory() as work:
        source = os.path.join(work, "libreoffice.xlsx")
        shutil.copy(os.path.join(out, "openpyxl.xlsx"), source)
        convert(source, "xlsx", "Calc MS Excel 2007 XML", os.path.join(out, "libreoffice.xlsx"))
        convert(source, "ods", "calc8", os.path.join(out, "libreoffice.ods"))
        for name, exporter in (("gnumeric.xlsx", "Gnumeric_Excel:xlsx"), ("gnumeric.ods", "Gnumeric_OpenCalc:odf")):
            subprocess.run(["ssconvert", "-T", exporter, source, os.path.join(out, name)], check=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


if __name__ == "__main__":
    main()
