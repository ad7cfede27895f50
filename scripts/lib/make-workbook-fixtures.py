#!/usr/bin/env python3
"""Writes one small call log as the spreadsheet programs staff and integrators use save it.

The same cells go through openpyxl, XlsxWriter (plain and constant-memory), LibreOffice Calc
and Gnumeric (which re-save openpyxl's file as .xlsx, as .ods and as Excel 97-2003 .xls), and
xlwt (which writes .xls itself), so the tests read files laid out by other people's software,
not only by our own builder.

Files written into OUT_DIR:
    openpyxl.xlsx, xlsxwriter.xlsx, xlsxwriter-constant-memory.xlsx
    libreoffice.xlsx, libreoffice.ods, libreoffice.xls     (soffice re-saving openpyxl.xlsx)
    gnumeric.xlsx, gnumeric.ods, gnumeric.xls              (ssconvert re-saving openpyxl.xlsx)
    gnumeric-excel95.xls    ssconvert saving it as Excel 5.0/95 (BIFF7) in a Chinese locale, so
                            its text is GBK (code page 936): needs the zh_CN.gb18030 locale
                            (`localedef -i zh_CN -f GB18030 zh_CN.gb18030`)
    filtered.xlsx           openpyxl's cells with an AutoFilter on 诉求类型 showing 噪音 only: rows 3 and 5
                            hidden, as Excel saves a filtered sheet
    filtered.xls, filtered.ods, filtered-2003.xml   LibreOffice re-saving filtered.xlsx
    merged.xlsx             openpyxl's call log with cells merged down a column (诉求类型 E2:E3, 事发地址
                            G2:G3, 坐席工号 H4:H6) and across a row (诉求内容 F6:G6)
    merged.xls, merged.ods  LibreOffice re-saving merged.xlsx (its XML 2003 export drops the covered cells
                            without the ss:Index Excel writes after them, so its merges are not of use)
    monthly.xlsx            openpyxl's call log kept by month: a summary sheet first, a hidden notes
                            sheet, 1月, 2月, 3月 (its columns in another order, one added), an empty sheet
    monthly.xls, monthly.ods, monthly-2003.xml    LibreOffice re-saving monthly.xlsx
    xlwt.xls                the same cells written by xlwt (BIFF8)
    xlwt-many-strings.xls   600 rows of distinct strings, so the BIFF8 shared-string table
                            (SST) runs past one record and continues in CONTINUE records
    libreoffice-2003.xml    LibreOffice's "MS Excel 2003 XML" export (its own XSLT, run by xsltproc on
                            the flat .fods LibreOffice saves: the export filter itself gives up on the
                            sheet's 16,384 repeated columns, which are trimmed first)
    velvetsweatshop.xls     the same with Excel's built-in password "VelvetSweatshop" (how Excel
                            saves a protected workbook), which the reader decrypts
    password.xls            LibreOffice saving openpyxl.xlsx as .xls with the password "secret"
                            (RC4-encrypted, FILEPASS record); saved through LibreOffice's Python-UNO
                            bridge because --convert-to cannot pass a document password
    velvetsweatshop.xlsx    libreoffice.xlsx encrypted with "VelvetSweatshop" the "agile" way (AES-256,
                            SHA-512), as Excel for Mac saves a workbook whose structure is protected,
                            by msoffcrypto-tool
    password.xlsx           the same with the password "secret"
    velvetsweatshop-standard.xlsx  libreoffice.xlsx encrypted with "VelvetSweatshop" the "standard"
                            way of Excel 2007 (AES-128 ECB), by encrypt_xlsx_standard.py
    cryptoapi.xls           xlwt-many-strings.xls encrypted with "VelvetSweatshop" the way Excel 2002
                            and later do by default (RC4 CryptoAPI, 128-bit key), by
                            encrypt_xls_cryptoapi.py: LibreOffice only writes the older kind
    cryptoapi-40bit.xls     xlwt.xls encrypted so with a 40-bit key (Excel's "Base Cryptographic
                            Provider"); msoffcrypto-tool decrypts it, LibreOffice cannot (it only
                            derives 128-bit keys)

    python3 scripts/lib/make-workbook-fixtures.py OUT_DIR
    # needs openpyxl, xlsxwriter, xlwt, olefile and msoffcrypto-tool (pip), soffice (libreoffice-calc-nogui), ssconvert (gnumeric), xsltproc,
    # python3-uno (comes with libreoffice-calc-nogui; if this python3 cannot import uno, the password
    # step re-runs this script with /usr/bin/python3)
"""
import datetime as dt
import os
import shutil
import subprocess
import sys
import tempfile
import time

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


