import Foundation
import HotlineCSVAdapter

/// The upload page hotline staff use at `GET /`: plain HTML, CSS and JavaScript, no build step.
///
/// The token is asked once per tab and kept in `sessionStorage` (gone when the tab closes). The file is
/// sent as the raw request body with `XMLHttpRequest`, for upload progress; the report comes back
/// as JSON; the rejected rows download through an authorised fetch, in the uploaded file's encoding.
/// Under the form, the recent uploads (``UploadHistory``), each with its rejected rows to download.
/// The HTML holds no script or style of its own (they are `/upload.js` and `/upload.css`), so the
/// page's Content-Security-Policy can forbid inline code outright.
enum UploadPage {
    /// The page with one option per profile (sorted by name), each labelled with its description
    /// when it has one: staff pick by what the export is, not by a file name.
    static func html(profiles: [HotlineProfile]) -> String {
        let options = profiles.sorted { $0.name < $1.name }.map { profile in
            let label = profile.description.map { "\(profile.name) · \($0)" } ?? profile.name
            return "<option value=\"\(escape(profile.name))\">\(escape(label))</option>"
        }.joined()
        return template.replacingOccurrences(of: "{{PROFILE_OPTIONS}}", with: options)
    }

    private static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    private static let template = #"""
        <!doctype html>
        <html lang="zh-CN">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>热线来电记录上传 · Hotline call-log upload</title>
        <link rel="stylesheet" href="/upload.css">
        </head>
        <body>
        <h1>热线来电记录上传 · Hotline call-log upload</h1>
        <fieldset id="auth">
          <legend>令牌 · Token</legend>
          <input id="token" type="password" size="40" autocomplete="off" placeholder="Bearer token" aria-label="令牌 Token">
          <button id="save-token" type="button">保存 · Save</button>
          <span id="token-state"></span>
        </fieldset>
        <fieldset>
          <legend>文件 · File</legend>
          <label>模板 · Profile <select id="profile">{{PROFILE_OPTIONS}}</select></label>
          <label>工作表 · Worksheets <input id="sheets" type="text" size="24" autocomplete="off" placeholder="留空：自动选择 · blank: the gateway picks" title="要导入的工作表名称或序号（从 1 开始），多个用逗号分隔 · the worksheets to read, by name or tab position from 1, separated by commas"></label>
          <div id="drop" tabindex="0" role="button" aria-controls="file">把 CSV、Excel (.xlsx、.xls、XML 表格) 或 .ods 文件拖到这里，或点击选择 · Drop a CSV, Excel (.xlsx, .xls, XML spreadsheet) or .ods file here or click to choose
            <input id="file" type="file" accept=".csv,.txt,.tsv,.xlsx,.xls,.ods,.xml,text/csv,text/plain,text/tab-separated-values,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,application/vnd.ms-excel,application/vnd.oasis.opendocument.spreadsheet" class="picker" tabindex="-1" aria-label="CSV、Excel 或 .ods 文件 file"></div>
          <div id="chosen"></div>
          <button id="upload" type="button" disabled>上传 · Upload</button>
          <button id="cancel" type="button" class="hidden">取消 · Cancel</button>
          <progress id="progress" max="100" value="0" class="hidden"></progress>
          <div id="status" role="status" aria-live="polite"></div>
        </fieldset>
        <section id="report" class="hidden">
          <h2>导入结果 · Import report</h2>
          <div class="counts">
            <span>行数 rows: <b id="rows"></b></span>
            <span>已接收 accepted: <b id="accepted"></b></span>
            <span>重复 duplicates: <b id="duplicates"></b></span>
            <span>拒收 rejected: <b id="rejected-count"></b></span>
            <span>警告 warnings: <b id="warnings-count"></b></span>
          </div>
          <p><a id="download" class="hidden" href="#">下载被拒收的行 · Download rejected rows (CSV)</a></p>
          <h3>拒收 · Rejected</h3>
          <table id="rejected"><thead><tr><th>行 line</th><th>工单 ticket</th><th>原因 reason</th></tr></thead><tbody></tbody></table>
          <h3>警告 · Warnings</h3>
          <table id="warnings"><thead><tr><th>行 line</th><th>工单 ticket</th><th>原因 reason</th></tr></thead><tbody></tbody></table>
        </section>
        <section id="history" class="hidden">
          <h2>最近上传 · Recent uploads <button id="refresh-history" type="button">刷新 · Refresh</button></h2>
          <table id="uploads"><thead><tr><th>时间 time</th><th>文件 file</th><th>模板 profile</th><th>结果 result</th><th>行数 rows</th><th>已接收 accepted</th><th>重复 duplicates</th><th>拒收 rejected</th><th>警告 warnings</th><th>上传者 by</th></tr></thead><tbody></tbody></table>
        </section>
        <script src="/upload.js" defer></script>
        </body>
        </html>
        """#
}
