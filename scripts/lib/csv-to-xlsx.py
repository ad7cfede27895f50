#!/usr/bin/env python3
"""Writes a call-log CSV as an .xlsx workbook laid out as Excel saves one, for the benchmark.

    python3 scripts/lib/csv-to-xlsx.py IN.csv OUT.xlsx [--encoding gbk] [--rows N]

Text goes to the shared strings (as Excel stores it), a call time Excel would recognise becomes
a date-time cell (a serial number with a `yyyy/m/d h:mm:ss` format), digits-only phone numbers
and durations become numbers (a number with a leading 0 stays text, as a careful Excel user keeps
it). Streams the sheet into the archive: memory is the strings table.
"""
import argparse
import csv
import datetime
import itertools
import re
import zipfile

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
TIME = re.compile(r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})[ T](\d{1,2}):(\d{2})(?::(\d{2}))?$")
EPOCH = datetime.datetime(1899, 12, 30)


def escape(text):
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def column(index):
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("source")
    parser.add_argument("target")
    parser.add_argument("--encoding", default="gbk")
    parser.add_argument("--rows", type=int, default=1_048_575)
    args = parser.parse_args()
    strings, order = {}, []

    def shared(text):
        index = strings.get(text)
        if index is None:
            index = strings[text] = len(order)
            order.append(text)
        return index

    with open(args.source, encoding=args.encoding, errors="replace", newline="") as source, \
            zipfile.ZipFile(args.target, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        reader = csv.reader(source)
        header = next(reader)
        numeric = {i for i, name in enumerate(header) if name in ("来电号码", "通话时长")}
        timed = {i for i, name in enumerate(header) if name == "来电时间"}
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n<worksheet xmlns="%s" '
                         'xmlns:r="%s"><sheetData>' % (MAIN, REL)).encode())
            for number, row in enumerate(itertools.chain([header], itertools.islice(reader, args.rows)), start=1):
                cells = []
                for i, value in enumerate(row):
                    if value == "":
                        continue
                    ref = "%s%d" % (column(i), number)
                    match = TIME.match(value) if number > 1 and i in timed else None
                    if match:
                        y, mo, d, h, mi, s = (int(g or 0) for g in match.groups())
                        try:
                            moment = datetime.datetime(y, mo, d, h, mi, s)
                        except ValueError:
                            match = None
                    if match:
                        serial = (moment - EPOCH).total_seconds() / 86400
                        cells.append('<c r="%s" s="1"><v>%r</v></c>' % (ref, serial))
                    elif number > 1 and i in numeric and value.isdigit() and len(value) <= 15 and not value.startswith("0"):
                        cells.append('<c r="%s"><v>%s</v></c>' % (ref, value))
                    else:
                        cells.append('<c r="%s" t="s"><v>%d</v></c>' % (ref, shared(value)))
                sheet.write(('<row r="%d">%s</row>' % (number, "".join(cells))).encode())
            sheet.write(b"</sheetData></worksheet>")
        with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as table:
            table.write(('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n<sst xmlns="%s" count="%d" '
                         'uniqueCount="%d">' % (MAIN, len(order), len(order))).encode())
            for start in range(0, len(order), 10_000):
                table.write("".join('<si><t xml:space="preserve">%s</t></si>' % escape(text)
                                    for text in order[start:start + 10_000]).encode())
            table.write(b"</sst>")
        archive.writestr("xl/styles.xml", '<styleSheet xmlns="%s"><numFmts count="1"><numFmt numFmtId="176" '
                         'formatCode="yyyy/m/d\\ h:mm:ss;@"/></numFmts><cellXfs count="2"><xf numFmtId="0"/>'
                         '<xf numFmtId="176" applyNumberFormat="1"/></cellXfs></styleSheet>' % MAIN)
        archive.writestr("xl/workbook.xml", '<workbook xmlns="%s" xmlns:r="%s"><sheets><sheet name="工单" '
                         'sheetId="1" r:id="rId1"/></sheets></workbook>' % (MAIN, REL))
        archive.writestr("xl/_rels/workbook.xml.rels", '<Relationships xmlns="http://schemas.openxmlformats.org/'
                         'package/2006/relationships"><Relationship Id="rId1" Type="%s/worksheet" '
                         'Target="worksheets/sheet1.xml"/></Relationships>' % REL)
        archive.writestr("[Content_Types].xml", '<Types xmlns="http://schemas.openxmlformats.org/package/2006/'
                         'content-types"/>')


if __name__ == "__main__":
    main()
