extension UploadPage {
    /// `GET /upload.js`: the page's behaviour, served as a file so the Content-Security-Policy allows
    /// scripts from this origin only ('self', no 'unsafe-inline'). Server-supplied text (report rows,
    /// error messages, file names) only ever goes in through `textContent`, never as markup.
    static let script = #"""
        (function () {
          "use strict";
          var $ = function (id) { return document.getElementById(id); };
          var chosen = null;
          // An upload in flight: the button stays off until it answers (a second file chosen
          // meanwhile waits), so two answers never race for the one report.
          var busy = false;
          var ticking = null;
          var sending = null;
          function token() { return sessionStorage.getItem("cg-token") || ""; }
          function showToken() { $("token-state").textContent = token() ? "✓ 已保存 saved for this tab" : ""; }
          function forgetToken() { sessionStorage.removeItem("cg-token"); showToken(); ready(); loadHistory(); }
          function saveToken() {
            // IT often hands a token out as the header value, "Bearer …": the token is what follows.
            var value = $("token").value.trim().replace(/^bearer\s+/i, "");
            if (!value) { return; }
            sessionStorage.setItem("cg-token", value); $("token").value = ""; showToken(); ready(); loadHistory();
          }
          // The profile last used comes back chosen: a call centre uploads the same export day
          // after day. (The worksheets are not kept: a name left over would read one sheet alone.)
          function rememberProfile() { try { localStorage.setItem("cg-profile", $("profile").value); } catch (e) { /* private mode */ } }
          (function () {
            var last = null;
            try { last = localStorage.getItem("cg-profile"); } catch (e) { last = null; }
            if (last && Array.prototype.some.call($("profile").options, function (o) { return o.value === last; })) { $("profile").value = last; }
          })();
          $("profile").onchange = rememberProfile;
          $("save-token").onclick = saveToken;
          $("token").onkeydown = function (e) { if (e.key === "Enter") { e.preventDefault(); saveToken(); } };
          function ready() { $("upload").disabled = busy || !(chosen && token()); }
          function size(bytes) {
            if (bytes < 1024) { return bytes + " B"; }
            if (bytes < 1048576) { return (bytes / 1024).toFixed(1) + " KB"; }
            return (bytes / 1048576).toFixed(1) + " MB";
          }
          function choose(file) { chosen = file; $("chosen").textContent = file ? file.name + " (" + size(file.size) + ")" : ""; ready(); }
          $("drop").onclick = function () { $("file").click(); };
          $("drop").onkeydown = function (e) { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); $("file").click(); } };
          $("file").onchange = function () { choose($("file").files[0] || null); };
          // A file dropped anywhere on the page is taken, never opened by the browser in its place;
          // a drop that carries no file (text, a link) changes nothing.
          document.addEventListener("dragover", function (e) { e.preventDefault(); $("drop").classList.add("over"); });
          document.addEventListener("dragleave", function (e) { if (!e.relatedTarget) { $("drop").classList.remove("over"); } });
          document.addEventListener("drop", function (e) {
            e.preventDefault();
            $("drop").classList.remove("over");
            var file = e.dataTransfer && e.dataTransfer.files[0];
            if (file) { choose(file); }
          });
          window.addEventListener("beforeunload", function (e) { if (busy) { e.preventDefault(); e.returnValue = ""; } });
          // Chinese for the reasons staff meet most, before the gateway's English (which names the
          // value and the column exactly): the first pattern that matches wins.
          var reasonsZH = [
            [/^unparseable call time/, "来电时间无法识别"],
            [/^required field .* is empty/, "必填项为空"],
            [/^expected \d+ columns, found \d+/, "列数不对"],
            [/^unterminated quote/, "引号未闭合"],
            [/^duplicate ticket id/, "工单编号在本文件中重复"],
            [/again in this file, saying the same/, "同一工单在本文件中再次出现，内容相同：按重复计，只存一次"],
            [/is not a whole number/, "不是整数"],
            [/is not a length of time/, "不是时长"],
            [/Excel|scientific|rounded it to 15 digits/, "数字被表格软件改写，原数字已丢失：请把该列设为文本后重新导出"],
            [/not a valid phone number/, "电话号码无效"],
            [/was taken before/, "此工单此前已导入，本行的修改未生效"],
            [/^row is longer than/, "行过长"],
            [/error of a formula/, "单元格是公式的错误值"],
            [/^a totals row/, "合计行，已跳过"],
            [/^a note under the table/, "表格下方的备注行（制表人、导出时间等），已跳过"],
            [/^the header row again/, "重复的表头行，已跳过"],
            [/before the header row/, "表头前的行，已跳过"],
            [/^read from the workbook's worksheet "[^"]*", named to be read/, "只读取了“工作表”一栏中填写的工作表，其他工作表未读取"],
            [/^read from the workbook's \d+ worksheets named to be read/, "只读取了“工作表”一栏中填写的工作表，每行以“工作表!行号”标明位置；其他工作表未读取"],
            [/^worksheets were named to be read/, "CSV 文件没有工作表：已忽略“工作表”一栏，整个文件已读取"],
            [/^read from the workbook's worksheet/, "只读取了表头符合模板的工作表；其他工作表（表头不符、已隐藏，或名称表明是示例、模板、已删除、备份、测试）未读取"],
            [/^read from the workbook's \d+ worksheets/, "已读取表头符合模板的各个工作表（如按月分表），每行以“工作表!行号”标明位置；其他工作表（表头不符、已隐藏，或名称表明是示例、模板、已删除、备份、测试）未读取"],
            [/^worksheet .* was not read/, "该工作表未读取"],
            [/hidden in the worksheet/, "表格中隐藏（或被筛选掉）的行也已导入；不想导入的行请删除，不要隐藏"],
            [/merged down a column/, "合并单元格下方的行已按合并单元格的内容补全该列"],
            [/bytes that are not valid/, "有无法识别的字节，已替换"],
            [/call time .* (future|before)/, "来电时间不合理"]
          ];
          function inChinese(reason) {
            for (var i = 0; i < reasonsZH.length; i++) { if (reasonsZH[i][0].test(reason)) { return reasonsZH[i][1] + " · " + reason; } }
            return reason;
          }
          var codesZH = {
            not_csv: "不是 CSV 或表格文件", unreadable_workbook: "表格文件无法读取", missing_columns: "缺少必需的列（或选错了模板）", empty_file: "文件中没有内容",
            bad_header: "表头无法读取", duplicate_column: "表头中有重名的列", unknown_profile: "没有这个模板",
            unknown_sheet: "没有这个工作表（或已隐藏）", unfit_sheet: "所选工作表的表头与模板不符或为空",
            body_too_large: "文件过大", unsupported_encoding: "无法识别文件编码", spool_failed: "服务器磁盘已满，稍后再试"
          };
          function fill(table, rows) {
            var body = $(table).querySelector("tbody");
            body.textContent = "";
            rows.forEach(function (r) {
              var tr = document.createElement("tr");
              [r.sheet ? r.sheet + "!" + r.line : r.line, r.ticket || "", inChinese(r.reason)].forEach(function (v) { var td = document.createElement("td"); td.textContent = v; tr.appendChild(td); });
              body.appendChild(tr);
            });
          }
          function hideReport() {
            $("report").classList.add("hidden");
            $("download").classList.add("hidden");
            $("download").onclick = null;
            fill("rejected", []);
            fill("warnings", []);
          }
          function show(report, fileName) {
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
              link.onclick = function (e) { e.preventDefault(); download(report.rejected_csv, fileName); };
            } else {
              link.classList.add("hidden");
            }
          }
          function download(path, fileName) {
            fetch(path, { headers: { "Authorization": "Bearer " + token() } })
              .then(function (r) {
                if (r.status === 401 || r.status === 403) {
                  forgetToken();
                  throw new Error("令牌无效，请重新输入后再下载 the token was refused: enter it again, then download");
                }
                if (!r.ok) { throw new Error("HTTP " + r.status); }
                return r.blob();
              })
              .then(function (blob) {
                var a = document.createElement("a");
                a.href = URL.createObjectURL(blob);
                // Named after the file this report is for, not the one chosen since, with its
                // extension: the rows come back in its encoding and separator (a .txt from Excel's
                // "Unicode Text" is tab-separated UTF-16 again).
                var extension = (fileName && /\.(csv|txt|tsv)$/i.exec(fileName)) || [".csv"];
                a.download = "rejected-" + (fileName ? fileName.replace(/\.(csv|txt|tsv|xlsx|xls|ods)$/i, "") : "rows") + extension[0];
                document.body.appendChild(a);
                a.click();
                a.remove();
              })
              .catch(function (err) { fail("下载失败 download failed: " + err.message); });
          }
          // The recent uploads, newest first: staff who closed the report before downloading its
          // rejected rows, or who wonder whether this morning's file was sent, find them here.
          var statesZH = { imported: "已导入", refused: "被拒收", importing: "导入中", superseded: "已由后来的同一文件导入" };
          function cell(tr, text, className) {
            var td = document.createElement("td");
            td.textContent = text;
            if (className) { td.className = className; }
            tr.appendChild(td);
            return td;
          }
          function showHistory(items) {
            var body = $("uploads").querySelector("tbody");
            body.textContent = "";
            items.forEach(function (item) {
              var tr = document.createElement("tr");
              var report = item.report || {};
              cell(tr, new Date(item.received_at).toLocaleString("zh-CN", { hour12: false }));
              cell(tr, item.file_name || "—");
              cell(tr, item.profile);
              var state = cell(tr, (statesZH[item.state] || item.state) + " · " + item.state);
              if (item.error) {
                var why = document.createElement("div");
                why.className = "why";
                why.textContent = item.error;
                state.appendChild(why);
              }
              ["rows", "accepted", "duplicates"].forEach(function (k) { cell(tr, k in report ? report[k] : "", "number"); });
              var rejected = cell(tr, "rejected" in report ? report.rejected : "", "number");
              if (report.rejected_csv) {
                var a = document.createElement("a");
                a.href = "#";
                a.className = "history-download";
                a.textContent = " 下载 download";
                a.onclick = function (e) { e.preventDefault(); download(report.rejected_csv, item.file_name); };
                rejected.appendChild(a);
              }
              cell(tr, "warnings" in report ? report.warnings : "", "number");
              cell(tr, item.uploaded_by || "命令行 command line");
              body.appendChild(tr);
            });
            $("history").classList.toggle("hidden", items.length === 0);
          }
          function loadHistory() {
            if (!token()) { $("history").classList.add("hidden"); return; }
            fetch("/v1/hotline/imports?limit=20", { headers: { "Authorization": "Bearer " + token() } })
              .then(function (r) { if (!r.ok) { throw new Error("HTTP " + r.status); } return r.json(); })
              .then(function (page) { showHistory(page.items || []); })
              .catch(function () { $("history").classList.add("hidden"); });
          }
          $("refresh-history").onclick = loadHistory;
          function done() {
            busy = false;
            sending = null;
            $("cancel").classList.add("hidden");
            if (ticking) { clearInterval(ticking); ticking = null; }
            ready();
          }
          function fail(text) { $("status").className = "error"; $("status").textContent = text; }
          function warn(text) { $("status").className = "warn"; $("status").textContent = text; }
          $("cancel").onclick = function () { if (sending) { sending.abort(); } };
          $("upload").onclick = function () {
            if (busy || !chosen) { return; }
            var sent = chosen;
            var xhr = new XMLHttpRequest();
            // One sheet= for each worksheet named. Names are separated by a comma (, ， 、): a sheet
            // whose name holds one is named by its tab's position instead.
            var sheets = $("sheets").value.split(/[,，、]/).map(function (s) { return s.trim(); }).filter(function (s) { return s; });
            // The file's name goes along for the upload history (the body is the file alone).
            xhr.open("POST", "/v1/hotline/calls?profile=" + encodeURIComponent($("profile").value)
              + sheets.map(function (s) { return "&sheet=" + encodeURIComponent(s); }).join("")
              + "&filename=" + encodeURIComponent(sent.name));
            xhr.setRequestHeader("Authorization", "Bearer " + token());
            xhr.setRequestHeader("Content-Type", "text/csv");
            $("progress").classList.remove("hidden");
            $("progress").value = 0;
            $("status").className = "";
            $("status").textContent = "上传中 uploading…";
            busy = true;
            sending = xhr;
            var bytesSent = false;
            $("cancel").classList.remove("hidden");
            ready();
            hideReport();
            xhr.upload.onprogress = function (e) { if (e.lengthComputable) { $("progress").value = Math.round(100 * e.loaded / e.total); } };
            xhr.upload.onload = function () {
              // The whole file is with the gateway: the import runs to its end whatever happens here.
              bytesSent = true;
              $("cancel").classList.add("hidden");
              var started = Date.now();
              $("status").textContent = "导入中 importing…";
              ticking = setInterval(function () {
                $("status").textContent = "导入中 importing… " + Math.round((Date.now() - started) / 1000) + " s";
              }, 1000);
            };
            xhr.onload = function () {
              done();
              loadHistory();
              var body = null;
              try { body = JSON.parse(xhr.responseText); } catch (e) { body = null; }
              if (xhr.status === 200 && body) {
                rememberProfile();
                $("progress").value = 100;
                $("status").className = "";
                if (body.rows === 0) {
                  warn("文件中没有来电记录 the file holds no call rows: " + sent.name);
                } else if (body.accepted === 0 && body.duplicates === 0) {
                  warn("完成，但没有接收任何一行 done, but no row was taken: see the reasons below · " + sent.name);
                } else {
                  $("status").textContent = "完成 done: " + sent.name;
                }
                show(body, sent.name);
              } else if (xhr.status === 401) {
                forgetToken();
                var why = body && body.error ? " (" + body.error.message + ")" : "";
                fail("令牌无效或已过期，请重新输入 the token was refused" + why + ": enter it again");
              } else if (xhr.status === 403) {
                forgetToken();
                fail("此令牌没有上传权限，请输入另一个令牌 this token may not upload"
                  + (body && body.error ? " (" + body.error.message + ")" : "") + ": enter another one");
              } else {
                var code = body && body.error ? body.error.code : "";
                var text = (codesZH[code] ? codesZH[code] + " · " : "") + sent.name + ": "
                  + ((body && body.error) ? code + ": " + body.error.message : "HTTP " + xhr.status);
                // A file sent with the wrong profile: the error names the one its header fits.
                var fits = body && body.error && body.error.code === "missing_columns"
                  && /fits profile "([^"]+)"/.exec(body.error.message);
                var option = fits && Array.prototype.find.call($("profile").options, function (o) { return o.value === fits[1]; });
                if (option) {
                  $("profile").value = fits[1];
                  text += " — 已选择模板 " + fits[1] + "，请再次点击上传 profile " + fits[1] + " selected: press Upload again";
                }
                fail(text);
              }
            };
            xhr.onerror = function () {
              done();
              if (!bytesSent && $("progress").value === 0) {
                fail("无法连接网关，没有导入任何内容；请稍后再试或联系 IT "
                  + "cannot reach the gateway: nothing was imported; try again later or tell IT");
                return;
              }
              fail("网络错误，导入可能未完成；再次上传同一文件是安全的，只会补上缺少的行 "
                + "network error: the import may be incomplete; uploading the same file again is safe, it adds only what is missing");
            };
            xhr.onabort = function () {
              done();
              warn("已取消，没有导入任何内容 cancelled: nothing was imported");
            };
            xhr.send(sent);
          };
          showToken();
          ready();
          loadHistory();
        })();
        """#
}
