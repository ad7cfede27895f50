#!/usr/bin/env python3
"""Writes the seed corpora in Fuzz/corpus/<target>/ from the project's own fixtures.

Run from the repository root when fixtures change: python3 Fuzz/make_seeds.py
Seeds are small (a fuzzer mutates them; large files only slow it down). Files named seed-*
are rewritten; regression inputs (crash-*, named for what they broke) are kept as they are.
"""
import base64
import glob
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.join(ROOT, "Fuzz", "corpus")
SAMPLES = os.path.join(os.path.dirname(ROOT), "shared", "samples")
MAX_MIME = 64 * 1024
MAX_OTHER = 16 * 1024


def put(target, name, data):
    folder = os.path.join(CORPUS, target)
    os.makedirs(folder, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    with open(os.path.join(folder, "seed-" + name), "wb") as f:
        f.write(data)


def read(path):
    with open(os.path.join(ROOT, path), "rb") as f:
        return f.read()


def clear_seeds():
    for path in glob.glob(os.path.join(CORPUS, "*", "seed-*")):
        os.remove(path)


def mime():
    paths = sorted(glob.glob(os.path.join(ROOT, "Tests/EmailAdapterTests/Corpus/*.eml")))
    paths += sorted(glob.glob(os.path.join(ROOT, "Tests/EmailAdapterTests/Corpus/cpython/msg_*.txt")))
    for path in paths:
        data = open(path, "rb").read()
        if len(data) <= MAX_MIME:
            put("mime", os.path.basename(path), data)


def xlsx():
    """Small workbooks as Excel lays them out, stored (so mutations reach the XML) and deflated."""
    import io
    import zipfile

    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    parts = {
        "[Content_Types].xml": '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
        "xl/workbook.xml": '<workbook xmlns="%s" xmlns:r="%s"><workbookPr date1904="0"/><sheets>'
        '<sheet name="S" sheetId="1" state="hidden" r:id="rId2"/><sheet name="工单" sheetId="2" r:id="rId1"/>'
        "</sheets></workbook>" % (main, rel),
        "xl/_rels/workbook.xml.rels": '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="%s/worksheet" Target="worksheets/sheet1.xml"/>'
        '<Relationship Id="rId2" Type="%s/worksheet" Target="/xl/worksheets/sheet2.xml"/></Relationships>' % (rel, rel),
        "xl/styles.xml": '<styleSheet xmlns="%s"><numFmts count="2"><numFmt numFmtId="176" formatCode="yyyy/m/d\\ h:mm;@"/>'
        '<numFmt numFmtId="177" formatCode="[h]:mm:ss"/></numFmts><cellXfs count="4"><xf numFmtId="0"/>'
        '<xf numFmtId="176"/><xf numFmtId="177"/><xf numFmtId="14"/></cellXfs></styleSheet>' % main,
        "xl/sharedStrings.xml": '<sst xmlns="%s"><si><t>工单编号</t></si><si><r><t>来电</t></r><r><t>时间</t></r>'
        '<rPh><t>x</t></rPh></si><si><t xml:space="preserve">噪音 &amp; 扰民_x000D_</t></si></sst>' % main,
        "xl/worksheets/sheet1.xml": '<worksheet xmlns="%s"><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c>'
        '<c r="B1" t="s"><v>1</v></c></row><row r="3"><c r="A3"><v>13812345678</v></c><c r="B3" s="1">'
        '<v>46329.343773148148</v></c><c r="C3" s="2"><v>0.00075</v></c><c r="D3" t="inlineStr"><is><t>T</t></is></c>'
        '<c r="E3" t="b"><v>1</v></c><c r="F3" t="str"><f>A1</f><v>x</v></c><c r="G3" t="s"><v>2</v></c>'
        '<c r="XFD3" s="3"><v>46329</v></c></row></sheetData></worksheet>' % main,
        "xl/worksheets/sheet2.xml": '<worksheet xmlns="%s"><sheetData><row><c><v>1</v></c></row></sheetData></worksheet>' % main,
    }
    for name, method in (("stored.xlsx", zipfile.ZIP_STORED), ("deflated.xlsx", zipfile.ZIP_DEFLATED)):
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", method) as archive:
            for part, text in parts.items():
                archive.writestr(part, text.encode("utf-8"))
        put("xlsx", name, out.getvalue())
    # An OpenDocument spreadsheet reaches the same reader: its media type stored first.
    content = (
        '<office:document-content xmlns:office="o" xmlns:table="t" xmlns:text="x" xmlns:style="s">'
        '<office:automatic-styles><style:style style:name="ta2" style:family="table"><style:table-properties '
        'table:display="false"/></style:style></office:automatic-styles><office:body><office:spreadsheet>'
        '<table:table table:name="H" table:style-name="ta2"><table:table-row><table:table-cell/></table:table-row>'
        '</table:table><table:table table:name="工单"><table:table-row table:number-rows-repeated="2">'
        '<table:table-cell office:value-type="string"><office:annotation><text:p>c</text:p></office:annotation>'
        '<text:p>噪音<text:s text:c="2"/>&amp;<text:tab/></text:p><text:p>x</text:p></table:table-cell>'
        '<table:table-cell table:number-columns-repeated="2" office:value-type="float" office:value="13812345678"/>'
        '<table:covered-table-cell/><table:table-cell office:value-type="date" office:date-value="2026-11-03T08:15:02"/>'
        '<table:table-cell office:value-type="time" office:time-value="PT00H01M05S"/></table:table-row>'
        '</table:table></office:spreadsheet></office:body></office:document-content>')
    for name, method in (("stored.ods", zipfile.ZIP_STORED), ("deflated.ods", zipfile.ZIP_DEFLATED)):
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", method) as archive:
            archive.writestr(zipfile.ZipInfo("mimetype"), b"application/vnd.oasis.opendocument.spreadsheet")
            archive.writestr("content.xml", content.encode("utf-8"))
            archive.writestr("META-INF/manifest.xml", b"<manifest:manifest/>")
        put("xlsx", name, out.getvalue())
    # Excel 97–2003 workbooks reach the same reader: a compound file of BIFF8 records, as
    # LibreOffice, Gnumeric and xlwt write them (and one saved with a password).
    # An .xlsx encrypted with Excel's built-in password is a compound file too.
    for path in sorted(glob.glob(os.path.join(ROOT, "Tests/HotlineCSVTests/Workbooks/*.xls"))) + [
            os.path.join(ROOT, "Tests/HotlineCSVTests/Workbooks/velvetsweatshop.xlsx")]:
        data = open(path, "rb").read()
        if len(data) <= MAX_OTHER:
            put("xlsx", os.path.basename(path), data)
    # LibreOffice's .ods files: a log kept by month among them, its sheets in one document.
    for path in sorted(glob.glob(os.path.join(ROOT, "Tests/HotlineCSVTests/Workbooks/*.ods"))):
        data = open(path, "rb").read()
        if len(data) <= MAX_OTHER:
            put("xlsx", os.path.basename(path), data)
    # An "Excel export" that is a web page: an HTML table, entities, <br>, colspan, comments.
    put("xlsx", "export.html",
        '<meta http-equiv="Content-Type" content="text/html; charset=utf-8"><style>td{mso-number-format:\\@}</style>'
        '<!-- x --><table><tr><th>工单编号</th><th colspan="2">来电时间</th></tr><TR><td>GD1&amp;&#21495;&#x53F7;&nbsp;'
        '</td><td>2026/11/3 8:15<br>x</td><td><p>a</p><p>b</p></td></tr><tr></tr><td>stray</td></table>'
        '<script>"<tr>"</script>')
    # An "Excel export" that is an XML Spreadsheet 2003: LibreOffice's, and Excel's layout in GB2312.
    for path in sorted(glob.glob(os.path.join(ROOT, "Tests/HotlineCSVTests/Workbooks/*-2003.xml"))):
        put("xlsx", os.path.basename(path), open(path, "rb").read())
    put("xlsx", "excel-2003-gb2312.xml", (
        '<?xml version="1.0" encoding="GB2312"?>\n<?mso-application progid="Excel.Sheet"?>\n'
        '<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" '
        'xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet"><Styles><Style ss:ID="s21">'
        '<NumberFormat ss:Format="yyyy\\-mm\\-dd\\ hh:mm:ss"/></Style><Style ss:ID="s23" ss:Parent="s21"/></Styles>'
        '<Worksheet ss:Name="h"><Table/><WorksheetOptions><Visible>SheetHidden</Visible></WorksheetOptions></Worksheet>'
        '<Worksheet ss:Name="工单"><Table><Row><Cell><Data ss:Type="String">工单编号</Data></Cell>'
        '<Cell ss:Index="3" ss:MergeAcross="1"><Data ss:Type="String">来电时间</Data></Cell></Row>'
        '<Row ss:Index="4" ss:Span="1"><Cell ss:StyleID="s23"><Data ss:Type="DateTime">2026-11-03T08:15:02.500</Data>'
        '</Cell><Cell><ss:Data ss:Type="String"><B>加粗</B>&#10;x</ss:Data><Comment><ss:Data>c</ss:Data></Comment></Cell>'
        '<Cell><Data ss:Type="Number">13812345678</Data></Cell><Cell><Data ss:Type="Boolean">1</Data></Cell></Row>'
        '<Row><Cell><Data ss:Type="DateTime">1899-12-31T00:01:05.000</Data></Cell></Row></Table></Worksheet></Workbook>'
    ).encode("gb18030"))


def tnef():
    for path in sorted(glob.glob(os.path.join(ROOT, "Tests/EmailAdapterTests/Corpus/tnef/*.tnef"))):
        data = open(path, "rb").read()
        if len(data) <= MAX_OTHER:
            put("tnef", os.path.basename(path), data)


def rtf():
    put("rtf", "plain.rtf", "{\\rtf1\\ansi\\ansicpg936\\deff0{\\fonttbl{\\f0\\fnil \\'cb\\'ce\\'cc\\'e5;}}"
        "{\\colortbl;\\red0\\green0\\blue0;}\\f0\\fs20 \\'c2\\'b7\\'b5\\'c6\\par \\uc1\\u30005?\\u35805?138\\tab x\\par}")
    put("rtf", "html.rtf", "{\\rtf1\\ansi\\fbidis\\ansicpg1252\\fromhtml1 {\\*\\htmltag19 <html>}"
        "{\\*\\htmltag64 <p>}\\htmlrtf {\\htmlrtf0 caf\\'e9\\htmlrtf }\\htmlrtf0 {\\*\\htmltag72 </p>}}")


def csv():
    gen = os.path.join(SAMPLES, "gen_calls.py")
    runs = [
        ("12345-utf8.csv", ["--rows", "6", "--seed", "1"]),
        ("12345-bom-lf.csv", ["--rows", "6", "--seed", "2", "--encoding", "utf-8-sig", "--newline", "lf"]),
        ("12345-gbk.csv", ["--rows", "6", "--seed", "3", "--encoding", "gbk"]),
        ("12345-bad.csv", ["--rows", "12", "--seed", "4", "--bad-rate", "0.5"]),
    ]
    if os.path.exists(gen):
        for name, args in runs:
            put("csv", name, subprocess.run([sys.executable, gen, *args], check=True, capture_output=True).stdout)
    put(
        "csv",
        "311.csv",
        "ticket_id,call_time,caller,name,type,content,address,agent,duration_s\r\n"
        '311-1,2026-11-03 8:15,(212) 555-0142,Ann Lee,complaint,"Noise, all night",1 Main St,a7,95\r\n'
        '311-2,2026/11/03 09:01:00,,,"report","Broken ""street"" light\nnear school",,a2,x\r\n'
        "311-3,20261103101500,Anonymous,,inquiry,Trash pickup?,,,\r\n",
    )


def sms():
    vectors = json.loads(read("Tests/SMSAdapterTests/Vectors/vectors.json"))["vectors"]
    for vector in vectors:
        lines = [vector.get("query") or ""]
        lines += ["%s: %s" % (name, value) for name, value in vector["headers"].items()]
        text = "\n".join(lines) + "\n\n" + vector["body"]
        put("sms-" + vector["provider"], vector["name"], text)
    json_type = "Content-Type: application/json"
    aliyun = [
        '[{"phone_number":"13812345678","content":"小区停水三天了","send_time":"2026-11-20 11:12:00",'
        '"dest_code":"1234","sequence_id":1234567890},{"phone_number":"8613900001111","content":"路灯不亮 💡",'
        '"send_time":"2026-11-20 11:13:00","dest_code":"1234","sequence_id":"1234567891","sign_name":"市民热线"}]',
        '[{"phone_number":"1381111****","send_time":"2017-01-01 00:00:00","report_time":"2017-01-01 00:00:00",'
        '"success":true,"err_code":"DELIVERED","biz_id":"1"}]',
    ]
    for index, body in enumerate(aliyun):
        put("sms-aliyun", "body-%d" % index, "token=aliyun-token-0123456789abcdef\n%s\n\n%s" % (json_type, body))
    tencent = [
        '{"extend":"","mobile":"13812345678","nationcode":"86","sign":"市民热线","text":"噪音扰民 😠","time":1795000000}',
        '[{"user_receive_time":"2015-10-17 08:03:04","nationcode":"86","mobile":"13xxxxxxxxx",'
        '"report_status":"SUCCESS","errmsg":"DELIVRD","description":"用户短信送达成功","sid":"x"}]',
    ]
    for index, body in enumerate(tencent):
        put("sms-tencent", "body-%d" % index, "token=tencent-token-0123456789abcdef\n%s\n\n%s" % (json_type, body))


def config():
    put("config-gateway", "gateway.yaml", read("config/gateway.yaml"))
    put(
        "config-gateway",
        "minimal.yaml",
        "auth: { tokens: [{ name: a, token: x, scopes: [submit] }] }\n"
        "routing: { tables: [], default: { department: citizen-services } }\n",
    )
    put("config-departments", "departments.yaml", read("config/departments.yaml"))
    for path in sorted(glob.glob(os.path.join(ROOT, "config/hotline/*.yaml"))):
        put("config-hotline", os.path.basename(path), open(path, "rb").read())


def rules():
    for path in sorted(glob.glob(os.path.join(ROOT, "config/routing/*"))):
        target = "rules-csv" if path.endswith(".csv") else "rules-yaml"
        put(target, os.path.basename(path), open(path, "rb").read())
    put("rules-calendar", "calendar.yaml", read("config/calendar.yaml"))


def json_intake():
    complaint = {
        "schema": "complaint/v1",
        "text": "楼下餐馆油烟很大 😷",
        "subject": "油烟",
        "category": "环境",
        "occurred_at": "2026-11-20T08:30:00+08:00",
        "complainant": {"name": "张三", "phone": "138 1234 5678", "email": "z@example.com", "anonymous": False},
        "location": {"address": "文三路 1 号", "district": "西湖区", "lat": 30.27, "lon": 120.15},
        "source": {"external_id": "crm-1", "extra": {"ticket": 7, "tags": ["a", None, True], "score": -1.5e-3}},
        "thread": {"in_reply_to": "<a@x>", "references": ["<a@x>", "<b@x>"]},
        "attachments": [],
    }
    body = json.dumps(complaint, ensure_ascii=False)
    put("api-complaint", "full.json", body)
    put("api-complaint", "minimal.json", '{"text":"Street light out on 5th Ave"}')
    put("api-complaint", "anonymous.json", '{"text":"x","complainant":{"phone":"withheld","anonymous":true}}')
    form = lambda parts: "".join("--cgFuzz\r\n%s\r\n" % p for p in parts) + "--cgFuzz--\r\n"
    put("api-form", "photo.txt", form([
        'Content-Disposition: form-data; name="complaint"\r\nContent-Type: application/json\r\n\r\n'
        + '{"text":"路灯坏了","complainant":{"phone":"13812345678"}}',
        'Content-Disposition: form-data; name="photo"; filename="现场.jpg"\r\nContent-Type: image/jpeg\r\n\r\nJFIF',
        'Content-Disposition: form-data; name="f"; filename*=UTF-8\'\'%E5%BD%95.m4a\r\n\r\nRIFF']))
    put("email-form", "sendgrid.txt", form([
        'Content-Disposition: form-data; name="headers"\r\n\r\nFrom: a@example.cn\nSubject: =?utf-8?B?5oqV6K+J?=\n'
        + 'Message-ID: <s@x>\nContent-Type: multipart/mixed;\n\tboundary="q"',
        'Content-Disposition: form-data; name="text"\r\n\r\n路灯不亮',
        'Content-Disposition: form-data; name="charsets"\r\n\r\n{"text":"UTF-8"}',
        'Content-Disposition: form-data; name="envelope"\r\n\r\n{"to":["c@x"],"from":"a@example.cn"}',
        'Content-Disposition: form-data; name="attachment-info"\r\n\r\n{"attachment1":{"filename":"a.jpg","type":"image/jpeg"}}',
        'Content-Disposition: form-data; name="attachment1"; filename="a.jpg"\r\nContent-Type: image/jpeg\r\n\r\nJFIF']))
    put("email-form", "mailgun.txt", form([
        'Content-Disposition: form-data; name="message-headers"\r\n\r\n[["From","a@example.cn"],["Message-Id","<m@x>"]]',
        'Content-Disposition: form-data; name="body-plain"\r\n\r\n噪音扰民',
        'Content-Disposition: form-data; name="content-id-map"\r\n\r\n{"<i1>":"attachment-1"}',
        'Content-Disposition: form-data; name="attachment-1"; filename="b.png"\r\nContent-Type: image/png\r\n\r\nPNG']))
    put("email-form", "mailgun-urlencoded.txt",
        "message-headers=%5B%5B%22From%22%2C%22a%40example.cn%22%5D%5D&body-plain=%E8%B7%AF%E7%81%AF&subject=x")
    put("email-form", "postmark.json", json.dumps({
        "FromFull": {"Email": "a@example.cn", "Name": "王"}, "To": "c@x", "Subject": "投诉", "TextBody": "井盖丢失",
        "HtmlBody": "<p>井盖丢失</p>", "Headers": [{"Name": "Message-ID", "Value": "<p@x>"}],
        "Attachments": [{"Name": "c.jpg", "Content": "SkZJRg==", "ContentType": "image/jpeg", "ContentID": ""}]},
        ensure_ascii=False))
    put("email-form", "ses-sns.json", ses_sns())
    put("email-form", "mandrill-events.json", mandrill_events())
    put("json", "complaint.json", body)
    put("json", "escapes.json", '["\\u00e9\\ud83d\\ude00\\n\\"\\\\\\/", -0, 1E+2, 0.1e-7, 12345678901234567890, {}, []]')
    put("json", "nested.json", '{"a":{"b":[{"c":null,"d":[true,false]}]}, "e":"\\t"}')


def ses_sns():
    """An SNS notification carrying SES's receipt notification with the mail, Base64."""
    mail = "From: a@example.cn\r\nMessage-ID: <ses@x>\r\nSubject: x\r\n\r\n路灯不亮\r\n"
    ses = {"notificationType": "Received", "mail": {"messageId": "o3vr"},
           "receipt": {"action": {"type": "SNS", "encoding": "BASE64"}},
           "content": base64.b64encode(mail.encode()).decode()}
    return json.dumps({"Type": "Notification", "MessageId": "1", "TopicArn": "arn:aws:sns:us-east-1:1:t",
                       "Message": json.dumps(ses)})


def mandrill_events():
    """The JSON of a Mandrill inbound webhook's mandrill_events field."""
    mail = "From: a@example.cn\r\nMessage-ID: <md@x>\r\nSubject: x\r\n\r\n噪音扰民\r\n"
    return json.dumps([{"event": "inbound", "ts": 1, "msg": {"raw_msg": mail, "email": "c@x"}},
                       {"event": "whitelist"}], ensure_ascii=False)


if __name__ == "__main__":
    clear_seeds()
    mime()
    tnef()
    rtf()
    csv()
    xlsx()
    sms()
    config()
    rules()
    json_intake()
    for folder in sorted(os.listdir(CORPUS)):
        files = os.listdir(os.path.join(CORPUS, folder))
        print("%-20s %3d files" % (folder, len(files)))