def write_filtered(path):
    """openpyxl's file with an AutoFilter that shows only 噪音 complaints: the other rows hidden."""
    import openpyxl
    write_openpyxl(path)
    book = openpyxl.load_workbook(path)
    sheet = book[SHEET]
    sheet.auto_filter.ref = f"A1:I{len(ROWS) + 1}"
    sheet.auto_filter.add_filter_column(4, ["噪音"])
    for number, row in enumerate(ROWS, start=2):
        if row and row[4][0] != "噪音":
            sheet.row_dimensions[number].hidden = True
    book.save(path)


def write_filtered_family(out):
    write_filtered(os.path.join(out, "filtered.xlsx"))
    resave_with_libreoffice(os.path.join(out, "filtered.xlsx"), out, "filtered", ["xls", "ods", "xml2003"])


MERGED_ROWS = [
    [20261103101, dt.datetime(2026, 11, 3, 8, 15, 2), 13812345678, "张三", "噪音", "工地夜间施工", "西湖区文三路12号",
     "A017", 65],
    [20261103102, dt.datetime(2026, 11, 3, 9, 20), 13812345679, "李四", None, "广场舞音响太大", None, "A017", 80],
    [20261103103, dt.datetime(2026, 11, 3, 10, 0), 13900001111, "王五", "停水", "小区停水没有通知", "滨江区江南大道2号",
     "A018", 120],
    [20261103104, dt.datetime(2026, 11, 3, 10, 30), 13900002222, "赵六", "停水", "还是没水", "滨江区江南大道4号", None,
     90],
    [20261103105, dt.datetime(2026, 11, 3, 11, 0), 13900003333, "钱七", "路灯", "路灯不亮", None, None, 30],
]


def write_merged(path):
    """A call log as staff lay it out: a column merged where calls share its value."""
    import openpyxl
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = SHEET
    sheet.append(HEADER)
    for row in MERGED_ROWS:
        sheet.append(row)
    for row in range(2, len(MERGED_ROWS) + 2):
        sheet.cell(row=row, column=2).number_format = "yyyy-mm-dd hh:mm:ss"
    for cells in ("E2:E3", "G2:G3", "H4:H6", "F6:G6"):
        sheet.merge_cells(cells)
    book.save(path)


def write_merged_family(out):
    write_merged(os.path.join(out, "merged.xlsx"))
    resave_with_libreoffice(os.path.join(out, "merged.xlsx"), out, "merged", ["xls", "ods"])


def write_monthly(path):
    """A call log kept by month: a summary first, a hidden notes sheet, 1月 (a title above its
    header), 2月 (a ticket of 1月 again, on the same line number), 3月 (its columns in another
    order, one added) and an empty sheet, as an older Excel's new workbook has."""
    import openpyxl
    book = openpyxl.Workbook()
    summary = book.active
    summary.title = "汇总"
    summary.append(["区域", "工单数"])
    summary.append(["西湖区", 4])
    notes = book.create_sheet("说明")
    notes.append(["本表按月记录来电"])
    notes.sheet_state = "hidden"
    header = ["工单编号", "来电时间", "来电号码", "诉求内容"]
    january = book.create_sheet("1月")
    january.append(["2026年1月来电记录"])
    january.append(header)
    january.append(["M001", dt.datetime(2026, 1, 5, 9, 0), 13812345678, "路灯不亮"])
    january.append(["M002", "2026-13-40 08:00", 13812345679, "噪音扰民"])
    february = book.create_sheet("2月")
    february.append(header)
    february.append(["M003", dt.datetime(2026, 2, 3, 10, 0), 13812345670, "停水了"])
    february.append(["M001", dt.datetime(2026, 2, 4, 11, 0), 13812345678, "又坏了"])
    march = book.create_sheet("3月")
    march.append(["来电时间", "工单编号", "来电号码", "诉求内容", "处理结果"])
    march.append([dt.datetime(2026, 3, 1, 9, 0), "M004", 13812345671, "垃圾未清运", "已派单"])
    march.append(["2026-03-40 09:00", "M005", 13812345672, "占道经营", "已办结"])
    book.create_sheet("Sheet5")
    for sheet, column in ((january, 2), (february, 2), (march, 1)):
        for row in range(1, sheet.max_row + 1):
            sheet.cell(row=row, column=column).number_format = "yyyy-mm-dd hh:mm:ss"
    book.save(path)


