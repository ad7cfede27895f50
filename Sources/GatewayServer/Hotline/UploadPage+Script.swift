extension UploadPage {
    /// `GET /upload.js`: the page's behaviour, served as a file so the Content-Security-Policy allows
    /// scripts from this origin only ('self', no 'unsafe-inline'). Server-supplied text (report rows,
    /// error messages, file names) only ever goes in through `textContent`, never as markup.
    static let script = #"""
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
        """#
}
