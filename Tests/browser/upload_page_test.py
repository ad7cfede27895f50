#!/usr/bin/env python3
"""Browser test of the hotline upload page (GET /) in headless Chromium, driven by selenium.

Starts the gateway on a free loopback port with the sample config and a fresh data directory,
uploads a GBK call log built byte by byte through the page (token entered once, profile chosen,
file picked), reads the report the page shows, downloads the rejected rows and checks they come
back in GBK with the line and reason columns, formula-safe. Prints "1 passed, 0 failed".

  python3 Tests/browser/upload_page_test.py [path/to/complaint-gateway]
"""
import io
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import zipfile
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TOKEN = "browser-test-token"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def gbk_call_log():
    """Header and three rows in GBK: a good one, a bad call time, an Excel-mangled phone."""
    rows = [
        "工单编号,来电时间,来电号码,姓名,诉求类型,诉求内容,事发地址,坐席工号,通话时长",
        "GD001,2026/11/3 8:15,13812345678,王先生,投诉,\"晚上施工,噪音很大\",西湖区文三路1号,ZX1001,125",
        "GD002,2026-13-40 08:00,13812345678,李女士,投诉,=1+2路灯不亮,滨江区江南大道2号,ZX1002,60",
        "GD003,2026年11月3日 9时05分,1.38123E+10,,咨询,路灯坏了,上城区解放路3号,ZX1003,30",
    ]
    return ("\r\n".join(rows) + "\r\n").encode("gbk")


def downloaded(path):
    """The bytes of a file the browser downloads, once it is there (10 s at most)."""
    for _ in range(100):
        if os.path.exists(path):
            break
        time.sleep(0.1)
    return open(path, "rb").read()


def workbook_call_log():
    """A 12345-profile call log as an .xlsx workbook: shared strings, a date-time cell, a
    phone number stored as a number, row 3 left empty."""
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    strings = ["工单编号", "来电时间", "来电号码", "诉求内容", "XL1", "路灯不亮", "XL2", "2026-13-40 08:00", "噪音"]
    sst = "".join("<si><t>%s</t></si>" % text for text in strings)

    def cell(ref, index):
        return '<c r="%s" t="s"><v>%d</v></c>' % (ref, index)

    rows = ('<row r="1">' + "".join(cell("ABCD"[i] + "1", i) for i in range(4)) + "</row>"
            + '<row r="2">' + cell("A2", 4) + '<c r="B2" s="1"><v>46329.34375</v></c>'
            + '<c r="C2"><v>13812345678</v></c>' + cell("D2", 5) + "</row>"
            + '<row r="4">' + cell("A4", 6) + cell("B4", 7) + cell("D4", 8) + "</row>")
    parts = {
        "[Content_Types].xml": '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
        "xl/workbook.xml": '<workbook xmlns="%s" xmlns:r="%s"><sheets><sheet name="工单" sheetId="1" r:id="rId1"/>'
        "</sheets></workbook>" % (main, rel),
        "xl/_rels/workbook.xml.rels": '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="%s/worksheet" Target="worksheets/sheet1.xml"/></Relationships>' % rel,
        "xl/styles.xml": '<styleSheet xmlns="%s"><cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="22"/></cellXfs>'
        "</styleSheet>" % main,
        "xl/sharedStrings.xml": '<sst xmlns="%s">%s</sst>' % (main, sst),
        "xl/worksheets/sheet1.xml": '<worksheet xmlns="%s"><sheetData>%s</sheetData></worksheet>' % (main, rows),
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text.encode("utf-8"))
    return out.getvalue()


