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
          function token() { return sessionStorage.getItem("cg-token") || ""; }
          function showToken() { $("token-state").textContent = token() ? "✓ 已保存 saved for this session" : ""; }
          $("save-token").onclick = function () { sessionStorage.setItem("cg-token", $("token").value.trim()); $("token").value = ""; showToken(); ready(); };
          function ready() { $("upload").disabled = busy || !(chosen && token()); }
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
              .then(function (r) { if (!r.ok) { throw new Error("HTTP " + r.status); } return r.blob(); })
              .then(function (blob) {
                var a = document.createElement("a");
                a.href = URL.createObjectURL(blob);
                // Named after the file this report is for, not the one chosen since.
                a.download = "rejected-" + (fileName ? fileName.replace(/\.csv$/i, "") : "rows") + ".csv";
                document.body.appendChild(a);
                a.click();
                a.remove();
              })
              .catch(function (err) { $("status").textContent = "下载失败 download failed: " + err.message; });
          }
          function done() {
            busy = false;
            if (ticking) { clearInterval(ticking); ticking = null; }
            ready();
          }
          function fail(text) { $("status").className = "error"; $("status").textContent = text; }
          $("upload").onclick = function () {
            if (busy || !chosen) { return; }
            var sent = chosen;
            var xhr = new XMLHttpRequest();
            xhr.open("POST", "/v1/hotline/calls?profile=" + encodeURIComponent($("profile").value));
            xhr.setRequestHeader("Authorization", "Bearer " + token());
            xhr.setRequestHeader("Content-Type", "text/csv");
            $("progress").classList.remove("hidden");
            $("progress").value = 0;
            $("status").className = "";
            $("status").textContent = "上传中 uploading…";
            busy = true;
            ready();
            hideReport();
            xhr.upload.onprogress = function (e) { if (e.lengthComputable) { $("progress").value = Math.round(100 * e.loaded / e.total); } };
            xhr.upload.onload = function () {
              var started = Date.now();
              $("status").textContent = "导入中 importing…";
              ticking = setInterval(function () {
                $("status").textContent = "导入中 importing… " + Math.round((Date.now() - started) / 1000) + " s";
              }, 1000);
            };
            xhr.onload = function () {
              done();
              var body = null;
              try { body = JSON.parse(xhr.responseText); } catch (e) { body = null; }
              if (xhr.status === 200 && body) {
                $("progress").value = 100;
                $("status").textContent = "完成 done: " + sent.name;
                show(body, sent.name);
              } else if (xhr.status === 401) {
                sessionStorage.removeItem("cg-token");
                showToken();
                ready();
                fail("令牌无效，请重新输入 the token was refused: enter it again");
              } else {
                var text = sent.name + ": " + ((body && body.error) ? body.error.code + ": " + body.error.message : "HTTP " + xhr.status);
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
              fail("网络错误，导入可能未完成；再次上传同一文件是安全的，只会补上缺少的行 "
                + "network error: the import may be incomplete; uploading the same file again is safe, it adds only what is missing");
            };
            xhr.send(sent);
          };
          showToken();
          ready();
        })();
        """#
}
