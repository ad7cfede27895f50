import ComplaintCore
import EmailAdapter
import Foundation
import GatewayTestSupport
import Testing

/// Our parser against Python's `email` package (policy.default) on CPython's own odd test
/// messages and our Chinese ones. Every disagreement must be one we examined: `verdicts` holds
/// each, with the rule that decides who is right. A new disagreement (or one that disappears)
/// fails the test.
@Suite("Email parser vs Python's email package as an oracle")
struct OracleComparisonTests {
    /// (file, field) → why we differ and who is right.
    static let commentName =
        "ours: the RFC 822 comment form `addr (Name)` gives the name mail clients show; policy.default ignores comments"
    static let defaultTextPlain =
        "ours: a part without Content-Type is text/plain (RFC 2045 5.2, RFC 2046 5.1), so it is the body; Python's get_body finds none"

    static let verdicts: [String: String] = [
        "bounce.eml from_name": commentName,
        "msg_01.txt from_name": commentName,
        "msg_03.txt from_name": commentName,
        "msg_04.txt from_name": commentName,
        "msg_06.txt from_name": commentName,
        "msg_14.txt from_name": commentName,
        "msg_20.txt from_name": commentName,
        "msg_27.txt from_name": commentName,
        "msg_29.txt from_name": commentName,
        "msg_44.txt from_name": commentName,
        "msg_05.txt from_address": "ours: `From: foo` has no @, so there is no address; Python takes the bare word",
        "msg_43.txt from_address":
            "ours: `MAILER DAEMON <>` is the null sender, no address (RFC 5321 4.5.5); Python reports the literal <>",
        "msg_43.txt from_name":
            "ours: with no address there is no mailbox to name; Python keeps the display name of the null sender",
        "msg_25.txt body_type": defaultTextPlain,
        "msg_37.txt body_type": defaultTextPlain,
        "msg_41.txt body_type":
            "ours: a multipart without a boundary is read as text/plain (documented), so its text is not lost; Python finds no body",
        "gbk-outlook.eml subject":
            "ours: a GBK character split across two encoded words is joined as bytes before decoding (RFC 2047 sec. 5 forbids the split, Outlook does it anyway); Python decodes each word alone and gets mojibake",
        "mislabelled.eml from_name":
            "ours: raw 8-bit GBK in a header decodes by the charset rule (not UTF-8, so GB18030); Python substitutes U+FFFD",
        "mislabelled.eml body":
            "ours: UTF-8 bytes under a us-ascii label are UTF-8 (WHATWG: us-ascii is windows-1252; valid UTF-8 wins in our rule); Python yields U+FFFD",
    ]

    struct Oracle: Decodable {
        var file: String
        var subject: String?
        var fromAddress: String?
        var fromName: String?
        var bodyType: String?
        var body: String?
        var error: String?

        enum CodingKeys: String, CodingKey {
            case file, subject, body, error
            case fromAddress = "from_address"
            case fromName = "from_name"
            case bodyType = "body_type"
        }
    }

    static func corpusFiles() throws -> [URL] {
        let root = try #require(Bundle.module.url(forResource: "Corpus", withExtension: nil))
        let own = try FileManager.default.contentsOfDirectory(at: root, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "eml" }
        let cpython = try FileManager.default.contentsOfDirectory(
            at: root.appendingPathComponent("cpython"), includingPropertiesForKeys: nil
        ).filter { $0.lastPathComponent.hasPrefix("msg_") }
        return (own + cpython).sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    static func oracle(_ files: [URL]) async throws -> [String: Oracle] {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
            "email_oracle.py")
        let (status, data) = try await spawnCapturingOutput("/usr/bin/python3", [script.path] + files.map(\.path))
        #expect(status == 0, "email_oracle.py exited with \(status)")
        var result: [String: Oracle] = [:]
        for line in data.split(separator: UInt8(ascii: "\n")) {
            let entry = try JSONDecoder().decode(Oracle.self, from: Data(line))
            result[entry.file] = entry
        }
        return result
    }

    static func squash(_ text: String?) -> String? {
        text.map { $0.split(whereSeparator: { $0.isWhitespace || $0.isNewline }).joined(separator: " ") }
    }

    @Test("every disagreement with Python is a known one with a verdict")
    func agreesWithPythonOrHasAVerdict() async throws {
        let files = try Self.corpusFiles()
        #expect(files.count >= 50)
        let oracle = try await Self.oracle(files)
        var disagreements: [String: String] = [:]
        for url in files {
            let name = url.lastPathComponent
            let expected = try #require(oracle[name])
            if expected.error != nil { continue }  // Python cannot read it: nothing to compare
            let message = MIMEParser().parse(Array(try Data(contentsOf: url)))
            let subject = Self.squash(message.headers["Subject"])
            if subject != expected.subject {
                disagreements["\(name) subject"] = "\(subject ?? "nil") vs \(expected.subject ?? "nil")"
            }
            let from = message.headers["From"].flatMap(MailAddress.parse)
            if from?.address.lowercased() != expected.fromAddress?.lowercased() {
                disagreements["\(name) from_address"] = "\(from?.address ?? "nil") vs \(expected.fromAddress ?? "nil")"
            }
            if from?.name != expected.fromName {
                disagreements["\(name) from_name"] = "\(from?.name ?? "nil") vs \(expected.fromName ?? "nil")"
            }
            let body = EmailBody.select(message)
            if body?.mediaType != expected.bodyType {
                disagreements["\(name) body_type"] = "\(body?.mediaType ?? "nil") vs \(expected.bodyType ?? "nil")"
            } else if body?.mediaType == "text/plain", Self.squash(body?.text.text) != expected.body {
                disagreements["\(name) body"] =
                    "\(Self.squash(body?.text.text)?.prefix(80) ?? "nil") vs \(expected.body?.prefix(80) ?? "nil")"
            }
        }
        for (key, detail) in disagreements.sorted(by: { $0.key < $1.key }) where Self.verdicts[key] == nil {
            Issue.record("unexamined disagreement \(key): \(detail)")
        }
        for key in Self.verdicts.keys.sorted() where disagreements[key] == nil {
            Issue.record("known disagreement \(key) no longer occurs: update the verdicts")
        }
    }
}