def open_document_call_log():
    """The same kind of call log as a LibreOffice Calc .ods: typed cells, an empty row stored as a
    repeated run (row 2), a two-paragraph text cell."""
    def text(value):
        return '<table:table-cell office:value-type="string"><text:p>%s</text:p></table:table-cell>' % value

    header = "".join(text(name) for name in ["工单编号", "来电时间", "来电号码", "诉求内容"])
    rows = ("<table:table-row>%s</table:table-row>" % header
            + '<table:table-row table:number-rows-repeated="1"><table:table-cell table:number-columns-repeated="4"/>'
            "</table:table-row><table:table-row>" + text("OD1")
            + '<table:table-cell office:value-type="date" office:date-value="2026-11-03T08:15:00"/>'
            '<table:table-cell office:value-type="float" office:value="13812345678"/>'
            '<table:table-cell office:value-type="string"><text:p>路灯不亮</text:p><text:p>已经三天</text:p>'
            "</table:table-cell></table:table-row><table:table-row>" + text("OD2") + text("2026-13-40 08:00")
            + "<table:table-cell/>" + text("噪音") + "</table:table-row>")
    content = ('<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
               'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet>'
               '<table:table table:name="工单">%s</table:table></office:spreadsheet></office:body>'
               "</office:document-content>" % rows)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), b"application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", content.encode("utf-8"))
    return out.getvalue()


