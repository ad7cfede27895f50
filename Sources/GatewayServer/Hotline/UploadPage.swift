import Foundation

/// The upload page hotline staff use at `GET /`: plain HTML, CSS and JavaScript, no build step.
///
/// The token is asked once and kept in `sessionStorage` (gone when the tab closes). The file is
/// sent as the raw request body with `XMLHttpRequest`, for upload progress; the report comes back
/// as JSON; the rejected rows download through an authorised fetch, in the uploaded file's encoding.
enum UploadPage {
    static func html(profiles: [String]) -> String {
        let options = profiles.map { "<option value=\"\(escape($0))\">\(escape($0))</option>" }.joined()
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
        <style>
          body { font-family: system-ui, "Noto Sans CJK SC", sans-serif; margin: 2rem auto; max-width: 60rem; padding: 0 1rem; color: #222; }
          h1 { font-size: 1.4rem; }
          fieldset { border: 1px solid #ccc; border-radius: 6px; margin-bottom: 1rem; }
          label { margin-right: 1rem; }
          #drop { border: 2px dashed #888; border-radius: 8px; padding: 2rem; text-align: center; margin: 1rem 0; cursor: pointer; }
          #drop.over { background: #eef6ff; border-color: #2a6ebb; }
          progress { width: 100%; height: 1.2rem; }
          table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; font-size: .9rem; }
          th, td { border: 1px solid #ddd; padding: .25rem .5rem; text-align: left; vertical-align: top; }
          .counts span { display: inline-block; margin-right: 1.5rem; font-size: 1.1rem; }
          .error { color: #b00020; }
          .hidden { display: none; }
          .picker { position: absolute; width: 1px; height: 1px; opacity: 0; }
          button { padding: .4rem 1rem; }
        </style>
        </head>
        <body>
        <h1>热线来电记录上传 · Hotline call-log upload</h1>
        <fieldset id="auth">
          <legend>令牌 · Token</legend>
          <input id="token" type="password" size="40" autocomplete="off" placeholder="Bearer token">
          <button id="save-token" type="button">保存 · Save</button>
          <span id="token-state"></span>
        </fieldset>
        <fieldset>
          <legend>文件 · File</legend>
          <label>模板 · Profile <select id="profile">{{PROFILE_OPTIONS}}</select></label>
          <div id="drop">把 CSV 文件拖到这里，或点击选择 · Drop a CSV file here or click to choose
            <input id="file" type="file" accept=".csv,text/csv" class="picker"></div>
          <div id="chosen"></div>
          <button id="upload" type="button" disabled>上传 · Upload</button>
          <progress id="progress" max="100" value="0" class="hidden"></progress>
          <div id="status"></div>
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
        <script>
        (function () {
          "use strict";
          var $ = function (id) { return document.getElementById(id); };
          var chosen = null;
          function token() { return sessionStorage.getItem("cg-token") || ""; }
          function showToken() { $("token-state").textContent = token() ? "✓ 已保存 saved for this session" : ""; }
          $("save-token").onclick = function () { sessionStorage.setItem("cg-token", $("token").value.trim()); $("token").value = ""; showToken(); ready(); };
          function ready() { $("upload").disabled = !(chosen && token()); }
          function choose(file) { chosen = file; $("chosen").textContent = file ? file.name + " (" + file.size + " bytes)" : ""; ready(); }
          $("drop").onclick = function () { $("file").click(); };
          $("file").onchange = function () { choose($("file").files[0] || null); };
          $("drop").ondragover = function (e) { e.preventDefault(); $("drop").classList.add("over"); };
          $("drop").ondragleave = function () { $("drop").classList.remove("over"); };
          $("drop").ondrop = function (e) { e.preventDefault(); $("drop").classList.remove("over"); choose(e.dataTransfer.files[0] || null); };
          function fill(table, rows) {
            var body = $(table).querySelector("tbody");
            body.textContent = "";
            rows.forEach(function (r) {
              var tr = document.createElement("tr");
              [r.line, r.ticket || "", r.reason].forEach(function (v) { var td = document.createElement("td"); td.textContent = v; tr.appendChild(td); });
              body.appendChild(tr);
            });
          }
          function show(report) {
            $("report").classList.remove("hidden");
            $("rows").textContent = report.rows;
            $("accepted").textContent = report.accepted;
            $("duplicates").textContent = report.duplicates;
            $("rejected-count").textContent = report.rejected.length;
            $("warnings-count").textContent = report.warnings.length;
            fill("rejected", report.rejected);
            fill("warnings", report.warnings);
            var link = $("download");
            if (report.rejected_csv) {
              link.classList.remove("hidden");
              link.onclick = function (e) { e.preventDefault(); download(report.rejected_csv); };
            } else {
              link.classList.add("hidden");
            }
          }
          function download(path) {
            fetch(path, { headers: { "Authorization": "Bearer " + token() } })
              .then(function (r) { if (!r.ok) { throw new Error("HTTP " + r.status); } return r.blob(); })
              .then(function (blob) {
                var a = document.createElement("a");
                a.href = URL.createObjectURL(blob);
                a.download = "rejected-" + (chosen ? chosen.name.replace(/\.csv$/i, "") : "rows") + ".csv";
                document.body.appendChild(a);
                a.click();
                a.remove();
              })
              .catch(function (err) { $("status").textContent = "下载失败 download failed: " + err.message; });
          }
          $("upload").onclick = function () {
            var xhr = new XMLHttpRequest();
            xhr.open("POST", "/v1/hotline/calls?profile=" + encodeURIComponent($("profile").value));
            xhr.setRequestHeader("Authorization", "Bearer " + token());
            xhr.setRequestHeader("Content-Type", "text/csv");
            $("progress").classList.remove("hidden");
            $("progress").value = 0;
            $("status").className = "";
            $("status").textContent = "上传中 uploading…";
            $("upload").disabled = true;
            xhr.upload.onprogress = function (e) { if (e.lengthComputable) { $("progress").value = Math.round(100 * e.loaded / e.total); } };
            xhr.upload.onload = function () { $("status").textContent = "导入中 importing…"; };
            xhr.onload = function () {
              $("upload").disabled = false;
              var body = null;
              try { body = JSON.parse(xhr.responseText); } catch (e) { body = null; }
              if (xhr.status === 200 && body) {
                $("progress").value = 100;
                $("status").textContent = "完成 done";
                show(body);
              } else {
                if (xhr.status === 401) { sessionStorage.removeItem("cg-token"); showToken(); }
                $("status").className = "error";
                $("status").textContent = (body && body.error) ? body.error.code + ": " + body.error.message : "HTTP " + xhr.status;
              }
            };
            xhr.onerror = function () { $("upload").disabled = false; $("status").className = "error"; $("status").textContent = "网络错误 network error"; };
            xhr.send(chosen);
          };
          showToken();
          ready();
        })();
        </script>
        </body>
        </html>
        """#
}
