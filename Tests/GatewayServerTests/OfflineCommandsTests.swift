import ComplaintCore
import Foundation
import GatewayServer
import GatewayTestSupport
import Testing

/// `import`, `email import` and `dlq` are run by staff and operators, not by the service account
/// that holds the gateway's secrets: they must work with the configuration alone.
@Suite("Command-line imports and dead letters, with the real executable and none of the gateway's secrets")
struct OfflineCommandsTests {
    /// The environment of a staff member's shell: no API token, no downstream, no provider secrets.
    private static let staffEnvironment: [String: String] = {
        var environment = ProcessInfo.processInfo.environment
        let secret = { (name: String) in name.hasSuffix("_TOKEN") || name.hasSuffix("_SECRET") }
        for name in environment.keys where name == "DOWNSTREAM_URL" || secret(name) {
            environment.removeValue(forKey: name)
        }
        return environment
    }()

    private func run(_ arguments: [String], stderrToo: Bool = true) async throws -> (status: Int32, output: String) {
        let (status, output) = try await spawnCapturingOutput(
            GatewayProcess.executable.path, arguments, environment: Self.staffEnvironment,
            errorOutput: stderrToo ? 2 : nil, errorsToOutput: stderrToo)
        return (status, String(decoding: output, as: UTF8.self))
    }