def upload_spreadsheet(driver, wait, downloads, path, accepted, rejected, first_rejected, in_download):
    """Uploads the spreadsheet at `path` with the profile selected, waits for its report (the
    counts, the first rejected row's line and ticket), downloads the rejected rows as CSV and
    checks they hold `in_download`; returns the downloaded bytes."""
    driver.find_element(By.ID, "file").send_keys(path)
    wait.until(EC.element_to_be_clickable((By.ID, "upload"))).click()
    wait.until(lambda d: d.find_element(By.ID, "rejected-count").text == rejected
               and d.find_element(By.ID, "accepted").text == accepted
               and [td.text for td in d.find_elements(By.CSS_SELECTOR, "#rejected tbody td")][:2] == first_rejected)
    driver.find_element(By.ID, "download").click()
    data = downloaded(os.path.join(downloads, "rejected-" + os.path.splitext(os.path.basename(path))[0] + ".csv"))
    assert in_download in data.decode("utf-8-sig"), data
    return data


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, ".build/debug/complaint-gateway")
    work = tempfile.mkdtemp(prefix="cg-browser.")
    downloads = os.path.join(work, "downloads")
    os.makedirs(downloads)
    shutil.copytree(os.path.join(ROOT, "config"), os.path.join(work, "config"))
    csv_path = os.path.join(work, "calls-gbk.csv")
    with open(csv_path, "wb") as f:
        f.write(gbk_call_log())
    port = free_port()
    env = dict(os.environ, GATEWAY_TOKEN=TOKEN, DOWNSTREAM_URL="http://127.0.0.1:9")
    log = open(os.path.join(work, "gateway.log"), "wb")
    server = subprocess.Popen(
        [binary, "serve", "--config", os.path.join(work, "config"), "--data-dir", os.path.join(work, "data"),
         "--listen", "127.0.0.1:%d" % port], env=env, stdout=log, stderr=subprocess.STDOUT)
    driver = None
    try:
        base = "http://127.0.0.1:%d" % port
        for _ in range(300):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=1)
                break
            except OSError:
                if server.poll() is not None:
                    raise SystemExit("gateway exited: see " + log.name)
                time.sleep(0.1)
        options = webdriver.ChromeOptions()
        options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
        for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"):
            options.add_argument(arg)
        # The browser's console, to see Content-Security-Policy violations (the page must cause none).
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        options.add_experimental_option("prefs", {
            "download.default_directory": downloads, "download.prompt_for_download": False})
        driver = webdriver.Chrome(
            service=Service(shutil.which("chromedriver") or "/usr/bin/chromedriver"), options=options)
        wait = WebDriverWait(driver, 30)
        driver.get(base + "/")
        assert "Hotline call-log upload" in driver.title, driver.title

        # A wrong token is forgotten with the gateway's reason.
        driver.find_element(By.ID, "token").send_keys("not-the-token" + Keys.ENTER)
        driver.find_element(By.ID, "file").send_keys(csv_path)
        wait.until(EC.element_to_be_clickable((By.ID, "upload"))).click()
        wait.until(lambda d: "error" in d.find_element(By.ID, "status").get_attribute("class"))
        assert "token was refused" in driver.find_element(By.ID, "status").text
        assert driver.find_element(By.ID, "token-state").text == ""

        # The token is entered once and kept for the tab (a reload does not ask again); pasted as
        # the header value IT hands out, "Bearer …", and saved with Enter.
        driver.find_element(By.ID, "token").send_keys("Bearer " + TOKEN + Keys.ENTER)
        driver.refresh()
        assert "saved" in driver.find_element(By.ID, "token-state").text

        Select(driver.find_element(By.ID, "profile")).select_by_value("12345")
        driver.find_element(By.ID, "file").send_keys(csv_path)
        wait.until(EC.element_to_be_clickable((By.ID, "upload"))).click()
        wait.until(EC.visibility_of_element_located((By.ID, "report")))
        counts = {k: driver.find_element(By.ID, k).text
                  for k in ("rows", "accepted", "duplicates", "rejected-count", "warnings-count")}
        assert counts == {"rows": "3", "accepted": "2", "duplicates": "0", "rejected-count": "1",
                          "warnings-count": "1"}, counts
        rejected = [td.text for td in driver.find_elements(By.CSS_SELECTOR, "#rejected tbody td")]
        # The reason in Chinese first, then the gateway's own words.
        assert rejected[:2] == ["3", "GD002"] and rejected[2].startswith("来电时间无法识别 · unparseable call time"), rejected
        warning = [td.text for td in driver.find_elements(By.CSS_SELECTOR, "#warnings tbody td")]
        assert warning[:2] == ["4", "GD003"] and warning[2].startswith("数字被表格软件改写") \
            and "mangled by Excel" in warning[2], warning

        driver.find_element(By.ID, "download").click()
        path = os.path.join(downloads, "rejected-calls-gbk.csv")
        data = downloaded(path)
        text = data.decode("gbk")  # the uploaded file's encoding
        lines = text.split("\r\n")
        assert lines[0] == "工单编号,来电时间,来电号码,姓名,诉求类型,诉求内容,事发地址,坐席工号,通话时长,line,reason", lines[0]
        # Formula-like text is neutralised with a leading ' (the importer drops it again); the
        # phone is Excel's text formula, so a spreadsheet keeps its digits.
        assert lines[1].startswith('GD002,2026-13-40 08:00,"=""13812345678""",李女士,投诉,\'=1+2路灯不亮,'), lines[1]
        assert ',3,"unparseable call time ""2026-13-40 08:00"": no pattern' in lines[1], lines[1]

        # Uploading the same file again creates nothing: every taken row is a duplicate.
        driver.find_element(By.ID, "file").send_keys(csv_path)
        wait.until(EC.element_to_be_clickable((By.ID, "upload"))).click()
        wait.until(lambda d: d.find_element(By.ID, "duplicates").text == "2")
        assert driver.find_element(By.ID, "accepted").text == "0"
        # A refused file: the previous report (and its download) is gone, the error names the file.
        png_path = os.path.join(work, "photo.png")
        with open(png_path, "wb") as f:
            f.write(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
        driver.find_element(By.ID, "file").send_keys(png_path)
        wait.until(EC.element_to_be_clickable((By.ID, "upload"))).click()
        wait.until(lambda d: "error" in d.find_element(By.ID, "status").get_attribute("class"))
        assert not driver.find_element(By.ID, "report").is_displayed()
        assert not driver.find_element(By.ID, "download").is_displayed()
        assert driver.find_element(By.ID, "status").text.startswith("不是 CSV 或表格文件 · photo.png: not_csv: "), \
            driver.find_element(By.ID, "status").text
        # A file sent with the wrong profile: the page selects the one its header fits, and
        # pressing Upload again imports it.
        us_path = os.path.join(work, "calls-311.csv")
        with open(us_path, "wb") as f:
            f.write(b"ticket_id,call_time,caller,name,type,content,address,agent,duration_s\r\n"
                    b"SR-9,2026-11-03 08:15,(212) 555-0142,Ann,Noise,Loud music,1 Main St,A7,60\r\n")
        Select(driver.find_element(By.ID, "profile")).select_by_value("12345")
        driver.find_element(By.ID, "file").send_keys(us_path)
        wait.until(EC.element_to_be_clickable((By.ID, "upload"))).click()
        wait.until(lambda d: "press Upload again" in d.find_element(By.ID, "status").text)
        status = driver.find_element(By.ID, "status").text
        assert status.startswith("缺少必需的列（或选错了模板） · calls-311.csv: missing_columns: ") \
            and "fits profile \"311\"" in status, status
        assert Select(driver.find_element(By.ID, "profile")).first_selected_option.get_attribute("value") == "311"
        wait.until(EC.element_to_be_clickable((By.ID, "upload"))).click()
        wait.until(EC.visibility_of_element_located((By.ID, "report")))
        assert driver.find_element(By.ID, "accepted").text == "1", driver.find_element(By.ID, "accepted").text
        # The Excel workbook itself: imported by its rows, the rejected rows downloaded as CSV.
        xlsx_path = os.path.join(work, "calls.xlsx")
        with open(xlsx_path, "wb") as f:
            f.write(workbook_call_log())
        Select(driver.find_element(By.ID, "profile")).select_by_value("12345")
        data = upload_spreadsheet(driver, wait, downloads, xlsx_path, "1", "1", ["4", "XL2"], "XL2,2026-13-40")
        assert data.startswith(b"\xef\xbb\xbf"), data[:8]  # UTF-8 with the mark Excel needs
        # The same from LibreOffice Calc (.ods): Calc's row numbers, the rejected rows as CSV.
        ods_path = os.path.join(work, "calls-calc.ods")
        with open(ods_path, "wb") as f:
            f.write(open_document_call_log())
        upload_spreadsheet(driver, wait, downloads, ods_path, "1", "1", ["4", "OD2"], "OD2,2026-13-40")
        # An Excel 97–2003 workbook (.xls), as LibreOffice saves one: its rows, its row numbers.
        xls_path = os.path.join(work, "calls-97.xls")
        shutil.copy(os.path.join(ROOT, "Tests/HotlineCSVTests/Workbooks/libreoffice.xls"), xls_path)
        upload_spreadsheet(driver, wait, downloads, xls_path, "1", "2", ["3", "T-0002"], "T-0002,2026-11-04")
        # A workbook kept by month, one sheet named: that sheet's rows alone.
        monthly_path = os.path.join(work, "monthly.xlsx")
        shutil.copy(os.path.join(ROOT, "Tests/HotlineCSVTests/Workbooks/monthly.xlsx"), monthly_path)
        driver.find_element(By.ID, "sheets").send_keys(" 2月 ")
        driver.find_element(By.ID, "file").send_keys(monthly_path)
        wait.until(EC.element_to_be_clickable((By.ID, "upload"))).click()
        wait.until(lambda d: d.find_element(By.ID, "rows").text == "2"
                   and d.find_element(By.ID, "accepted").text == "2"
                   and d.find_element(By.ID, "rejected-count").text == "0")
        said = [td.text for td in driver.find_elements(By.CSS_SELECTOR, "#warnings tbody td")]
        assert any(text.startswith("只读取了“工作表”一栏中填写的工作表") and '"2月", named to be read' in text
                   for text in said), said
        # Two named, the second one the workbook lacks: refused, the sheet said.
        driver.find_element(By.ID, "sheets").send_keys("，4月")
        driver.find_element(By.ID, "file").send_keys(monthly_path)
        wait.until(EC.element_to_be_clickable((By.ID, "upload"))).click()
        wait.until(lambda d: "没有这个工作表" in d.find_element(By.ID, "status").text
                   and 'no worksheet "4月"' in d.find_element(By.ID, "status").text)
        driver.find_element(By.ID, "sheets").clear()
        # The profile last chosen is chosen again when the page is opened anew; the sheets are not kept.
        Select(driver.find_element(By.ID, "profile")).select_by_value("311")
        driver.refresh()
        wait.until(EC.presence_of_element_located((By.ID, "profile")))
        assert Select(driver.find_element(By.ID, "profile")).first_selected_option.get_attribute("value") == "311"
        assert driver.find_element(By.ID, "sheets").get_attribute("value") == ""
        # The recent uploads, newest first, under the form: the refused one says why; the GBK
        # file's rejected rows download from its row, long after its report was replaced.
        wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#uploads tbody tr")) >= 8)
        rows = [[td.text for td in tr.find_elements(By.TAG_NAME, "td")]
                for tr in driver.find_elements(By.CSS_SELECTOR, "#uploads tbody tr")]
        assert rows[0][1] == "monthly.xlsx" and rows[0][3].startswith("被拒收 · refused") \
            and 'no worksheet "4月"' in rows[0][3], rows[0]
        gbk_rows = [r for r in rows if r[1] == "calls-gbk.csv"]
        assert len(gbk_rows) == 2 and gbk_rows[-1][3] == "已导入 · imported" and gbk_rows[-1][4:6] == ["3", "2"], gbk_rows
        assert gbk_rows[0][6] == "2", gbk_rows[0]  # the upload again: both taken rows duplicates
        assert gbk_rows[0][9] == "operator", gbk_rows[0]  # the sample config's token name
        os.remove(path)
        history_links = driver.find_elements(By.CSS_SELECTOR, "#uploads tbody tr a.history-download")
        first_gbk = [tr for tr in driver.find_elements(By.CSS_SELECTOR, "#uploads tbody tr")
                     if tr.find_elements(By.TAG_NAME, "td")[1].text == "calls-gbk.csv"][-1]
        assert history_links, rows
        first_gbk.find_element(By.CSS_SELECTOR, "a.history-download").click()
        assert downloaded(path).decode("gbk").split("\r\n")[1].startswith("GD002,"), path
        # A citizen-facing web form's way to send a complaint with a photo: the browser's own
        # FormData, a File with a Chinese name, posted by fetch. The photo comes back byte for byte.
        sent = driver.execute_async_script("""
            const done = arguments[arguments.length - 1];
            const photo = new Uint8Array(70000).map((_, i) => (i * 31 + 7) & 255);
            const form = new FormData();
            form.append("complaint", new Blob([JSON.stringify({text: "路灯不亮，照片见附件"})],
                                              {type: "application/json"}));
            form.append("photos", new File([photo], "路灯 照片.jpg", {type: "image/jpeg"}));
            form.append("photos", new File([], ""));
            const auth = {Authorization: "Bearer " + arguments[0]};
            fetch("/v1/complaints", {method: "POST", headers: auth, body: form})
              .then(r => r.json().then(j => [r.status, j]))
              .then(([status, j]) => fetch("/v1/complaints/" + j.id, {headers: auth}).then(r => r.json())
                .then(detail => fetch("/v1/complaints/" + j.id + "/attachments/0", {headers: auth})
                  .then(r => r.arrayBuffer())
                  .then(b => done({status, attachments: detail.record.attachments,
                                   same: new Uint8Array(b).every((v, i) => v === photo[i]) && b.byteLength === photo.length}))))
              .catch(e => done({error: String(e)}));
        """, TOKEN)
        assert sent.get("status") == 201, sent
        assert [(a["filename"], a["content_type"], a["size"]) for a in sent["attachments"]] \
            == [("路灯 照片.jpg", "image/jpeg", 70000)], sent
        assert sent["same"], sent
        violations = [entry["message"] for entry in driver.get_log("browser")
                      if "Content Security Policy" in entry["message"] or "Refused to" in entry["message"]]
        assert not violations, violations
        print("browser: upload page (token, profile, GBK upload, report, rejected rows download, re-upload, "
              "refused file clears the report, wrong profile switched, .xlsx workbook, .ods spreadsheet, .xls workbook, "
              "worksheets named, profile remembered, recent uploads with their rejected rows, a complaint with a photo "
              "by FormData, no CSP violation) ok")
        print("1 passed, 0 failed")
    finally:
        if driver is not None:
            driver.quit()
        server.terminate()
        server.wait(timeout=30)
        log.close()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