def write_monthly_family(out):
    write_monthly(os.path.join(out, "monthly.xlsx"))
    resave_with_libreoffice(os.path.join(out, "monthly.xlsx"), out, "monthly", ["xls", "ods", "xml2003"])


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


def write_xlwt(path):
    import xlwt
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet(SHEET)
    styles = {}
    for column, value in enumerate(HEADER):
        sheet.write(0, column, value)
    for number, row in enumerate(ROWS, start=1):
        for column, (value, fmt) in enumerate(row):
            if value is None:
                continue
            if fmt:
                style = styles.get(fmt)
                if style is None:
                    style = styles[fmt] = xlwt.XFStyle()
                    style.num_format_str = fmt
                sheet.write(number, column, value, style)
            else:
                sheet.write(number, column, value)
    book.add_sheet("说明").write(0, 0, "这一页不是工单")
    book.save(path)


MANY_STRINGS_TEXT = "市民反映小区噪音扰民停水停电路灯不亮垃圾清运不及时"


def many_strings_text(number):
    # 30 characters, distinct per row: the text from an offset that moves with the row, then the row number.
    digits = str(number)
    chars = [MANY_STRINGS_TEXT[(number + i) % len(MANY_STRINGS_TEXT)] for i in range(30 - len(digits))]
    return "".join(chars) + digits


def write_xlwt_many_strings(path):
    import xlwt
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet(SHEET)
    for column, value in enumerate(HEADER):
        sheet.write(0, column, value)
    for number in range(2, 602):  # spreadsheet row numbers 2..601
        sheet.write(number - 1, 0, f"T{number:05d}")
        sheet.write(number - 1, 1, many_strings_text(number))
        sheet.write(number - 1, 2, number * 1000 + 7)
    book.save(path)