    @Test("import and email import commit routed complaints that a serving gateway then delivers; dlq lists")
    func importsWithoutSecrets() async throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("cg-offline-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let data = scratch.appendingPathComponent("data")
        let common = ["--config", RunningGateway.configDirectory.path, "--data-dir", data.path]

        // The serving gateway's own check still asks for everything it serves with.
        let check = try await run(["config", "check", "--config", RunningGateway.configDirectory.path])
        #expect(check.status == 78)
        #expect(check.output.contains("auth.tokens[0].token: environment variable GATEWAY_TOKEN is not set"))

        let csv = scratch.appendingPathComponent("calls.csv")
        try Data(HotlineUploadTests.file.utf8).write(to: csv)
        let first = try await run(["import", csv.path, "--profile", "12345"] + common)
        #expect(first.status == 0, "\(first.output)")
        #expect(first.output.contains("4 rows: 2 accepted, 0 duplicates, 2 rejected, 1 warnings"))
        // The summary lists the warnings too: a row taken with its phone lost is worth a look.
        #expect(first.output.contains("  warning, line 4 [GD003]: phone \"1.38123E+10\""), "\(first.output)")
        // A store made on the spot is said: a mistyped --data-dir would otherwise go unseen.
        #expect(first.output.contains("note: there was no store at \(data.standardizedFileURL.path)/gateway.sqlite"))
        // Nothing about the parts an import never reads: tokens, SMS providers, endpoints.
        for unread in ["auth.", "sms.", "server.", "endpoint", "GATEWAY_TOKEN", "DOWNSTREAM_URL"] {
            #expect(!first.output.contains(unread), "\(unread) in: \(first.output)")
        }
        let again = try await run(["import", csv.path, "--profile", "12345", "--json"] + common, stderrToo: false)
        #expect(again.status == 0)
        let report = try #require(try JSONSerialization.jsonObject(with: Data(again.output.utf8)) as? [String: Any])
        #expect(report["accepted"] as? Int == 0)
        #expect(report["duplicates"] as? Int == 2)
        // The rejected rows' file on disk, where this command can name it.
        let rejectedFile = try #require(report["rejected_file"] as? String)
        #expect(rejectedFile.hasPrefix(data.standardizedFileURL.path) || rejectedFile.hasPrefix(data.path))
        #expect(FileManager.default.fileExists(atPath: rejectedFile))
        #expect((report["rejected_csv"] as? String)?.hasPrefix("/v1/hotline/imports/") == true)
        // A refused file still answers --json, in the HTTP upload's error shape.
        let workbook = scratch.appendingPathComponent("calls.gnumeric.csv")
        try Data([0x1F, 0x8B, 0x08, 0x00, 0x00]).write(to: workbook)
        let refused = try await run(
            ["import", workbook.path, "--profile", "12345", "--json"] + common, stderrToo: false)
        #expect(refused.status == 65)
        let refusal = try #require(
            try JSONSerialization.jsonObject(with: Data(refused.output.utf8)) as? [String: [String: String]])
        #expect(refusal["error"]?["code"] == "not_csv")
        // Kept in quarantine, and named so it can be processed again once fixed.
        let kept = try #require(refusal["error"]?["raw_id"])
        #expect(
            try await sqlite(
                data.appendingPathComponent("gateway.sqlite").path,
                "select disposition from raw_payloads where id = '\(kept)'") == "quarantined")
        // A missing file, a directory, an unknown profile: said plainly, in JSON too, before any store is made.
        let elsewhere = [
            "--config", RunningGateway.configDirectory.path, "--data-dir", scratch.appendingPathComponent("d2").path,
        ]
        for (arguments, code, status) in [
            (
                ["import", scratch.appendingPathComponent("nope.csv").path, "--profile", "12345"], "unreadable_file",
                Int32(66)
            ),
            (["import", scratch.path, "--profile", "12345"], "unreadable_file", 66),
            (["import", csv.path, "--profile", "nope"], "unknown_profile", 64),
        ] {
            let refused = try await run(arguments + ["--json"] + elsewhere, stderrToo: false)
            #expect(refused.status == status)
            let body = try JSONSerialization.jsonObject(with: Data(refused.output.utf8)) as? [String: [String: String]]
            #expect(body?["error"]?["code"] == code, "\(refused.output)")
            #expect(body?["error"]?["message"]?.contains("GatewayError") == false)
        }
        #expect(!FileManager.default.fileExists(atPath: scratch.appendingPathComponent("d2").path))
        // A store that cannot be opened (the data directory is a file) also answers --json.
        let unopenable = try await run(
            [
                "import", csv.path, "--profile", "12345", "--json", "--config", RunningGateway.configDirectory.path,
                "--data-dir", csv.path,
            ], stderrToo: false)
        #expect(unopenable.status == 75)
        let unopened =
            try JSONSerialization.jsonObject(with: Data(unopenable.output.utf8)) as? [String: [String: String]]
        #expect(unopened?["error"]?["code"] == "store_unavailable", "\(unopenable.output)")
        #expect(
            unopened?["error"]?["message"]?.hasSuffix("\(csv.path): a file is already there, not a directory") == true,
            "\(unopenable.output)")

        let eml = scratch.appendingPathComponent("message.eml")
        try Data(
            """
            From: resident@example.cn\r
            To: complaints@hotline.example.gov.cn\r
            Subject: =?utf-8?B?\(Data("路灯不亮".utf8).base64EncodedString())?=\r
            Message-ID: <offline-1@example.cn>\r
            Content-Type: text/plain; charset=utf-8\r
            \r
            文三路的路灯一周没亮了。\r

            """.utf8
        ).write(to: eml)
        let email = try await run(["email", "import", eml.path] + common)
        #expect(email.status == 0, "\(email.output)")
        #expect(email.output.contains("1 complaints"))
        #expect(!email.output.contains("no store"), "the store the hotline import made is used")
        #expect(!email.output.contains("auth.") && !email.output.contains("sms."))

        // A call log given to the mail import by mistake is refused, not stored as one complaint.
        let misfiled = try await run(["email", "import", csv.path] + common)
        #expect(misfiled.status == 1)
        #expect(misfiled.output.contains("0 complaints"))
        #expect(misfiled.output.contains("not an e-mail message"))
        let missing = try await run(["email", "import", scratch.appendingPathComponent("none.eml").path] + common)
        #expect(missing.status == 66)
        #expect(missing.output.contains("no such file"))
        #expect(!missing.output.contains("Usage"))

        let deadLetters = try await run(["dlq", "list"] + common)
        #expect(deadLetters.status == 0, "\(deadLetters.output)")
        #expect(deadLetters.output.contains("no dead letters"))
        // A mistyped data directory is not an empty store.
        let typo = scratch.appendingPathComponent("dta")
        for command in [["dlq", "list"], ["dlq", "replay", "--all"]] {
            let wrong = try await run(
                command + ["--config", RunningGateway.configDirectory.path, "--data-dir", typo.path])
            #expect(wrong.status == 1)
            #expect(wrong.output.contains("no store at \(typo.path)/gateway.sqlite"), "\(wrong.output)")
        }
        #expect(!FileManager.default.fileExists(atPath: typo.path))

        // The outbox rows the commands committed are the serving gateway's to deliver.
        let downstream = try await DownstreamServer.start()
        let gateway = try await RunningGateway.start(downstream: downstream.baseURL, dataDirectory: data)
        try await eventually("delivered") { downstream.requests.count >= 3 }
        let tickets = try downstream.requests.map { try ComplaintJSON.decode($0.body).source.externalID }
        #expect(Set(tickets) == ["GD001", "GD003", "offline-1@example.cn"])
        try await gateway.stop()
        await downstream.stop()
    }

    /// A gateway serving `data` in a new scratch directory (`prefix-…`), delivering to `downstream`,
    /// for commands run beside it on the same data directory.
    private func servingGateway(_ prefix: String) async throws -> (
        scratch: URL, data: URL, downstream: DownstreamServer, gateway: RunningGateway
    ) {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        let data = scratch.appendingPathComponent("data")
        let downstream = try await DownstreamServer.start()
        let gateway = try await RunningGateway.start(downstream: downstream.baseURL, dataDirectory: data)
        return (scratch, data, downstream, gateway)
    }

    @Test("import and email import commit beside a gateway serving the same data directory, which delivers them")
    func importsBesideServingGateway() async throws {
        let (scratch, data, downstream, gateway) = try await servingGateway("cg-beside")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let common = ["--config", RunningGateway.configDirectory.path, "--data-dir", data.path]

        let csv = scratch.appendingPathComponent("calls.csv")
        try Data(HotlineUploadTests.file.utf8).write(to: csv)
        let imported = try await run(["import", csv.path, "--profile", "12345"] + common)
        #expect(imported.status == 0, "\(imported.output)")
        #expect(imported.output.contains("4 rows: 2 accepted, 0 duplicates, 2 rejected"), "\(imported.output)")
        let eml = scratch.appendingPathComponent("message.eml")
        try Data(
            "From: resident@example.cn\r\nMessage-ID: <beside-1@example.cn>\r\nSubject: lamp\r\n\r\n文三路的路灯不亮。\r\n"
                .utf8
        ).write(to: eml)
        let mailed = try await run(["email", "import", eml.path] + common)
        #expect(mailed.status == 0, "\(mailed.output)")
        #expect(mailed.output.contains("1 complaints"), "\(mailed.output)")

        // The serving gateway's dispatcher finds the committed rows on its own, without a restart.
        try await eventually("delivered") { downstream.requests.count >= 3 }
        let delivered = try downstream.requests.map { try ComplaintJSON.decode($0.body).source.externalID }
        #expect(Set(delivered) == ["GD001", "GD003", "beside-1@example.cn"])
        // The same file uploaded to the gateway now is all duplicates: one store, one dedup.
        let upload = try await gateway.request(
            .post, "/v1/hotline/calls?profile=12345", body: Data(HotlineUploadTests.file.utf8),
            headers: [("Content-Type", "text/csv")])
        #expect(upload.status == 200)
        #expect(String(decoding: upload.body, as: UTF8.self).contains(#""duplicates":2"#))
        // The lock is still the serving gateway's: a second `serve` is refused as before.
        let lock = try String(contentsOf: data.appendingPathComponent("gateway.lock"), encoding: .utf8)
        #expect(lock == "\(getpid())\n")
        try await gateway.stop()
        await downstream.stop()
    }

    @Test("the same messages by email import and by POST /v1/email at once are each stored once")
    func emailRaceAcrossProcesses() async throws {
        let (scratch, data, downstream, gateway) = try await servingGateway("cg-race")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let count = 600
        let messages = (0..<count).map { index in
            "From: resident\(index)@example.cn\r\nMessage-ID: <race-\(index)@example.cn>\r\n"
                + "Subject: 路灯 \(index)\r\nDate: Sat, 05 Dec 2026 10:00:00 +0800\r\n\r\n"
                + "文三路\(index)号的路灯不亮。\r\n"
        }
        let mbox = scratch.appendingPathComponent("race.mbox")
        try Data(messages.map { "From resident@example.cn Sat Dec  5 10:00:00 2026\n" + $0 + "\n" }.joined().utf8)
            .write(to: mbox)

        // Two imports (under two adapters, as a mailbox export and an archive would be) and the
        // posts each take every message. The imports go in step through the same file: without
        // one lock across the processes, both find a Message-ID unstored and store it twice.
        let common = ["--config", RunningGateway.configDirectory.path, "--data-dir", data.path]
        async let imported = run(["email", "import", mbox.path, "--adapter", "export"] + common)
        async let archived = run(["email", "import", mbox.path, "--adapter", "archive"] + common)
        // The posts start once the imports are under way (a process takes a while to start).
        try await eventually("imports under way") {
            (try? await sqlite(gateway.databasePath, "SELECT count(*) FROM complaints")) != "0"
        }
        let posted = try await withThrowingTaskGroup(of: Int.self) { group in
            for lane in 0..<4 {
                group.addTask {
                    var posted = 0
                    for (offset, message) in messages.enumerated() where offset % 4 == lane {
                        let reply = try await gateway.request(
                            .post, "/v1/email", body: Data(message.utf8),
                            headers: [("Content-Type", "message/rfc822")])
                        posted += reply.status == 201 || reply.status == 200 ? 1 : 0
                    }
                    return posted
                }
            }
            return try await group.reduce(0, +)
        }
        #expect(posted == count)
        for finished in [try await imported, try await archived] {
            #expect(finished.status == 0, "\(finished.output)")
        }
        let stored = try await sqlite(
            gateway.databasePath,
            "SELECT count(*), count(DISTINCT external_id) FROM complaints WHERE channel = 'email'")
        #expect(stored == "\(count)|\(count)")
        try await gateway.stop()
        await downstream.stop()
    }

    @Test("rules explain decides from flags; a bad flag is named as itself")
    func rulesExplain() async throws {
        let config = ["--config", RunningGateway.configDirectory.path]
        let decided = try await run(["rules", "explain", "--text", "小区停水三天了"] + config)
        #expect(decided.status == 0, "\(decided.output)")
        #expect(decided.output.contains("water-supply"))
        #expect(
            decided.output.contains(
                "MATCH keywords/water-outage  — keywords_any: 停水 in text; decides department, priority, due_at"),
            "\(decided.output)")
        let badChannel = try await run(["rules", "explain", "--text", "x", "--channel", "web"] + config)
        #expect(badChannel.status == 64)
        #expect(badChannel.output.contains("--channel: channel: must be one of"))
        #expect(!badChannel.output.contains("Usage: complaint-gateway <subcommand>"))
        let badTime = try await run(["rules", "explain", "--text", "x", "--received-at", "yesterday"] + config)
        #expect(badTime.output.contains("--received-at: received_at:"))
        let missing = try await run(["rules", "explain", "--record", "/nonexistent/record.json"] + config)
        #expect(missing.status == 66)
        #expect(missing.output.contains("--record /nonexistent/record.json: no such file"))
        #expect(!missing.output.contains("Usage"))
        // A stored record routed otherwise than the tables in force now decide: both are said.
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("cg-record-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data(
            #"{"text":"小区停水三天了","routing":{"department":"urban-management","priority":"normal","rule":"old-rule","table":"keywords"}}"#
                .utf8
        ).write(to: file)
        let stored = try await run(["rules", "explain", "--record", file.path] + config)
        #expect(stored.status == 0, "\(stored.output)")
        #expect(
            stored.output.contains(
                "stored:     urban-management  (rule old-rule, table keywords), priority normal, due none"))
        #expect(
            stored.output.contains("now:        the record was routed differently (department, rule, priority, due_at)")
        )
        // A missing configuration directory is named as such, not in Foundation's words.
        let noConfig = try await run(["config", "check", "--config", "/nonexistent"])
        #expect(noConfig.status == 78)
        #expect(noConfig.output.contains("/nonexistent/gateway.yaml: cannot read file: no such file"))
    }

    @Test("what an import never reads is not its concern; what it reads still is")
    func useDecidesWhichProblemsCount() throws {
        let config = try SampleConfigCopy.temporary("cg-use")
        defer { config.remove() }
        let directory = config.directory
        try config.edit("departments.yaml") {
            $0.replacingOccurrences(of: "${DOWNSTREAM_URL:-http://127.0.0.1:9009}", with: "${DEPARTMENT_HOST}")
        }

        #expect {
            try GatewayConfiguration.load(directory: directory, environment: ["GATEWAY_TOKEN": RunningGateway.token])
        } throws: { "\($0)".contains("departments.yaml:") && "\($0)".contains("DEPARTMENT_HOST") }
        let imported = try GatewayConfiguration.load(directory: directory, environment: [:], use: .hotlineImport)
        #expect(imported.warnings.allSatisfy { !$0.field.hasPrefix("sms.") && !$0.field.hasPrefix("auth.") })
        #expect(imported.departments.count >= 7)

        // A broken rule table stops an import: routing is what it reads.
        try config.write("routing/keywords.yaml", "rules: [")
        #expect {
            try GatewayConfiguration.load(directory: directory, environment: [:], use: .hotlineImport)
        } throws: { "\($0)".contains("routing/keywords.yaml") }

        // dlq and backup read gateway.yaml's storage section alone.
        let storage = try GatewayConfiguration.loadStorage(directory: directory, environment: [:])
        #expect(storage.storage.dataDirectory == "./data")
    }

    @Test("config check names the hotline profiles it loaded, and a profile's problems come in line order")
    func configCheckProfiles() async throws {
        var environment = Self.staffEnvironment
        environment["GATEWAY_TOKEN"] = RunningGateway.token
        let good = try await spawnCapturingOutput(
            GatewayProcess.executable.path, ["config", "check", "--config", RunningGateway.configDirectory.path],
            environment: environment, errorOutput: 2, errorsToOutput: true)
        let goodText = String(decoding: good.output, as: UTF8.self)
        #expect(good.status == 0, "\(goodText)")
        #expect(goodText.contains("\n2 hotline profiles: 12345, 311\n"), "\(goodText)")

        let copy = FileManager.default.temporaryDirectory.appendingPathComponent("cg-profiles-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: RunningGateway.configDirectory, to: copy)
        defer { try? FileManager.default.removeItem(at: copy) }
        // Checked field by field, found out of line order: `categories` is read after `columns`,
        // `time_zone` before both, and a file value's duplicate after its target.
        try Data(
            """
            columns:
              ticket_id: 工单编号
              call_time: 来电时间
              Text: 诉求内容
            categories:
              投诉: 投拆
            time_zone: CST

            """.utf8
        ).write(to: copy.appendingPathComponent("hotline/vendor.yaml"))
        let bad = try await spawnCapturingOutput(
            GatewayProcess.executable.path, ["config", "check", "--config", copy.path],
            environment: environment, errorOutput: 2, errorsToOutput: true)
        let badText = String(decoding: bad.output, as: UTF8.self)
        #expect(bad.status == 78)
        let lines = badText.split(separator: "\n").filter { $0.contains("hotline/vendor.yaml:") }.map {
            $0.split(separator: ":").dropFirst().first.map(String.init) ?? ""
        }
        #expect(lines == ["4", "6", "7"], "\(badText)")
    }

    @Test("an import the store stops half-way exits 75 with store_unavailable, SQLite's words and no statement")
    func importStoppedByTheStore() async throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("cg-offline-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let data = scratch.appendingPathComponent("data")
        let common = ["--config", RunningGateway.configDirectory.path, "--data-dir", data.path]
        let csv = scratch.appendingPathComponent("calls.csv")
        try Data(HotlineUploadTests.file.utf8).write(to: csv)
        #expect(try await run(["import", csv.path, "--profile", "12345"] + common).status == 0)
        // The store's own refusal of one row, as a full disk or an I/O error gives it.
        _ = try await sqlite(
            data.appendingPathComponent("gateway.sqlite").path,
            """
            CREATE TRIGGER refuse_ticket BEFORE INSERT ON complaints WHEN NEW.external_id = 'GD-NEW'
            BEGIN SELECT RAISE(ABORT, 'injected refusal'); END
            """)
        try Data((HotlineUploadTests.file + "GD-NEW,2026/11/3 9:30,13812345678,丁,投诉,井盖缺失,西湖区文三路4号,ZX1004,40\r\n").utf8)
            .write(to: csv)
        let stopped = try await run(["import", csv.path, "--profile", "12345", "--json"] + common, stderrToo: false)
        #expect(stopped.status == 75)
        let body = try JSONSerialization.jsonObject(with: Data(stopped.output.utf8)) as? [String: [String: String]]
        #expect(body?["error"]?["code"] == "store_unavailable", "\(stopped.output)")
        let message = body?["error"]?["message"] ?? ""
        #expect(message.hasPrefix("the import stopped: the store could not commit its rows"), "\(message)")
        #expect(message.contains("SQLite error 19: injected refusal"), "\(message)")
        #expect(!message.contains("INSERT"), "\(message)")
    }
}