def convert(source, extension, filter_name, out):
    with tempfile.TemporaryDirectory() as work:
        subprocess.run(
            ["soffice", f"-env:UserInstallation=file://{work}/profile", "--headless", "--convert-to",
             f"{extension}:{filter_name}", "--outdir", work, source],
            check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        produced = os.path.join(work, os.path.splitext(os.path.basename(source))[0] + "." + extension)
        shutil.move(produced, out)


SPREADSHEETML_XSLT = "/usr/lib/libreoffice/share/xslt/export/spreadsheetml/ooo2spreadsheetml.xsl"


def convert_2003_xml(source, out):
    """LibreOffice's XML Spreadsheet 2003 export: its XSLT applied to the flat OpenDocument file."""
    import re
    with tempfile.TemporaryDirectory() as work:
        flat = os.path.join(work, "flat.fods")
        convert(source, "fods", "OpenDocument Spreadsheet Flat XML", flat)
        text = open(flat, encoding="utf-8").read()
        # The XSLT recurses once per repeated column or row: the sheet's empty tail, repeated to
        # the last column and row, is one of each.
        text = re.sub(r'table:number-(columns|rows)-repeated="(\d+)"',
                      lambda m: m.group(0) if int(m.group(2)) < 50 else f'table:number-{m.group(1)}-repeated="1"',
                      text)
        open(flat, "w", encoding="utf-8").write(text)
        with open(out, "wb") as sink:
            subprocess.run(["xsltproc", "--maxdepth", "20000", SPREADSHEETML_XSLT, flat], check=True, stdout=sink)


def resave_with_libreoffice(source, out, stem, kinds):
    """LibreOffice saving source as OUT/STEM.xlsx, .ods, .xls or (kind xml2003) STEM-2003.xml."""
    filters = {"xlsx": "Calc MS Excel 2007 XML", "ods": "calc8", "xls": "MS Excel 97"}
    for kind in kinds:
        if kind == "xml2003":
            convert_2003_xml(source, os.path.join(out, f"{stem}-2003.xml"))
        else:
            convert(source, kind, filters[kind], os.path.join(out, f"{stem}.{kind}"))


PASSWORD_MODE = "--save-xls-with-password"


def save_xls_with_password(source, out, password):
    """Loads source in a headless LibreOffice and stores it as "MS Excel 97" with a password."""
    try:
        import uno
    except ImportError:
        subprocess.run(["/usr/bin/python3", os.path.abspath(__file__), PASSWORD_MODE, source, out, password],
                       check=True)
        return
    from com.sun.star.beans import PropertyValue

    def prop(name, value):
        result = PropertyValue()
        result.Name, result.Value = name, value
        return result

    with tempfile.TemporaryDirectory() as work:
        pipe = f"make-workbook-fixtures-{os.getpid()}"
        office = subprocess.Popen(
            ["soffice", f"-env:UserInstallation=file://{work}/profile", "--headless", "--invisible", "--norestore",
             f"--accept=pipe,name={pipe};urp;"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            local = uno.getComponentContext()
            resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
            for attempt in range(120):
                try:
                    context = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
                    break
                except Exception:
                    if attempt == 119:
                        raise
                    time.sleep(0.5)
            desktop = context.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", context)
            document = desktop.loadComponentFromURL(uno.systemPathToFileUrl(os.path.abspath(source)), "_blank", 0,
                                                    (prop("Hidden", True),))
            document.storeToURL(uno.systemPathToFileUrl(os.path.abspath(out)),
                                (prop("FilterName", "MS Excel 97"), prop("Password", password)))
            document.close(True)
            try:
                desktop.terminate()
            except Exception:
                pass  # the bridge drops as the office quits
            office.wait(timeout=60)
        finally:
            if office.poll() is None:
                office.kill()
                office.wait()


def main():
    if sys.argv[1] == PASSWORD_MODE:
        save_xls_with_password(*sys.argv[2:5])
        return
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    write_openpyxl(os.path.join(out, "openpyxl.xlsx"))
    write_xlsxwriter(os.path.join(out, "xlsxwriter.xlsx"), False)
    write_xlsxwriter(os.path.join(out, "xlsxwriter-constant-memory.xlsx"), True)
    write_xlwt(os.path.join(out, "xlwt.xls"))
    write_filtered_family(out)
    write_merged_family(out)
    write_monthly_family(out)
    write_xlwt_many_strings(os.path.join(out, "xlwt-many-strings.xls"))
    with tempfile.TemporaryDirectory() as work:
        source = os.path.join(work, "libreoffice.xlsx")
        shutil.copy(os.path.join(out, "openpyxl.xlsx"), source)
        resave_with_libreoffice(source, out, "libreoffice", ["xlsx", "ods", "xls", "xml2003"])
        for name, exporter in (("gnumeric.xlsx", "Gnumeric_Excel:xlsx"), ("gnumeric.ods", "Gnumeric_OpenCalc:odf"),
                               ("gnumeric.xls", "Gnumeric_Excel:excel_biff8")):
            subprocess.run(["ssconvert", "-T", exporter, source, os.path.join(out, name)], check=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        # Excel 5.0/95 writes text in the Windows code page: Gnumeric takes it from the locale.
        subprocess.run(["ssconvert", "-T", "Gnumeric_Excel:excel_biff7", source,
                        os.path.join(out, "gnumeric-excel95.xls")], check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, env=dict(os.environ, LC_ALL="zh_CN.gb18030", LANG="zh_CN.gb18030"))
        save_xls_with_password(source, os.path.join(out, "password.xls"), "secret")
        save_xls_with_password(source, os.path.join(out, "velvetsweatshop.xls"), "VelvetSweatshop")
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import encrypt_xls_cryptoapi
    from msoffcrypto.format.ooxml import OOXMLFile
    for password, name in (("VelvetSweatshop", "velvetsweatshop.xlsx"), ("secret", "password.xlsx")):
        with open(os.path.join(out, "libreoffice.xlsx"), "rb") as plain, open(os.path.join(out, name), "wb") as sink:
            OOXMLFile(plain).encrypt(password, sink)
    import encrypt_xlsx_standard
    encrypt_xlsx_standard.encrypt_file(os.path.join(out, "libreoffice.xlsx"),
                                       os.path.join(out, "velvetsweatshop-standard.xlsx"))
    encrypt_xls_cryptoapi.encrypt_file(os.path.join(out, "xlwt-many-strings.xls"), os.path.join(out, "cryptoapi.xls"),
                                       key_bits=128, version=4)
    encrypt_xls_cryptoapi.encrypt_file(os.path.join(out, "xlwt.xls"), os.path.join(out, "cryptoapi-40bit.xls"),
                                       key_bits=40, version=2)


if __name__ == "__main__":
    main()
